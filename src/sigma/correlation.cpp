#include "sigma/correlation.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <numeric>
#include <set>

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

// A correlation's `condition:` — bounds that must all hold, and the `field` (or fields) that
// value_count / value_sum / value_avg aggregate.
struct Condition {
  bool present = false;
  match::AggregateCondition bounds;
  std::vector<std::string> fields;
  std::string text;  // "gt 100 and lte 200"
};

std::optional<double>* bound_slot(match::AggregateCondition& b, const std::string& key) {
  if (key == "gt") return &b.gt;
  if (key == "gte") return &b.gte;
  if (key == "lt") return &b.lt;
  if (key == "lte") return &b.lte;
  if (key == "eq") return &b.eq;
  if (key == "neq") return &b.neq;
  return nullptr;
}

// Reads `condition:` (absent: present stays false). `counts`: its bounds are counts, so whole
// numbers. False after an error.
bool read_condition(const YAML::Node& cond, bool counts, Diagnostics& diags, Condition& out) {
  if (!cond) return true;
  if (!cond.IsMap() || cond.size() == 0) {
    diags.error("SIGMA019",
                "'condition' must be a map of bounds that all hold: gt, gte, lt, lte, eq, neq "
                "(e.g. {gte: 10}, or {gt: 100, lte: 200} for a range)",
                range_of(cond));
    return false;
  }
  out.present = true;
  for (const auto& kv : cond) {
    const std::string key = scalar(kv.first);
    if (key == "field") {
      out.fields = strings(kv.second);
      if (out.fields.empty() || std::count(out.fields.begin(), out.fields.end(), "") > 0) {
        diags.error("SIGMA019", "'field' names the field (or a list of fields) to aggregate",
                    range_of(kv.second));
        return false;
      }
      continue;
    }
    std::optional<double>* slot = bound_slot(out.bounds, key);
    if (slot == nullptr) {
      diags.error("SIGMA019",
                  "unknown condition '" + key + "' (bounds: gt, gte, lt, lte, eq, neq; and field)",
                  range_of(kv.first, std::max<size_t>(key.size(), 1)));
      return false;
    }
    const std::string v = scalar(kv.second);
    double x = 0;
    const auto r = std::from_chars(v.data(), v.data() + v.size(), x);
    const bool number =
        !v.empty() && r.ec == std::errc() && r.ptr == v.data() + v.size() && std::isfinite(x);
    if (!number || (counts && (x < 0 || x != std::floor(x) || x > 1e15))) {
      diags.error("SIGMA019",
                  "'" + key + "' needs " + (counts ? "a whole number of at least 0" : "a number"),
                  range_of(kv.second, std::max<size_t>(v.size(), 1)));
      return false;
    }
    *slot = x;
    out.text += (out.text.empty() ? "" : " and ") + key + " " + v;
  }
  if (out.text.empty()) {
    diags.error("SIGMA019", "the condition has no bound (gt, gte, lt, lte, eq, neq)",
                range_of(cond));
    return false;
  }
  return true;
}

// The largest bound of a condition (0 without one).
double largest_bound(const match::AggregateCondition& b) {
  double m = 0;
  for (const auto& x : {b.gt, b.gte, b.lt, b.lte, b.eq, b.neq}) {
    if (x) m = std::max(m, *x);
  }
  return m;
}

// The smallest count of at least 1 and at most `most` that meets the bounds, or 0 (none does).
uint64_t smallest_count(const match::AggregateCondition& b, double most) {
  double lo = 1, hi = most;
  if (b.gte) lo = std::max(lo, std::ceil(*b.gte));
  if (b.gt) lo = std::max(lo, std::floor(*b.gt) + 1);
  if (b.eq) lo = std::max(lo, *b.eq);
  if (b.lte) hi = std::min(hi, std::floor(*b.lte));
  if (b.lt) hi = std::min(hi, std::ceil(*b.lt) - 1);
  if (b.eq) hi = std::min(hi, *b.eq);
  if (b.neq && lo == *b.neq) ++lo;
  return lo <= hi ? static_cast<uint64_t>(lo) : 0;
}

