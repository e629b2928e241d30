#include "collect/replay/jsonl_replay_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <future>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bus/event_bus.h"
#include "event/json_writer.h"

namespace wsn {
namespace {

using namespace std::chrono_literals;

class ReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/wsn_replay_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::system(("rm -rf '" + dir_ + "'").c_str()); }

  std::string file(const std::string& name, const std::string& content) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  // Runs `src` into a bus drained by a consumer thread; returns the events as JSON lines.
  std::vector<std::string> run(JsonlReplaySource& src, EventBus& bus, Status* status = nullptr) {
    std::vector<std::string> got;
    std::thread consumer([&] {
      while (auto batch = bus.pop()) {
        for (size_t k = 0; k < batch->size; ++k) {
          std::string s;
          write_event_json(batch->events[k], reg_, s);
          got.push_back(std::move(s));
        }
        bus.release(std::move(batch));
      }
    });
    Status st;
    {
      BatchWriter writer(bus);
      st = src.run(writer);
    }
    bus.close();
    consumer.join();
    if (status != nullptr) *status = st;
    EXPECT_TRUE(status != nullptr || st.ok()) << st.error().message;
    return got;
  }

  MalformedCallback collect(std::vector<std::string>& into) {
    return [&into](const MalformedLine& m) { into.push_back(m.to_string()); };
  }

  std::string dir_;
  FieldRegistry reg_;
};

TEST_F(ReplayTest, MalformedLinesInterleavedWithGoodOnes) {
  const std::string path = file("mixed.jsonl",
                                "{\"process.name\":\"a\"}\n"
                                "{\"process.pid\":\"abc\"}\n"
                                "\n"
                                "not json\n"
                                "{\"process\":{\"name\":\"b\"}}\r\n"
                                "[1]\n"
                                "   \t\n"
                                "{\"source.ip\":\"1.2.3.999\"}\n"
                                "{\"process.name\":\"c\"}");
  std::vector<std::string> bad;
  JsonlReplaySource src(path, reg_, {}, collect(bad));
  EXPECT_EQ(src.name(), "jsonl:" + path);
  EventBus bus(4, 2, EventBus::Policy::kBlock);
  const std::vector<std::string> got = run(src, bus);
  EXPECT_EQ(got,
            (std::vector<std::string>{R"({"process":{"name":"a"}})", R"({"process":{"name":"b"}})",
                                      R"({"process":{"name":"c"}})"}));
  EXPECT_EQ(bad, (std::vector<std::string>{
                     R"(line 2: field 'process.pid': expected integer, got string "abc")",
                     "line 4: invalid JSON: bad literal (expected true, false or null)",
                     "line 6: not a JSON object (got array)",
                     R"(line 8: field 'source.ip': invalid IP address "1.2.3.999")"}));
  EXPECT_EQ(src.stats().events, 3u);
  EXPECT_EQ(src.stats().malformed, 4u);
  EXPECT_EQ(src.stats().lost, 0u);
  const BusCounters c = bus.counters();
  EXPECT_EQ(c.received, 3u);
  EXPECT_EQ(c.processed, 3u);
  EXPECT_EQ(c.malformed, 4u);
}

TEST_F(ReplayTest, HugeLinesAreSkippedAndLargeOnesKept) {
  const std::string big(500 * 1024, 'b');
  const std::string path =
      file("huge.jsonl", "{\"process.name\":\"before\"}\n{\"process.command_line\":\"" +
                             std::string(10 << 20, 'h') + "\"}\n{\"process.command_line\":\"" +
                             big + "\"}\n{\"process.name\":\"after\"}\n");
  std::vector<std::string> bad;
  JsonlReplaySource src(path, reg_, {}, collect(bad));
  EventBus bus(4, 16, EventBus::Policy::kBlock);
  const std::vector<std::string> got = run(src, bus);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], R"({"process":{"name":"before"}})");
  EXPECT_EQ(got[1], R"({"process":{"command_line":")" + big + "\"}}");
  EXPECT_EQ(got[2], R"({"process":{"name":"after"}})");
  EXPECT_EQ(bad, (std::vector<std::string>{"line 2: line exceeds 1048576 bytes"}));
}

