// Alert sinks on a stream: standard output, or a file opened for appending (created with mode
// 0600: alerts may carry command lines with secrets). Each alert is one line: the ECS JSON
// (default) or a text line: the built-in summary (alert/alert_text.h) or a template
// (alert/alert_template.h).
#pragma once

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>

#include "alert/alert_line_settings.h"
#include "wsn/alert.h"
#include "wsn/result.h"

namespace wsn {

enum class AlertLineFormat : uint8_t { kJson, kText };

class StreamSink final : public AlertSink {
 public:
  // `line_template`: the text line's template (format kText); nullptr: the built-in summary.
  static std::unique_ptr<StreamSink> stdout_sink(
      AlertLineFormat format = AlertLineFormat::kJson,
      std::shared_ptr<const AlertTemplate> line_template = nullptr);
  static Result<std::unique_ptr<StreamSink>> open_file(
      const std::string& path, AlertLineFormat format = AlertLineFormat::kJson,
      std::shared_ptr<const AlertTemplate> line_template = nullptr);
  ~StreamSink() override;

  std::string_view name() const override { return name_; }
  bool write(const Alert& alert, std::string_view json) override;
  void flush() override;
  uint64_t failures() const override { return failures_.load(std::memory_order_relaxed); }

 private:
  StreamSink(std::FILE* f, bool owned, std::string name, AlertLineFormat format,
             std::shared_ptr<const AlertTemplate> line_template)
      : file_(f),
        owned_(owned),
        name_(std::move(name)),
        line_{format == AlertLineFormat::kText, std::move(line_template)} {}
  std::FILE* file_;
  bool owned_;
  std::string name_;
  AlertLineSettings line_;
  std::string scratch_;
  std::atomic<uint64_t> failures_{0};
};

}  // namespace wsn
