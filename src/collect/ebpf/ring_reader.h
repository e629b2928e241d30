// Reads records from the BPF ring buffer, and waits for them in a way stop() can interrupt.
//
// wait() blocks on an epoll set holding the ring buffer and an eventfd; wake() (any thread,
// async-signal-safe) writes the eventfd so a stop request is seen at once instead of after
// the poll timeout. consume() hands every available record to the handler, in ring order.
//
// Thread safety: wait / consume from one thread; wake from any.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "wsn/result.h"

struct ring_buffer;

namespace wsn::collect {

class RingReader {
 public:
  using Handler = std::function<void(std::span<const uint8_t>)>;

  static Result<std::unique_ptr<RingReader>> open(int ring_map_fd, Handler handler);
  ~RingReader();
  RingReader(const RingReader&) = delete;
  RingReader& operator=(const RingReader&) = delete;

  // Waits up to timeout_ms for records or a wake(); false on a wait error other than EINTR.
  bool wait(int timeout_ms);
  // Hands every available record to the handler; returns how many.
  uint64_t consume();
  void wake();

 private:
  RingReader() = default;
  static int on_record(void* ctx, void* data, size_t size);

  ring_buffer* rb_ = nullptr;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  Handler handler_;
  uint64_t consumed_ = 0;
};

}  // namespace wsn::collect
