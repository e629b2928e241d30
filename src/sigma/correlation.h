// Sigma correlation rules (SigmaHQ/sigma-specification, "Sigma Correlation Rules
// Specification") on the engine's sequence machinery: each supported correlation becomes one
// EQL sequence over the queries of the rules it refers to, with `group-by` as join keys and
// `timespan` as maxspan — state bounded by the sequence limits and expired by event time, so a
// replay gives the same results every time (docs/sigma.md "Correlation rules").
//
//   event_count, condition gte N / gt N-1   sequence by KEYS with maxspan=T [q] with runs=N
//   temporal_ordered                        sequence with maxspan=T [q1] by K1 [q2] by K2 …
//   temporal (2 to 4 rules)                 one such sequence per order of the rules, all
//                                           reporting as the one correlation rule
//
// value_count, other conditions and chained correlations are reported as unsupported
// (SIGMA019) and the correlation is left out.
#pragma once

#include <string>
#include <vector>

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
};

Outcome compile_correlation(const YAML::Node& doc, const Mapping& mapping, const FieldRegistry& reg,
                            const std::vector<BaseRule>& bases, Diagnostics& diags,
                            CorrelationResult& out);

}  // namespace wsn::sigma
