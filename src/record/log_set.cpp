#include "record/log_set.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "record/file_header.h"
#include "record/log_format.h"

namespace wsn::record {

Result<std::unique_ptr<LogSetReader>> LogSetReader::open(const std::string& path,
                                                         FieldRegistry& registry) {
  std::vector<Segment> segments = list_segments(path);
  if (segments.empty()) {
    return Error{"open " + path + ": " + std::strerror(ENOENT), ENOENT};
  }
  auto first = LogReader::open(segments.front().path, registry);
  if (!first.ok()) return first.error();
  std::unique_ptr<LogSetReader> set(new LogSetReader(std::move(segments), registry));
  set->reader_ = std::move(first.value());
  set->headers_.push_back(set->reader_->header());
  return set;
}

ReadStats LogSetReader::stats() const {
  ReadStats s = done_;
  if (reader_) s.add(reader_->stats());
  return s;
}

LogSetReader::Next LogSetReader::next(Event& event, std::string_view& payload) {
  for (;;) {
    if (!reader_) {
      if (current_ >= segments_.size()) return Next::kEnd;
      auto r = LogReader::open(segments_[current_].path, registry_);
      if (!r.ok()) {
        error_ = r.error().message;
        ++current_;
        return Next::kError;
      }
      reader_ = std::move(r.value());
      headers_.push_back(reader_->header());
    }
    const Next n = reader_->next(event, payload);
    if (n == Next::kEnd || n == Next::kError) {
      if (n == Next::kError) error_ = reader_->error();
      done_.add(reader_->stats());
      reader_.reset();
      ++current_;
      if (n == Next::kError) return n;
      continue;
    }
    if (n == Next::kMalformed) error_ = reader_->error();
    return n;
  }
}

bool is_binary_log(const std::string& path) {
  if (path == "-") return false;
  constexpr std::string_view kExt = ".wsnlog";
  if (path.size() > kExt.size() &&
      path.compare(path.size() - kExt.size(), kExt.size(), kExt) == 0) {
    return true;
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT && !list_segments(path).empty();
  char head[sizeof(kFileMagic)] = {};
  const ssize_t n = ::read(fd, head, sizeof(head));
  ::close(fd);
  return n == static_cast<ssize_t>(sizeof(head)) &&
         has_file_magic(std::string_view(head, sizeof(head)));
}

}  // namespace wsn::record
