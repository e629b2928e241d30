// Writes events for `run --record` and `record`: as a binary flight-recorder log (.wsnlog,
// recommended: compact, checksummed, rotated; docs/flight-recorder.md) or as JSON lines
// (docs/event-format.md). `replay FILE` reads either back as the same events, so replaying a
// recording reproduces the detections of the live run.
//
// Thread safety: write() is called from the detection thread, write_alert() from the alert
// path; both, and the binary writer's flush timer (a thread that writes a pending block at
// least once a second, so a crash loses at most about a second), are serialised by a mutex.
// close() from the thread that opened it, after the run.
#pragma once

#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "record/log_writer.h"
#include "wsn/detector.h"
#include "wsn/event.h"
#include "wsn/result.h"
#include "wsn/schema.h"

namespace wsn::cli {

struct RecorderOptions {
  // "binary", "jsonl", or "" to choose by the path: *.wsnlog is binary, anything else (.jsonl,
  // .json, "-") JSON lines.
  std::string format;
  record::RotationPolicy rotation;  // binary only
  std::string ruleset_hash;         // written into the binary header
};

class EventRecorder {
 public:
  // `path` is created with mode 0600 (events carry command lines and paths) and truncated;
  // "-" writes JSON lines to standard output. Errors: "open record file PATH: <strerror>",
  // a binary format on standard output, rotation options on JSON lines.
  static Result<std::unique_ptr<EventRecorder>> open(const std::string& path,
                                                     const FieldRegistry& registry,
                                                     const RecorderOptions& options = {});
  ~EventRecorder();
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;

  // One event at a time; no allocation once warmed up.
  void write(const Event& e);
  // An alert the run raised (one ECS JSON line); binary logs only (JSON lines hold events).
  void write_alert(std::string_view json);
  // A decision of the live run a replay must reproduce (opaque bytes); binary logs only.
  void write_note(std::string_view bytes);
  bool binary() const { return writer_ != nullptr; }
  uint64_t events() const;
  // Events that could not be written so far (a full disk): reported once at the end.
  uint64_t failures() const;
  // Flushes and closes; false (with `error`) when anything could not be written.
  bool close(std::string& error);

 private:
  EventRecorder(std::string path, const FieldRegistry& r) : path_(std::move(path)), registry_(r) {}
  void note_failure(const Status& st);
  void flush_loop();

  const std::string path_;
  const FieldRegistry& registry_;
  // JSON lines
  std::FILE* file_ = nullptr;
  bool owned_ = false;
  std::string line_;
  // binary
  std::unique_ptr<record::LogWriter> writer_;
  std::thread flusher_;
  std::condition_variable wake_;
  bool closing_ = false;

  mutable std::mutex mu_;
  uint64_t events_ = 0;
  uint64_t failures_ = 0;
  int errno_ = 0;
  std::string first_error_;
  bool closed_ = false;
};

// "binary" when `path` names a binary log by its extension (*.wsnlog), else "jsonl".
std::string record_format_for(const std::string& path);
// Identifies a rule set (ids, kinds, states and the rule files' bytes): "fnv1a64:<16 hex>".
std::string ruleset_hash(const RuleSet& rules);
// "0.1.0+<commit>": what wrote a recording.
std::string engine_build_id();

}  // namespace wsn::cli
