// The webhook sink against a real HTTP receiver process on 127.0.0.1 that is SIGKILLed and
// restarted mid-run, and the disk spool across a restart of the sink itself.
#include <gtest/gtest.h>
#include <signal.h>
#include <simdjson.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "alert/sinks/webhook/disk_spool.h"
#include "alert/sinks/webhook/webhook_sink.h"

extern char** environ;

namespace wsn {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

fs::path temp_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("wsn_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string alert_json(uint64_t seq) {
  return "{\"alert\":{\"sequence\":" + std::to_string(seq) + ",\"count\":1},\"p\":\"" +
         std::string(200, 'y') + "\"}";
}

Alert dummy_alert() {
  Alert a;
  a.rule = std::make_shared<RuleMeta>();
  a.severity = a.rule->severity;
  return a;
}

// The receiver process (tests/alert/webhook_receiver.cpp).
class Receiver {
 public:
  explicit Receiver(fs::path dir) : dir_(std::move(dir)) {}
  ~Receiver() { kill(); }

  // Starts on `port` (0: any free port); returns the port, 0 on failure. Bounded wait.
  uint16_t start(uint16_t port, int fail = 0) {
    const std::string ready = (dir_ / "ready").string();
    fs::remove(ready);
    const std::string bin = WSN_WEBHOOK_RECEIVER;
    std::vector<std::string> args = {bin,     "--port",       std::to_string(port),
                                     "--log", log().string(), "--ready",
                                     ready,   "--fail",       std::to_string(fail)};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, bin.c_str(), nullptr, nullptr, argv.data(), environ) != 0) return 0;
    for (int k = 0; k < 200; ++k) {  // up to 10 s
      std::ifstream in(ready);
      int p = 0;
      if (in >> p && p > 0) return static_cast<uint16_t>(p);
      std::this_thread::sleep_for(50ms);
    }
    return 0;
  }
  void kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  fs::path log() const { return dir_ / "received.log"; }

  struct Received {
    std::vector<uint64_t> sequences;  // in arrival order
    size_t batches = 0;
    size_t bad_keys = 0;    // key does not match the body
    size_t duplicates = 0;  // re-sent batches the receiver acknowledged without recording
  };
  Received read() const {
    Received r;
    std::ifstream in(log());
    simdjson::dom::parser parser;
    for (std::string line; std::getline(in, line);) {
      const size_t tab = line.find('\t');
      const std::string key = line.substr(0, tab), body = line.substr(tab + 1);
      ++r.batches;
      if (key != WebhookSink::body_key(body)) ++r.bad_keys;
      simdjson::dom::element doc;
      if (parser.parse(body).get(doc) != simdjson::SUCCESS) continue;
      for (auto a : doc.get_array()) r.sequences.push_back(uint64_t(a["alert"]["sequence"]));
    }
    std::ifstream dups(log().string() + ".dups");
    for (std::string line; std::getline(dups, line);) ++r.duplicates;
    return r;
  }

 private:
  fs::path dir_;
  pid_t pid_ = -1;
};

void expect_exactly_once_in_order(const std::vector<uint64_t>& got, uint64_t n) {
  ASSERT_EQ(got.size(), n) << "every alert exactly once";
  for (uint64_t k = 0; k < n; ++k) ASSERT_EQ(got[k], k + 1) << "at position " << k;
}

// Waits (bounded) until `pred` holds.
template <typename F>
bool wait_for(F pred, std::chrono::milliseconds limit = 30s) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return pred();
}

WebhookOptions options(uint16_t port, const fs::path& spool) {
  WebhookOptions o;
  o.url = "http://127.0.0.1:" + std::to_string(port) + "/alerts";
  o.batch_size = 10;
  o.flush_interval = 20ms;
  o.timeout = 2s;
  o.retry_initial = 20ms;
  o.retry_max = 200ms;
  o.queue_size = 40;
  o.spool_dir = spool.string();
  o.shutdown_timeout = 5s;
  return o;
}

TEST(WebhookSink, ReceiverKilledAndRestartedMidRunEveryAlertArrivesExactlyOnce) {
  const fs::path dir = temp_dir("webhook_kill");
  Receiver rx(dir);
  const uint16_t port = rx.start(0);
  ASSERT_NE(port, 0) << "receiver did not start";
  auto opened = WebhookSink::open(options(port, dir / "spool"));
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  auto& sink = *opened.value();
  const uint64_t n = 600;
  const Alert a = dummy_alert();
  for (uint64_t k = 1; k <= n; ++k) {
    if (k == 150) rx.kill();  // down mid-run, possibly in the middle of a request
    if (k == 450) {
      ASSERT_EQ(rx.start(port), port) << "receiver did not come back";
    }
    ASSERT_TRUE(sink.write(a, alert_json(k))) << k;
    std::this_thread::sleep_for(1ms);
  }
  ASSERT_TRUE(wait_for([&] { return sink.stats().delivered == n; }))
      << "delivered " << sink.stats().delivered;
  EXPECT_EQ(sink.queue_depth(), 0u);
  const WebhookStats st = sink.stats();
  EXPECT_GT(st.spooled, 0u) << "the outage outlasted the memory queue: the disk spool was used";
  EXPECT_GT(st.retries, 0u);
  EXPECT_EQ(st.dropped, 0u);
  opened.value().reset();
  const Receiver::Received got = rx.read();
  EXPECT_EQ(got.bad_keys, 0u);
  EXPECT_LE(got.duplicates, 1u) << "only a batch in flight at the kill may be re-sent";
  expect_exactly_once_in_order(got.sequences, n);
  fs::remove_all(dir);
}

