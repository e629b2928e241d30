#include "cli/event_recorder.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "event/json_writer.h"

namespace wsn::cli {

Result<std::unique_ptr<EventRecorder>> EventRecorder::open(const std::string& path,
                                                           const FieldRegistry& registry) {
  if (path == "-") {
    return std::unique_ptr<EventRecorder>(new EventRecorder(stdout, false, "<stdout>", registry));
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  std::FILE* f = fd >= 0 ? ::fdopen(fd, "w") : nullptr;
  if (f == nullptr) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    return Error{"open record file " + path + ": " + std::strerror(err), err};
  }
  return std::unique_ptr<EventRecorder>(new EventRecorder(f, true, path, registry));
}

EventRecorder::~EventRecorder() {
  std::string ignored;
  close(ignored);
}

void EventRecorder::write(const Event& e) {
  if (file_ == nullptr) return;
  line_.clear();
  write_event_json(e, registry_, line_, /*with_live_decisions=*/true);
  line_ += '\n';
  if (std::fwrite(line_.data(), 1, line_.size(), file_) != line_.size()) {
    if (failures_++ == 0) errno_ = errno;
    return;
  }
  ++events_;
}

bool EventRecorder::close(std::string& error) {
  if (file_ == nullptr) return true;
  bool ok = std::fflush(file_) == 0;
  if (!ok && errno_ == 0) errno_ = errno;
  if (owned_ && std::fclose(file_) != 0) {
    if (ok) errno_ = errno;
    ok = false;
  }
  file_ = nullptr;
  ok = ok && failures_ == 0;
  if (!ok) {
    error = "writing record file " + path_ + ": " + std::strerror(errno_ != 0 ? errno_ : EIO);
    if (failures_ > 0) error += " (" + std::to_string(failures_) + " event(s) lost)";
  }
  return ok;
}

}  // namespace wsn::cli
