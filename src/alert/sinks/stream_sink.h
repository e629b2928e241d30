// JSON-lines alert sinks on a stream: standard output, or a file opened for appending
// (created with mode 0600: alerts may carry command lines with secrets).
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "wsn/alert.h"
#include "wsn/result.h"

namespace wsn {

class StreamSink final : public AlertSink {
 public:
  static std::unique_ptr<StreamSink> stdout_sink();
  static Result<std::unique_ptr<StreamSink>> open_file(const std::string& path);
  ~StreamSink() override;

  std::string_view name() const override { return name_; }
  bool write(const Alert& alert, std::string_view json) override;
  void flush() override;
  uint64_t failures() const override { return failures_; }

 private:
  StreamSink(std::FILE* f, bool owned, std::string name)
      : file_(f), owned_(owned), name_(std::move(name)) {}
  std::FILE* file_;
  bool owned_;
  std::string name_;
  uint64_t failures_ = 0;
};

}  // namespace wsn
