#include "bus/event_bus.h"

#include "common/check.h"

namespace wsn {

EventBus::EventBus(size_t capacity_batches, size_t batch_size, Policy policy)
    : capacity_(capacity_batches == 0 ? 1 : capacity_batches),
      batch_size_(batch_size == 0 ? 1 : batch_size),
      policy_(policy) {}

std::unique_ptr<EventBatch> EventBus::acquire() {
  {
    std::lock_guard lock(pool_mu_);
    if (!pool_.empty()) {
      auto b = std::move(pool_.back());
      pool_.pop_back();
      b->size = 0;
      return b;
    }
  }
  auto b = std::make_unique<EventBatch>();
  b->events.resize(batch_size_);
  return b;
}

void EventBus::recycle(std::unique_ptr<EventBatch> batch) {
  batch->size = 0;
  std::lock_guard lock(pool_mu_);
  // Steady state recycles one or two batches; keeping every batch of a burst (up to the queue
  // capacity, 64 x 256 Events) would pin its memory for good, so extra ones are freed.
  if (pool_.size() < kMaxSpareBatches) pool_.push_back(std::move(batch));
}

bool EventBus::publish(std::unique_ptr<EventBatch> batch) {
  return publish(std::move(batch), policy_);
}

bool EventBus::publish(std::unique_ptr<EventBatch> batch, Policy policy) {
  if (!batch || batch->size == 0) {
    if (batch) recycle(std::move(batch));
    return true;
  }
  const uint64_t n = batch->size;
  received_.fetch_add(n, std::memory_order_relaxed);
  std::unique_lock lock(mu_);
  if (policy == Policy::kBlock) {
    not_full_.wait(lock, [&] { return queue_.size() < capacity_ || closed_; });
  }
  if (closed_ || queue_.size() >= capacity_) {
    lock.unlock();
    dropped_.fetch_add(n, std::memory_order_relaxed);
    recycle(std::move(batch));
    return false;
  }
  queue_.push_back(std::move(batch));
  lock.unlock();
  not_empty_.notify_one();
  return true;
}

std::unique_ptr<EventBatch> EventBus::pop() {
  std::unique_lock lock(mu_);
  not_empty_.wait(lock, [&] { return !queue_.empty() || closed_; });
  if (queue_.empty()) return nullptr;
  auto b = std::move(queue_.front());
  queue_.pop_front();
  lock.unlock();
  not_full_.notify_one();
  return b;
}

void EventBus::release(std::unique_ptr<EventBatch> batch) {
  WSN_DCHECK(batch != nullptr, "releasing no batch");
  processed_.fetch_add(batch->size, std::memory_order_relaxed);
  recycle(std::move(batch));
}

void EventBus::close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  not_empty_.notify_all();
  not_full_.notify_all();
}

BusCounters EventBus::counters() const {
  return {received_.load(std::memory_order_relaxed), processed_.load(std::memory_order_relaxed),
          dropped_.load(std::memory_order_relaxed), malformed_.load(std::memory_order_relaxed)};
}

size_t EventBus::depth() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

Event& BatchWriter::next() {
  if (!batch_) batch_ = bus_.acquire();
  Event& e = batch_->events[batch_->size];
  e.clear();
  return e;
}

void BatchWriter::commit() {
  WSN_DCHECK(batch_ && batch_->size < batch_->events.size(), "commit() without next()");
  if (++batch_->size == batch_->events.size()) publish();
}

void BatchWriter::flush() {
  if (batch_ && batch_->size > 0) publish();
}

void BatchWriter::publish() {
  const uint64_t n = batch_->size;
  batch_->producer = id_;
  published_.fetch_add(n, std::memory_order_relaxed);
  if (!bus_.publish(std::move(batch_), policy_)) dropped_.fetch_add(n, std::memory_order_relaxed);
}

void BatchWriter::count_malformed(uint64_t n) {
  malformed_.fetch_add(n, std::memory_order_relaxed);
  bus_.count_malformed(n);
}

WriterCounters BatchWriter::counters() const {
  return {published_.load(std::memory_order_relaxed), dropped_.load(std::memory_order_relaxed),
          malformed_.load(std::memory_order_relaxed)};
}

}  // namespace wsn
