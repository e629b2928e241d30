#include "alert/sinks/sqlite/sqlite_sink.h"

#include <cstdio>

#include "event/json_writer.h"
#include "event/timestamp.h"

namespace wsn {
namespace {

int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<std::unique_ptr<SqliteSink>> SqliteSink::open(SqliteSinkOptions options) {
  auto store = AlertStore::open(options.store);
  if (!store.ok()) return store.error();
  if (auto removed = store.value()->enforce_retention(wall_ns()); !removed.ok()) {
    return removed.error();
  }
  if (Status s = store.value()->commit(); !s.ok()) return s.error();
  return std::unique_ptr<SqliteSink>(new SqliteSink(std::move(options), std::move(store.value())));
}

SqliteSink::SqliteSink(SqliteSinkOptions options, std::unique_ptr<AlertStore> store)
    : options_(std::move(options)),
      store_(std::move(store)),
      name_("sqlite:" + options_.store.path),
      last_retention_(std::chrono::steady_clock::now()) {}

SqliteSink::~SqliteSink() {
  commit();
}

bool SqliteSink::write(const Alert& alert, std::string_view json) {
  const auto now = std::chrono::steady_clock::now();
  if (pending_.load(std::memory_order_relaxed) == 0) txn_start_ = now;
  if (Status s = store_->append(alert, json, wall_ns()); !s.ok()) {
    failures_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  const size_t pending = pending_.fetch_add(1, std::memory_order_relaxed) + 1;
  if (pending >= options_.commit_rows || now - txn_start_ >= options_.commit_interval) commit();
  maybe_enforce_retention(now);
  return true;
}

void SqliteSink::commit() {
  if (pending_.load(std::memory_order_relaxed) == 0) return;
  if (Status s = store_->commit(); !s.ok()) {
    // The rows stay in the open transaction; the next commit retries them.
    failures_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  pending_.store(0, std::memory_order_relaxed);
}

void SqliteSink::maybe_enforce_retention(std::chrono::steady_clock::time_point now) {
  if (now - last_retention_ < options_.retention_interval) return;
  last_retention_ = now;
  if (!store_->enforce_retention(wall_ns()).ok()) failures_.fetch_add(1, std::memory_order_relaxed);
}

void SqliteSink::flush() {
  commit();
}

Result<std::string> SqliteSink::recent_alerts_json(size_t limit, const std::string& rule_id) {
  std::lock_guard lock(reader_mu_);
  if (!reader_) {
    auto s = AlertStore::open({.path = options_.store.path, .create = false});
    if (!s.ok()) return s.error();
    reader_ = std::move(s.value());
  }
  auto rows = reader_->recent(limit, rule_id);
  if (!rows.ok()) return rows.error();
  std::string out = "[";
  for (size_t k = 0; k < rows.value().size(); ++k) {
    const StoredAlert& a = rows.value()[k];
    if (k) out += ',';
    out += "{\"id\":" + std::to_string(a.id) + ",\"stored\":\"";
    format_rfc3339(a.stored_ns, out);
    out += "\",\"alert\":";
    out += a.json;
    out += '}';
  }
  out += "]\n";
  return out;
}

}  // namespace wsn