TEST_F(ReplayTest, EmptyFileAndBlankLines) {
  EventBus bus(4, 8, EventBus::Policy::kBlock);
  JsonlReplaySource empty(file("empty.jsonl", ""), reg_);
  EXPECT_TRUE(run(empty, bus).empty());
  EXPECT_EQ(empty.stats().events, 0u);
  EXPECT_EQ(empty.stats().malformed, 0u);

  EventBus bus2(4, 8, EventBus::Policy::kBlock);
  JsonlReplaySource blank(file("blank.jsonl", "\n\r\n  \n\t\r\n"), reg_);
  EXPECT_TRUE(run(blank, bus2).empty());
  EXPECT_EQ(blank.stats().malformed, 0u);
}

TEST_F(ReplayTest, MissingFileOrDirectoryIsAnError) {
  std::vector<std::string> bad;
  const std::string missing = dir_ + "/nope.jsonl";
  JsonlReplaySource src(missing, reg_, {}, collect(bad));
  EventBus bus(4, 8, EventBus::Policy::kBlock);
  Status st;
  EXPECT_TRUE(run(src, bus, &st).empty());
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "open " + missing + ": No such file or directory");
  EXPECT_EQ(st.error().sys_errno, ENOENT);
  EXPECT_TRUE(bad.empty());

  JsonlReplaySource dir_src(dir_, reg_);
  EventBus bus2(4, 8, EventBus::Policy::kBlock);
  EXPECT_TRUE(run(dir_src, bus2, &st).empty());
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "read " + dir_ + ": Is a directory");
  EXPECT_EQ(st.error().sys_errno, EISDIR);
}

// Replaces stdin with the read end of a pipe for the test's duration.
class StdinPipe {
 public:
  StdinPipe() {
    int fds[2];
    EXPECT_EQ(pipe(fds), 0);
    saved_ = dup(STDIN_FILENO);
    dup2(fds[0], STDIN_FILENO);
    close(fds[0]);
    write_fd_ = fds[1];
  }
  ~StdinPipe() {
    close_write();
    dup2(saved_, STDIN_FILENO);
    close(saved_);
  }
  void write_all(std::string_view s) {
    while (!s.empty()) {
      const ssize_t n = write(write_fd_, s.data(), s.size());
      if (n < 0 && errno == EINTR) continue;
      ASSERT_GT(n, 0);
      s.remove_prefix(static_cast<size_t>(n));
    }
  }
  void close_write() {
    if (write_fd_ >= 0) close(write_fd_);
    write_fd_ = -1;
  }

 private:
  int saved_ = -1;
  int write_fd_ = -1;
};

TEST_F(ReplayTest, ReadsStdinThroughAPipe) {
  StdinPipe in;
  std::thread producer([&] {
    for (int k = 0; k < 500; ++k) {
      in.write_all("{\"process.pid\":" + std::to_string(k) + "}\n");
      if (k == 250) in.write_all("{oops}\n");
    }
    in.close_write();
  });
  std::vector<std::string> bad;
  JsonlReplaySource src("-", reg_, {}, collect(bad));
  EventBus bus(2, 7, EventBus::Policy::kBlock);
  const std::vector<std::string> got = run(src, bus);
  producer.join();
  ASSERT_EQ(got.size(), 500u);
  for (int k = 0; k < 500; ++k) {
    EXPECT_EQ(got[static_cast<size_t>(k)], "{\"process\":{\"pid\":" + std::to_string(k) + "}}");
  }
  EXPECT_EQ(bad, (std::vector<std::string>{
                     "line 252: invalid JSON: bad structure (unbalanced brackets, missing or "
                     "extra commas or keys)"}));
}

