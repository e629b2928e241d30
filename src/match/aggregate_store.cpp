#include "match/aggregate_store.h"

#include <algorithm>

namespace wsn::match {

AggregateStore::AggregateStore(const AggregatePlan& plan, int64_t window_ns,
                               const SequenceLimits& limits)
    : plan_(plan), window_ns_(window_ns), limits_(limits) {
  plan_.values.clear();  // the matcher evaluates them; the store needs the decision rules only
  if (plan_.capacity == 0) plan_.capacity = 1;
}

double AggregateStore::metric(const Group& g) const {
  switch (plan_.metric) {
    case AggregateMetric::kEvents:
      return static_cast<double>(plan_.at_close ? g.count : g.entries.size());
    case AggregateMetric::kDistinctValues:
      return static_cast<double>(g.last_seen.size());
    case AggregateMetric::kSum:
      return g.sum;
    case AggregateMetric::kAverage:
      return g.count == 0 ? 0 : g.sum / static_cast<double>(g.count);
  }
  return 0;
}

uint32_t AggregateStore::open(const KeyRef& key, int64_t now_ns) {
  while (live_ >= limits_.max_aggregate_groups_per_rule && live_ > 0) evict_oldest();
  uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Group& g = slots_[slot];
  g.key = keys_.acquire(key);
  g.stamp = next_stamp_++;
  g.start_ns = g.last_ns = now_ns;
  slot_of_.put(g.key, slot);
  created_.emplace_back(slot, g.stamp);
  // At close the window's end; sliding, the earliest time the group can be idle.
  due_.push({now_ns + window_ns_, g.stamp, slot});
  ++live_;
  return slot;
}

void AggregateStore::drop(uint32_t slot) {
  Group& g = slots_[slot];
  entries_ -= entries_of(g);
  slot_of_.erase(g.key, slot);
  keys_.release(g.key);
  g = Group{};  // stamp 0: queue entries naming the slot are stale
  free_.push_back(slot);
  --live_;
}

void AggregateStore::evict_oldest() {
  while (!created_.empty()) {
    const auto [slot, stamp] = created_.front();
    created_.pop_front();
    if (slots_[slot].stamp != stamp) continue;
    drop(slot);
    ++evicted_;
    return;
  }
}

void AggregateStore::forget_oldest_value(Group& g) {
  while (!g.seen_order.empty()) {
    auto& [time, value] = g.seen_order.front();
    const auto it = g.last_seen.find(value);
    const bool current = it != g.last_seen.end() && it->second == time;
    if (current) {
      g.last_seen.erase(it);
      --entries_;
    }
    g.seen_order.pop_front();
    if (current) return;
  }
}

void AggregateStore::slide(Group& g, int64_t now_ns) {
  const int64_t oldest = now_ns - window_ns_;  // entries at or after it are in the window
  while (!g.entries.empty() && g.entries.front().time < oldest) {
    g.sum -= g.entries.front().amount;
    g.entries.pop_front();
    --entries_;
  }
  if (g.entries.empty()) g.sum = 0;  // no rounding residue in an empty window
  while (!g.seen_order.empty() && g.seen_order.front().first < oldest) {
    const auto& [time, value] = g.seen_order.front();
    const auto it = g.last_seen.find(value);
    if (it != g.last_seen.end() && it->second == time) {
      g.last_seen.erase(it);
      --entries_;
    }
    g.seen_order.pop_front();
  }
}

void AggregateStore::add_value(Group& g, std::string_view value, int64_t now_ns) {
  auto it = g.last_seen.find(value);
  if (it == g.last_seen.end()) {
    // At close a window keeps values up to its capacity (largest bound + 1): a saturated count
    // meets and fails every bound as the true count does.
    if (plan_.at_close && g.last_seen.size() >= plan_.capacity) return;
    it = g.last_seen.emplace(std::string(value), now_ns).first;
    ++entries_;
  } else {
    it->second = std::max(it->second, now_ns);
  }
  if (plan_.at_close) return;
  g.seen_order.emplace_back(now_ns, std::string(value));
  while (g.last_seen.size() > plan_.capacity) forget_oldest_value(g);
  // Repeated values leave stale entries behind: rebuild the order from the latest times.
  if (g.seen_order.size() > 2 * g.last_seen.size() + 16) {
    g.seen_order.clear();
    for (const auto& [v, t] : g.last_seen) g.seen_order.emplace_back(t, v);
    std::sort(g.seen_order.begin(), g.seen_order.end());
  }
}

bool AggregateStore::add(const KeyRef& key, const Input& in, int64_t now_ns,
                         const std::shared_ptr<const Event>& event, double& out) {
  const uint32_t id = keys_.find(key);
  const int64_t found = id == kNoKey ? -1 : slot_of_.find(id);
  const uint32_t slot = found >= 0 ? static_cast<uint32_t>(found) : open(key, now_ns);
  Group& g = slots_[slot];
  g.last_ns = std::max(g.last_ns, now_ns);
  if (plan_.at_close) {
    ++g.count;
    g.sum += in.amount;
    if (plan_.metric == AggregateMetric::kDistinctValues) add_value(g, in.value, now_ns);
    g.last_event = event;
  } else {
    slide(g, now_ns);
    if (g.holding && !plan_.condition.holds(metric(g))) g.holding = false;
    switch (plan_.metric) {
      case AggregateMetric::kEvents:
        g.entries.push_back({now_ns, 0});
        ++entries_;
        while (g.entries.size() > plan_.capacity) {
          g.entries.pop_front();
          --entries_;
        }
        break;
      case AggregateMetric::kSum:
        g.entries.push_back({now_ns, in.amount});
        g.sum += in.amount;
        ++entries_;
        if (g.entries.size() > limits_.max_aggregate_entries_per_group) {
          g.entries[1].amount += g.entries[0].amount;
          g.entries.pop_front();
          --entries_;
        }
        break;
      case AggregateMetric::kDistinctValues:
        add_value(g, in.value, now_ns);
        break;
      case AggregateMetric::kAverage:  // always at close
        break;
    }
  }
  out = metric(g);
  bool fire = false;
  if (!plan_.at_close) {
    const bool holds = plan_.condition.holds(out);
    fire = holds && !g.holding;
    g.holding = holds;
  }
  // The rule's entries beyond its bound: the oldest groups go (possibly this one, when it is
  // the only one left and alone exceeds it).
  while (entries_ > limits_.max_aggregate_entries_per_rule && live_ > 0) evict_oldest();
  return fire;
}

const std::vector<AggregateStore::Fired>& AggregateStore::expire(int64_t now_ns) {
  fired_.clear();
  while (!due_.empty() && due_.top().deadline < now_ns) {
    const Due d = due_.top();
    due_.pop();
    Group& g = slots_[d.slot];
    if (g.stamp != d.stamp) continue;  // dropped or evicted since
    if (plan_.at_close) {
      const double m = metric(g);
      const bool saturated =
          plan_.metric == AggregateMetric::kDistinctValues && g.last_seen.size() >= plan_.capacity;
      if (plan_.condition.holds(m)) fired_.push_back({g.last_event, m, saturated});
      drop(d.slot);
      continue;
    }
    // Sliding: idle once its latest event has left the window; otherwise look again then.
    const int64_t idle_at = g.last_ns + window_ns_;
    if (idle_at < now_ns) {
      drop(d.slot);
    } else {
      due_.push({idle_at, g.stamp, d.slot});
    }
  }
  return fired_;
}

}  // namespace wsn::match
