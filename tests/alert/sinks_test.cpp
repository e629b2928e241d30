// Sinks against real parts: files that rotate, a syslog datagram socket bound in a temp dir and
// a UDP socket on 127.0.0.1, the SQLite store reopened after a restart.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "alert/alert_manager.h"
#include "alert/sinks/file/rotating_file_sink.h"
#include "alert/sinks/sqlite/alert_store.h"
#include "alert/sinks/sqlite/sqlite_sink.h"
#include "alert/sinks/syslog/syslog_sink.h"

namespace wsn {
namespace {

namespace fs = std::filesystem;

fs::path temp_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("wsn_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

Alert make_alert(uint64_t seq, Severity sev = Severity::kHigh, const std::string& rule_id = "r.1") {
  auto r = std::make_shared<RuleMeta>();
  r->id = rule_id;
  r->name = "Rule";
  r->severity = sev;
  Alert a;
  a.rule = r;
  a.severity = a.rule->severity;
  a.sequence = seq;
  a.time_ns = 1'763'633'643'412'345'678LL + static_cast<int64_t>(seq);
  Event e;
  e.set_string(fields::kHostName, "web-01");
  a.events.push_back(e);
  return a;
}

std::string json_for(uint64_t seq) {
  return "{\"alert\":{\"sequence\":" + std::to_string(seq) + "},\"pad\":\"" + std::string(50, 'x') +
         "\"}";
}

std::vector<std::string> read_lines(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST(RotatingFileSink, RotatesBySizeKeepsNFilesAndNeverSplitsALine) {
  const fs::path dir = temp_dir("rotate");
  const fs::path path = dir / "alerts.jsonl";
  auto sink = RotatingFileSink::open({.path = path.string(), .max_bytes = 1000, .max_files = 3});
  ASSERT_TRUE(sink.ok()) << sink.error().message;
  for (uint64_t k = 1; k <= 100; ++k) ASSERT_TRUE(sink.value()->write(make_alert(k), json_for(k)));
  sink.value()->flush();
  EXPECT_GT(sink.value()->rotations(), 0u);
  EXPECT_TRUE(fs::exists(path));
  EXPECT_TRUE(fs::exists(dir / "alerts.jsonl.1"));
  EXPECT_TRUE(fs::exists(dir / "alerts.jsonl.2"));
  EXPECT_FALSE(fs::exists(dir / "alerts.jsonl.3"));
  // Newest alerts in PATH, older in .1, .2; each file under the limit, whole lines only;
  // together they hold the most recent alerts in order.
  std::vector<std::string> all;
  for (const auto& p : {dir / "alerts.jsonl.2", dir / "alerts.jsonl.1", path}) {
    EXPECT_LE(fs::file_size(p), 1000u);
    std::ifstream raw(p, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(raw)),
                            std::istreambuf_iterator<char>());
    EXPECT_TRUE(bytes.empty() || bytes.back() == '\n') << "whole lines only";
    auto lines = read_lines(p);
    all.insert(all.end(), lines.begin(), lines.end());
    EXPECT_EQ(fs::status(p).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);
  }
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.back(), json_for(100));
  const size_t first = 100 - all.size() + 1;
  for (size_t k = 0; k < all.size(); ++k) EXPECT_EQ(all[k], json_for(first + k));
  fs::remove_all(dir);
}

TEST(RotatingFileSink, ReopenAppendsAndCountsExistingSize) {
  const fs::path dir = temp_dir("rotate2");
  const fs::path path = dir / "a.jsonl";
  for (int run = 0; run < 2; ++run) {
    auto sink =
        RotatingFileSink::open({.path = path.string(), .max_bytes = 1u << 20, .max_files = 2});
    ASSERT_TRUE(sink.ok());
    for (uint64_t k = 1; k <= 5; ++k) sink.value()->write(make_alert(k), json_for(k));
  }
  EXPECT_EQ(read_lines(path).size(), 10u);
  auto bad = RotatingFileSink::open({.path = (dir / "no/such/dir/x").string()});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("No such file or directory"), std::string::npos);
  fs::remove_all(dir);
}

// Receives datagrams on a socket bound by the test.
class DatagramReceiver {
 public:
  ~DatagramReceiver() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool bind_unix(const std::string& path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
    return ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  uint16_t bind_udp() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return 0;
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    return ntohs(a.sin_port);
  }
  // One datagram, or "" after a 2 s timeout.
  std::string receive() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 2000) != 1) return "";
    std::string buf(70000, '\0');
    const ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
    buf.resize(n > 0 ? static_cast<size_t>(n) : 0);
    return buf;
  }

 private:
  int fd_ = -1;
};