TEST_F(ReplayTest, StopFromAnotherThreadEndsABlockedRun) {
  const std::string fifo = dir_ + "/live.fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const int keep_open = open(fifo.c_str(), O_RDWR);  // a writer that never closes
  ASSERT_GE(keep_open, 0);
  JsonlReplaySource src(fifo, reg_);
  EventBus bus(4, 100, EventBus::Policy::kBlock);
  auto running = std::async(std::launch::async, [&] { return run(src, bus); });
  const std::string lines = "{\"process.name\":\"x\"}\n{\"process.name\":\"y\"}\n";
  ASSERT_EQ(write(keep_open, lines.data(), lines.size()), static_cast<ssize_t>(lines.size()));
  for (int k = 0; k < 1000 && src.stats().events < 2; ++k) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(src.stats().events, 2u);
  EXPECT_EQ(running.wait_for(50ms), std::future_status::timeout);  // still waiting for input
  src.stop();
  ASSERT_EQ(running.wait_for(10s), std::future_status::ready);
  // Events of the partial batch were flushed when run() returned.
  EXPECT_EQ(running.get(), (std::vector<std::string>{R"({"process":{"name":"x"}})",
                                                     R"({"process":{"name":"y"}})"}));
  close(keep_open);
}

TEST_F(ReplayTest, StopBeforeRunReturnsAtOnce) {
  JsonlReplaySource src(file("some.jsonl", "{\"process.name\":\"x\"}\n"), reg_);
  src.stop();
  EventBus bus(4, 8, EventBus::Policy::kBlock);
  EXPECT_TRUE(run(src, bus).empty());
  EXPECT_EQ(src.stats().events, 0u);
}

TEST_F(ReplayTest, FeedsARealBusInOrderWithBackpressure) {
  std::string content;
  for (int k = 0; k < 5000; ++k) {
    content += "{\"@timestamp\":" + std::to_string(1'700'000'000'000 + k) +
               ",\"event\":{\"category\":[\"process\"],\"sequence\":" + std::to_string(k) +
               "},\"process\":{\"name\":\"p" + std::to_string(k % 7) + "\",\"args\":[\"a\",\"" +
               std::to_string(k) + "\"]},\"source\":{\"ip\":\"10.0.0." + std::to_string(k % 250) +
               "\"}}\n";
    if (k % 1000 == 999) content += "{\"event.sequence\":-1}\n";
  }
  JsonlReplaySource src(file("many.jsonl", content), reg_);
  EventBus bus(2, 16, EventBus::Policy::kBlock);  // small: the source must wait for the consumer
  std::vector<uint64_t> sequences;
  std::vector<CategoryId> cats;
  std::thread consumer([&] {
    while (auto batch = bus.pop()) {
      for (size_t k = 0; k < batch->size; ++k) {
        FieldView v;
        EXPECT_TRUE(batch->events[k].get(fields::kEventSequence, v));
        sequences.push_back(v.u);
        cats.push_back(batch->events[k].category());
      }
      bus.release(std::move(batch));
    }
  });
  {
    BatchWriter writer(bus);
    ASSERT_TRUE(src.run(writer).ok());
  }
  bus.close();
  consumer.join();
  ASSERT_EQ(sequences.size(), 5000u);
  for (size_t k = 0; k < sequences.size(); ++k) ASSERT_EQ(sequences[k], k);
  for (CategoryId c : cats) ASSERT_EQ(c, categories::kProcess);
  EXPECT_EQ(src.stats().malformed, 5u);
  EXPECT_EQ(bus.counters().received, 5000u);
  EXPECT_EQ(bus.counters().malformed, 5u);
  EXPECT_EQ(bus.counters().dropped, 0u);
}

TEST_F(ReplayTest, ReadWholeFileHelper) {
  std::vector<std::string> bad;
  ReaderOptions opt;
  opt.category_field = "event_type";
  auto events = read_jsonl_file(
      file("eql.jsonl", "{\"event_type\":\"network\",\"pid\":1}\n{\"pid\":}\n{\"pid\":2}\n"), reg_,
      opt, collect(bad));
  ASSERT_TRUE(events.ok()) << events.error().message;
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].category(), categories::kNetwork);
  FieldView v;
  ASSERT_TRUE((*events)[1].get(reg_.find("pid"), v));
  EXPECT_EQ(v.s, "2");
  EXPECT_EQ(bad.size(), 1u);
  auto missing = read_jsonl_file(dir_ + "/none.jsonl", reg_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "open " + dir_ + "/none.jsonl: No such file or directory");
}

}  // namespace
}  // namespace wsn
