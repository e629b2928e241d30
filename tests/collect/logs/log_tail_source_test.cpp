// The `logs` source follows files as tail -F does: only lines written after it started (unless
// from_start), a line completed across two writes, a rotated file's successor from its start,
// a file that appears later; lines that are not records are counted and reported.
#include "collect/logs/log_tail_source.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "bus/event_bus.h"
#include "event/json_writer.h"

namespace wsn::logs {
namespace {

namespace fs = std::filesystem;

class LogTailTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wsn_log_tail_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void append(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::app) << text << std::flush;
  }
  // Waits until `n` events arrived (or 5 s).
  bool wait_events(size_t n) {
    for (int k = 0; k < 500; ++k) {
      {
        std::lock_guard lock(mu_);
        if (got_.size() >= n) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  fs::path dir_;
  FieldRegistry reg_;
  std::mutex mu_;
  std::vector<std::string> got_;  // process.name of each event, in order
};

TEST_F(LogTailTest, FollowsAppendsRotationAndLateFiles) {
  const fs::path auth = dir_ / "auth.log", audit = dir_ / "audit.log";
  append(auth, "2026-12-07T10:00:00+00:00 h old[1]: written before the source started\n");
  std::vector<std::string> reports;
  LogTailOptions o;
  o.files = {{auth.string(), LogFormat::kAuth}, {audit.string(), LogFormat::kAuditd}};
  o.poll_ns = 20'000'000;
  LogTailSource src(std::move(o), reg_, [&](const std::string& r) {
    std::lock_guard lock(mu_);
    reports.push_back(r);
  });
  EventBus bus(8, 4, EventBus::Policy::kBlock);
  std::thread consumer([&] {
    const FieldId name = reg_.find("process.name");
    while (auto batch = bus.pop()) {
      for (size_t k = 0; k < batch->size; ++k) {
        FieldView v;
        std::lock_guard lock(mu_);
        got_.push_back(batch->events[k].get(name, v) ? std::string(v.s) : "?");
      }
      bus.release(std::move(batch));
    }
  });
  // Written after the source was built, before its thread runs: new, so read (the start
  // position is taken when the source is built, which is before a run announces it).
  append(auth, "2026-12-07T10:00:01+00:00 h first[2]: appended\n");
  Status st;
  std::thread runner([&] {
    BatchWriter writer(bus);
    st = src.run(writer);
  });
  append(auth, "2026-12-07T10:00:02+00:00 h sec");  // half a line …
  ASSERT_TRUE(wait_events(1));
  append(auth, "ond[3]: … then the rest\nnot a syslog line\n");
  ASSERT_TRUE(wait_events(2));
  // Rotation: the old file renamed away, a new one at the path.
  fs::rename(auth, dir_ / "auth.log.1");
  append(auth, "2026-12-07T10:00:03+00:00 h rotated[4]: in the new file\n");
  ASSERT_TRUE(wait_events(3));
  // auditd's log appears only now.
  append(audit, "type=SYSCALL msg=audit(1796658000.250:1): pid=5 comm=\"late\"\n");
  ASSERT_TRUE(wait_events(4));
  src.stop();
  runner.join();
  bus.close();
  consumer.join();
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(got_, (std::vector<std::string>{"first", "second", "rotated", "late"}));
  EXPECT_EQ(src.stats().events, 4u);
  EXPECT_EQ(src.stats().malformed, 1u);
  ASSERT_EQ(reports.size(), 1u);
  // The bad line starts after the three lines before it (70, 47 and 57 bytes).
  EXPECT_EQ(reports[0],
            auth.string() + " at byte 174: not a syslog line (timestamp, host, program: message)");
}

TEST_F(LogTailTest, NoFilesIsAnError) {
  LogTailSource src(LogTailOptions{}, reg_, nullptr);
  EventBus bus(2, 2, EventBus::Policy::kBlock);
  BatchWriter writer(bus);
  const Status st = src.run(writer);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "logs: no files to follow (sources.logs.auth, .syslog, .auditd)");
}

}  // namespace
}  // namespace wsn::logs
