#include "sigma/mapping.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>

#include "common/text.h"
#include "sigma/linux_mapping_text.h"
#include "sigma/yaml_text.h"

namespace wsn::sigma {
namespace {

SourceRange range_of(const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  const uint32_t p = m.pos >= 0 ? static_cast<uint32_t>(m.pos) : 0;
  return {p, p + 1};
}

bool read_fields(const YAML::Node& n, std::map<std::string, FieldMapping>& out, Diagnostics& d) {
  if (!n.IsMap()) {
    d.error("SIGMA020", "'fields' must map Sigma field names to event fields", range_of(n));
    return false;
  }
  bool ok = true;
  for (const auto& kv : n) {
    const std::string name = scalar(kv.first);
    FieldMapping fm;
    if (kv.second.IsScalar()) {
      fm.field = kv.second.as<std::string>();
    } else if (kv.second.IsMap() && kv.second["field"]) {
      fm.field = scalar(kv.second["field"]);
      if (const YAML::Node v = kv.second["values"]) {
        if (!v.IsMap()) {
          d.error("SIGMA020", "'values' must map Sigma values to event values", range_of(v));
          ok = false;
          continue;
        }
        for (const auto& vv : v) fm.values[ascii_lower(scalar(vv.first))] = scalar(vv.second);
      }
    }
    if (name.empty() || fm.field.empty()) {
      d.error("SIGMA020",
              "field mapping '" + name +
                  "' must name an event field (NAME: ecs.field or NAME: "
                  "{field: ecs.field, values: {…}})",
              range_of(kv.second));
      ok = false;
      continue;
    }
    out[name] = std::move(fm);
  }
  return ok;
}

}  // namespace

const char* Mapping::builtin_text() {
  return kLinuxMappingText;
}

const Mapping& Mapping::builtin() {
  static const Mapping m = [] {
    Mapping out;
    Diagnostics d;
    const YAML::Node doc = YAML::Load(kLinuxMappingText);
    out.add(doc["sigma_mapping"], "data/sigma/linux.yml", d);
    return out;
  }();
  return m;
}

void Mapping::add(const YAML::Node& body, const std::string& origin_file, Diagnostics& d) {
  if (!body || !body.IsMap()) {
    d.error("SIGMA020", "'sigma_mapping' must be a mapping {logsources, fields, placeholders}",
            body ? range_of(body) : SourceRange{0, 1});
    return;
  }
  for (const auto& kv : body) {
    const std::string k = scalar(kv.first);
    if (k != "logsources" && k != "fields" && k != "placeholders") {
      d.error("SIGMA020",
              "unknown key '" + k +
                  "' in 'sigma_mapping' (known: logsources, fields, "
                  "placeholders)",
              range_of(kv.first));
    }
  }
  if (const YAML::Node ls = body["logsources"]) {
    if (!ls.IsSequence()) {
      d.error("SIGMA020", "'logsources' must be a list of logsource entries", range_of(ls));
    } else {
      for (const auto& e : ls) {
        if (!e.IsMap()) {
          d.error("SIGMA020", "a logsource entry must be a mapping", range_of(e));
          continue;
        }
        LogsourceMapping m;
        bool ok = true;
        for (const auto& kv : e) {
          const std::string k = scalar(kv.first);
          if (k == "product") {
            m.product = ascii_lower(scalar(kv.second));
          } else if (k == "category") {
            m.category = ascii_lower(scalar(kv.second));
          } else if (k == "service") {
            m.service = ascii_lower(scalar(kv.second));
          } else if (k == "event_category") {
            m.event_category = scalar(kv.second);
          } else if (k == "condition") {
            m.condition = scalar(kv.second);
          } else if (k == "keywords") {
            if (kv.second.IsScalar()) {
              m.keywords.push_back(kv.second.as<std::string>());
            } else if (kv.second.IsSequence()) {
              for (const auto& x : kv.second) m.keywords.push_back(scalar(x));
            }
          } else if (k == "fields") {
            ok &= read_fields(kv.second, m.fields, d);
          } else {
            d.error("SIGMA020",
                    "unknown key '" + k +
                        "' in a logsource entry (known: product, category, "
                        "service, event_category, condition, keywords, fields)",
                    range_of(kv.first));
            ok = false;
          }
        }
        if (m.event_category.empty()) {
          d.error("SIGMA020", "'event_category' must name an EQL event category (or any)",
                  range_of(e));
          ok = false;
        }
        if (!ok) continue;
        m.origin = origin_file + ":" + std::to_string(e.Mark().line + 1);
        // The same keys again replace the earlier entry.
        auto same = std::find_if(logsources_.begin(), logsources_.end(), [&](const auto& o) {
          return o.product == m.product && o.category == m.category && o.service == m.service;
        });
        if (same != logsources_.end()) {
          *same = std::move(m);
        } else {
          logsources_.push_back(std::move(m));
        }
      }
    }
  }
  if (const YAML::Node f = body["fields"]) read_fields(f, fields_, d);
  if (const YAML::Node p = body["placeholders"]) {
    if (!p.IsMap()) {
      d.error("SIGMA020", "'placeholders' must map names to lists of values", range_of(p));
    } else {
      for (const auto& kv : p) {
        std::vector<std::string> values;
        if (kv.second.IsScalar()) {
          values.push_back(kv.second.as<std::string>());
        } else if (kv.second.IsSequence()) {
          for (const auto& x : kv.second) values.push_back(scalar(x));
        } else {
          d.error("SIGMA020", "placeholder '" + scalar(kv.first) + "' must be a list of values",
                  range_of(kv.second));
          continue;
        }
        placeholders_[scalar(kv.first)] = std::move(values);
      }
    }
  }
}

const LogsourceMapping* Mapping::logsource(const std::string& product, const std::string& category,
                                           const std::string& service) const {
  const LogsourceMapping* best = nullptr;
  int best_score = -1;
  auto fits = [](const std::optional<std::string>& want, const std::string& have, int& score) {
    if (!want) return have.empty();
    if (*want == "*") return true;
    if (*want != have) return false;
    ++score;
    return true;
  };
  for (const LogsourceMapping& m : logsources_) {
    int score = 0;
    if (!fits(m.product, product, score) || !fits(m.category, category, score) ||
        !fits(m.service, service, score)) {
      continue;
    }
    if (score >= best_score) {
      best = &m;
      best_score = score;
    }
  }
  return best;
}

const FieldMapping* Mapping::field(const LogsourceMapping* ls, const std::string& name) const {
  if (ls) {
    if (auto it = ls->fields.find(name); it != ls->fields.end()) return &it->second;
  }
  if (auto it = fields_.find(name); it != fields_.end()) return &it->second;
  return nullptr;
}

const std::vector<std::string>* Mapping::placeholder(const std::string& name) const {
  auto it = placeholders_.find(name);
  return it == placeholders_.end() ? nullptr : &it->second;
}

}  // namespace wsn::sigma
