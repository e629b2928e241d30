// Alerts as JSON lines in a file that rotates by size: when a write would take the file past
// `max_bytes`, PATH becomes PATH.1 (PATH.1 becomes PATH.2 …), keeping `max_files` files in all,
// and a new PATH is started. Files are created with mode 0600 (alerts may carry secrets).
// An alert line is never split across files.
#pragma once

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>

#include "alert/alert_line_settings.h"
#include "wsn/alert.h"
#include "wsn/result.h"

namespace wsn {

struct RotatingFileOptions {
  std::string path;
  uint64_t max_bytes = uint64_t{100} << 20;
  uint32_t max_files = 5;  // PATH plus PATH.1 … PATH.(max_files-1)
  AlertLineSettings line;  // JSON (default) or a text line
};

class RotatingFileSink final : public AlertSink {
 public:
  static Result<std::unique_ptr<RotatingFileSink>> open(RotatingFileOptions options);
  ~RotatingFileSink() override;

  std::string_view name() const override { return name_; }
  bool write(const Alert& alert, std::string_view json) override;
  void flush() override;
  uint64_t failures() const override { return failures_.load(std::memory_order_relaxed); }
  uint64_t rotations() const { return rotations_; }

 private:
  explicit RotatingFileSink(RotatingFileOptions options);
  Status open_current();
  Status rotate();

  RotatingFileOptions options_;
  std::string name_;
  std::FILE* file_ = nullptr;
  uint64_t size_ = 0;
  uint64_t rotations_ = 0;
  std::atomic<uint64_t> failures_{0};
  std::string scratch_;  // a text line being built
};

}  // namespace wsn
