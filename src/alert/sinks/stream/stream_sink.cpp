#include "alert/sinks/stream/stream_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wsn {

std::unique_ptr<StreamSink> StreamSink::stdout_sink(
    AlertLineFormat format, std::shared_ptr<const AlertTemplate> line_template) {
  return std::unique_ptr<StreamSink>(
      new StreamSink(stdout, false, "stdout", format, std::move(line_template)));
}

Result<std::unique_ptr<StreamSink>> StreamSink::open_file(
    const std::string& path, AlertLineFormat format,
    std::shared_ptr<const AlertTemplate> line_template) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int err = errno;
    return Error{"open alert file " + path + ": " + std::strerror(err), err};
  }
  std::FILE* f = ::fdopen(fd, "a");
  if (!f) {
    const int err = errno;
    ::close(fd);
    return Error{"open alert file " + path + ": " + std::strerror(err), err};
  }
  return std::unique_ptr<StreamSink>(
      new StreamSink(f, true, "file:" + path, format, std::move(line_template)));
}

StreamSink::~StreamSink() {
  if (owned_) {
    std::fclose(file_);
  } else {
    std::fflush(file_);
  }
}

bool StreamSink::write(const Alert& alert, std::string_view json) {
  const std::string_view text = alert_line(line_, alert, json, scratch_);
  const bool ok = std::fwrite(text.data(), 1, text.size(), file_) == text.size() &&
                  std::fputc('\n', file_) != EOF;
  if (!ok) failures_.fetch_add(1, std::memory_order_relaxed);
  return ok;
}

void StreamSink::flush() {
  if (std::fflush(file_) != 0) failures_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace wsn
