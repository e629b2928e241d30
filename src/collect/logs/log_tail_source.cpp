#include "collect/logs/log_tail_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>

#include "common/clock.h"

namespace wsn::logs {
namespace {

constexpr size_t kMaxLine = 64 * 1024;  // a longer line is cut there and counted malformed

std::string_view format_name(LogFormat f) {
  switch (f) {
    case LogFormat::kAuth:
      return "auth";
    case LogFormat::kSyslog:
      return "syslog";
    case LogFormat::kAuditd:
      return "auditd";
  }
  return "?";
}

}  // namespace

LogTailSource::LogTailSource(LogTailOptions options, FieldRegistry& registry,
                             std::function<void(const std::string&)> report)
    : opt_(std::move(options)), builder_(registry), report_(std::move(report)) {
  for (const LogFile& f : opt_.files) {
    tails_.push_back(Tail{f});
    open_file(tails_.back(), !opt_.from_start);
  }
}

LogTailSource::~LogTailSource() {
  for (Tail& t : tails_) {
    if (t.fd >= 0) ::close(t.fd);
  }
}

std::vector<std::string> LogTailSource::describe() const {
  std::string files;
  for (const LogFile& f : opt_.files) {
    files += (files.empty() ? "" : ", ") + f.path + " (" + std::string(format_name(f.format)) + ")";
  }
  return {"logs: following " + files + (opt_.from_start ? " from their start" : "")};
}

void LogTailSource::open_file(Tail& t, bool at_end) {
  t.fd = ::open(t.file.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (t.fd < 0) return;  // not there (yet): looked for again at every poll
  struct stat st {};
  ::fstat(t.fd, &st);
  t.inode = st.st_ino;
  t.offset = at_end ? static_cast<uint64_t>(st.st_size) : 0;
  t.partial.clear();
}

bool LogTailSource::poll(Tail& t, EventWriter& out) {
  if (t.fd < 0) {
    open_file(t, false);  // a file that appeared after the start: all of it is new
    if (t.fd < 0) return false;
  }
  // Rotated (the path names another file now) or truncated: finish this one, start over.
  struct stat now {};
  struct stat cur {};
  const bool open_ok = ::fstat(t.fd, &cur) == 0;
  const bool renamed = open_ok && ::stat(t.file.path.c_str(), &now) == 0 && now.st_ino != t.inode;
  if (open_ok && static_cast<uint64_t>(cur.st_size) < t.offset) t.offset = 0;
  bool any = false;
  char buf[64 * 1024];
  for (;;) {
    const ssize_t n = ::pread(t.fd, buf, sizeof(buf), static_cast<off_t>(t.offset));
    if (n <= 0) break;
    any = true;
    t.offset += static_cast<uint64_t>(n);
    t.partial.append(buf, static_cast<size_t>(n));
    const uint64_t base = t.offset - t.partial.size();  // file offset of partial[0]
    size_t start = 0;
    for (size_t nl; (nl = t.partial.find('\n', start)) != std::string::npos; start = nl + 1) {
      const std::string_view line(t.partial.data() + start, nl - start);
      if (line.empty()) continue;
      std::string why;
      if (builder_.build(t.file.format, t.file.path, line, clock_ns(CLOCK_REALTIME), out.next(),
                         why)) {
        out.commit();
        events_.fetch_add(1, std::memory_order_relaxed);
      } else {
        malformed_.fetch_add(1, std::memory_order_relaxed);
        out.count_malformed();
        // Where the line is, as a byte offset: a file followed from its end has no line count.
        if (report_) report_(t.file.path + " at byte " + std::to_string(base + start) + ": " + why);
      }
    }
    t.partial.erase(0, start);
    if (t.partial.size() > kMaxLine) {
      malformed_.fetch_add(1, std::memory_order_relaxed);
      out.count_malformed();
      if (report_) report_(t.file.path + ": a line longer than 64 KiB was skipped");
      t.partial.clear();
    }
  }
  if (renamed) {
    ::close(t.fd);
    t.fd = -1;
    open_file(t, false);  // the new file is read from its start
  }
  return any;
}

Status LogTailSource::run(EventWriter& out) {
  if (opt_.files.empty())
    return Error{"logs: no files to follow (sources.logs.auth, .syslog, .auditd)"};
  for (;;) {
    bool any = false;
    for (Tail& t : tails_) any = poll(t, out) || any;
    if (any) out.flush();
    std::unique_lock lock(mu_);
    if (cv_.wait_for(lock, std::chrono::nanoseconds(opt_.poll_ns), [this] { return stop_; })) {
      break;
    }
  }
  for (Tail& t : tails_) {
    if (t.fd >= 0) ::close(t.fd);
    t.fd = -1;
  }
  out.flush();
  return {};
}

void LogTailSource::stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
}

SourceStats LogTailSource::stats() const {
  return {events_.load(std::memory_order_relaxed), malformed_.load(std::memory_order_relaxed), 0};
}

}  // namespace wsn::logs