// RFC 5424: <PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD [SP MSG]
const std::regex kRfc5424(
    R"(^<(\d{1,3})>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z) ([!-~]{1,255}) ([!-~]{1,48}) )"
    R"(([!-~]{1,128}) ([!-~]{1,32}) (-|\[[^\]]*(\\\][^\]]*)*\])( (.*))?$)");

TEST(SyslogSink, Rfc5424OverARealUnixDatagramSocket) {
  const fs::path dir = temp_dir("syslog");
  const std::string sock = (dir / "log.sock").string();
  DatagramReceiver rx;
  ASSERT_TRUE(rx.bind_unix(sock));
  auto sink = SyslogSink::open({.address = "unix:" + sock,
                                .facility = "local3",
                                .app_name = "wasm-sentinel",
                                .hostname = "host-a"});
  ASSERT_TRUE(sink.ok()) << sink.error().message;
  Alert a = make_alert(7, Severity::kCritical, "rule \"q\" ]x");
  const std::string json = "{\"k\":\"v\"}";
  ASSERT_TRUE(sink.value()->write(a, json));
  const std::string msg = rx.receive();
  std::smatch m;
  ASSERT_TRUE(std::regex_match(msg, m, kRfc5424)) << msg;
  EXPECT_EQ(m[1], std::to_string(19 * 8 + 2));     // local3, crit
  EXPECT_EQ(m[2], "2025-11-20T10:14:03.412345Z");  // microseconds, truncated
  EXPECT_EQ(m[4], "host-a");
  EXPECT_EQ(m[5], "wasm-sentinel");
  EXPECT_EQ(m[6], std::to_string(::getpid()));
  EXPECT_EQ(m[7], "alert");
  EXPECT_EQ(m[8],
            "[wsn@32473 rule_id=\"rule \\\"q\\\" \\]x\" severity=\"critical\" sequence=\"7\" "
            "count=\"1\"]");
  EXPECT_EQ(m[11], json);
  EXPECT_EQ(sink.value()->failures(), 0u);
  fs::remove_all(dir);
}

TEST(SyslogSink, ReconnectsWhenTheDaemonComesBack) {
  const fs::path dir = temp_dir("syslog2");
  const std::string sock = (dir / "log.sock").string();
  auto sink = SyslogSink::open({.address = "unix:" + sock, .hostname = "h"});
  ASSERT_TRUE(sink.ok()) << "a missing socket is not an open error";
  EXPECT_FALSE(sink.value()->write(make_alert(1), "{}"));
  EXPECT_EQ(sink.value()->failures(), 1u);
  {
    DatagramReceiver rx;
    ASSERT_TRUE(rx.bind_unix(sock));
    EXPECT_TRUE(sink.value()->write(make_alert(2), "{\"n\":2}"));
    EXPECT_NE(rx.receive().find("{\"n\":2}"), std::string::npos);
  }
  fs::remove(sock);  // daemon restarts: new socket at the same path
  DatagramReceiver rx2;
  ASSERT_TRUE(rx2.bind_unix(sock));
  EXPECT_TRUE(sink.value()->write(make_alert(3), "{\"n\":3}"));
  EXPECT_NE(rx2.receive().find("{\"n\":3}"), std::string::npos);
  fs::remove_all(dir);
}

TEST(SyslogSink, UdpOnLoopbackAndSeverityMapping) {
  DatagramReceiver rx;
  const uint16_t port = rx.bind_udp();
  ASSERT_NE(port, 0);
  auto sink = SyslogSink::open(
      {.address = "udp:127.0.0.1:" + std::to_string(port), .facility = "daemon", .hostname = "h"});
  ASSERT_TRUE(sink.ok()) << sink.error().message;
  const std::pair<Severity, int> cases[] = {
      {Severity::kCritical, 2}, {Severity::kHigh, 3}, {Severity::kMedium, 4}, {Severity::kLow, 5}};
  for (auto [sev, code] : cases) {
    ASSERT_TRUE(sink.value()->write(make_alert(1, sev), "{}"));
    const std::string msg = rx.receive();
    EXPECT_EQ(msg.substr(0, msg.find('>') + 1), "<" + std::to_string(3 * 8 + code) + ">") << msg;
    EXPECT_TRUE(std::regex_match(msg, kRfc5424)) << msg;
  }
  EXPECT_FALSE(SyslogSink::open({.address = "tcp:1.2.3.4:5"}).ok());
  EXPECT_FALSE(SyslogSink::open({.address = "udp:127.0.0.1:514", .facility = "nope"}).ok());
}