// Whether the condition is exactly "every one of `n` rules" (absent, or gte n).
bool every_rule(const Condition& c, size_t n) {
  const match::AggregateCondition& b = c.bounds;
  return !c.present ||
         (b.gte && *b.gte == static_cast<double>(n) && !b.gt && !b.lt && !b.lte && !b.eq && !b.neq);
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
  if (type == "value_percentile") {
    diags.error("SIGMA019",
                "correlation type 'value_percentile' is not supported: the specification does not "
                "say of which values its condition is a percentile",
                range_of(type_node, type.size()));
    return Outcome::kError;
  }
  const bool value_type = type == "value_count" || type == "value_sum" || type == "value_avg";
  if (type != "event_count" && type != "temporal_ordered" && type != "temporal" && !value_type) {
    diags.error("SIGMA019",
                "correlation type '" + type +
                    "' is not supported (supported: event_count, value_count, value_sum, "
                    "value_avg, temporal, temporal_ordered)",
                range_of(type_node, std::max<size_t>(type.size(), 1)));
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
  // A field of referenced rule r, as EQL (aliases name a field per rule), and its ECS name.
  const YAML::Node aliases = c["aliases"];
  std::set<std::string> unmapped;  // warned once each
  auto field_for = [&](size_t r, const std::string& name, const YAML::Node& where,
                       std::string* ecs_name = nullptr) {
    const BaseRule& b = bases[out.referenced[r]];
    std::string sigma_field = name;
    if (aliases && aliases.IsMap() && aliases[name] && aliases[name].IsMap()) {
      const YAML::Node a = aliases[name];
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
    if (!fm && unmapped.insert(sigma_field).second) {
      diags.warning(
          "SIGMA006",
          "field '" + sigma_field + "' has no mapping; it is read as the event field of that name",
          range_of(where));
    }
    if (ecs_name) *ecs_name = ecs;
    return eql_field(ecs, reg.find(ecs) == kInvalidField);
  };
  // group-by fields per referenced rule.
  const std::vector<std::string> group_by = strings(c["group-by"]);
  auto keys_for = [&](size_t r) {
    std::string keys;
    for (const std::string& g : group_by) {
      keys += (keys.empty() ? "" : ", ") + field_for(r, g, c["group-by"]);
    }
    return keys;
  };
  const YAML::Node cond_node = c["condition"];
  Condition cond;
  const bool counts = type != "value_sum" && type != "value_avg";
  if (!read_condition(cond_node, counts, diags, cond)) return Outcome::kError;
  if (!cond.present && type != "temporal" && type != "temporal_ordered") {
    diags.error("SIGMA019", type + " needs a condition, e.g. {gte: 10}", range_of(c));
    return Outcome::kError;
  }
  if (value_type && cond.fields.empty()) {
    diags.error("SIGMA019", type + " needs the field it aggregates: condition: {field: NAME, …}",
                range_of(cond_node));
    return Outcome::kError;
  }
  if (value_type && type != "value_count" && cond.fields.size() != 1) {
    diags.error("SIGMA019", type + " aggregates one numeric field", range_of(cond_node));
    return Outcome::kError;
  }
  if (!value_type && !cond.fields.empty()) {
    diags.error("SIGMA019", "'field' belongs to value_count, value_sum and value_avg",
                range_of(cond_node));
    return Outcome::kError;
  }
  if ((type == "temporal" || type == "temporal_ordered") &&
      (refs.size() < 2 ||
       (type == "temporal" && refs.size() > 4 && every_rule(cond, refs.size())))) {
    diags.error("SIGMA019",
                type + (type == "temporal" && refs.size() >= 2
                            ? " of every rule needs from two to four rules (a condition such as "
                              "{gte: 2} counts the rules that matched instead)"
                            : " needs at least two rules"),
                range_of(rules_node));
    return Outcome::kError;
  }
  if (type == "temporal_ordered" && !every_rule(cond, refs.size())) {
    diags.error("SIGMA019",
                "temporal_ordered supports only the condition that every rule matches, in order "
                "(gte: " +
                    std::to_string(refs.size()) + ")",
                range_of(cond_node));
    return Outcome::kError;
  }
  const size_t limit = match::SequenceLimits{}.max_aggregate_entries_per_group;

  // event_count that one sequence expresses: a threshold up to 100 over rules of one category
  // and one group-by.
  if (type == "event_count" && !cond.bounds.has_upper_bound()) {
    const uint64_t n = smallest_count(cond.bounds, 1e18);
    bool one_shape = true;
    const std::string& category = bases[out.referenced[0]].parts.category;
    for (size_t r = 1; r < refs.size(); ++r) {
      one_shape &=
          bases[out.referenced[r]].parts.category == category && keys_for(r) == keys_for(0);
    }
    if (n >= 1 && n <= 100 && one_shape) {
      std::string where;
      for (size_t r = 0; r < refs.size(); ++r) {
        where += (r ? "\nor (" : "(") + bases[out.referenced[r]].parts.condition + ")";
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
  }
  // temporal and temporal_ordered of every rule: sequences, in order or in every order.
  if ((type == "temporal" || type == "temporal_ordered") && every_rule(cond, refs.size())) {
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

  // Everything else aggregates (match/aggregate_store.h).
  match::AggregatePlan plan;
  plan.condition = cond.bounds;
  std::string what;
  if (type == "event_count") {
    plan.metric = match::AggregateMetric::kEvents;
    what = "events";
  } else if (type == "temporal") {
    plan.metric = match::AggregateMetric::kDistinctValues;
    plan.step_is_value = true;
    what = "rules matched";
  } else {
    std::string ecs;
    field_for(0, cond.fields[0], cond_node, &ecs);
    std::string names = ecs;
    for (size_t f = 1; f < cond.fields.size(); ++f) {
      field_for(0, cond.fields[f], cond_node, &ecs);
      names += ", " + ecs;
    }
    plan.metric = type == "value_count" ? match::AggregateMetric::kDistinctValues
                  : type == "value_sum" ? match::AggregateMetric::kSum
                                        : match::AggregateMetric::kAverage;
    what = type == "value_count" ? "distinct values of " + names
           : type == "value_sum" ? "sum of " + names
                                 : "average of " + names;
  }
  plan.at_close = plan.metric == match::AggregateMetric::kAverage || cond.bounds.has_upper_bound();
  if (counts) {
    // Counts start at 1 (a group exists once an event is in it); temporal counts rules.
    const double most = type == "temporal" ? static_cast<double>(refs.size()) : 1e18;
    const uint64_t lowest = smallest_count(cond.bounds, most);
    if (lowest == 0) {
      diags.error("SIGMA019",
                  type == "temporal"
                      ? "this condition never holds for a count of rules from 1 to " +
                            std::to_string(refs.size())
                      : std::string("this condition never holds for a count (1 or more)"),
                  range_of(cond_node));
      return Outcome::kError;
    }
    // Entries a group keeps: sliding, the threshold; at close, distinct values up to the
    // largest bound + 1 (an event count at close keeps none).
    const double keep = plan.at_close ? std::min(largest_bound(cond.bounds) + 1, most)
                                      : static_cast<double>(lowest);
    if (plan.metric != match::AggregateMetric::kEvents || !plan.at_close) {
      if (keep > static_cast<double>(limit)) {
        diags.error("SIGMA019",
                    "a count above " + std::to_string(limit) +
                        " is not supported here: each group keeps at most that many entries",
                    range_of(cond_node));
        return Outcome::kError;
      }
      plan.capacity = static_cast<uint32_t>(keep);
    }
  }
  plan.description = what + " within " + timespan + " (condition: " + cond.text + ")";
  // The sequence form: one step per rule, keyed by the group-by fields, then the value fields.
  std::string q = "sequence with maxspan=" + timespan + "\n";
  for (size_t r = 0; r < refs.size(); ++r) {
    const BaseRule& b = bases[out.referenced[r]];
    std::string keys = keys_for(r);
    if (type != "event_count" && type != "temporal") {
      for (const std::string& f : cond.fields) {
        keys += (keys.empty() ? "" : ", ") + field_for(r, f, cond_node);
      }
    }
    q += "  [" + b.parts.category + " where " + b.parts.condition + "]" +
         (keys.empty() ? "" : " by " + keys) + (refs.size() == 1 ? " with runs=2" : "") + "\n";
  }
  out.eql.push_back(std::move(q));
  out.value_keys = type == "event_count" || type == "temporal" ? 0 : cond.fields.size();
  out.steps = refs.size();
  out.aggregate = std::move(plan);
  return Outcome::kOk;
}

void make_aggregate(match::RulePlan& rule, const CorrelationResult& c) {
  if (!c.aggregate || rule.shape != match::RuleShape::kSequence || rule.steps.size() < c.steps) {
    return;
  }
  rule.shape = match::RuleShape::kAggregate;
  rule.steps.resize(c.steps);  // a single rule was written `with runs=2`
  rule.aggregate = *c.aggregate;
  rule.aggregate.values.assign(c.steps, {});
  size_t group_keys = 0;
  for (size_t s = 0; s < c.steps; ++s) {
    std::vector<match::NodeRef>& keys = rule.steps[s].keys;
    group_keys = keys.size() - std::min(c.value_keys, keys.size());
    rule.aggregate.values[s].assign(keys.begin() + static_cast<std::ptrdiff_t>(group_keys),
                                    keys.end());
    keys.resize(group_keys);
  }
  if (rule.key_nullable.size() > group_keys) rule.key_nullable.resize(group_keys);
}

}  // namespace wsn::sigma
