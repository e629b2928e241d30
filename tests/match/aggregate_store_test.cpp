// AggregateStore (match/aggregate_store.h), the state of aggregating rules (Sigma value_count,
// value_sum, value_avg, event_count and temporal conditions beyond sequences): checked against a
// reference that keeps every event of every group and recomputes each metric from scratch, over
// random streams — the bounded store (a count keeps only its threshold's worth of entries, a
// window only its largest bound + 1 distinct values) must decide exactly as the reference does.
// Then the bounds: groups and entries beyond the limits are evicted and counted.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "match/aggregate_store.h"

namespace wsn::match {
namespace {

struct Ev {
  int64_t t;
  int group;
  std::string value;
  double amount;
};

// One decision: the group, the index of the event reported, the metric.
using Decision = std::tuple<int, size_t, double>;

double metric_of(AggregateMetric m, const std::vector<const Ev*>& window) {
  switch (m) {
    case AggregateMetric::kEvents:
      return static_cast<double>(window.size());
    case AggregateMetric::kDistinctValues: {
      std::set<std::string> values;
      for (const Ev* e : window) values.insert(e->value);
      return static_cast<double>(values.size());
    }
    case AggregateMetric::kSum:
    case AggregateMetric::kAverage: {
      double s = 0;
      for (const Ev* e : window) s += e->amount;
      return m == AggregateMetric::kSum || window.empty() ? s : s / window.size();
    }
  }
  return 0;
}

// Sliding: the events of the group within [t - span, t]; fires when the condition starts to
// hold.
std::vector<Decision> reference_sliding(const AggregatePlan& plan, int64_t span,
                                        const std::vector<Ev>& events) {
  std::vector<Decision> out;
  std::map<int, bool> holding;
  for (size_t k = 0; k < events.size(); ++k) {
    const Ev& e = events[k];
    std::vector<const Ev*> before;
    for (size_t j = 0; j < k; ++j) {
      if (events[j].group == e.group && events[j].t >= e.t - span) before.push_back(&events[j]);
    }
    if (holding[e.group] && !plan.condition.holds(metric_of(plan.metric, before))) {
      holding[e.group] = false;
    }
    before.push_back(&e);
    const double m = metric_of(plan.metric, before);
    const bool holds = plan.condition.holds(m);
    if (holds && !holding[e.group]) out.emplace_back(e.group, k, m);
    holding[e.group] = holds;
  }
  return out;
}

// At close: a group's window opens at its first event and takes its events up to span later.
std::vector<Decision> reference_at_close(const AggregatePlan& plan, int64_t span,
                                         const std::vector<Ev>& events) {
  std::vector<Decision> out;
  std::map<int, std::vector<size_t>> open;
  auto close = [&](int g) {
    std::vector<const Ev*> window;
    for (size_t k : open[g]) window.push_back(&events[k]);
    double m = metric_of(plan.metric, window);
    // A distinct count is kept up to the capacity (largest bound + 1): reported as that.
    if (plan.metric == AggregateMetric::kDistinctValues) m = std::min(m, double(plan.capacity));
    if (plan.condition.holds(m)) out.emplace_back(g, open[g].back(), m);
    open.erase(g);
  };
  for (size_t k = 0; k < events.size(); ++k) {
    const Ev& e = events[k];
    auto it = open.find(e.group);
    if (it != open.end() && e.t > events[it->second.front()].t + span) close(e.group);
    open[e.group].push_back(k);
  }
  while (!open.empty()) close(open.begin()->first);
  return out;
}

std::vector<Decision> run_store(const AggregatePlan& plan, int64_t span,
                                const std::vector<Ev>& events, const SequenceLimits& limits = {}) {
  AggregateStore store(plan, span, limits);
  std::vector<std::shared_ptr<const Event>> copies;
  std::map<const Event*, size_t> index_of;
  std::vector<Decision> out;
  auto take = [&](const std::vector<AggregateStore::Fired>& fired) {
    for (const auto& f : fired) {
      const size_t k = index_of.at(f.event.get());
      out.emplace_back(events[k].group, k, f.metric);
    }
  };
  for (size_t k = 0; k < events.size(); ++k) {
    const Ev& e = events[k];
    take(store.expire(e.t));
    auto copy = std::make_shared<const Event>();
    index_of[copy.get()] = k;
    copies.push_back(copy);
    const std::string key = "group " + std::to_string(e.group);
    double m = 0;
    if (store.add({key, hash_key(key)}, {e.value, e.amount}, e.t, copy, m)) {
      out.emplace_back(e.group, k, m);
    }
  }
  take(store.finish());
  return out;
}

// Windows close in deadline order, the reference's in group order: the same decisions.
std::vector<Decision> sorted(std::vector<Decision> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<Ev> random_events(std::mt19937& rng, size_t n) {
  std::vector<Ev> out;
  int64_t t = 0;
  for (size_t k = 0; k < n; ++k) {
    t += std::uniform_int_distribution<int>(0, 4)(rng);
    out.push_back(
        {t, std::uniform_int_distribution<int>(0, 2)(rng),
         std::string(1, static_cast<char>('a' + std::uniform_int_distribution<int>(0, 5)(rng))),
         static_cast<double>(std::uniform_int_distribution<int>(0, 100)(rng))});
  }
  return out;
}

AggregatePlan plan_of(AggregateMetric m, AggregateCondition c, bool at_close, uint32_t capacity) {
  AggregatePlan p;
  p.metric = m;
  p.condition = c;
  p.at_close = at_close;
  p.capacity = capacity;
  return p;
}

TEST(AggregateStore, SlidingCountsDecideAsTheFullHistoryDoes) {
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    const auto events = random_events(rng, 60);
    const int64_t span = std::uniform_int_distribution<int>(3, 15)(rng);
    const int threshold = std::uniform_int_distribution<int>(1, 5)(rng);
    for (AggregateMetric m : {AggregateMetric::kEvents, AggregateMetric::kDistinctValues}) {
      AggregateCondition c;
      if (round % 2) {
        c.gte = threshold;
      } else {
        c.gt = threshold - 1;
      }
      // The capacity is the threshold: the store keeps no more than it needs.
      const AggregatePlan plan = plan_of(m, c, false, static_cast<uint32_t>(threshold));
      ASSERT_EQ(run_store(plan, span, events), reference_sliding(plan, span, events))
          << "round " << round << " metric " << static_cast<int>(m) << " threshold " << threshold
          << " span " << span;
    }
  }
}

TEST(AggregateStore, SlidingSumsDecideAsTheFullHistoryDoes) {
  std::mt19937 rng(11);
  for (int round = 0; round < 300; ++round) {
    const auto events = random_events(rng, 60);
    const int64_t span = std::uniform_int_distribution<int>(3, 15)(rng);
    AggregateCondition c;
    c.gt = std::uniform_int_distribution<int>(50, 400)(rng);
    const AggregatePlan plan = plan_of(AggregateMetric::kSum, c, false, 0);
    ASSERT_EQ(run_store(plan, span, events), reference_sliding(plan, span, events))
        << "round " << round;
  }
}

TEST(AggregateStore, WindowsDecideAtCloseAsTheFullHistoryDoes) {
  std::mt19937 rng(13);
  for (int round = 0; round < 300; ++round) {
    const auto events = random_events(rng, 60);
    const int64_t span = std::uniform_int_distribution<int>(3, 15)(rng);
    const int a = std::uniform_int_distribution<int>(0, 4)(rng);
    const int b = a + std::uniform_int_distribution<int>(0, 3)(rng);
    AggregateCondition range, below, exact, other;
    range.gt = a;
    range.lte = b;
    below.lt = b + 1;
    exact.eq = b;
    other.neq = a;
    for (const AggregateCondition& c : {range, below, exact, other}) {
      for (AggregateMetric m : {AggregateMetric::kEvents, AggregateMetric::kDistinctValues}) {
        // Distinct values up to the largest bound + 1 decide every bound.
        const AggregatePlan plan = plan_of(m, c, true, static_cast<uint32_t>(b + 2));
        ASSERT_EQ(sorted(run_store(plan, span, events)),
                  sorted(reference_at_close(plan, span, events)))
            << "round " << round;
      }
    }
    AggregateCondition avg;
    avg.gt = std::uniform_int_distribution<int>(20, 80)(rng);
    const AggregatePlan mean = plan_of(AggregateMetric::kAverage, avg, true, 0);
    ASSERT_EQ(sorted(run_store(mean, span, events)),
              sorted(reference_at_close(mean, span, events)));
  }
}

TEST(AggregateStore, GroupsBeyondTheBoundAreEvictedOldestFirstAndCounted) {
  SequenceLimits limits;
  limits.max_aggregate_groups_per_rule = 2;
  AggregateCondition c;
  c.gte = 2;
  AggregateStore store(plan_of(AggregateMetric::kEvents, c, false, 2), 100, limits);
  auto add = [&](const std::string& key, int64_t t) {
    double m = 0;
    return store.add({key, hash_key(key)}, {}, t, nullptr, m);
  };
  EXPECT_FALSE(add("alice", 1));
  EXPECT_FALSE(add("bob", 2));
  EXPECT_FALSE(add("carol", 3));  // alice's group goes
  EXPECT_EQ(store.groups(), 2u);
  EXPECT_EQ(store.evicted(), 1u);
  EXPECT_FALSE(add("alice", 4));  // starts again from one event (and bob's goes)
  EXPECT_TRUE(add("carol", 5));
  EXPECT_EQ(store.evicted(), 2u);
}

TEST(AggregateStore, EntriesBeyondTheRuleBoundEvictGroups) {
  SequenceLimits limits;
  limits.max_aggregate_entries_per_rule = 5;
  AggregateCondition c;
  c.gte = 4;
  AggregateStore store(plan_of(AggregateMetric::kDistinctValues, c, false, 4), 100, limits);
  double m = 0;
  for (const char* v : {"a", "b", "c"}) store.add({"g1", hash_key("g1")}, {v}, 1, nullptr, m);
  for (const char* v : {"a", "b", "c"}) store.add({"g2", hash_key("g2")}, {v}, 2, nullptr, m);
  EXPECT_EQ(store.groups(), 1u);  // six values: g1, the oldest, went
  EXPECT_EQ(store.evicted(), 1u);
}

TEST(AggregateStore, IdleGroupsAreDroppedByEventTime) {
  AggregateCondition c;
  c.gte = 3;
  AggregateStore store(plan_of(AggregateMetric::kEvents, c, false, 3), 10, {});
  double m = 0;
  for (int g = 0; g < 100; ++g) {
    const std::string key = std::to_string(g);
    store.add({key, hash_key(key)}, {}, g, nullptr, m);
  }
  EXPECT_EQ(store.groups(), 100u);
  EXPECT_TRUE(store.expire(105).empty());
  EXPECT_EQ(store.groups(), 5u);  // last seen at 95..99: still within 10 of 105
  EXPECT_EQ(store.evicted(), 0u);
}

}  // namespace
}  // namespace wsn::match
