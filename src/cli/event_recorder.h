// Writes events as JSON lines (`run --record`, `record`): the format `replay` reads back as the
// same events, so replaying a recording reproduces the detections of the live run.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "wsn/event.h"
#include "wsn/result.h"
#include "wsn/schema.h"

namespace wsn::cli {

class EventRecorder {
 public:
  // `path` is created with mode 0600 (events carry command lines and paths) and truncated;
  // "-" writes to standard output.
  static Result<std::unique_ptr<EventRecorder>> open(const std::string& path,
                                                     const FieldRegistry& registry);
  ~EventRecorder();
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;

  // Called from the detection thread, one event at a time; no allocation once warmed up.
  void write(const Event& e);
  uint64_t events() const { return events_; }
  // Write errors so far (a full disk): reported once at the end, never per event.
  uint64_t failures() const { return failures_; }
  // Flushes and closes; false (with `error`) when anything could not be written.
  bool close(std::string& error);

 private:
  EventRecorder(std::FILE* f, bool owned, std::string path, const FieldRegistry& r)
      : file_(f), owned_(owned), path_(std::move(path)), registry_(r) {}
  std::FILE* file_;
  bool owned_;
  std::string path_;
  const FieldRegistry& registry_;
  std::string line_;
  uint64_t events_ = 0;
  uint64_t failures_ = 0;
  int errno_ = 0;
};

}  // namespace wsn::cli
