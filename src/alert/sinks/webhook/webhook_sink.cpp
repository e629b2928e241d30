#include "alert/sinks/webhook/webhook_sink.h"

#include <httplib.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <random>

#include "config/config.h"

namespace wsn {
namespace {

using Clock = std::chrono::steady_clock;

template <typename D>
void set_timeout(httplib::Client& c, D d) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  const time_t sec = static_cast<time_t>(us / 1'000'000);
  const time_t usec = static_cast<time_t>(us % 1'000'000);
  c.set_connection_timeout(sec, usec);
  c.set_read_timeout(sec, usec);
  c.set_write_timeout(sec, usec);
}

}  // namespace

std::string WebhookSink::body_key(std::string_view body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(body.data(), body.size(), digest, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned k = 0; k < 16 && k < len; ++k) {  // 128 bits are plenty for a dedupe key
    out += kHex[digest[k] >> 4];
    out += kHex[digest[k] & 15];
  }
  return out;
}

WebhookSink::WebhookSink(WebhookOptions options) : options_(std::move(options)) {}

Result<std::unique_ptr<WebhookSink>> WebhookSink::open(WebhookOptions options) {
  config::HttpUrl url;
  std::string why;
  if (!config::parse_http_url(options.url, url, why)) {
    return Error{"webhook: bad url '" + options.url + "': " + why};
  }
  if (options.batch_size == 0) options.batch_size = 1;
  if (options.queue_size == 0) options.queue_size = 1;
  std::unique_ptr<WebhookSink> sink(new WebhookSink(std::move(options)));
  const bool v6 = url.host.find(':') != std::string::npos;
  sink->origin_ =
      url.scheme + "://" + (v6 ? "[" + url.host + "]" : url.host) + ":" + std::to_string(url.port);
  sink->path_ = url.path;
  sink->name_ = "webhook:" + sink->options_.url;
  if (!sink->options_.spool_dir.empty()) {
    sink->spool_ =
        std::make_unique<DiskSpool>(sink->options_.spool_dir, sink->options_.spool_max_bytes);
    if (Status s = sink->spool_->open(); !s.ok()) return s.error();
  }
  sink->thread_ = std::thread([s = sink.get()] { s->run(); });
  return sink;
}

WebhookSink::~WebhookSink() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  spill_on_shutdown();
}

bool WebhookSink::write(const Alert& /*alert*/, std::string_view json) {
  std::unique_lock lock(mu_);
  if ((!spool_ || spool_->empty()) && mem_.size() < options_.queue_size) {
    if (mem_.empty()) oldest_queued_ = Clock::now();
    mem_.emplace_back(json);
    // Wake the sender to start its flush timer, or because a batch is full.
    if (mem_.size() == 1 || mem_.size() == options_.batch_size) cv_.notify_one();
    return true;
  }
  if (spool_) {
    const bool was_empty = spool_->empty();
    if (spool_->append(json).ok()) {
      ++stats_.spooled;
      if (was_empty) cv_.notify_one();
      return true;
    }
  }
  ++stats_.dropped;
  failures_.fetch_add(1, std::memory_order_relaxed);
  return false;
}

uint64_t WebhookSink::failures() const {
  return failures_.load(std::memory_order_relaxed);
}

size_t WebhookSink::queue_depth() const {
  std::lock_guard lock(mu_);
  return mem_.size() + (spool_ ? spool_->size() : 0) +
         (inflight_from_spool_ ? 0 : inflight_.size());
}

WebhookStats WebhookSink::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

bool WebhookSink::take_batch() {
  inflight_.clear();
  if (!mem_.empty()) {
    const size_t n = std::min(mem_.size(), options_.batch_size);
    for (size_t k = 0; k < n; ++k) {
      inflight_.push_back(std::move(mem_.front()));
      mem_.pop_front();
    }
    inflight_from_spool_ = false;
    // What is left has waited already: do not hold it back another flush interval.
    if (!mem_.empty()) oldest_queued_ = Clock::now() - options_.flush_interval;
    return true;
  }
  if (spool_ && !spool_->empty()) {
    if (!spool_->peek(options_.batch_size, inflight_).ok() || inflight_.empty()) return false;
    inflight_from_spool_ = true;
    return true;
  }
  return false;
}

