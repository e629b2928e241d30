// Process lineage for `child of` / `descendant of` / `event of [subquery]`.
//
// One LineageTracker per lineage test in the rule set (Endgame semantics): it remembers the
// processes that matched its subquery ("sources") and, from process creation events, their
// children or descendants ("members"). A termination removes the process at the next process
// event, so the termination event itself still counts as part of the lineage. Process keys are
// the configured pid field (a hash for strings, the value for integers). Each set is bounded;
// the oldest entries are evicted first and counted.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "match/ir.h"
#include "match/plan.h"
#include "wsn/event.h"

namespace wsn::match {

// A bounded set of 64-bit keys with oldest-first eviction.
class BoundedKeySet {
 public:
  explicit BoundedKeySet(size_t capacity) : capacity_(capacity) {}
  void insert(uint64_t k);
  void erase(uint64_t k) { map_.erase(k); }
  bool contains(uint64_t k) const { return map_.count(k) > 0; }
  size_t size() const { return map_.size(); }
  uint64_t evictions() const { return evictions_; }

 private:
  size_t capacity_;
  uint64_t next_ = 0;
  uint64_t evictions_ = 0;
  std::unordered_map<uint64_t, uint64_t> map_;       // key → insertion stamp
  std::deque<std::pair<uint64_t, uint64_t>> order_;  // (key, stamp), oldest first
};

// The key of a process id value; nullopt for null, 0 and "".
std::optional<uint64_t> process_key(const Value& v);

class LineageTracker {
 public:
  LineageTracker(LineageKind kind, const LineageConfig& cfg)
      : kind_(kind), cfg_(cfg), sources_(cfg.max_entries), members_(cfg.max_entries) {}

  // Step 1 for every event: applies process creation / termination.
  void on_event(const Event& e);
  // Step 2: the event matched the subquery.
  void on_subquery_match(const Event& e);
  // The lineage test of the outer query.
  bool test(const Event& e) const;
  uint64_t evictions() const { return sources_.evictions() + members_.evictions(); }
  size_t size() const { return sources_.size() + members_.size(); }

 private:
  bool op_is(const Event& e, const std::vector<int64_t>& codes,
             const std::vector<std::string>& names) const;

  LineageKind kind_;
  const LineageConfig& cfg_;
  BoundedKeySet sources_;
  BoundedKeySet members_;
  std::vector<uint64_t> dead_;  // terminated, removed at the next process event
};

}  // namespace wsn::match
