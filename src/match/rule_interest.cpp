#include "match/rule_interest.h"

#include <algorithm>
#include <optional>

#include "match/strings.h"

namespace wsn::match {
namespace {

// What a predicate requires of one field: nullopt when nothing (as far as we can tell).
using Values = std::optional<std::vector<std::string>>;

enum class Want : uint8_t {
  kEquals,  // the field equals one of the values (event.action, event.type)
  kPrefix,  // the field starts with one of the values (file.path)
};

bool is_subject(const Program& p, NodeRef n, FieldId field) {
  const Node& s = p.node(n);
  return s.op == Op::kField && s.event_index == 0 && s.field == field;
}

// An insensitive test on a collector vocabulary (all lower case) matches exactly the
// lower-cased literal. Paths are case-sensitive on Linux: keep the spelling, add the
// lower-case one (other spellings of a name are other files).
void add_literal(std::string_view lit, CaseMode mode, Want want, std::vector<std::string>& out) {
  if (mode == CaseMode::kSensitive) {
    out.emplace_back(lit);
    return;
  }
  std::string folded = fold_copy(lit);
  if (want == Want::kPrefix && folded != lit) out.emplace_back(lit);
  out.push_back(std::move(folded));
}

// The literal text a wildcard pattern starts with ("/home/*/.ssh/*" -> "/home/").
std::string_view wildcard_prefix(std::string_view pattern, bool question_mark) {
  const size_t at = pattern.find_first_of(question_mark ? "*?" : "*");
  return at == std::string_view::npos ? pattern : pattern.substr(0, at);
}

Values leaf_values(const Program& p, NodeRef r, FieldId field, Want want) {
  const Node& n = p.node(r);
  std::vector<std::string> out;
  switch (n.op) {
    case Op::kCompare: {
      if (static_cast<CmpOp>(n.sub) != CmpOp::kEq) return std::nullopt;
      NodeRef f = p.kid(r, 0), c = p.kid(r, 1);
      if (!p.is_const(c)) std::swap(f, c);
      if (!p.is_const(c) || !is_subject(p, f, field)) return std::nullopt;
      const Value& v = p.const_value(c);
      if (v.kind == ValueKind::kInt && want == Want::kEquals) {
        out.push_back(std::to_string(v.i));  // ports, codes: compared as numbers
        return out;
      }
      if (v.kind != ValueKind::kString) return std::nullopt;
      add_literal(v.s, n.cmode, want, out);
      return out;
    }
    case Op::kInSet: {
      if (!is_subject(p, p.kid(r, 0), field)) return std::nullopt;
      const ValueSet& set = p.set(n.aux);
      std::vector<std::string> members;
      if (set.string_members(members)) {
        for (const auto& m : members) add_literal(m, set.mode(), want, out);
        return out;
      }
      std::vector<int64_t> numbers;  // `destination.port in (80, 443)`
      if (want != Want::kEquals || !set.int_members(numbers)) return std::nullopt;
      for (int64_t x : numbers) out.push_back(std::to_string(x));
      return out;
    }
    case Op::kStrMatch: {
      if (!is_subject(p, p.kid(r, 0), field)) return std::nullopt;
      const StringMatcherSpec& spec = p.matcher(n.aux).spec();
      for (const std::string& pat : spec.patterns) {
        std::string_view lit;
        switch (spec.kind) {
          case StrMatchKind::kExact:
            lit = pat;
            break;
          case StrMatchKind::kStarts:
            if (want != Want::kPrefix) return std::nullopt;
            lit = pat;
            break;
          case StrMatchKind::kWildcard:
            if (want != Want::kPrefix) return std::nullopt;
            lit = wildcard_prefix(pat, spec.question_mark);
            break;
          default:  // contains / ends-with / regex: no prefix
            return std::nullopt;
        }
        if (want == Want::kPrefix && lit.empty()) return std::nullopt;
        add_literal(lit, spec.mode, want, out);
      }
      return out;
    }
    case Op::kCall: {
      if (static_cast<FunctionId>(n.sub) != FunctionId::kStartsWith || want != Want::kPrefix ||
          n.count != 2) {
        return std::nullopt;
      }
      const NodeRef c = p.kid(r, 1);
      if (!is_subject(p, p.kid(r, 0), field) || !p.is_const(c)) return std::nullopt;
      const Value& v = p.const_value(c);
      if (v.kind != ValueKind::kString || v.s.empty()) return std::nullopt;
      add_literal(v.s, n.cmode, want, out);
      return out;
    }
    default:
      return std::nullopt;
  }
}

void sort_unique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// Length of the shortest prefix: the more selective of two prefix sets has the longer one.
size_t shortest(const std::vector<std::string>& v) {
  size_t n = SIZE_MAX;
  for (const auto& s : v) n = std::min(n, s.size());
  return n;
}

Values values_of(const Program& p, NodeRef r, FieldId field, Want want, int depth = 0) {
  if (r == kNoNode || depth > 64) return std::nullopt;
  const Node& n = p.node(r);
  switch (n.op) {
    case Op::kToBool:
      return values_of(p, p.kid(r, 0), field, want, depth + 1);
    case Op::kAnd: {
      // Every conjunct holds: any constrained one bounds the predicate. Equalities intersect;
      // of several prefix sets the most selective one is kept (either alone is sound).
      Values best;
      for (NodeRef k : p.kids(r)) {
        Values v = values_of(p, k, field, want, depth + 1);
        if (!v) continue;
        sort_unique(*v);
        if (!best) {
          best = std::move(v);
        } else if (want == Want::kEquals) {
          std::vector<std::string> both;
          std::set_intersection(best->begin(), best->end(), v->begin(), v->end(),
                                std::back_inserter(both));
          best = std::move(both);
        } else if (shortest(*v) > shortest(*best)) {
          best = std::move(v);
        }
      }
      return best;
    }
    case Op::kOr: {
      // Some branch holds: bounded only when every branch is.
      std::vector<std::string> all;
      for (NodeRef k : p.kids(r)) {
        Values v = values_of(p, k, field, want, depth + 1);
        if (!v) return std::nullopt;
        all.insert(all.end(), v->begin(), v->end());
      }
      return all;
    }
    default:
      return leaf_values(p, r, field, want);
  }
}

void add_predicate(const Program& p, const EventPredicate& pred, const FieldRegistry& registry,
                   uint32_t rule_index, EventInterest& out) {
  EventInterest::Want w;
  w.rule_index = rule_index;
  if (pred.category != kAnyCategory)
    w.category = std::string(registry.category_name(pred.category));
  const struct {
    FieldId field;
    Want want;
    std::vector<std::string>* into;
  } dims[] = {
      {fields::kEventAction, Want::kEquals, &w.actions},
      {fields::kEventType, Want::kEquals, &w.types},
      {fields::kFilePath, Want::kPrefix, &w.path_prefixes},
  };
  for (const auto& d : dims) {
    Values v = values_of(p, pred.where, d.field, d.want);
    if (!v) continue;
    if (v->empty()) return;  // contradictory (action == "a" and action == "b"): never matches
    sort_unique(*v);
    *d.into = std::move(*v);
  }
  // The network / DNS / HTTP fields other sources filter on: equalities, or prefixes for paths.
  for (const char* name : EventInterest::kFilterFields) {
    const FieldId id = registry.find(name);
    if (id == kInvalidField) continue;
    const bool prefix = std::string_view(name) == "url.path";
    Values v = values_of(p, pred.where, id, prefix ? Want::kPrefix : Want::kEquals);
    if (!v) continue;
    if (v->empty()) return;
    sort_unique(*v);
    w.fields.push_back({name, std::move(*v), prefix});
  }
  out.wants.push_back(std::move(w));
}

}  // namespace

void add_plan_interest(const RuleSetPlan& plan, const FieldRegistry& registry, EventInterest& out) {
  for (const RulePlan& rule : plan.rules) {
    const uint32_t r = rule.rule_index;
    if (rule.shape == RuleShape::kEvent) add_predicate(rule.program, rule.event, registry, r, out);
    // Every step, `![...]` and `until` too: missing an event that cancels or blocks a
    // sequence would raise alerts the rule does not mean.
    for (const StepPlan& s : rule.steps) add_predicate(rule.program, s.pred, registry, r, out);
    if (rule.until) add_predicate(rule.program, rule.until->pred, registry, r, out);
  }
  for (const LineagePlan& l : plan.lineages) {
    if (l.rule < plan.rules.size()) {
      add_predicate(plan.rules[l.rule].program, l.subquery, registry, plan.rules[l.rule].rule_index,
                    out);
    } else {
      out.everything = true;
    }
  }
}

}  // namespace wsn::match
