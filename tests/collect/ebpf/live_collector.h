// Test harness: runs an EbpfSource on a bus, collects every event it produces, and offers
// waits on them. Also helpers to run code in a child process (the collector filters its own
// process in the kernel, so observed actions are performed by children).
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bus/event_bus.h"
#include "collect/ebpf/ebpf_source.h"
#include "wsn/event.h"

namespace wsn::collect::testing {

inline std::string get_str(const Event& e, FieldId f) {
  FieldView v;
  if (!e.get(f, v)) return "<absent>";
  return std::string(v.s);
}
inline int64_t get_int(const Event& e, FieldId f) {
  FieldView v;
  return e.get(f, v) ? v.i : -999;
}
inline std::vector<std::string> get_list(const Event& e, FieldId f) {
  FieldView v;
  std::vector<std::string> out;
  if (!e.get(f, v)) return out;
  for (uint32_t k = 0; k < v.list_count; ++k) out.emplace_back(e.list_item(v, k));
  return out;
}
inline std::string get_ip(const Event& e, FieldId f) {
  FieldView v;
  return e.get(f, v) && v.ip ? v.ip->to_string() : "<absent>";
}
inline std::string action(const Event& e) {
  return get_str(e, fields::kEventAction);
}
inline int64_t pid_of(const Event& e) {
  return get_int(e, fields::kProcessPid);
}

// Skip message when the live collector cannot run here; empty when it can.
inline std::string skip_reason() {
  if (::geteuid() != 0) return "not root: the live eBPF collector tests need root";
  if (Status s = ebpf_available(); !s.ok()) return "eBPF unavailable: " + s.error().message;
  return {};
}

class LiveCollector {
 public:
  explicit LiveCollector(EbpfOptions options)
      : bus_(4096, 64, EventBus::Policy::kBlock), source_(std::move(options)) {}
  ~LiveCollector() { stop(); }

  Status start() {
    if (Status s = source_.start(); !s.ok()) return s;
    reader_ = std::thread([this] {
      BatchWriter w(bus_);
      run_status_ = source_.run(w);
      w.flush();
      bus_.close();
    });
    consumer_ = std::thread([this] {
      while (auto batch = bus_.pop()) {
        {
          std::lock_guard lock(mu_);
          for (size_t k = 0; k < batch->size; ++k) events_.push_back(batch->events[k]);
        }
        cv_.notify_all();
        bus_.release(std::move(batch));
      }
    });
    return {};
  }

  void stop() {
    if (!reader_.joinable()) return;
    source_.stop();
    reader_.join();
    consumer_.join();
  }

  // First event matching pred, waiting up to `timeout`.
  std::optional<Event> wait_for(const std::function<bool(const Event&)>& pred,
                                std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock lock(mu_);
    std::optional<Event> found;
    cv_.wait_for(lock, timeout, [&] {
      for (const Event& e : events_) {
        if (pred(e)) {
          found = e;
          return true;
        }
      }
      return false;
    });
    return found;
  }

  std::vector<Event> matching(const std::function<bool(const Event&)>& pred) {
    std::lock_guard lock(mu_);
    std::vector<Event> out;
    for (const Event& e : events_) {
      if (pred(e)) out.push_back(e);
    }
    return out;
  }

  EbpfSource& source() { return source_; }
  EventBus& bus() { return bus_; }
  const Status& run_status() const { return run_status_; }

 private:
  EventBus bus_;
  EbpfSource source_;
  std::thread reader_, consumer_;
  Status run_status_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Event> events_;
};

// Forks a child that runs body() and exits with its return value. Returns the child's pid.
inline pid_t spawn(const std::function<int()>& body) {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(body());
  return pid;
}

// Waits for a child; returns its wait status.
inline int reap(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

}  // namespace wsn::collect::testing