WebhookSink::Outcome WebhookSink::post(const std::string& body, const std::string& key,
                                       std::string& detail) {
  httplib::Client client(origin_);
  set_timeout(client, options_.timeout);
  httplib::Headers headers{{"Idempotency-Key", key}, {"User-Agent", "wasm-sentinel"}};
  for (const auto& [k, v] : options_.headers) headers.emplace(k, v);
  auto res = client.Post(path_, headers, body, "application/json");
  if (!res) {
    detail = httplib::to_string(res.error());
    return Outcome::kRetry;
  }
  const int status = res->status;
  if (status >= 200 && status < 300) return Outcome::kDelivered;
  detail = "HTTP " + std::to_string(status);
  if (status >= 400 && status < 500 && status != 408 && status != 429) return Outcome::kRejected;
  return Outcome::kRetry;
}

void WebhookSink::finish_batch(Outcome outcome) {
  const size_t n = inflight_.size();
  if (outcome == Outcome::kRejected) {
    stats_.rejected += n;
    failures_.fetch_add(n, std::memory_order_relaxed);
    if (!options_.spool_dir.empty()) {
      std::ofstream out(options_.spool_dir + "/rejected.jsonl", std::ios::app);
      for (const auto& a : inflight_) out << a << '\n';
    }
  } else {
    stats_.delivered += n;
    ++stats_.batches;
  }
  if (inflight_from_spool_ && !spool_->pop(n).ok()) {
    failures_.fetch_add(1, std::memory_order_relaxed);
  }
  inflight_.clear();
  inflight_from_spool_ = false;
}

void WebhookSink::run() {
  std::minstd_rand jitter(static_cast<unsigned>(Clock::now().time_since_epoch().count()));
  auto backoff = options_.retry_initial;
  Clock::time_point shutdown_deadline = Clock::time_point::max();
  std::unique_lock lock(mu_);
  auto has_work = [&] { return !mem_.empty() || (spool_ && !spool_->empty()); };
  for (;;) {
    if (stopping_ && shutdown_deadline == Clock::time_point::max()) {
      shutdown_deadline = Clock::now() + options_.shutdown_timeout;
    }
    if (inflight_.empty()) {
      cv_.wait(lock, [&] { return stopping_ || has_work(); });
      if (!has_work()) break;  // stopping with nothing left
      const bool spooled = spool_ && !spool_->empty();
      if (!stopping_ && !spooled && mem_.size() < options_.batch_size) {
        cv_.wait_until(lock, oldest_queued_ + options_.flush_interval,
                       [&] { return stopping_ || mem_.size() >= options_.batch_size; });
      }
      if (!take_batch()) {
        // The spool could not be read: wait before trying again rather than spin.
        failures_.fetch_add(1, std::memory_order_relaxed);
        cv_.wait_for(lock, backoff);
        continue;
      }
    }
    if (stopping_ && Clock::now() >= shutdown_deadline) break;
    std::string body = "[";
    for (size_t k = 0; k < inflight_.size(); ++k) {
      if (k) body += ',';
      body += inflight_[k];
    }
    body += ']';
    const std::string key = body_key(body);
    lock.unlock();
    std::string detail;
    const Outcome outcome = post(body, key, detail);
    lock.lock();
    if (outcome != Outcome::kRetry) {
      finish_batch(outcome);
      backoff = options_.retry_initial;
      continue;
    }
    ++stats_.retries;
    failures_.fetch_add(1, std::memory_order_relaxed);
    // Back off (±20% jitter so many agents do not retry in step), waking early only to stop.
    const double factor = 0.8 + 0.4 * static_cast<double>(jitter() % 1000) / 1000.0;
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(backoff * factor);
    if (stopping_) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(shutdown_deadline - Clock::now());
      wait = std::max(std::chrono::milliseconds(0), std::min(wait, left));
    }
    cv_.wait_for(lock, wait, [&] { return stopping_ && Clock::now() >= shutdown_deadline; });
    backoff = std::min(backoff * 2, options_.retry_max);
  }
}

void WebhookSink::spill_on_shutdown() {
  std::lock_guard lock(mu_);
  std::vector<std::string> left;
  if (!inflight_from_spool_) {
    for (auto& a : inflight_) left.push_back(std::move(a));
  }
  for (auto& a : mem_) left.push_back(std::move(a));
  inflight_.clear();
  mem_.clear();
  if (left.empty()) return;
  if (spool_ && spool_->prepend(left).ok()) {
    stats_.spooled += left.size();
    return;
  }
  stats_.dropped += left.size();
  failures_.fetch_add(left.size(), std::memory_order_relaxed);
  std::fprintf(stderr, "wasm-sentinel: %s: %zu alert(s) not delivered and not spooled\n",
               name_.c_str(), left.size());
}

}  // namespace wsn
