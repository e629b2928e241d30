// The `logs` source: follows log files as `tail -F` does (appended lines, rotation by rename or
// truncation, a file that appears later) and turns each line into an event (log_events.h).
//
// Live: it observes this host as it runs. Lines that are not records of their format are
// counted as malformed and reported, never dropped silently.
//
// Thread safe: run() on one thread; stop() and stats() from any.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "collect/logs/log_events.h"
#include "wsn/source.h"

namespace wsn::logs {

struct LogFile {
  std::string path;
  LogFormat format = LogFormat::kSyslog;
};

struct LogTailOptions {
  std::vector<LogFile> files;
  bool from_start = false;  // read what the files already hold (else only new lines)
  int64_t poll_ns = 200'000'000;
};

class LogTailSource final : public EventSource {
 public:
  // Opens the files now, so "only new lines" means lines written after the source was built
  // (before the run announces it), not after its thread got to them.
  LogTailSource(LogTailOptions options, FieldRegistry& registry,
                std::function<void(const std::string&)> report);
  ~LogTailSource() override;
  LogTailSource(const LogTailSource&) = delete;
  LogTailSource& operator=(const LogTailSource&) = delete;
  std::string_view name() const override { return "logs"; }
  DropPolicy drop_policy() const override { return DropPolicy::kDrop; }
  bool live() const override { return true; }
  std::vector<std::string> describe() const override;
  Status run(EventWriter& out) override;
  void stop() override;
  SourceStats stats() const override;

 private:
  struct Tail {
    LogFile file;
    int fd = -1;
    uint64_t inode = 0;
    uint64_t offset = 0;
    std::string partial;  // an unfinished last line
  };
  // Reads what is new in `t`; returns whether anything was read.
  bool poll(Tail& t, EventWriter& out);
  void open_file(Tail& t, bool at_end);

  LogTailOptions opt_;
  std::vector<Tail> tails_;
  LogEventBuilder builder_;
  std::function<void(const std::string&)> report_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::atomic<uint64_t> events_{0}, malformed_{0};
};

}  // namespace wsn::logs
