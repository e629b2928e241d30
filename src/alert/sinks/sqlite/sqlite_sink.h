// Alerts into the SQLite alert store (alert_store.h). Inserts are grouped into transactions
// committed every `commit_rows` alerts, when the open one is `commit_interval` old at the next
// write, and on every flush() (the engine flushes between batches at most every 250 ms), so
// the store costs one fsync-free WAL commit per group rather than per alert. Retention runs at
// open and then every `retention_interval`.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>

#include "alert/sinks/sqlite/alert_store.h"

namespace wsn {

struct SqliteSinkOptions {
  AlertStoreOptions store;
  size_t commit_rows = 512;
  std::chrono::milliseconds commit_interval{200};
  std::chrono::seconds retention_interval{600};
};

class SqliteSink final : public AlertSink {
 public:
  static Result<std::unique_ptr<SqliteSink>> open(SqliteSinkOptions options);
  ~SqliteSink() override;

  std::string_view name() const override { return name_; }
  bool write(const Alert& alert, std::string_view json) override;
  void flush() override;
  uint64_t failures() const override { return failures_.load(std::memory_order_relaxed); }
  size_t queue_depth() const override { return pending_.load(std::memory_order_relaxed); }
  bool stores_alerts() const override { return true; }
  // Through a second, read-only connection opened at the first call (thread safe).
  Result<std::string> recent_alerts_json(size_t limit, const std::string& rule_id) override;

 private:
  SqliteSink(SqliteSinkOptions options, std::unique_ptr<AlertStore> store);
  void commit();
  void maybe_enforce_retention(std::chrono::steady_clock::time_point now);

  SqliteSinkOptions options_;
  std::unique_ptr<AlertStore> store_;
  std::string name_;
  std::chrono::steady_clock::time_point txn_start_{};
  std::chrono::steady_clock::time_point last_retention_{};
  std::atomic<size_t> pending_{0};
  std::atomic<uint64_t> failures_{0};
  std::mutex reader_mu_;
  std::unique_ptr<AlertStore> reader_;
};

}  // namespace wsn
