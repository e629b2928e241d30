// State of sequence and join rules on the host NFA.
//
// Sequences (Elastic/Endgame semantics): per rule, per stage (the next step awaited) and per
// join key there is at most one pending partial match; a newer one replaces it. Keys are the
// typed key values encoded into bytes (encode_key), so state is partitioned by key; the store
// interns them (KeyPool) and indexes partials by key id (IdTable). Partials expire by event
// time (maxspan, measured from the first event), are removed by `until`, and are bounded per
// rule and in total with oldest-first eviction. A partial holds shared copies of its events
// (one copy per event, shared between partials and forks: EventCopies).
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
#include "match/state_tables.h"
#include "match/strings.h"
#include "wsn/event.h"

namespace wsn::match {

// Encodes the values of `keys` (evaluated on ctx) into `out`. Returns false when a key whose
// position is not nullable evaluates to null (the event then does not join).
bool encode_key(const Program& p, const std::vector<NodeRef>& keys, EvalContext& ctx,
                const std::vector<bool>& nullable, bool fold, std::string& out);

// Copies of the events that partial matches hold, named by id, with their reference counts in
// a dense array: releasing a partial touches 4 bytes per event, not the copy. A copy nobody
// holds any more is reused, with its buffers, for a later event.
class EventCopies {
 public:
  EventCopies() = default;
  EventCopies(const EventCopies&) = delete;
  EventCopies& operator=(const EventCopies&) = delete;

  // A copy of `e` with no holder yet.
  uint32_t make(const Event& e);
  void hold(uint32_t id) { ++refs_[id]; }
  void drop(uint32_t id) {
    if (--refs_[id] == 0) recycle(id);
  }
  const Event& get(uint32_t id) const { return *events_[id]; }

 private:
  static constexpr size_t kMaxIdle = 4096;  // idle copies keeping their buffers
  void recycle(uint32_t id);

  std::vector<std::unique_ptr<Event>> events_;
  std::vector<uint32_t> refs_;
  std::vector<uint32_t> free_;
  size_t idle_ = 0;  // ids in free_ whose Event still exists
};

// Event copy ids of a partial match: up to 4 in place (every step of most sequences), so that
// adding and dropping them does not chase a pointer to a separate buffer; more (long sequences,
// `runs=N`) spill to the heap.
class EventIds {
 public:
  void clear() {
    size_ = 0;
    if (more_) more_->clear();
  }
  void push_back(uint32_t id) {
    if (size_ < kInPlace) {
      in_place_[size_] = id;
    } else {
      if (!more_) more_ = std::make_unique<std::vector<uint32_t>>();
      more_->push_back(id);
    }
    ++size_;
  }
  size_t size() const { return size_; }
  uint32_t operator[](size_t k) const {
    return k < kInPlace ? in_place_[k] : (*more_)[k - kInPlace];
  }
  struct Iterator {
    const EventIds* ids;
    size_t k;
    uint32_t operator*() const { return (*ids)[k]; }
    Iterator& operator++() {
      ++k;
      return *this;
    }
    bool operator!=(const Iterator& o) const { return k != o.k; }
  };
  Iterator begin() const { return {this, 0}; }
  Iterator end() const { return {this, size_}; }

 private:
  static constexpr uint32_t kInPlace = 4;
  uint32_t in_place_[kInPlace] = {};
  uint32_t size_ = 0;
  std::unique_ptr<std::vector<uint32_t>> more_;
};

// A partial match. `key` is an id in the store's KeyPool (one reference per live partial);
// `events` are ids in its EventCopies (one reference each).
struct Partial {
  uint32_t rule = 0;
  uint32_t stage = 0;
  uint32_t key = kNoKey;
  bool live = false;
  bool placed = false;
  int64_t start_ns = 0;
  // Time of the latest leading missing-step event before the first event (INT64_MIN: none);
  // Elasticsearch decides with it at completion ([TW] doCheckMissingEvents).
  int64_t leading_ns = INT64_MIN;
  uint64_t stamp = 0;
  EventIds events;
  // The live partials holding the same key, as a doubly linked list (SequenceStore::key_head_).
  uint32_t key_prev = kNoKey;
  uint32_t key_next = kNoKey;
};

class SequenceStore {
 public:
  SequenceStore(const SequenceLimits& limits, size_t rule_count);

  // Declares a sequence rule with `stages` stage maps and its maxspan (0: none).
  void configure(uint32_t rule, uint32_t stages, int64_t maxspan_ns);

  // Id of an encoded key some partial holds, or kNoKey (then find() finds nothing for it).
  // The answer stays valid while key_epoch() is unchanged.
  uint32_t key_id(const KeyRef& key) const { return keys_.find(key); }
  uint64_t key_epoch() const { return keys_.epoch(); }

