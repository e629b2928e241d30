#include "cli/event_recorder.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>

#include "event/json_writer.h"

#ifndef WSN_COMMIT
#define WSN_COMMIT "unknown"
#endif

namespace wsn::cli {
namespace {
constexpr auto kFlushEvery = std::chrono::milliseconds(200);  // the timer's period
}  // namespace

std::string record_format_for(const std::string& path) {
  constexpr std::string_view kExt = ".wsnlog";
  const bool binary =
      path.size() > kExt.size() && path.compare(path.size() - kExt.size(), kExt.size(), kExt) == 0;
  return binary ? "binary" : "jsonl";
}

std::string engine_build_id() {
  return std::string(WSN_VERSION) + "+" + WSN_COMMIT;
}

std::string ruleset_hash(const RuleSet& rules) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](std::string_view s) {
    for (char c : s) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ull;
    }
    h ^= 0xff;  // separator
    h *= 1099511628211ull;
  };
  std::set<std::string> files;
  for (const RuleMeta& r : rules.rules) {
    mix(r.id);
    mix(r.kind);
    mix(r.enabled ? "on" : "off");
    mix(r.failed ? "failed" : "ok");
    if (!r.source.empty()) files.insert(r.source);
  }
  for (const std::string& f : files) {
    std::ifstream in(f, std::ios::binary);
    mix(f);
    mix(std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "fnv1a64:%016llx", static_cast<unsigned long long>(h));
  return buf;
}

Result<std::unique_ptr<EventRecorder>> EventRecorder::open(const std::string& path,
                                                           const FieldRegistry& registry,
                                                           const RecorderOptions& options) {
  const std::string format = options.format.empty() ? record_format_for(path) : options.format;
  std::unique_ptr<EventRecorder> r(new EventRecorder(path, registry));
  if (format == "binary") {
    if (path == "-") {
      return Error{
          "record file -: the binary format needs a file (use .wsnlog), not standard "
          "output",
          0, ErrorCode::kInvalid};
    }
    record::LogWriterOptions wo;
    wo.build_id = engine_build_id();
    wo.ruleset_hash = options.ruleset_hash;
    wo.rotation = options.rotation;
    auto w = record::LogWriter::open(path, registry, wo);
    if (!w.ok()) return w.error();
    r->writer_ = std::move(w.value());
    r->flusher_ = std::thread([raw = r.get()] { raw->flush_loop(); });
    return r;
  }
  const auto& rot = options.rotation;
  if (rot.max_bytes != 0 || rot.max_age_ns != 0 || rot.keep != 0) {
    return Error{"record file " + path + ": rotation needs the binary format (.wsnlog)", 0,
                 ErrorCode::kInvalid};
  }
  if (path == "-") {
    r->file_ = stdout;
    return r;
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  std::FILE* f = fd >= 0 ? ::fdopen(fd, "w") : nullptr;
  if (f == nullptr) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    return Error{"open record file " + path + ": " + std::strerror(err), err};
  }
  r->file_ = f;
  r->owned_ = true;
  return r;
}

EventRecorder::~EventRecorder() {
  std::string ignored;
  close(ignored);
}

void EventRecorder::note_failure(const Status& st) {
  if (st.ok()) return;
  if (first_error_.empty()) {
    first_error_ = st.error().message;
    errno_ = st.error().sys_errno;
  }
}

void EventRecorder::flush_loop() {
  std::unique_lock lock(mu_);
  while (!closing_) {
    wake_.wait_for(lock, kFlushEvery);
    if (closing_) break;
    note_failure(writer_->tick(record::steady_now_ns()));
  }
}

void EventRecorder::write(const Event& e) {
  std::lock_guard lock(mu_);
  if (closed_) return;
  if (writer_) {
    note_failure(writer_->write_event(e));
    ++events_;
    return;
  }
  line_.clear();
  write_event_json(e, registry_, line_, /*with_live_decisions=*/true);
  line_ += '\n';
  if (std::fwrite(line_.data(), 1, line_.size(), file_) != line_.size()) {
    if (failures_++ == 0) errno_ = errno;
    return;
  }
  ++events_;
}

void EventRecorder::write_alert(std::string_view json) {
  std::lock_guard lock(mu_);
  if (closed_ || !writer_) return;
  note_failure(writer_->write_alert(json));
}

void EventRecorder::write_note(std::string_view bytes) {
  std::lock_guard lock(mu_);
  if (closed_ || !writer_) return;
  note_failure(writer_->write_note(bytes));
}

uint64_t EventRecorder::events() const {
  std::lock_guard lock(mu_);
  return writer_ ? events_ - writer_->stats().lost_events : events_;
}

uint64_t EventRecorder::failures() const {
  std::lock_guard lock(mu_);
  return writer_ ? writer_->stats().lost_events : failures_;
}

bool EventRecorder::close(std::string& error) {
  std::unique_lock lock(mu_);
  if (closed_) return true;
  closed_ = true;
  if (writer_) {
    closing_ = true;
    wake_.notify_all();
    lock.unlock();
    if (flusher_.joinable()) flusher_.join();
    lock.lock();
    note_failure(writer_->close());
    const uint64_t lost = writer_->stats().lost_events;
    if (first_error_.empty()) return true;
    error = "writing record file " + path_ + ": " +
            (errno_ != 0 ? std::string(std::strerror(errno_)) : first_error_);
    if (lost > 0) error += " (" + std::to_string(lost) + " event(s) lost)";
    return false;
  }
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
