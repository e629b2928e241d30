// Alert sinks on a stream: standard output, or a file opened for appending (created with mode
// 0600: alerts may carry command lines with secrets). Each alert is one line: the ECS JSON
// (default) or a one-line human summary (alert_text.h).
#pragma once

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>

#include "wsn/alert.h"
#include "wsn/result.h"

namespace wsn {

enum class AlertLineFormat : uint8_t { kJson, kText };

class StreamSink final : public AlertSink {
 public:
  static std::unique_ptr<StreamSink> stdout_sink(AlertLineFormat format = AlertLineFormat::kJson);
  static Result<std::unique_ptr<StreamSink>> open_file(
      const std::string& path, AlertLineFormat format = AlertLineFormat::kJson);
  ~StreamSink() override;

  std::string_view name() const override { return name_; }
  bool write(const Alert& alert, std::string_view json) override;
  void flush() override;
  uint64_t failures() const override { return failures_.load(std::memory_order_relaxed); }

 private:
  StreamSink(std::FILE* f, bool owned, std::string name, AlertLineFormat format)
      : file_(f), owned_(owned), name_(std::move(name)), format_(format) {}
  std::FILE* file_;
  bool owned_;
  std::string name_;
  AlertLineFormat format_;
  std::string line_;
  std::atomic<uint64_t> failures_{0};
};

}  // namespace wsn
