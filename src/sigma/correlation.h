// Sigma correlation rules (SigmaHQ/sigma-specification, "Sigma Correlation Rules
// Specification" 2.1) on the engine's state machinery, over the queries of the rules they refer
// to, with `group-by` as join keys and `timespan` as the window — state bounded and expired by
// event time, so a replay gives the same results every time (docs/sigma.md "Correlation rules").
//
// What a sequence expresses becomes one EQL sequence:
//   event_count, gte N / gt N-1 (N ≤ 100),   sequence by KEYS with maxspan=T [q] with runs=N
//   rules of one category and group-by
//   temporal_ordered                          sequence with maxspan=T [q1] by K1 [q2] by K2 …
//   temporal (2 to 4 rules, every rule)       one such sequence per order of the rules, all
//                                             reporting as the one correlation rule
// The counting rest is an aggregating rule (match/aggregate_store.h): event_count with any other
// condition, value_count, value_sum, value_avg, and temporal with a condition short of every
// rule. It is written as a sequence too — one step per referenced rule, keyed by the group-by
// fields and then the value fields — so that the EQL compiler binds its predicates and keys into
// the shared plan, and then turned into RuleShape::kAggregate (make_aggregate()).
//
// value_percentile, temporal_ordered short of every rule and chained correlations are reported
// as unsupported (SIGMA019) and the correlation is left out.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "match/plan.h"
#include "sigma/compile.h"

namespace wsn::sigma {

struct BaseRule {
  std::string id;
  std::string name;  // Sigma `name` ("" when none)
  RuleParts parts;
};

struct CorrelationResult {
  std::vector<std::string> eql;    // one query, or one per order of the rules (temporal)
  std::vector<size_t> referenced;  // indices into the base rules
  bool generate = false;           // the referenced rules also alert on their own
  // An aggregating correlation: eql[0] is its sequence form, whose compiled rule
  // make_aggregate() turns into this (values filled from the steps' trailing keys).
  std::optional<match::AggregatePlan> aggregate;
  size_t value_keys = 0;  // trailing join keys of each step that are the value, not the group
  size_t steps = 0;       // the referenced rules (a single one is written `with runs=2`)
};

// Turns the compiled sequence form of an aggregating correlation into the aggregating rule.
void make_aggregate(match::RulePlan& rule, const CorrelationResult& c);

Outcome compile_correlation(const YAML::Node& doc, const Mapping& mapping, const FieldRegistry& reg,
                            const std::vector<BaseRule>& bases, Diagnostics& diags,
                            CorrelationResult& out);

}  // namespace wsn::sigma