TEST(WebhookSink, SpoolSurvivesARestartOfTheSinkAndIsDeliveredFirst) {
  const fs::path dir = temp_dir("webhook_restart");
  Receiver rx(dir);
  const uint16_t port = rx.start(0);
  ASSERT_NE(port, 0);
  rx.kill();  // the port is known; nothing listens now
  {
    WebhookOptions o = options(port, dir / "spool");
    o.shutdown_timeout = 300ms;
    auto sink = WebhookSink::open(o);
    ASSERT_TRUE(sink.ok());
    for (uint64_t k = 1; k <= 100; ++k)
      ASSERT_TRUE(sink.value()->write(dummy_alert(), alert_json(k)));
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(sink.value()->stats().delivered, 0u);
  }  // shutdown: what is still in memory goes to the spool, ahead of what was spooled
  DiskSpool peek((dir / "spool").string(), uint64_t{1} << 30);
  ASSERT_TRUE(peek.open().ok());
  EXPECT_EQ(peek.size(), 100u);

  ASSERT_EQ(rx.start(port), port);
  auto sink = WebhookSink::open(options(port, dir / "spool"));
  ASSERT_TRUE(sink.ok());
  for (uint64_t k = 101; k <= 120; ++k)
    ASSERT_TRUE(sink.value()->write(dummy_alert(), alert_json(k)));
  ASSERT_TRUE(wait_for([&] { return sink.value()->stats().delivered == 120; }));
  sink.value().reset();
  expect_exactly_once_in_order(rx.read().sequences, 120);
  fs::remove_all(dir);
}

TEST(WebhookSink, RetriesA503WithTheSameBodyAndKey) {
  const fs::path dir = temp_dir("webhook_503");
  Receiver rx(dir);
  const uint16_t port = rx.start(0, /*fail=*/3);
  ASSERT_NE(port, 0);
  auto sink = WebhookSink::open(options(port, dir / "spool"));
  ASSERT_TRUE(sink.ok());
  for (uint64_t k = 1; k <= 25; ++k) sink.value()->write(dummy_alert(), alert_json(k));
  ASSERT_TRUE(wait_for([&] { return sink.value()->stats().delivered == 25; }));
  EXPECT_EQ(sink.value()->stats().retries, 3u);
  EXPECT_EQ(sink.value()->failures(), 3u);
  sink.value().reset();
  const auto got = rx.read();
  EXPECT_EQ(got.bad_keys, 0u);
  expect_exactly_once_in_order(got.sequences, 25);
  fs::remove_all(dir);
}

TEST(WebhookSink, BadUrlIsAClearError) {
  auto s = WebhookSink::open({.url = "ftp://x"});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "webhook: bad url 'ftp://x': must start with http:// or https://");
}

TEST(DiskSpool, FifoAcrossSegmentsReopenTornLinesAndPrepend) {
  const fs::path dir = temp_dir("spool");
  {
    DiskSpool s(dir.string(), 1 << 20, /*segment_bytes=*/100);
    ASSERT_TRUE(s.open().ok());
    for (int k = 1; k <= 20; ++k) ASSERT_TRUE(s.append("line-" + std::to_string(k)).ok());
    std::vector<std::string> got;
    ASSERT_TRUE(s.peek(3, got).ok());
    EXPECT_EQ(got, (std::vector<std::string>{"line-1", "line-2", "line-3"}));
    ASSERT_TRUE(s.pop(2).ok());
    EXPECT_EQ(s.size(), 18u);
  }
  // A crash cut the last append short.
  std::vector<fs::path> segs;
  for (auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".jsonl") segs.push_back(e.path());
  }
  std::sort(segs.begin(), segs.end());
  ASSERT_GT(segs.size(), 1u) << "small segments: several files";
  std::ofstream(segs.back(), std::ios::app) << "torn-with-no-newline";
  {
    DiskSpool s(dir.string(), 1 << 20, 100);
    ASSERT_TRUE(s.open().ok());
    EXPECT_EQ(s.size(), 18u) << "delivered lines stay delivered; the torn line is dropped";
    ASSERT_TRUE(s.prepend({"old-a", "old-b"}).ok());
    std::vector<std::string> all, got;
    while (!s.empty()) {
      ASSERT_TRUE(s.peek(4, got).ok());
      ASSERT_FALSE(got.empty());
      all.insert(all.end(), got.begin(), got.end());
      ASSERT_TRUE(s.pop(got.size()).ok());
    }
    ASSERT_EQ(all.size(), 20u);
    EXPECT_EQ(all[0], "old-a");
    EXPECT_EQ(all[1], "old-b");
    EXPECT_EQ(all[2], "line-3");
    EXPECT_EQ(all[19], "line-20");
  }
  DiskSpool full(dir.string() + "/full", 30);
  ASSERT_TRUE(full.open().ok());
  EXPECT_TRUE(full.append("0123456789").ok());
  EXPECT_FALSE(full.append("0123456789012345678901234").ok()) << "bounded";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace wsn
