#include "sigma/correlation.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <numeric>

#include "common/text.h"
#include "sigma/modifiers.h"
#include "sigma/yaml_text.h"

namespace wsn::sigma {
namespace {

SourceRange range_of(const YAML::Node& n, size_t len = 1) {
  const YAML::Mark m = n.Mark();
  const uint32_t p = m.pos >= 0 ? static_cast<uint32_t>(m.pos) : 0;
  return {p, p + static_cast<uint32_t>(len)};
}

std::vector<std::string> strings(const YAML::Node& n) {
  std::vector<std::string> out;
  if (n && n.IsScalar()) out.push_back(n.as<std::string>());
  if (n && n.IsSequence()) {
    for (const auto& x : n) out.push_back(scalar(x));
  }
  return out;
}

bool valid_timespan(const std::string& t) {
  if (t.size() < 2) return false;
  for (size_t k = 0; k + 1 < t.size(); ++k) {
    if (!std::isdigit(static_cast<unsigned char>(t[k]))) return false;
  }
  const char u = t.back();
  return (u == 's' || u == 'm' || u == 'h' || u == 'd') && t[0] != '0';
}

}  // namespace

Outcome compile_correlation(const YAML::Node& doc, const Mapping& mapping, const FieldRegistry& reg,
                            const std::vector<BaseRule>& bases, Diagnostics& diags,
                            CorrelationResult& out) {
  const YAML::Node c = doc["correlation"];
  if (!c || !c.IsMap()) {
    diags.error("SIGMA019", "'correlation' must be a map {type, rules, group-by, timespan, …}",
                range_of(c ? c : doc));
    return Outcome::kError;
  }
  const std::string type = scalar(c["type"]);
  const YAML::Node type_node = c["type"] ? c["type"] : c;
  if (type != "event_count" && type != "temporal_ordered" && type != "temporal") {
    diags.error("SIGMA019",
                "correlation type '" + type +
                    "' is not supported yet (supported: event_count, temporal, temporal_ordered)",
                range_of(type_node, type.size()));
    return Outcome::kError;
  }
  // The rules it refers to, by id or name.
  const YAML::Node rules_node = c["rules"];
  const std::vector<std::string> refs = strings(rules_node);
  if (refs.empty()) {
    diags.error("SIGMA019", "a correlation needs 'rules': the ids or names of Sigma rules",
                range_of(rules_node ? rules_node : c));
    return Outcome::kError;
  }
  for (size_t r = 0; r < refs.size(); ++r) {
    size_t found = bases.size();
    for (size_t k = 0; k < bases.size(); ++k) {
      if (bases[k].id == refs[r] || (!bases[k].name.empty() && bases[k].name == refs[r])) {
        found = k;
        break;
      }
    }
    if (found == bases.size()) {
      diags.error("SIGMA019",
                  "correlation refers to '" + refs[r] +
                      "', which is no loaded Sigma rule (by id or name; correlations of "
                      "correlations are not supported)",
                  range_of(rules_node.IsSequence() ? rules_node[r] : rules_node, refs[r].size()));
      return Outcome::kError;
    }
    out.referenced.push_back(found);
  }
  const std::string timespan = scalar(c["timespan"]);
  if (!valid_timespan(timespan)) {
    diags.error("SIGMA019", "'timespan' must be a number and a unit (s, m, h, d), e.g. 5m",
                range_of(c["timespan"] ? c["timespan"] : c));
    return Outcome::kError;
  }
  if (const YAML::Node g = c["generate"]) {
    out.generate = scalar(g) == "true";
  }
  // group-by fields per referenced rule (aliases name a field per rule).
  const std::vector<std::string> group_by = strings(c["group-by"]);
  const YAML::Node aliases = c["aliases"];
  auto keys_for = [&](size_t r) {
    const BaseRule& b = bases[out.referenced[r]];
    std::string keys;
    for (const std::string& g : group_by) {
      std::string sigma_field = g;
      if (aliases && aliases.IsMap() && aliases[g] && aliases[g].IsMap()) {
        const YAML::Node a = aliases[g];
        if (a[refs[r]]) {
          sigma_field = scalar(a[refs[r]]);
        } else if (a[b.id]) {
          sigma_field = scalar(a[b.id]);
        } else if (!b.name.empty() && a[b.name]) {
          sigma_field = scalar(a[b.name]);
        }
      }
      const FieldMapping* fm = mapping.field(b.parts.logsource, sigma_field);
      const std::string ecs = fm ? fm->field : sigma_field;
      if (!fm) {
        diags.warning("SIGMA006",
                      "group-by field '" + sigma_field +
                          "' has no mapping; it is read as the event field of that name",
                      range_of(c["group-by"]));
      }
      keys += (keys.empty() ? "" : ", ") + eql_field(ecs, reg.find(ecs) == kInvalidField);
    }
    return keys;
  };
  const YAML::Node cond = c["condition"];
  if (type == "event_count") {
    int64_t n = -1;
    if (cond && cond.IsMap() && cond.size() == 1) {
      const std::string op = scalar(cond.begin()->first);
      const std::string v = scalar(cond.begin()->second);
      char* end = nullptr;
      const long long x = std::strtoll(v.c_str(), &end, 10);
      if (!v.empty() && end == v.c_str() + v.size()) {
        if (op == "gte") n = x;
        if (op == "gt") n = x + 1;
      }
    }
    if (n < 1 || n > 100) {
      diags.error("SIGMA019",
                  "event_count supports a condition of gte N or gt N with a count from 1 to 100 "
                  "(lt, lte, eq, neq and ranges are not supported)",
                  range_of(cond ? cond : c));
      return Outcome::kError;
    }
    const std::string& category = bases[out.referenced[0]].parts.category;
    std::string where;
    for (size_t r = 0; r < refs.size(); ++r) {
      const BaseRule& b = bases[out.referenced[r]];
      if (b.parts.category != category || (r > 0 && keys_for(r) != keys_for(0))) {
        diags.error("SIGMA019",
                    "event_count over rules of different event categories or group-by fields is "
                    "not supported",
                    range_of(rules_node));
        return Outcome::kError;
      }
      where += (r ? "\nor (" : "(") + b.parts.condition + ")";
    }
    const std::string keys = keys_for(0);
    if (n == 1) {
      out.eql.push_back(category + " where " + where + "\n");
    } else {
      out.eql.push_back("sequence" + (keys.empty() ? "" : " by " + keys) +
                        " with maxspan=" + timespan + "\n  [" + category + " where " + where +
                        "] with runs=" + std::to_string(n) + "\n");
    }
    return Outcome::kOk;
  }
  // temporal_ordered: every rule, in order, within the timespan; temporal: in any order.
  if (cond) {
    const std::string v = cond.IsMap() && cond["gte"] ? scalar(cond["gte"]) : "";
    if (v != std::to_string(refs.size())) {
      diags.error("SIGMA019",
                  type + " supports only the condition that every rule matches (gte: " +
                      std::to_string(refs.size()) + ")",
                  range_of(cond));
      return Outcome::kError;
    }
  }
  if (refs.size() < 2 || (type == "temporal" && refs.size() > 4)) {
    diags.error(
        "SIGMA019",
        type + (type == "temporal" ? " needs from two to four rules" : " needs at least two rules"),
        range_of(rules_node));
    return Outcome::kError;
  }
  std::vector<size_t> order(refs.size());
  std::iota(order.begin(), order.end(), size_t{0});
  do {
    std::string q = "sequence with maxspan=" + timespan + "\n";
    for (const size_t r : order) {
      const BaseRule& b = bases[out.referenced[r]];
      const std::string keys = keys_for(r);
      q += "  [" + b.parts.category + " where " + b.parts.condition + "]" +
           (keys.empty() ? "" : " by " + keys) + "\n";
    }
    out.eql.push_back(std::move(q));
  } while (type == "temporal" && std::next_permutation(order.begin(), order.end()));
  return Outcome::kOk;
}

}  // namespace wsn::sigma
