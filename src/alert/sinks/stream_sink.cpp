#include "alert/sinks/stream_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wsn {

std::unique_ptr<StreamSink> StreamSink::stdout_sink() {
  return std::unique_ptr<StreamSink>(new StreamSink(stdout, false, "stdout"));
}

Result<std::unique_ptr<StreamSink>> StreamSink::open_file(const std::string& path) {
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
  return std::unique_ptr<StreamSink>(new StreamSink(f, true, "file:" + path));
}

StreamSink::~StreamSink() {
  if (owned_) {
    std::fclose(file_);
  } else {
    std::fflush(file_);
  }
}

bool StreamSink::write(const Alert& /*alert*/, std::string_view json) {
  const bool ok = std::fwrite(json.data(), 1, json.size(), file_) == json.size() &&
                  std::fputc('\n', file_) != EOF;
  if (!ok) ++failures_;
  return ok;
}

void StreamSink::flush() {
  if (std::fflush(file_) != 0) ++failures_;
}

}  // namespace wsn