  // Id of the partial of `rule` awaiting `stage` with key id `key`, or -1.
  int64_t find(uint32_t rule, uint32_t stage, uint32_t key) const {
    if (key == kNoKey || !keys_.may_hold(key, rule)) return -1;
    return rules_[rule].stages[stage].find(key);
  }
  // A new partial (not yet placed); may evict the oldest to respect the bounds.
  uint32_t create(uint32_t rule, const KeyRef& key, int64_t start_ns);
  uint32_t clone(uint32_t id);
  // Puts the partial in its rule's map for `stage`, replacing a partial already there.
  void place(uint32_t id, uint32_t stage);
  void unplace(uint32_t id);
  void release(uint32_t id);
  Partial& get(uint32_t id) { return slab_[id]; }
  // Appends event copy `copy` (see copies()) to the partial, which then holds it.
  void add_event(uint32_t id, uint32_t copy) {
    copies_.hold(copy);
    slab_[id].events.push_back(copy);
  }
  EventCopies& copies() { return copies_; }
  // Whether any partial of `rule` is placed in stages [first, last]: when none is, steps that
  // could only advance or remove one need not be evaluated.
  bool any_placed(uint32_t rule, uint32_t first, uint32_t last) const {
    if (first > last) return false;
    if (last < 64) {  // the common case: one test of the rule's bitmap
      const uint64_t range = (~uint64_t{0} >> (63 - last)) & (~uint64_t{0} << first);
      return (placed_mask_[rule] & range) != 0;
    }
    const auto& st = rules_[rule].stages;
    for (uint32_t s = first; s <= last && s < st.size(); ++s) {
      if (!st[s].empty()) return true;
    }
    return false;
  }
  // Calls f(id) for each live partial holding key id `key`, of any rule; f may release the
  // partial it is given (and no other).
  template <typename F>
  void for_each_with_key(uint32_t key, F&& f) {
    if (key >= key_head_.size()) return;
    for (uint32_t id = key_head_[key]; id != kNoKey;) {
      const uint32_t next = slab_[id].key_next;
      f(id);
      id = next;
    }
  }
  // Removes the partials of `rule` with key id `key` in stages [first, last]; returns how many.
  size_t remove_key(uint32_t rule, uint32_t key, uint32_t first, uint32_t last);

  // Pops partials whose deadline (start + maxspan) is before `now_ns`, earliest deadline first;
  // calls on_due(id) for each live one before releasing it.
  template <typename F>
  void expire(int64_t now_ns, F&& on_due) {
    while (true) {
      const bool in_heap = !heap_.empty() && heap_.top().deadline < now_ns;
      const bool in_fifo = !wake_.empty() && wake_.top().deadline < now_ns;
      if (!in_heap && !in_fifo) return;
      uint32_t id;
      uint64_t stamp;
      if (in_heap && (!in_fifo || heap_.top().deadline <= wake_.top().deadline)) {
        id = heap_.top().id;
        stamp = heap_.top().stamp;
        heap_.pop();
        if (!holds_stamp(id, stamp)) continue;
      } else {
        const uint32_t rule = wake_.top().rule;
        wake_.pop();
        RuleState& rs = rules_[rule];
        rs.armed = false;
        if (!front_due(rs, now_ns)) {
          arm(rule);
          continue;
        }
        id = rs.fifo.front().first;
        stamp = rs.fifo.front().second;
        rs.fifo.pop_front();
        arm(rule);
      }
      on_due(id);
      if (holds_stamp(id, stamp)) release(id);
    }
  }
  // Ids of live partials of `rule` placed in `stage`, oldest first (finish()).
  std::vector<uint32_t> placed_in(uint32_t rule, uint32_t stage) const;

  size_t pending() const { return live_count_; }
  uint64_t evicted() const { return evicted_; }
  uint64_t created() const { return created_; }

