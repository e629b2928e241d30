// Alerts to an HTTP endpoint: POST of JSON arrays of alerts, batched, retried with exponential
// back-off, never lost while the receiver is down.
//
// write() only queues (the detection thread, which runs the alert manager, never waits on the
// network); a delivery thread sends batches of up to `batch_size` alerts once that many are queued
// or the oldest has waited `flush_interval`. A failed POST (connection error, timeout, 5xx, 408,
// 429) is retried with the same body and the same `Idempotency-Key` header (a hash of the body)
// after a back-off that doubles from `retry_initial` to `retry_max`; alerts queued meanwhile wait
// in memory up to `queue_size`, then in a disk spool (disk_spool.h, bounded by `spool_max_bytes`).
// Order is kept: memory holds only alerts older than anything spooled. At shutdown the sink keeps
// trying for `shutdown_timeout`, then moves what is left to the spool, which the next run delivers
// first. A batch the receiver rejects for good (another 4xx) is appended to
// <spool_dir>/rejected.jsonl and counted as failed rather than retried forever.
//
// Delivery is at least once; receivers get exactly-once by ignoring an Idempotency-Key they
// have already accepted (a batch is re-sent only when its acknowledgement was lost).
//
// Thread safety: write/flush from the detection thread (alert manager); failures/queue_depth/stats
// from any.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "alert/sinks/webhook/disk_spool.h"
#include "wsn/alert.h"
#include "wsn/result.h"

namespace wsn {

struct WebhookOptions {
  std::string url;  // http[s]://HOST[:PORT][/PATH]
  size_t batch_size = 100;
  std::chrono::milliseconds flush_interval{1000};
  std::chrono::milliseconds timeout{5000};
  std::chrono::milliseconds retry_initial{500};
  std::chrono::milliseconds retry_max{30000};
  size_t queue_size = 10000;
  std::string spool_dir;  // empty: no spool; alerts beyond queue_size are dropped (counted)
  uint64_t spool_max_bytes = uint64_t{1} << 30;
  std::map<std::string, std::string> headers;
  std::chrono::milliseconds shutdown_timeout{5000};
};

struct WebhookStats {
  uint64_t delivered = 0;  // alerts acknowledged by the receiver
  uint64_t batches = 0;    // successful POSTs
  uint64_t retries = 0;    // failed POST attempts that will be retried
  uint64_t spooled = 0;    // alerts written to the disk spool
  uint64_t dropped = 0;    // alerts lost: no room in memory nor spool
  uint64_t rejected = 0;   // alerts in batches the receiver refused for good
};

class WebhookSink final : public AlertSink {
 public:
  static Result<std::unique_ptr<WebhookSink>> open(WebhookOptions options);
  ~WebhookSink() override;

  std::string_view name() const override { return name_; }
  bool write(const Alert& alert, std::string_view json) override;
  uint64_t failures() const override;
  size_t queue_depth() const override;
  WebhookStats stats() const;

  // Idempotency key of a request body (hex, 32 characters).
  static std::string body_key(std::string_view body);

 private:
  explicit WebhookSink(WebhookOptions options);
  void run();
  // Takes the next batch into inflight_ (under mu_). Returns false when there is none.
  bool take_batch();
  enum class Outcome { kDelivered, kRetry, kRejected };
  Outcome post(const std::string& body, const std::string& key, std::string& detail);
  void finish_batch(Outcome outcome);
  void spill_on_shutdown();

  WebhookOptions options_;
  std::string name_;
  std::string origin_;  // scheme://host:port
  std::string path_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::deque<std::string> mem_;
  std::unique_ptr<DiskSpool> spool_;
  std::vector<std::string> inflight_;
  bool inflight_from_spool_ = false;
  std::chrono::steady_clock::time_point oldest_queued_{};
  WebhookStats stats_;
  std::atomic<uint64_t> failures_{0};
  std::thread thread_;
};

}  // namespace wsn
