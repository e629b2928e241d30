#include "sigma/compile.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>

#include "common/text.h"
#include "sigma/condition.h"
#include "sigma/modifiers.h"
#include "sigma/yaml_text.h"

namespace wsn::sigma {
namespace {

uint32_t offset_of(const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  return m.pos >= 0 ? static_cast<uint32_t>(m.pos) : 0;
}

struct Ctx {
  const Mapping& mapping;
  const LogsourceMapping* ls;
  const FieldRegistry& reg;
  const std::string& file_name;
  const std::string& file_text;
  Diagnostics& diags;
  std::string logsource_name;
  bool ok = true;

  void error(const std::string& code, const std::string& msg, const YAML::Node& at,
             uint32_t len = 1) {
    const uint32_t o = offset_of(at);
    diags.error(code, msg, {o, o + len});
    ok = false;
  }
  void warning(const std::string& code, const std::string& msg, const YAML::Node& at,
               uint32_t len = 1) {
    const uint32_t o = offset_of(at);
    diags.warning(code, msg, {o, o + len});
  }
  std::string from(const YAML::Node& n) const {
    return "  // from " + file_name + ":" + std::to_string(n.Mark().line + 1) + "\n";
  }
};

TargetField target(const Ctx& c, const std::string& ecs, const FieldMapping* fm) {
  TargetField t;
  const FieldId id = c.reg.find(ecs);
  t.eql = eql_field(ecs, id == kInvalidField);
  t.type = id == kInvalidField ? FieldType::kString : c.reg.type(id);
  if (t.type == FieldType::kStringList) t.type = FieldType::kString;
  if (fm) {
    for (const auto& [from, to] : fm->values) t.value_map.emplace_back(from, to);
  }
  return t;
}

bool resolve_field(const void* ctx, const std::string& name, TargetField& out) {
  const Ctx& c = *static_cast<const Ctx*>(ctx);
  const FieldMapping* fm = c.mapping.field(c.ls, name);
  if (!fm) return false;
  out = target(c, fm->field, fm);
  return true;
}

std::vector<RawValue> raw_values(const YAML::Node& n) {
  std::vector<RawValue> out;
  auto one = [&](const YAML::Node& v) {
    RawValue r;
    if (!v || v.IsNull()) {
      r.type = RawValue::kNull;
    } else if (v.IsScalar()) {
      r.text = v.as<std::string>();
      if (v.Tag() == "?") {
        const std::string l = ascii_lower(r.text);
        bool number = !r.text.empty();
        for (char ch : r.text) {
          number &= std::isdigit(static_cast<unsigned char>(ch)) || ch == '-' || ch == '.';
        }
        if (l == "true" || l == "false") {
          r.type = RawValue::kBool;
          r.text = l;
        } else if (number) {
          r.type = RawValue::kNumber;
        }
      }
    } else {
      r.type = RawValue::kString;
      r.text = "\x01";  // marks a non-scalar; reported by the caller
    }
    out.push_back(std::move(r));
  };
  if (n && n.IsSequence()) {
    for (const auto& v : n) one(v);
  } else {
    one(n);
  }
  return out;
}

// One `key: value(s)` item of a selection map; "" on errors.
std::string item(Ctx& c, const std::string& k, const YAML::Node& key, const YAML::Node& value) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t bar = k.find('|', start);
    parts.push_back(k.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  ItemRequest req;
  const std::string sigma_field = parts[0];
  req.modifiers.assign(parts.begin() + 1, parts.end());
  req.placeholders = nullptr;
  req.resolver_ctx = &c;
  req.resolve = &resolve_field;
  if (sigma_field.empty()) {
    req.keyword = true;
    for (const std::string& f : c.ls->keywords) req.fields.push_back(target(c, f, nullptr));
    if (req.fields.empty()) {
      c.error("SIGMA005",
              "keywords need the logsource's keyword fields, and " + c.logsource_name +
                  " has none (`keywords:` of its sigma_mapping entry)",
              key);
      return "";
    }
  } else {
    const FieldMapping* fm = c.mapping.field(c.ls, sigma_field);
    if (fm) {
      req.fields.push_back(target(c, fm->field, fm));
    } else {
      c.warning("SIGMA006",
                "field '" + sigma_field + "' has no mapping for " + c.logsource_name +
                    "; it is matched as the event field '" + sigma_field +
                    "' (add it to a sigma_mapping document's `fields:`)",
                key, static_cast<uint32_t>(sigma_field.size()));
      req.fields.push_back(target(c, sigma_field, nullptr));
    }
  }
  std::vector<std::string> mods_lower;
  for (const auto& m : req.modifiers) mods_lower.push_back(ascii_lower(m));
  req.values = raw_values(value);
  for (const RawValue& v : req.values) {
    if (v.text == "\x01") {
      c.error("SIGMA007",
              "a value must be a string, a number, a boolean or null (or a list of them)", value);
      return "";
    }
  }
  if (value.IsSequence() && value.size() == 0) {
    c.error("SIGMA007", "an empty list of values matches nothing", value);
    return "";
  }
  // Placeholders from the mapping.
  std::map<std::string, std::vector<std::string>> placeholders;
  for (const RawValue& v : req.values) {
    size_t a = v.text.find('%');
    while (a != std::string::npos) {
      const size_t b = v.text.find('%', a + 1);
      if (b == std::string::npos) break;
      const std::string name = v.text.substr(a + 1, b - a - 1);
      if (const auto* values = c.mapping.placeholder(name)) placeholders[name] = *values;
      a = v.text.find('%', b + 1);
    }
  }
  req.placeholders = &placeholders;
  ItemResult r = translate_item(req);
  if (!r.error.empty()) {
    // Point at the modifier when one is to blame.
    uint32_t off = offset_of(key), len = static_cast<uint32_t>(k.size());
    if (r.bad_modifier >= 0) {
      size_t p = sigma_field.size();
      for (int m = 0; m <= r.bad_modifier; ++m) {
        p = k.find('|', p) + 1;
      }
      if (off < c.file_text.size() && (c.file_text[off] == '\'' || c.file_text[off] == '"')) ++off;
      off += static_cast<uint32_t>(p);
      len = static_cast<uint32_t>(req.modifiers[static_cast<size_t>(r.bad_modifier)].size());
      c.diags.error(r.error.rfind("unknown modifier", 0) == 0 ? "SIGMA008" : "SIGMA009", r.error,
                    {off, off + len});
      c.ok = false;
    } else {
      c.error("SIGMA009", r.error, value.IsSequence() || value.IsMap() ? key : value);
    }
    return "";
  }
  return r.eql;
}

// A search identifier's value → EQL (ending in a newline: every part carries a comment).
std::string selection(Ctx& c, const YAML::Node& n, int depth = 0) {
  if (n.IsMap()) {
    if (n.size() == 0) {
      c.error("SIGMA004", "an empty selection matches nothing", n);
      return "";
    }
    std::string out = "(\n";
    bool first = true;
    for (const auto& kv : n) {
      const std::string e = item(c, scalar(kv.first), kv.first, kv.second);
      if (e.empty()) continue;
      out += std::string(first ? "  " : "  and ") + e + c.from(kv.first);
      first = false;
    }
    return out + ")";
  }
  if (n.IsSequence()) {
    if (n.size() == 0) {
      c.error("SIGMA004", "an empty selection matches nothing", n);
      return "";
    }
    bool all_scalars = true;
    for (const auto& x : n) all_scalars &= !x.IsMap() && !x.IsSequence();
    if (all_scalars) {
      // Keywords: any of them anywhere in the logsource's keyword fields.
      const std::string e = item(c, "", n, n);
      if (e.empty()) return "";
      return "(\n  " + e + c.from(n) + ")";
    }
    if (depth > 0) {
      c.error("SIGMA004", "a selection is a map, a list of maps or a list of keywords", n);
      return "";
    }
    std::string out = "(\n";
    bool first = true;
    for (const auto& x : n) {
      const std::string e = selection(c, x, depth + 1);
      if (e.empty()) continue;
      out += std::string(first ? "  " : "  or ") + e + "\n";
      first = false;
    }
    return out + ")";
  }
  if (n.IsScalar()) {
    const std::string e = item(c, "", n, n);
    if (e.empty()) return "";
    return "(\n  " + e + c.from(n) + ")";
  }
  c.error("SIGMA004", "a selection is a map, a list of maps or a list of keywords", n);
  return "";
}

}  // namespace

YAML::Node merge_global(const YAML::Node& global, const YAML::Node& doc) {
  if (!global || !global.IsMap() || !doc.IsMap()) return doc;
  YAML::Node out = YAML::Clone(doc);
  for (const auto& kv : global) {
    const std::string k = scalar(kv.first);
    if (k == "action") continue;
    const YAML::Node mine = doc[k];
    if (!mine) {
      out[k] = kv.second;
    } else if (mine.IsMap() && kv.second.IsMap()) {
      out[k] = merge_global(kv.second, mine);
    }
  }
  return out;
}

Outcome compile_rule(const YAML::Node& doc, const Mapping& mapping, const FieldRegistry& reg,
                     const std::string& file_name, const std::string& file_text, Diagnostics& diags,
                     std::string& eql, RuleParts* parts) {
  const YAML::Node logsource = doc["logsource"];
  const YAML::Node detection = doc["detection"];
  Ctx c{mapping, nullptr, reg, file_name, file_text, diags, {}, true};
  if (!logsource || !logsource.IsMap()) {
    c.error("SIGMA002", "a Sigma rule needs 'logsource': {product, category, service}",
            logsource ? logsource : doc);
    return Outcome::kError;
  }
  const std::string product = ascii_lower(scalar(logsource["product"]));
  const std::string category = ascii_lower(scalar(logsource["category"]));
  const std::string service = ascii_lower(scalar(logsource["service"]));
  c.logsource_name = "logsource {";
  for (const auto& [k, v] : {std::pair<const char*, const std::string*>{"product", &product},
                             {"category", &category},
                             {"service", &service}}) {
    if (v->empty()) continue;
    c.logsource_name += std::string(c.logsource_name.size() > 11 ? ", " : "") + k + ": " + *v;
  }
  c.logsource_name += "}";
  c.ls = mapping.logsource(product, category, service);
  if (!c.ls) {
    c.warning("SIGMA003",
              c.logsource_name +
                  " has no mapping to events, so the rule is left out (add a `sigma_mapping:` "
                  "logsource entry; docs/sigma.md \"Mapping\")",
              logsource);
    return Outcome::kUnmapped;
  }
  if (!detection || !detection.IsMap()) {
    c.error("SIGMA004", "a Sigma rule needs 'detection': search identifiers and a 'condition'",
            detection ? detection : doc);
    return Outcome::kError;
  }
  std::vector<std::string> names, exprs;
  YAML::Node condition;
  for (const auto& kv : detection) {
    const std::string k = scalar(kv.first);
    if (k == "condition") {
      condition = kv.second;
      continue;
    }
    if (k == "timeframe") {
      c.error("SIGMA010",
              "'timeframe' in detection is Sigma v1 aggregation syntax; use a correlation rule",
              kv.first, static_cast<uint32_t>(k.size()));
      continue;
    }
    names.push_back(k);
    exprs.push_back(selection(c, kv.second));
  }
  if (!condition) {
    c.error("SIGMA011", "the detection has no 'condition'", detection);
    return Outcome::kError;
  }
  // Conditions are checked even when a selection had errors: every problem is reported.
  std::vector<YAML::Node> conds;
  if (condition.IsSequence()) {
    for (const auto& x : condition) conds.push_back(x);
  } else {
    conds.push_back(condition);
  }
  std::vector<std::string> cond_eql;
  for (const YAML::Node& cn : conds) {
    if (!cn.IsScalar()) {
      c.error("SIGMA011", "'condition' must be a string (or a list of strings)", cn);
      return Outcome::kError;
    }
    std::string out;
    std::vector<bool> used;
    ConditionError err;
    if (!translate_condition(cn.as<std::string>(), names, exprs, out, used, err)) {
      uint32_t off = offset_of(cn);
      if (off < file_text.size() && (file_text[off] == '"' || file_text[off] == '\'')) ++off;
      const bool block = off < file_text.size() && (file_text[off] == '|' || file_text[off] == '>');
      if (block) err.offset = 0, err.length = 1;
      off += static_cast<uint32_t>(err.offset);
      diags.error("SIGMA012", err.message, {off, off + static_cast<uint32_t>(err.length)});
      return Outcome::kError;
    }
    cond_eql.push_back(out);
  }
  if (!c.ok) return Outcome::kError;
  std::string detection_eql;
  for (size_t k = 0; k < cond_eql.size(); ++k) {
    detection_eql += (k ? "\nor " : "") + cond_eql[k];
  }
  std::string where;
  if (!c.ls->condition.empty()) {
    where += "(" + c.ls->condition + ")  // logsource mapping " + c.ls->origin + "\nand ";
  }
  where += "(" + detection_eql + ")\n";
  eql = c.ls->event_category + " where " + where;
  if (parts) *parts = {c.ls->event_category, where, c.ls};
  return Outcome::kOk;
}

}  // namespace wsn::sigma
