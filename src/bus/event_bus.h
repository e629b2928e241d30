// Bounded, batched event bus between sources (producers) and the detection stage (consumer).
//
// Events travel in batches of reusable Event objects: a producer fills a batch taken from a
// free pool, publishes it, and the consumer hands it back when done, so steady state allocates
// nothing. When the queue is full, policy kBlock (replay: lose nothing) waits for room, policy
// kDrop (live: never stall the kernel reader) drops the batch and counts its events.
//
// Thread safety: any number of producers, one consumer.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "wsn/event.h"

namespace wsn {

struct EventBatch {
  std::vector<Event> events;  // capacity == batch size; only the first `size` are valid
  size_t size = 0;
};

struct BusCounters {
  uint64_t received = 0;   // events published by sources
  uint64_t processed = 0;  // events the consumer finished with
  uint64_t dropped = 0;    // events dropped because the queue was full (kDrop)
  uint64_t malformed = 0;  // input records that could not become events (reported by sources)
};

class EventBus {
 public:
  enum class Policy : uint8_t { kBlock, kDrop };

  EventBus(size_t capacity_batches, size_t batch_size, Policy policy);
  EventBus(const EventBus&) = delete;
  EventBus& operator=(const EventBus&) = delete;

  size_t batch_size() const { return batch_size_; }
  Policy policy() const { return policy_; }

  // Producer side. acquire() never blocks: it reuses a free batch or makes a new one.
  std::unique_ptr<EventBatch> acquire();
  // Returns false if the batch was dropped (kDrop and full) or the bus is closed.
  bool publish(std::unique_ptr<EventBatch> batch);
  void count_malformed(uint64_t n = 1) { malformed_.fetch_add(n, std::memory_order_relaxed); }

  // Consumer side. pop() waits for a batch; returns nullptr once closed and drained.
  std::unique_ptr<EventBatch> pop();
  void release(std::unique_ptr<EventBatch> batch);  // marks its events processed, recycles it

  // No more publishing; pop() drains what is queued, then returns nullptr.
  void close();

  BusCounters counters() const;
  size_t depth() const;  // batches queued now

 private:
  void recycle(std::unique_ptr<EventBatch> batch);

  const size_t capacity_;
  const size_t batch_size_;
  const Policy policy_;

  mutable std::mutex mu_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<std::unique_ptr<EventBatch>> queue_;
  bool closed_ = false;

  std::mutex pool_mu_;
  std::vector<std::unique_ptr<EventBatch>> pool_;

  std::atomic<uint64_t> received_{0};
  std::atomic<uint64_t> processed_{0};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> malformed_{0};
};

// Producer convenience: fills batches one event at a time and publishes them when full.
class BatchWriter {
 public:
  explicit BatchWriter(EventBus& bus) : bus_(bus) {}
  ~BatchWriter() { flush(); }
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  // A cleared event to fill; it becomes part of the batch only after commit().
  Event& next();
  void commit();
  void flush();  // publishes a partial batch
  EventBus& bus() { return bus_; }

 private:
  EventBus& bus_;
  std::unique_ptr<EventBatch> batch_;
};

}  // namespace wsn
