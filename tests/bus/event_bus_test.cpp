#include "bus/event_bus.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace wsn {
namespace {

void produce(EventBus& bus, int n, int producer) {
  BatchWriter w(bus);
  for (int k = 0; k < n; ++k) {
    Event& e = w.next();
    e.set_int(fields::kProcessPid, producer * 1'000'000 + k);
    w.commit();
  }
}

TEST(EventBus, BlockPolicyDeliversEverythingInOrderPerProducer) {
  EventBus bus(2, 16, EventBus::Policy::kBlock);
  std::thread p1([&] { produce(bus, 5000, 1); });
  std::thread p2([&] { produce(bus, 5000, 2); });
  std::thread closer([&] {
    p1.join();
    p2.join();
    bus.close();
  });
  std::vector<int64_t> last(3, -1);
  int64_t total = 0;
  while (auto b = bus.pop()) {
    for (size_t k = 0; k < b->size; ++k) {
      FieldView v;
      ASSERT_TRUE(b->events[k].get(fields::kProcessPid, v));
      const auto producer = v.i / 1'000'000;
      const auto seq = v.i % 1'000'000;
      EXPECT_EQ(seq, last[producer] + 1);
      last[producer] = seq;
      ++total;
    }
    bus.release(std::move(b));
  }
  closer.join();
  EXPECT_EQ(total, 10000);
  const BusCounters c = bus.counters();
  EXPECT_EQ(c.received, 10000u);
  EXPECT_EQ(c.processed, 10000u);
  EXPECT_EQ(c.dropped, 0u);
}

TEST(EventBus, DropPolicyCountsWhatDidNotFit) {
  EventBus bus(2, 10, EventBus::Policy::kDrop);
  produce(bus, 100, 0);  // nobody consumes: 2 batches fit, 8 are dropped
  bus.close();
  uint64_t got = 0;
  while (auto b = bus.pop()) {
    got += b->size;
    bus.release(std::move(b));
  }
  const BusCounters c = bus.counters();
  EXPECT_EQ(got, 20u);
  EXPECT_EQ(c.received, 100u);
  EXPECT_EQ(c.dropped, 80u);
  EXPECT_EQ(c.processed, 20u);
  EXPECT_EQ(c.received, c.processed + c.dropped);
}

TEST(EventBus, PartialBatchIsFlushedAndEmptyOneIgnored) {
  EventBus bus(4, 64, EventBus::Policy::kBlock);
  {
    BatchWriter w(bus);
    w.next().set_string(fields::kProcessName, "a");
    w.commit();
    w.next();  // started but never committed: not delivered
  }
  bus.close();
  auto b = bus.pop();
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->size, 1u);
  bus.release(std::move(b));
  EXPECT_EQ(bus.pop(), nullptr);
}

TEST(EventBus, CloseWakesABlockedProducer) {
  EventBus bus(1, 1, EventBus::Policy::kBlock);
  std::thread p([&] { produce(bus, 3, 0); });  // the second publish blocks
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  bus.close();
  p.join();
  EXPECT_GE(bus.counters().dropped, 1u);
}

TEST(EventBus, BatchesAreRecycled) {
  EventBus bus(4, 8, EventBus::Policy::kBlock);
  auto a = bus.acquire();
  EventBatch* raw = a.get();
  a->size = 1;
  ASSERT_TRUE(bus.publish(std::move(a)));
  auto got = bus.pop();
  bus.release(std::move(got));
  auto again = bus.acquire();
  EXPECT_EQ(again.get(), raw);
  EXPECT_EQ(again->size, 0u);
}

TEST(EventBus, MalformedIsCounted) {
  EventBus bus(1, 1, EventBus::Policy::kBlock);
  bus.count_malformed(3);
  EXPECT_EQ(bus.counters().malformed, 3u);
}

}  // namespace
}  // namespace wsn
