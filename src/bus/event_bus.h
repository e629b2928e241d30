// Bounded, batched event bus between sources (producers) and the detection stage (consumer).
//
// Events travel in batches of reusable Event objects: a producer fills a batch taken from a
// free pool, publishes it, and the consumer hands it back when done, so steady state allocates
// nothing. Batches are made on demand (none up front) and at most kMaxSpareBatches idle ones
// are kept, so memory follows the queue's actual depth rather than its capacity. When the queue is
// full, policy kBlock (replay: lose nothing) waits for room, policy kDrop (live: never stall the
// kernel reader) drops the batch and counts its events.
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
#include "wsn/source.h"

namespace wsn {

struct EventBatch {
  std::vector<Event> events;  // capacity == batch size; only the first `size` are valid
  size_t size = 0;
  uint32_t producer = 0;  // which writer filled it (BatchWriter's id), for per-source counts
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
  // Idle batches kept for reuse; more than the pipeline cycles through in steady state.
  static constexpr size_t kMaxSpareBatches = 8;

  EventBus(size_t capacity_batches, size_t batch_size, Policy policy);
  EventBus(const EventBus&) = delete;
  EventBus& operator=(const EventBus&) = delete;

  size_t batch_size() const { return batch_size_; }
  Policy policy() const { return policy_; }

  // Producer side. acquire() never blocks: it reuses a free batch or makes a new one.
  std::unique_ptr<EventBatch> acquire();
  // Returns false if the batch was dropped (kDrop and full) or the bus is closed. `policy`
  // overrides the bus's own (each source has its own drop policy).
  bool publish(std::unique_ptr<EventBatch> batch);
  bool publish(std::unique_ptr<EventBatch> batch, Policy policy);
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

// What one producer put on the bus (each source has its own writer).
struct WriterCounters {
  uint64_t published = 0;  // events handed to the bus
  uint64_t dropped = 0;    // of those, dropped because the queue was full (kDrop)
  uint64_t malformed = 0;  // input records the source could not turn into events
};

// Producer side for one source: fills batches one event at a time and publishes them when full,
// with that source's drop policy. counters() may be read from any thread.
class BatchWriter final : public EventWriter {
 public:
  explicit BatchWriter(EventBus& bus) : BatchWriter(bus, bus.policy()) {}
  // `id` is stamped on every batch it publishes (EventBatch::producer).
  BatchWriter(EventBus& bus, EventBus::Policy policy, uint32_t id = 0)
      : bus_(bus), policy_(policy), id_(id) {}
  ~BatchWriter() override { flush(); }
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  Event& next() override;
  void commit() override;
  void flush() override;  // publishes a partial batch
  void count_malformed(uint64_t n = 1) override;
  EventBus& bus() { return bus_; }
  WriterCounters counters() const;

 private:
  void publish();

  EventBus& bus_;
  const EventBus::Policy policy_;
  const uint32_t id_;
  std::unique_ptr<EventBatch> batch_;
  std::atomic<uint64_t> published_{0}, dropped_{0}, malformed_{0};
};

}  // namespace wsn
