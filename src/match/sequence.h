// State of sequence and join rules on the host NFA.
//
// Sequences (Elastic/Endgame semantics): per rule, per stage (the next step awaited) and per
// join key there is at most one pending partial match; a newer one replaces it. Keys are the
// typed key values encoded into bytes (encode_key), so state is partitioned by key. Partials
// expire by event time (maxspan, measured from the first event), are removed by `until`, and
// are bounded per rule and in total with oldest-first eviction. A partial holds shared copies of
// its events (one copy per event, shared between forks).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "match/eval.h"
#include "match/plan.h"
#include "match/strings.h"
#include "wsn/event.h"

namespace wsn::match {

// Encodes the values of `keys` (evaluated on ctx) into `out`. Returns false when a key whose
// position is not nullable evaluates to null (the event then does not join).
bool encode_key(const Program& p, const std::vector<NodeRef>& keys, EvalContext& ctx,
                const std::vector<bool>& nullable, bool fold, std::string& out);

struct Partial {
  uint32_t rule = 0;
  uint32_t stage = 0;
  int64_t start_ns = 0;
  uint64_t stamp = 0;
  bool live = false;
  bool placed = false;
  std::string key;
  std::vector<std::shared_ptr<const Event>> events;
};

class SequenceStore {
 public:
  SequenceStore(const SequenceLimits& limits, size_t rule_count);

  // Declares a sequence rule with `stages` stage maps and its maxspan (0: none).
  void configure(uint32_t rule, uint32_t stages, int64_t maxspan_ns);

  // Id of the partial of `rule` awaiting `stage` with `key`, or -1.
  int64_t find(uint32_t rule, uint32_t stage, std::string_view key) const;
  // A new partial (not yet placed); may evict the oldest to respect the bounds.
  uint32_t create(uint32_t rule, std::string_view key, int64_t start_ns);
  uint32_t clone(uint32_t id);
  // Puts the partial in its rule's map for `stage`, replacing a partial already there.
  void place(uint32_t id, uint32_t stage);
  void unplace(uint32_t id);
  void release(uint32_t id);
  Partial& get(uint32_t id) { return slab_[id]; }
  // Whether any partial of `rule` is placed in stages [first, last]: when none is, steps that
  // could only advance or remove one need not be evaluated.
  bool any_placed(uint32_t rule, uint32_t first, uint32_t last) const {
    const auto& st = rules_[rule].stages;
    for (uint32_t s = first; s <= last && s < st.size(); ++s) {
      if (!st[s].empty()) return true;
    }
    return false;
  }
  // Removes the partials of `rule` with `key` in stages [first, last]; returns how many.
  size_t remove_key(uint32_t rule, std::string_view key, uint32_t first, uint32_t last);

  // Pops partials whose deadline (start + maxspan) is before `now_ns`; calls on_due(id) for
  // each live one before releasing it.
  template <typename F>
  void expire(int64_t now_ns, F&& on_due) {
    while (!heap_.empty() && heap_.top().deadline < now_ns) {
      const HeapEntry h = heap_.top();
      heap_.pop();
      Partial& p = slab_[h.id];
      if (!p.live || p.stamp != h.stamp) continue;
      on_due(h.id);
      if (p.live && p.stamp == h.stamp) release(h.id);
    }
  }
  // Ids of live partials of `rule` placed in `stage`, oldest first (finish()).
  std::vector<uint32_t> placed_in(uint32_t rule, uint32_t stage) const;

  size_t pending() const { return live_count_; }
  uint64_t evicted() const { return evicted_; }

 private:
  struct HeapEntry {
    int64_t deadline;
    uint32_t id;
    uint64_t stamp;
    bool operator>(const HeapEntry& o) const { return deadline > o.deadline; }
  };
  struct RuleState {
    std::vector<std::unordered_map<std::string, uint32_t, ExactHash, ExactEq>> stages;
    std::deque<std::pair<uint32_t, uint64_t>> fifo;
    size_t count = 0;
    int64_t maxspan = 0;
  };
  uint32_t allocate();
  void evict_oldest(std::deque<std::pair<uint32_t, uint64_t>>& fifo);

  SequenceLimits limits_;
  std::vector<RuleState> rules_;
  std::vector<Partial> slab_;
  std::vector<uint32_t> free_;
  std::deque<std::pair<uint32_t, uint64_t>> global_fifo_;
  std::priority_queue<HeapEntry, std::vector<HeapEntry>, std::greater<HeapEntry>> heap_;
  uint64_t next_stamp_ = 1;
  size_t live_count_ = 0;
  uint64_t evicted_ = 0;
};

// Endgame join: per key, the first event for each position; complete when all are filled.
class JoinStore {
 public:
  JoinStore(size_t positions, size_t max_keys) : positions_(positions), max_keys_(max_keys) {}

  // Fills `position` for `key` if empty; returns true when the entry is then complete, with
  // the events in position order in `out` (the entry is removed).
  bool fill(std::string_view key, size_t position, const std::shared_ptr<const Event>& ev,
            std::vector<std::shared_ptr<const Event>>& out);
  bool remove(std::string_view key);
  size_t pending() const { return map_.size(); }
  uint64_t evicted() const { return evicted_; }

 private:
  struct Entry {
    std::vector<std::shared_ptr<const Event>> slots;
    size_t filled = 0;
    uint64_t stamp = 0;
  };
  size_t positions_;
  size_t max_keys_;
  std::unordered_map<std::string, Entry, ExactHash, ExactEq> map_;
  std::deque<std::pair<std::string, uint64_t>> fifo_;
  uint64_t next_stamp_ = 1;
  uint64_t evicted_ = 0;
};

}  // namespace wsn::match
