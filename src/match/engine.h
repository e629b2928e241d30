// The matching engine: turns a RuleSetPlan into wsn::CompiledRules.
//
// Build time: every event predicate (a rule's where-clause, each sequence/join step, each
// `until`) is indexed by category (`any` predicates join every category) and, by its most
// selective requirement (prefilter.h), either in an equality index (value -> predicates) or in
// ONE Aho-Corasick automaton per (category, field). Identical plain predicates of different
// rules share one evaluation per event; steps with the same join-key fields share the key.
//
// Per event (RuleMatcher::process): expire sequences by event time; look up / scan the
// prefiltered fields of the event's category once each; update process lineage; then run, in
// rule order, only the rules that have an unconditional predicate for the category or a
// prefilter hit. Sequence steps that can only advance or cancel a partial match are skipped
// while their rule has no partial match waiting at that step.
// The single-event path performs no heap allocation once warmed up and never looks a field up
// by name.
#pragma once

#include <memory>

#include "match/plan.h"
#include "wsn/detector.h"

namespace wsn::match {

std::shared_ptr<const CompiledRules> build_rules(RuleSetPlan plan);

// Test and benchmark hook, process-wide: rule sets built while it is on run every predicate of
// the event's category in full, with no prefilter, no shared guards and no shared evaluations.
// That reference path raises the same alerts, only slower (differential tests compare them).
void set_reference_matching(bool on);

// Extra counters of a matcher built by build_rules (dynamic_cast a Matcher to read them), and
// the prefilter on its own, for the benchmark's account of where detection time goes.
class RuleMatcherInfo {
 public:
  virtual ~RuleMatcherInfo() = default;
  virtual uint64_t lineage_evictions() const = 0;
  virtual uint64_t prefilter_skips() const = 0;   // predicates not evaluated thanks to literals
  virtual uint64_t evaluations_held() const = 0;  // evaluations whose predicate held
  virtual uint64_t partials_opened() const = 0;   // partial sequence matches created
  // Values the literal scan took from its memo / had to scan (RuleMatcher::ScanMemo).
  virtual uint64_t memo_hits() const = 0;
  virtual uint64_t memo_misses() const = 0;
  // Selects the rules `e` would run (prefilter and category index) and returns how many,
  // without running them: no state changes, no matches.
  virtual size_t select_only(const Event& e) = 0;
};

}  // namespace wsn::match
