#include "http/alert_stream.h"

#include <algorithm>
#include <chrono>

namespace wsn::http {

class AlertStream::Subscriber {
 public:
  std::deque<Item> queue;
  bool ended = false;  // dropped (queue full), unsubscribed or closed
};

AlertStream::AlertStream(metrics::Registry& registry, AlertStreamOptions options)
    : options_(options) {
  if (options_.queue == 0) options_.queue = 1;
  dropped_ = &registry
                  .counter("wsn_http_stream_clients_dropped_total",
                           "Alert stream clients dropped because they did not keep up.")
                  .get();
  sent_ = &registry.counter("wsn_http_stream_alerts_total", "Alerts published to the alert stream.")
               .get();
  clients_ =
      &registry.gauge("wsn_http_stream_clients", "Alert stream clients connected now.").get();
}

void AlertStream::publish(std::string_view json) {
  auto line = std::make_shared<const std::string>(json);
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    const Item item{next_id_++, std::move(line)};
    if (options_.backlog > 0) {
      if (backlog_.size() >= options_.backlog) backlog_.pop_front();
      backlog_.push_back(item);
    }
    for (auto it = subs_.begin(); it != subs_.end();) {
      Subscriber& s = **it;
      if (s.queue.size() >= options_.queue) {
        // A client this far behind would only fall further behind: end its stream rather than
        // hold alerts (memory) or wait for it (the detection thread).
        s.ended = true;
        s.queue.clear();
        dropped_->inc();
        it = subs_.erase(it);
        continue;
      }
      s.queue.push_back(item);
      ++it;
    }
    clients_->set(static_cast<double>(subs_.size()));
  }
  sent_->inc();
  cv_.notify_all();
}

std::shared_ptr<AlertStream::Subscriber> AlertStream::subscribe(uint64_t last_id) {
  std::lock_guard lock(mu_);
  if (closed_ || subs_.size() >= options_.max_clients) return nullptr;
  auto sub = std::make_shared<Subscriber>();
  for (const Item& item : backlog_) {
    if (item.id > last_id) sub->queue.push_back(item);
  }
  subs_.push_back(sub);
  clients_->set(static_cast<double>(subs_.size()));
  return sub;
}

AlertStream::Next AlertStream::next(Subscriber& sub, std::vector<Item>& out, int wait_ms) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(wait_ms),
               [&] { return sub.ended || !sub.queue.empty(); });
  if (sub.ended) return Next::kEnd;
  if (sub.queue.empty()) return Next::kIdle;
  out.insert(out.end(), std::make_move_iterator(sub.queue.begin()),
             std::make_move_iterator(sub.queue.end()));
  sub.queue.clear();
  return Next::kItems;
}

void AlertStream::unsubscribe(const std::shared_ptr<Subscriber>& sub) {
  std::lock_guard lock(mu_);
  sub->ended = true;
  sub->queue.clear();
  subs_.erase(std::remove(subs_.begin(), subs_.end(), sub), subs_.end());
  clients_->set(static_cast<double>(subs_.size()));
}

void AlertStream::close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    for (auto& s : subs_) {
      s->ended = true;
      s->queue.clear();
    }
    subs_.clear();
    clients_->set(0);
  }
  cv_.notify_all();
}

size_t AlertStream::clients() const {
  std::lock_guard lock(mu_);
  return subs_.size();
}

}  // namespace wsn::http
