// Replays a JSON-lines event log (a file, or stdin for "-") into the event bus.
//
// Each line is decoded by JsonEventReader (format: docs/event-format.md). Lines that cannot
// become events are counted in stats().malformed and in the bus's malformed counter, and each
// is handed to the malformed callback with its line number and reason; the replay goes on.
//
// Thread safety: run() on one thread; stop() and stats() from any thread (stop() is also
// async-signal-safe). A source runs once: after stop(), run() returns at once.
#pragma once

#include <atomic>
#include <string>
#include <string_view>
#include <vector>

#include "event/json_reader.h"
#include "wsn/event.h"
#include "wsn/result.h"
#include "wsn/schema.h"
#include "wsn/source.h"

namespace wsn {

class JsonlReplaySource final : public EventSource {
 public:
  // `path` "-" reads standard input. The registry must outlive the source.
  JsonlReplaySource(std::string path, FieldRegistry& registry, ReaderOptions options = {},
                    MalformedCallback on_malformed = {});
  ~JsonlReplaySource() override;
  JsonlReplaySource(const JsonlReplaySource&) = delete;
  JsonlReplaySource& operator=(const JsonlReplaySource&) = delete;

  std::string_view name() const override { return name_; }  // "jsonl:<path>" or "stdin"
  const std::string& path() const { return path_; }
  // Reads to the end of the input (or until stop()), publishing events through `out` and
  // flushing it before returning. Errors: the input cannot be opened or read ("open <path>:
  // <strerror>"), or the stop mechanism could not be set up.
  Status run(EventWriter& out) override;
  void stop() override;
  SourceStats stats() const override;
  // Fields dropped because the field registry was full (their events were kept).
  uint64_t skipped_fields() const { return skipped_fields_.load(std::memory_order_relaxed); }

 private:
  const std::string path_;
  const std::string name_;
  FieldRegistry& registry_;
  const ReaderOptions options_;
  const MalformedCallback on_malformed_;
  int wake_fd_ = -1;  // eventfd written by stop() to interrupt a blocking wait
  int wake_errno_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> events_{0};
  std::atomic<uint64_t> malformed_{0};
  std::atomic<uint64_t> skipped_fields_{0};
};

// How `replay` and `run` read a JSON-lines log at `path`: a file is a record, and an event in
// it without @timestamp is malformed (counted and reported, never an alert dated 1970);
// standard input ("-") is a stream of what happens now, and such an event takes the time it is
// read (MissingTimestamp).
ReaderOptions log_reader_options(const std::string& path);

// Reads a whole JSON-lines file ("-" = stdin) into memory: for tests, conformance runs and
// other small inputs. Malformed lines are reported to `on_malformed` and left out.
Result<std::vector<Event>> read_jsonl_file(const std::string& path, FieldRegistry& registry,
                                           const ReaderOptions& options = {},
                                           const MalformedCallback& on_malformed = {});

}  // namespace wsn