TEST(AlertStore, AllAlertsPresentAfterReopenWithWalAndRetention) {
  const fs::path dir = temp_dir("sqlite");
  const std::string db = (dir / "sub" / "alerts.db").string();
  {
    auto sink = SqliteSink::open({.store = {.path = db}, .commit_rows = 64});
    ASSERT_TRUE(sink.ok()) << sink.error().message;
    for (uint64_t k = 1; k <= 1000; ++k) {
      ASSERT_TRUE(
          sink.value()->write(make_alert(k, Severity::kHigh, k % 2 ? "odd" : "even"), json_for(k)));
    }
    // The sink is destroyed like at a shutdown: the last group commits.
  }
  EXPECT_EQ(fs::status(db).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &st, nullptr);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
    sqlite3_finalize(st);
    sqlite3_close(raw);
  }
  auto store = AlertStore::open({.path = db, .create = false});
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ(store.value()->count().value(), 1000u);
  auto recent = store.value()->recent(5);
  ASSERT_TRUE(recent.ok());
  ASSERT_EQ(recent.value().size(), 5u);
  EXPECT_EQ(recent.value()[0].json, json_for(1000));
  EXPECT_EQ(recent.value()[4].json, json_for(996));
  auto odd = store.value()->recent(10000, "odd");
  ASSERT_TRUE(odd.ok());
  EXPECT_EQ(odd.value().size(), 500u);
  for (const auto& a : odd.value()) EXPECT_EQ(a.rule_id, "odd");
  std::set<std::string> all;
  auto everything = store.value()->recent(10000);
  ASSERT_TRUE(everything.ok());
  for (const auto& a : everything.value()) all.insert(a.json);
  EXPECT_EQ(all.size(), 1000u);
  for (uint64_t k = 1; k <= 1000; ++k) EXPECT_TRUE(all.count(json_for(k))) << k;
  store.value().reset();

  // A second run appends; retention by rows keeps the newest, by age removes old rows.
  {
    auto sink = SqliteSink::open({.store = {.path = db, .max_rows = 1500}});
    ASSERT_TRUE(sink.ok());
    for (uint64_t k = 1001; k <= 2000; ++k) sink.value()->write(make_alert(k), json_for(k));
    sink.value()->flush();
  }
  {
    auto s = AlertStore::open({.path = db, .max_rows = 1500});
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s.value()->count().value(), 2000u) << "retention runs at open and periodically";
    EXPECT_EQ(s.value()->enforce_retention(0).value(), 500u);
    EXPECT_EQ(s.value()->count().value(), 1500u);
    auto newest = s.value()->recent(1);
    ASSERT_TRUE(newest.ok());
    EXPECT_EQ(newest.value()[0].json, json_for(2000));
  }
  {
    auto s = AlertStore::open({.path = db, .max_age_ns = 1'000'000'000});
    ASSERT_TRUE(s.ok());
    const int64_t far_future = int64_t{4'000'000'000} * 1'000'000'000;
    EXPECT_EQ(s.value()->enforce_retention(far_future).value(), 1500u);
    EXPECT_EQ(s.value()->count().value(), 0u);
  }
  fs::remove_all(dir);
}

TEST(AlertStore, ReaderSeesCommittedAlertsWhileTheWriterRuns) {
  const fs::path dir = temp_dir("sqlite2");
  const std::string db = (dir / "a.db").string();
  auto sink = SqliteSink::open(
      {.store = {.path = db}, .commit_rows = 1000000, .commit_interval = std::chrono::hours(1)});
  ASSERT_TRUE(sink.ok());
  auto reader = AlertStore::open({.path = db, .create = false});
  ASSERT_TRUE(reader.ok());
  for (uint64_t k = 1; k <= 10; ++k) sink.value()->write(make_alert(k), json_for(k));
  EXPECT_EQ(reader.value()->count().value(), 0u) << "not committed yet";
  EXPECT_EQ(sink.value()->queue_depth(), 10u);
  sink.value()->flush();
  EXPECT_EQ(reader.value()->count().value(), 10u);
  EXPECT_EQ(sink.value()->queue_depth(), 0u);
  auto missing = AlertStore::open({.path = (dir / "none.db").string(), .create = false});
  EXPECT_FALSE(missing.ok());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace wsn
