#include "alert/sinks/sqlite/alert_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace wsn {
namespace {

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS alerts("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " stored_ns INTEGER NOT NULL,"
    " time_ns INTEGER NOT NULL,"
    " rule_id TEXT NOT NULL,"
    " severity TEXT NOT NULL,"
    " host TEXT,"
    " count INTEGER NOT NULL,"
    " json TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS alerts_rule ON alerts(rule_id, id);"
    "CREATE INDEX IF NOT EXISTS alerts_stored ON alerts(stored_ns);";

// RAII for one prepared statement.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr); }
  ~Stmt() { sqlite3_finalize(s_); }
  bool ok() const { return rc_ == SQLITE_OK; }
  sqlite3_stmt* get() { return s_; }

 private:
  sqlite3_stmt* s_ = nullptr;
  int rc_;
};

std::string column_text(sqlite3_stmt* s, int k) {
  const unsigned char* t = sqlite3_column_text(s, k);
  return t ? std::string(reinterpret_cast<const char*>(t),
                         static_cast<size_t>(sqlite3_column_bytes(s, k)))
           : std::string();
}

}  // namespace

Error AlertStore::error(const std::string& what) const {
  return Error{"alert store " + options_.path + ": " + what + ": " +
               (db_ ? sqlite3_errmsg(db_) : "cannot open")};
}

Status AlertStore::exec(const char* sql) {
  char* msg = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
    Error e{"alert store " + options_.path + ": " + (msg ? msg : "error")};
    sqlite3_free(msg);
    return e;
  }
  return {};
}

Result<std::unique_ptr<AlertStore>> AlertStore::open(AlertStoreOptions options) {
  std::unique_ptr<AlertStore> store(new AlertStore(std::move(options)));
  if (Status s = store->open_db(); !s.ok()) return s.error();
  return store;
}

Status AlertStore::open_db() {
  const std::string& p = options_.path;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX;
  if (options_.create) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path parent = fs::path(p).parent_path();
    if (!parent.empty() && !fs::exists(parent, ec)) {
      fs::create_directories(parent, ec);
      if (ec)
        return Error{"alert store " + p + ": create " + parent.string() + ": " + ec.message()};
      fs::permissions(parent, fs::perms::owner_all, ec);
    }
    // Created 0600 before SQLite sees it: alerts may carry secrets; the WAL and shm files
    // take the database file's mode.
    const int fd = ::open(p.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
      const int err = errno;
      return Error{"alert store " + p + ": " + std::strerror(err), err};
    }
    ::close(fd);
    flags |= SQLITE_OPEN_CREATE;
  }
  if (sqlite3_open_v2(p.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    Error e = error("open");
    sqlite3_close(db_);
    db_ = nullptr;
    return e;
  }
  sqlite3_busy_timeout(db_, 5000);
  // Page cache at most 1 MiB per connection (SQLite's default is 2 MB): appends and the API's
  // indexed queries touch few pages, and the agent's whole budget is 32 MB.
  if (Status s = exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                      "PRAGMA cache_size=-1024;");
      !s.ok()) {
    return s;
  }
  if (options_.create) {
    if (Status s = exec(kSchema); !s.ok()) return s;
  }
  if (sqlite3_prepare_v2(db_,
                         "INSERT INTO alerts(stored_ns,time_ns,rule_id,severity,host,count,json)"
                         " VALUES(?,?,?,?,?,?,?)",
                         -1, &insert_, nullptr) != SQLITE_OK) {
    return error("prepare insert");
  }
  return {};
}

AlertStore::~AlertStore() {
  {
    std::lock_guard lock(mu_);
    if (in_txn_) sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
  }
  sqlite3_finalize(insert_);
  sqlite3_close(db_);
}

