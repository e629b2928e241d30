#include "collect/ebpf/ring_reader.h"

#include <bpf/libbpf.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wsn::collect {

Result<std::unique_ptr<RingReader>> RingReader::open(int ring_map_fd, Handler handler) {
  std::unique_ptr<RingReader> r(new RingReader());
  r->handler_ = std::move(handler);
  r->rb_ = ring_buffer__new(ring_map_fd, &RingReader::on_record, r.get(), nullptr);
  if (r->rb_ == nullptr) {
    const int err = errno;
    return Error{std::string("opening the BPF ring buffer: ") + std::strerror(err), err};
  }
  r->wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  r->epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (r->wake_fd_ < 0 || r->epoll_fd_ < 0) {
    const int err = errno;
    return Error{std::string("creating the collector's wait set: ") + std::strerror(err), err};
  }
  // libbpf's own epoll fd becomes readable when any of its rings has data.
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u32 = 0;
  if (::epoll_ctl(r->epoll_fd_, EPOLL_CTL_ADD, ring_buffer__epoll_fd(r->rb_), &ev) != 0) {
    const int err = errno;
    return Error{std::string("watching the BPF ring buffer: ") + std::strerror(err), err};
  }
  ev.data.u32 = 1;
  if (::epoll_ctl(r->epoll_fd_, EPOLL_CTL_ADD, r->wake_fd_, &ev) != 0) {
    const int err = errno;
    return Error{std::string("watching the collector's wake fd: ") + std::strerror(err), err};
  }
  return r;
}

RingReader::~RingReader() {
  if (rb_ != nullptr) ring_buffer__free(rb_);
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

int RingReader::on_record(void* ctx, void* data, size_t size) {
  auto* self = static_cast<RingReader*>(ctx);
  self->handler_(std::span<const uint8_t>(static_cast<const uint8_t*>(data), size));
  ++self->consumed_;
  return 0;
}

bool RingReader::wait(int timeout_ms) {
  epoll_event evs[2];
  const int n = ::epoll_wait(epoll_fd_, evs, 2, timeout_ms);
  if (n < 0) return errno == EINTR;
  for (int k = 0; k < n; ++k) {
    if (evs[k].data.u32 == 1) {
      uint64_t v = 0;
      [[maybe_unused]] const ssize_t got = ::read(wake_fd_, &v, sizeof(v));
    }
  }
  return true;
}

uint64_t RingReader::consume() {
  const uint64_t before = consumed_;
  ring_buffer__consume(rb_);
  return consumed_ - before;
}

void RingReader::wake() {
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = ::write(wake_fd_, &one, sizeof(one));
}

}  // namespace wsn::collect
