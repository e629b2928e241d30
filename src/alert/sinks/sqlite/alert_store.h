// The embedded alert store: an SQLite database (WAL mode) of every alert, with retention by
// age and by row count. One writer (the SQLite sink, on the detection thread) and any number of
// readers (the HTTP API, `wasm-sentinel` tools), each with its own AlertStore: WAL lets
// readers run while the writer appends.
//
//   alerts(id INTEGER PRIMARY KEY, stored_ns, time_ns, rule_id, severity, host, count, json)
//
// `stored_ns` is the wall-clock time of insertion (what retention measures); `time_ns` the
// alert's event time; `json` the alert exactly as the other sinks got it.
//
// Thread safety: every method takes the store's mutex, so one AlertStore may be shared.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "wsn/alert.h"
#include "wsn/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace wsn {

struct AlertStoreOptions {
  std::string path;
  int64_t max_age_ns = 0;  // 0: keep forever
  uint64_t max_rows = 0;   // 0: no limit
  bool create = true;      // false: open an existing database only (readers)
};

struct StoredAlert {
  int64_t id = 0;
  int64_t stored_ns = 0;
  int64_t time_ns = 0;
  std::string rule_id;
  std::string severity;
  uint64_t count = 0;
  std::string json;
};

class AlertStore {
 public:
  static Result<std::unique_ptr<AlertStore>> open(AlertStoreOptions options);
  ~AlertStore();
  AlertStore(const AlertStore&) = delete;
  AlertStore& operator=(const AlertStore&) = delete;

  // Appends inside the open transaction (begun on demand); commit() makes it durable.
  Status append(const Alert& alert, std::string_view json, int64_t stored_ns);
  Status commit();
  size_t pending() const;

  // Newest first; `rule_id` empty for every rule. `limit` is capped at 10000.
  Result<std::vector<StoredAlert>> recent(size_t limit, const std::string& rule_id = "");
  Result<uint64_t> count();
  // Deletes rows stored before now - max_age and the oldest rows beyond max_rows. Returns
  // how many rows went.
  Result<uint64_t> enforce_retention(int64_t now_ns);

  const std::string& path() const { return options_.path; }

 private:
  explicit AlertStore(AlertStoreOptions options) : options_(std::move(options)) {}
  Status exec(const char* sql);
  Error error(const std::string& what) const;
  Status open_db();

  AlertStoreOptions options_;
  mutable std::mutex mu_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  bool in_txn_ = false;
  size_t pending_ = 0;
};

}  // namespace wsn