Status AlertStore::append(const Alert& alert, std::string_view json, int64_t stored_ns) {
  std::lock_guard lock(mu_);
  if (!in_txn_) {
    if (Status s = exec("BEGIN"); !s.ok()) return s;
    in_txn_ = true;
  }
  const RuleMeta& rule = *alert.rule;
  std::string_view host;
  if (!alert.events.empty()) {
    FieldView v;
    if (alert.events.back().get(fields::kHostName, v) && v.type == FieldType::kString) host = v.s;
  }
  const std::string_view sev = severity_label(alert.severity);
  sqlite3_reset(insert_);
  sqlite3_bind_int64(insert_, 1, stored_ns);
  sqlite3_bind_int64(insert_, 2, alert.time_ns);
  sqlite3_bind_text(insert_, 3, rule.id.data(), static_cast<int>(rule.id.size()), SQLITE_STATIC);
  sqlite3_bind_text(insert_, 4, sev.data(), static_cast<int>(sev.size()), SQLITE_STATIC);
  sqlite3_bind_text(insert_, 5, host.data(), static_cast<int>(host.size()), SQLITE_STATIC);
  sqlite3_bind_int64(insert_, 6, static_cast<int64_t>(alert.count));
  sqlite3_bind_text(insert_, 7, json.data(), static_cast<int>(json.size()), SQLITE_STATIC);
  const int rc = sqlite3_step(insert_);
  sqlite3_clear_bindings(insert_);
  if (rc != SQLITE_DONE) return error("insert");
  ++pending_;
  return {};
}

Status AlertStore::commit() {
  std::lock_guard lock(mu_);
  if (!in_txn_) return {};
  Status s = exec("COMMIT");
  if (!s.ok()) {
    // Keep the transaction open: the rows are still in it and the next commit retries (a
    // reader holding a lock makes COMMIT return SQLITE_BUSY after the busy timeout).
    if (sqlite3_get_autocommit(db_)) in_txn_ = false;
    return s;
  }
  in_txn_ = false;
  pending_ = 0;
  return {};
}

size_t AlertStore::pending() const {
  std::lock_guard lock(mu_);
  return pending_;
}

Result<std::vector<StoredAlert>> AlertStore::recent(size_t limit, const std::string& rule_id) {
  std::lock_guard lock(mu_);
  if (limit > 10000) limit = 10000;
  Stmt s(db_, rule_id.empty()
                  ? "SELECT id,stored_ns,time_ns,rule_id,severity,count,json FROM alerts"
                    " ORDER BY id DESC LIMIT ?1"
                  : "SELECT id,stored_ns,time_ns,rule_id,severity,count,json FROM alerts"
                    " WHERE rule_id=?2 ORDER BY id DESC LIMIT ?1");
  if (!s.ok()) return error("query");
  sqlite3_bind_int64(s.get(), 1, static_cast<int64_t>(limit));
  if (!rule_id.empty()) {
    sqlite3_bind_text(s.get(), 2, rule_id.data(), static_cast<int>(rule_id.size()), SQLITE_STATIC);
  }
  std::vector<StoredAlert> out;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    StoredAlert a;
    a.id = sqlite3_column_int64(s.get(), 0);
    a.stored_ns = sqlite3_column_int64(s.get(), 1);
    a.time_ns = sqlite3_column_int64(s.get(), 2);
    a.rule_id = column_text(s.get(), 3);
    a.severity = column_text(s.get(), 4);
    a.count = static_cast<uint64_t>(sqlite3_column_int64(s.get(), 5));
    a.json = column_text(s.get(), 6);
    out.push_back(std::move(a));
  }
  if (rc != SQLITE_DONE) return error("query");
  return out;
}

Result<uint64_t> AlertStore::count() {
  std::lock_guard lock(mu_);
  Stmt s(db_, "SELECT count(*) FROM alerts");
  if (!s.ok() || sqlite3_step(s.get()) != SQLITE_ROW) return error("count");
  return static_cast<uint64_t>(sqlite3_column_int64(s.get(), 0));
}

Result<uint64_t> AlertStore::enforce_retention(int64_t now_ns) {
  std::lock_guard lock(mu_);
  uint64_t removed = 0;
  if (options_.max_age_ns > 0) {
    Stmt s(db_, "DELETE FROM alerts WHERE stored_ns < ?1");
    if (!s.ok()) return error("retention");
    sqlite3_bind_int64(s.get(), 1, now_ns - options_.max_age_ns);
    if (sqlite3_step(s.get()) != SQLITE_DONE) return error("retention");
    removed += static_cast<uint64_t>(sqlite3_changes(db_));
  }
  if (options_.max_rows > 0) {
    Stmt s(db_, "DELETE FROM alerts WHERE id <= (SELECT max(id) FROM alerts) - ?1");
    if (!s.ok()) return error("retention");
    sqlite3_bind_int64(s.get(), 1, static_cast<int64_t>(options_.max_rows));
    if (sqlite3_step(s.get()) != SQLITE_DONE) return error("retention");
    removed += static_cast<uint64_t>(sqlite3_changes(db_));
  }
  return removed;
}

}  // namespace wsn
