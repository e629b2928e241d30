// State of aggregation rules (RuleShape::kAggregate: Sigma's value_count, value_sum, value_avg,
// and the event_count / temporal conditions a sequence cannot express; plan.h AggregatePlan).
//
// One store per rule. A group is an encoded join key (the correlation's group-by values),
// interned in a KeyPool and found through an IdTable, as sequence state is (state_tables.h).
// Time is event time: windows and entries expire when an event later than their deadline is
// processed, or at the end of input, never by the wall clock, so replaying a log decides the
// same way every time and on every machine.
//
// Sliding (AggregatePlan::at_close false; gt / gte on a count, a distinct count or a sum): a
// group keeps its entries of the last maxspan. After each event of the group the condition is
// tested, and the rule fires when it starts to hold (once; again only after it stopped holding
// as entries left the window). A count keeps only its `capacity` most recent events or values:
// the threshold holds exactly when those lie within maxspan, so dropping older ones changes no
// decision. A sum keeps at most max_aggregate_entries_per_group entries; beyond that the oldest
// is folded into the next one (the sum stays exact; the folded amount leaves the window with the
// later entry).
//
// At close (every other condition): a group's window opens at its first event and closes
// maxspan later; the condition is then tested on the whole window and the rule fires with the
// window's last event. The group's next event opens a new window.
//
// Bounds: max_aggregate_groups_per_rule groups, and max_aggregate_entries_per_rule entries
// (events, values) in all the groups of the rule; beyond either the oldest group is dropped and
// counted (evicted(); the engine exports wsn_correlation_evictions_total).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "match/plan.h"
#include "match/state_tables.h"
#include "match/strings.h"
#include "wsn/event.h"

namespace wsn::match {

class AggregateStore {
 public:
  AggregateStore(const AggregatePlan& plan, int64_t window_ns, const SequenceLimits& limits);

  // What one matched event contributes: a value (distinct counts; encoded bytes) or an amount
  // (sums and averages).
  struct Input {
    std::string_view value;
    double amount = 0;
  };
  // A decision to report: the event to report it with, and the metric's value (`at_least`: a
  // distinct count that reached the window's capacity, so the true count may be higher).
  struct Fired {
    std::shared_ptr<const Event> event;
    double metric = 0;
    bool at_least = false;
  };

  // Adds an event of group `key`. Sliding: true, with the metric in `metric`, when the
  // condition starts to hold with it (the caller reports this event).
  bool add(const KeyRef& key, const Input& in, int64_t now_ns,
           const std::shared_ptr<const Event>& event, double& metric);
  // Closes the windows (at close) and drops the idle groups (sliding) whose deadline is before
  // `now_ns`, earliest first; returns the closed windows whose condition held, in that order
  // (valid until the next call).
  const std::vector<Fired>& expire(int64_t now_ns);
  // End of input: every open window closes.
  const std::vector<Fired>& finish() { return expire(INT64_MAX); }
  // The earliest deadline expire() would act on (INT64_MAX: none).
  int64_t next_deadline() const { return due_.empty() ? INT64_MAX : due_.top().deadline; }

  size_t groups() const { return live_; }
  uint64_t evicted() const { return evicted_; }

 private:
  struct Entry {
    int64_t time = 0;
    double amount = 0;
  };
  struct Group {
    uint32_t key = kNoKey;      // id in keys_
    uint64_t stamp = 0;         // 0: a free slot
    int64_t start_ns = 0;       // at close: the window's first event
    int64_t last_ns = 0;        // the latest event
    bool holding = false;       // sliding: the condition held after the latest event
    uint64_t count = 0;         // at close: events of the window
    double sum = 0;             // amounts in the window
    std::deque<Entry> entries;  // sliding counts and sums: oldest first
    // Distinct values: the latest time each was seen, and (sliding) the order they were seen
    // in, stale entries included (an entry is current while its time is the value's latest).
    std::unordered_map<std::string, int64_t, ExactHash, ExactEq> last_seen;
    std::deque<std::pair<int64_t, std::string>> seen_order;
    std::shared_ptr<const Event> last_event;  // at close: reported when the window fires
  };
  struct Due {
    int64_t deadline;
    uint64_t stamp;
    uint32_t slot;
    bool operator>(const Due& o) const {
      return deadline != o.deadline ? deadline > o.deadline : stamp > o.stamp;
    }
  };

  double metric(const Group& g) const;
  uint32_t open(const KeyRef& key, int64_t now_ns);
  void drop(uint32_t slot);
  void evict_oldest();
  size_t entries_of(const Group& g) const { return g.entries.size() + g.last_seen.size(); }
  // Sliding: drops the group's entries older than the window ending at `now_ns`.
  void slide(Group& g, int64_t now_ns);
  void forget_oldest_value(Group& g);
  void add_value(Group& g, std::string_view value, int64_t now_ns);

  AggregatePlan plan_;
  int64_t window_ns_;
  SequenceLimits limits_;
  KeyPool keys_;
  IdTable slot_of_;  // key id -> slot
  std::vector<Group> slots_;
  std::vector<uint32_t> free_;
  std::deque<std::pair<uint32_t, uint64_t>> created_;  // (slot, stamp), oldest first
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> due_;
  std::vector<Fired> fired_;
  uint64_t next_stamp_ = 1;
  size_t live_ = 0;
  size_t entries_ = 0;  // entries_of() summed over the live groups
  uint64_t evicted_ = 0;
};

}  // namespace wsn::match
