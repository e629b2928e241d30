#include "alert/sinks/file/rotating_file_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wsn {
namespace {

Error sys_error(const std::string& what, int err) {
  return Error{what + ": " + std::strerror(err), err};
}

}  // namespace

RotatingFileSink::RotatingFileSink(RotatingFileOptions options)
    : options_(std::move(options)), name_("file:" + options_.path) {
  if (options_.max_files == 0) options_.max_files = 1;
}

Result<std::unique_ptr<RotatingFileSink>> RotatingFileSink::open(RotatingFileOptions options) {
  std::unique_ptr<RotatingFileSink> sink(new RotatingFileSink(std::move(options)));
  if (Status s = sink->open_current(); !s.ok()) return s.error();
  return sink;
}

RotatingFileSink::~RotatingFileSink() {
  if (file_) std::fclose(file_);
}

Status RotatingFileSink::open_current() {
  const int fd = ::open(options_.path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return sys_error("open alert file " + options_.path, errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return sys_error("stat alert file " + options_.path, err);
  }
  file_ = ::fdopen(fd, "a");
  if (!file_) {
    const int err = errno;
    ::close(fd);
    return sys_error("open alert file " + options_.path, err);
  }
  size_ = static_cast<uint64_t>(st.st_size);
  return {};
}

Status RotatingFileSink::rotate() {
  std::fclose(file_);
  file_ = nullptr;
  const std::string& p = options_.path;
  if (options_.max_files == 1) {
    if (::unlink(p.c_str()) != 0 && errno != ENOENT) return sys_error("remove " + p, errno);
  } else {
    // Oldest first, so nothing is overwritten before it moved on.
    for (uint32_t k = options_.max_files - 1; k >= 1; --k) {
      const std::string from = k == 1 ? p : p + "." + std::to_string(k - 1);
      const std::string to = p + "." + std::to_string(k);
      if (::rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT) {
        return sys_error("rotate " + from + " to " + to, errno);
      }
    }
  }
  ++rotations_;
  return open_current();
}

bool RotatingFileSink::write(const Alert& alert, std::string_view ecs_json) {
  const std::string_view json = alert_line(options_.line, alert, ecs_json, scratch_);
  const uint64_t need = json.size() + 1;
  if (file_ && size_ > 0 && size_ + need > options_.max_bytes) {
    if (!rotate().ok()) file_ = nullptr;
  }
  if (!file_ && !open_current().ok()) {  // retried at each write after a failure
    failures_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  const bool ok = std::fwrite(json.data(), 1, json.size(), file_) == json.size() &&
                  std::fputc('\n', file_) != EOF;
  if (!ok) {
    failures_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  size_ += need;
  return true;
}

void RotatingFileSink::flush() {
  if (file_ && std::fflush(file_) != 0) failures_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace wsn
