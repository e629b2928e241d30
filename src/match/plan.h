// RuleSetPlan: what a compiler hands to the matching engine — per rule a Program plus the shape
// of the rule (single event, sequence, join), and the process-lineage subqueries. The engine
// (engine.h) indexes it by category and prefilter literals and runs it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "match/ir.h"
#include "wsn/schema.h"

namespace wsn::match {

inline constexpr CategoryId kAnyCategory = 0xFFFF;

// One event test: the event's category must equal `category` (or any), then `where` must hold.
struct EventPredicate {
  CategoryId category = kAnyCategory;
  NodeRef where = kNoNode;
};

// One step of a sequence or join (`with runs=N` is expanded into N steps by the compiler).
struct StepPlan {
  EventPredicate pred;
  std::vector<NodeRef> keys;  // sequence-level keys first, then the step's own
  bool missing = false;       // `![...]`: no such event may occur at this position
  bool fork = false;          // Endgame fork: a matched partial is copied, not moved, on advance
  // Reads an earlier step's event (`event0.field`, Elastic Endpoint aliases): evaluated per
  // partial match, with the partial's events at indexes 1.. of the context.
  bool uses_alias = false;
};

enum class RuleShape : uint8_t { kEvent, kSequence, kJoin, kSample, kAggregate };

// kAggregate (Sigma's counting correlations, aggregate_store.h): per group (the steps' join
// keys) a metric over the events the steps matched within maxspan, tested against bounds.
enum class AggregateMetric : uint8_t {
  kEvents,          // how many events
  kDistinctValues,  // how many distinct values (tuples) of AggregatePlan::values
  kSum,             // sum of a numeric value
  kAverage,         // mean of a numeric value
};

// Bounds, all of which must hold (Sigma: `gt: 100` and `lte: 200` is the range 101–200).
struct AggregateCondition {
  std::optional<double> gt, gte, lt, lte, eq, neq;
  bool holds(double x) const {
    return (!gt || x > *gt) && (!gte || x >= *gte) && (!lt || x < *lt) && (!lte || x <= *lte) &&
           (!eq || x == *eq) && (!neq || x != *neq);
  }
  // Whether a growing metric can stop meeting the condition (anything but gt / gte).
  bool has_upper_bound() const { return lt || lte || eq || neq; }
};

struct AggregatePlan {
  AggregateMetric metric = AggregateMetric::kEvents;
  AggregateCondition condition;
  // Decided when the group's window closes (maxspan after its first event), for conditions a
  // later event could still falsify (an upper bound, an average). Otherwise decided as soon as
  // it holds over a sliding window of maxspan, once each time it starts holding.
  bool at_close = false;
  // Per step: the expressions whose value (a tuple for several) the step's event contributes;
  // empty for kEvents. With `step_is_value`, the value is which step matched (Sigma temporal
  // with a condition short of every rule).
  std::vector<std::vector<NodeRef>> values;
  bool step_is_value = false;
  // Entries a group keeps: sliding, the threshold (the most recent `capacity` events or values
  // decide it exactly); at close, distinct values up to the largest bound + 1.
  uint32_t capacity = 0;
  std::string description;  // names the metric in alert details: "value_count(user.name)"
};

struct RulePlan {
  uint32_t rule_index = 0;  // reported to MatchSink
  RuleShape shape = RuleShape::kEvent;
  Program program;
  EventPredicate event;         // kEvent
  std::vector<StepPlan> steps;  // kSequence / kJoin
  std::optional<StepPlan> until;
  int64_t maxspan_ns = 0;          // 0: unbounded
  std::vector<bool> key_nullable;  // per key position: a null value still joins
  bool fold_key_case = false;      // string keys compare ignoring ASCII case
  // kSample (Elasticsearch `sample`): samples reported per key tuple, and in all (0: no limit).
  uint32_t max_samples_per_key = 1;
  uint64_t sample_size = 0;
  AggregatePlan aggregate;  // kAggregate
};

// `child of` / `descendant of` / `event of [subquery]`: slot = index in RuleSetPlan::lineages.
struct LineagePlan {
  uint32_t rule = 0;  // index in RuleSetPlan::rules whose program holds the subquery
  LineageKind kind = LineageKind::kChildOf;
  EventPredicate subquery;
};

// How process events feed lineage: which fields carry the process key and its parent's, and
// which values of `op_field` mean creation / termination.
struct LineageConfig {
  FieldId pid = kInvalidField;
  FieldId ppid = kInvalidField;
  FieldId op_field = kInvalidField;
  std::vector<int64_t> create_codes, terminate_codes;
  std::vector<std::string> create_names, terminate_names;
  CategoryId process_category = categories::kProcess;
  size_t max_entries = 1 << 16;  // per lineage test; oldest evicted beyond it
};

struct SequenceLimits {
  size_t max_pending_per_rule = 10000;
  size_t max_pending_total = 200000;
  size_t max_join_keys_per_rule = 10000;
  // kAggregate: groups per rule (oldest evicted), entries a group keeps (a threshold above it
  // is refused when the rule is compiled), entries per rule (oldest groups evicted beyond it).
  size_t max_aggregate_groups_per_rule = 10000;
  size_t max_aggregate_entries_per_group = 10000;
  size_t max_aggregate_entries_per_rule = 1000000;
};

struct RuleSetPlan {
  std::vector<RulePlan> rules;
  std::vector<LineagePlan> lineages;  // inner subqueries before the outer ones that use them
  LineageConfig lineage;
  SequenceLimits limits;
};

}  // namespace wsn::match

namespace wsn {

// The one predicate-IR plan that every IR rule kind of a rule set adds to (wsn/rule_kind.h).
// The first kind to add sets the lineage and limits; build_rule_set() then builds a single
// matcher from it, so all IR rules share one category index, prefilter scan and sequence store.
class RulePlanBuilder {
 public:
  match::RuleSetPlan plan;
  bool configured = false;  // lineage and limits set
};

}  // namespace wsn
