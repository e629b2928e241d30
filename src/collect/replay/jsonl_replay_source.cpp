#include "collect/replay/jsonl_replay_source.h"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "bus/event_bus.h"
#include "collect/replay/line_reader.h"

namespace wsn {
namespace {

// Owns a descriptor it opened; stdin is borrowed.
class InputFd {
 public:
  explicit InputFd(const std::string& path) {
    if (path == "-") {
      fd_ = STDIN_FILENO;
      return;
    }
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    owned_ = fd_ >= 0;
  }
  ~InputFd() {
    if (owned_) ::close(fd_);
  }
  InputFd(const InputFd&) = delete;
  InputFd& operator=(const InputFd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_ = -1;
  bool owned_ = false;
};

Error system_error(const char* what, const std::string& path, int err) {
  std::string msg = what;
  msg.append(" ");
  msg.append(path == "-" ? "<stdin>" : path);
  msg.append(": ");
  msg.append(std::strerror(err));
  return Error{std::move(msg), err};
}

bool is_blank(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t') return false;
  }
  return true;
}

// Decodes every line of `path` into events. `next()` supplies a cleared Event, `commit()`
// keeps the one just filled; malformed lines go to `report`. Stops early when `stop` is set
// or `wake_fd` becomes readable.
template <typename Next, typename Commit, typename Report>
Status decode_file(const std::string& path, JsonEventReader& reader, int wake_fd,
                   const std::atomic<bool>* stop, Next&& next, Commit&& commit, Report&& report,
                   std::function<void()> on_idle = {}) {
  InputFd input(path);
  if (input.get() < 0) return system_error("open", path, errno);
  LineReader lines(input.get(), reader.options().max_line_bytes, JsonEventReader::kPadding,
                   wake_fd);
  lines.set_idle_callback(std::move(on_idle));
  std::string too_long =
      "line exceeds " + std::to_string(reader.options().max_line_bytes) + " bytes";
  std::string_view line;
  while (stop == nullptr || !stop->load(std::memory_order_relaxed)) {
    switch (lines.next(line)) {
      case LineReader::Status::kLine: {
        if (is_blank(line)) break;
        Event& e = next();
        if (reader.parse_padded(line.data(), line.size(), e)) {
          commit();
        } else {
          report(MalformedLine{lines.line_number(), reader.error()});
        }
        break;
      }
      case LineReader::Status::kTooLong:
        report(MalformedLine{lines.line_number(), too_long});
        break;
      case LineReader::Status::kEnd:
      case LineReader::Status::kStopped:
        return {};
      case LineReader::Status::kError:
        return system_error("read", path, lines.error_errno());
    }
  }
  return {};
}

}  // namespace

ReaderOptions log_reader_options(const std::string& path) {
  ReaderOptions o;
  o.missing_timestamp = path == "-" ? MissingTimestamp::kIngestTime : MissingTimestamp::kRefuse;
  return o;
}

JsonlReplaySource::JsonlReplaySource(std::string path, FieldRegistry& registry,
                                     ReaderOptions options, MalformedCallback on_malformed)
    : path_(std::move(path)),
      name_(path_ == "-" ? std::string("stdin") : "jsonl:" + path_),
      registry_(registry),
      options_(std::move(options)),
      on_malformed_(std::move(on_malformed)),
      wake_fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      wake_errno_(wake_fd_ < 0 ? errno : 0) {}

JsonlReplaySource::~JsonlReplaySource() {
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void JsonlReplaySource::stop() {
  stop_.store(true, std::memory_order_relaxed);
  if (wake_fd_ >= 0) {
    const uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(wake_fd_, &one, sizeof(one));
  }
}

SourceStats JsonlReplaySource::stats() const {
  SourceStats s;
  s.events = events_.load(std::memory_order_relaxed);
  s.malformed = malformed_.load(std::memory_order_relaxed);
  return s;
}

Status JsonlReplaySource::run(EventWriter& out) {
  if (wake_fd_ < 0) {
    return Error{"eventfd for " + name_ + ": " + std::strerror(wake_errno_), wake_errno_};
  }
  if (stop_.load(std::memory_order_relaxed)) return {};
  JsonEventReader reader(registry_, options_);
  const Status status = decode_file(
      path_, reader, wake_fd_, &stop_, [&]() -> Event& { return out.next(); },
      [&] {
        out.commit();
        events_.fetch_add(1, std::memory_order_relaxed);
        if (reader.skipped_fields() != skipped_fields_.load(std::memory_order_relaxed)) {
          skipped_fields_.store(reader.skipped_fields(), std::memory_order_relaxed);
        }
      },
      [&](const MalformedLine& m) {
        malformed_.fetch_add(1, std::memory_order_relaxed);
        out.count_malformed();
        if (on_malformed_) on_malformed_(m);
      },
      [&] { out.flush(); });
  out.flush();
  return status;
}

Result<std::vector<Event>> read_jsonl_file(const std::string& path, FieldRegistry& registry,
                                           const ReaderOptions& options,
                                           const MalformedCallback& on_malformed) {
  JsonEventReader reader(registry, options);
  std::vector<Event> events;
  Event scratch;
  const Status status = decode_file(
      path, reader, -1, nullptr,
      [&]() -> Event& {
        scratch.clear();
        return scratch;
      },
      [&] { events.push_back(scratch); },
      [&](const MalformedLine& m) {
        if (on_malformed) on_malformed(m);
      });
  if (!status.ok()) return status.error();
  return events;
}

}  // namespace wsn