 private:
  struct HeapEntry {
    int64_t deadline;
    uint32_t id;
    uint64_t stamp;
    bool operator>(const HeapEntry& o) const { return deadline > o.deadline; }
  };
  struct Wake {  // the live partial at the front of `rule`'s fifo is due at `deadline` or later
    int64_t deadline;
    uint32_t rule;
    bool operator>(const Wake& o) const {
      return deadline != o.deadline ? deadline > o.deadline : rule > o.rule;
    }
  };
  struct RuleState {
    std::vector<IdTable> stages;
    // Creation order, for eviction; with one maxspan per rule it is also deadline order, except
    // for partials that start before the newest one (forks, event time going back), which
    // are timed by heap_ instead. Entries of released partials are skipped when met.
    std::deque<std::pair<uint32_t, uint64_t>> fifo;
    size_t count = 0;
    int64_t maxspan = 0;
    int64_t last_deadline = INT64_MIN;  // latest deadline queued in fifo order
    bool armed = false;                 // has an entry in wake_
  };
  // Drops released partials from the front of rs.fifo; true when the front one is then due.
  bool front_due(RuleState& rs, int64_t now_ns) {
    while (!rs.fifo.empty()) {
      const auto [id, stamp] = rs.fifo.front();
      if (holds_stamp(id, stamp)) return slab_[id].start_ns + rs.maxspan < now_ns;
      rs.fifo.pop_front();
    }
    return false;
  }
  // Makes sure wake_ visits `rule` when the partial at the front of its fifo is due.
  void arm(uint32_t rule) {
    RuleState& rs = rules_[rule];
    if (rs.armed || rs.maxspan <= 0) return;
    while (!rs.fifo.empty()) {
      const auto [id, stamp] = rs.fifo.front();
      if (holds_stamp(id, stamp)) {
        wake_.push({slab_[id].start_ns + rs.maxspan, rule});
        rs.armed = true;
        return;
      }
      rs.fifo.pop_front();
    }
  }
  // Whether partial `id` is live with stamp `stamp` (queue entries of released partials are
  // recognized without touching the partial: the queues are mostly such entries).
  bool holds_stamp(uint32_t id, uint64_t stamp) const { return live_stamp_[id] == stamp; }
  uint32_t allocate();
  uint32_t create_with(uint32_t rule, uint32_t key, int64_t start_ns);
  void evict_oldest(std::deque<std::pair<uint32_t, uint64_t>>& fifo);

  SequenceLimits limits_;
  std::vector<RuleState> rules_;
  // Per rule: bit s (s < 64) is set iff stage s holds a placed partial. A dense array, so that
  // idle rules are recognized without touching their tables.
  std::vector<uint64_t> placed_mask_;
  KeyPool keys_;
  EventCopies copies_;
  std::vector<Partial> slab_;
  std::vector<uint32_t> key_head_;    // per key id: the first partial holding it, or kNoKey
  std::vector<uint64_t> live_stamp_;  // per slab id: the live partial's stamp, 0 when released
  std::vector<uint32_t> free_;
  std::deque<std::pair<uint32_t, uint64_t>> global_fifo_;
  // Deadlines: per rule its fifo (wake_ holds one entry per rule with pending partials), and
  // heap_ for the partials out of their fifo's deadline order.
  std::priority_queue<Wake, std::vector<Wake>, std::greater<Wake>> wake_;
  std::priority_queue<HeapEntry, std::vector<HeapEntry>, std::greater<HeapEntry>> heap_;
  std::vector<uint32_t> clone_events_;
  uint64_t next_stamp_ = 1;
  size_t live_count_ = 0;
  uint64_t evicted_ = 0;
  uint64_t created_ = 0;
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

// Elasticsearch `sample`: per key tuple, candidate events for each filter; a sample is one
// distinct event per filter, in any order and with no time bound ([SI] SampleIterator).
// A filter keeps at most as many candidates as there are filters: with that many distinct
// ones, some candidate is always left over by the other filters, so no sample is missed.
class SampleStore {
 public:
  SampleStore(size_t filters, size_t max_keys, uint32_t max_per_key, uint64_t size)
      : filters_(filters), max_keys_(max_keys), max_per_key_(max_per_key), size_(size) {}

  // Offers `ev` as a candidate of `filter` under `key`. When a sample can then be formed it is
  // put in `out` (filter order), its events stop being candidates, and true is returned.
  bool offer(std::string_view key, size_t filter, const std::shared_ptr<const Event>& ev,
             std::vector<std::shared_ptr<const Event>>& out);
  size_t pending() const { return map_.size(); }
  uint64_t evicted() const { return evicted_; }

 private:
  struct Entry {
    std::vector<std::vector<std::shared_ptr<const Event>>> candidates;  // per filter
    uint32_t samples = 0;  // reported so far; at max_per_key_ the key is retired
    uint64_t stamp = 0;
    // The events of the last sample: the event that completed it may still be offered to the
    // filters after the completing one, and must not start the next sample.
    std::vector<std::shared_ptr<const Event>> last;
  };
  // Backtracking choice of one distinct candidate per filter, from `filter` on.
  bool choose(const Entry& e, size_t filter, std::vector<const Event*>& picked,
              std::vector<size_t>& at) const;

  size_t filters_;
  size_t max_keys_;
  uint32_t max_per_key_;
  uint64_t size_;  // 0: unbounded
  uint64_t reported_ = 0;
  std::unordered_map<std::string, Entry, ExactHash, ExactEq> map_;
  std::deque<std::pair<std::string, uint64_t>> fifo_;  // creation order, for eviction
  uint64_t next_stamp_ = 1;
  uint64_t evicted_ = 0;
};

}  // namespace wsn::match
