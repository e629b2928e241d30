// Live alert fan-out for GET /api/v1/alerts/stream (server-sent events, the dashboard's feed).
//
// publish() is called by the alert manager's thread with each alert's JSON line. It never
// waits on a client: it appends the line to every subscriber's bounded queue under one short
// lock, and a subscriber whose queue is full (a client that does not read) is dropped — its
// stream ends, the browser reconnects and catches up from the backlog — and counted in
// wsn_http_stream_clients_dropped_total. The last `backlog` alerts are kept so a new or
// reconnecting client starts with recent history (resuming after Last-Event-ID when given).
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/metrics.h"

namespace wsn::http {

struct AlertStreamOptions {
  size_t queue = 256;      // alerts waiting for one client before it is dropped
  size_t backlog = 200;    // recent alerts a new client receives first
  size_t max_clients = 4;  // concurrent streams (each holds an HTTP worker thread)
};

class AlertStream {
 public:
  struct Item {
    uint64_t id = 0;  // 1-based, the SSE event id
    std::shared_ptr<const std::string> json;
  };
  class Subscriber;

  // `registry` must outlive the stream.
  AlertStream(metrics::Registry& registry, AlertStreamOptions options = {});
  AlertStream(const AlertStream&) = delete;
  AlertStream& operator=(const AlertStream&) = delete;

  // One alert, as its JSON line. Never blocks on a client.
  void publish(std::string_view json);

  // A new client, first given the backlog after `last_id` (0: the whole backlog); nullptr
  // when max_clients streams are open or the stream is closed.
  std::shared_ptr<Subscriber> subscribe(uint64_t last_id = 0);

  enum class Next : uint8_t { kItems, kIdle, kEnd };
  // Waits up to `wait_ms` for alerts for `sub` and moves them to `out`. kIdle: nothing came
  // (time for a keep-alive); kEnd: the client was dropped or the stream closed.
  Next next(Subscriber& sub, std::vector<Item>& out, int wait_ms);
  // Ends a client's stream (its connection went away).
  void unsubscribe(const std::shared_ptr<Subscriber>& sub);

  // Ends every stream and refuses new ones (the server is stopping: Server::stop calls it).
  void close();

  size_t clients() const;
  uint64_t dropped_clients() const { return dropped_->value(); }
  const AlertStreamOptions& options() const { return options_; }

 private:
  AlertStreamOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool closed_ = false;
  uint64_t next_id_ = 1;
  std::deque<Item> backlog_;
  std::vector<std::shared_ptr<Subscriber>> subs_;
  metrics::Counter* dropped_;
  metrics::Counter* sent_;
  metrics::Gauge* clients_;
};

}  // namespace wsn::http
