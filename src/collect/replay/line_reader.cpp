#include "collect/replay/line_reader.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wsn {
namespace {
constexpr size_t kChunk = size_t{256} << 10;  // bytes asked of read() at most
}  // namespace

LineReader::LineReader(int fd, size_t max_line_bytes, size_t padding, int wake_fd)
    : fd_(fd), wake_fd_(wake_fd), max_line_(max_line_bytes) {
  struct stat st {};
  regular_file_ = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  if (regular_file_) posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  // A whole line with "\r\n" fits, plus room for one more chunk.
  data_cap_ = max_line_ + 2 + kChunk;
  buf_ = std::make_unique<char[]>(data_cap_ + padding);
  std::memset(buf_.get() + data_cap_, ' ', padding);
}

LineReader::~LineReader() = default;

LineReader::Fill LineReader::fill() {
  for (;;) {
    if (!regular_file_) {
      pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
      int n = poll(fds, wake_fd_ >= 0 ? 2 : 1, 0);
      if (n == 0) {
        // No input right now: let the caller hand over what it holds (a streaming pipe must not
        // sit on a partial batch), then wait.
        if (on_idle_) on_idle_();
        n = poll(fds, wake_fd_ >= 0 ? 2 : 1, -1);
      }
      if (n < 0) {
        if (errno == EINTR) continue;  // a stop request also wakes us through wake_fd
        errno_ = errno;
        return Fill::kError;
      }
      if (wake_fd_ >= 0 && (fds[1].revents & POLLIN)) return Fill::kStopped;
    }
    const size_t room = data_cap_ - end_;
    const ssize_t n = read(fd_, buf_.get() + end_, room < kChunk ? room : kChunk);
    if (n > 0) {
      end_ += static_cast<size_t>(n);
      return Fill::kData;
    }
    if (n == 0) return Fill::kEof;
    if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
    errno_ = errno;
    return Fill::kError;
  }
}

std::string_view LineReader::finish_line(size_t begin, size_t end) {
  ++line_number_;
  if (end > begin && buf_[end - 1] == '\r') --end;
  if (line_number_ == 1 && end - begin >= 3 && std::memcmp(&buf_[begin], "\xEF\xBB\xBF", 3) == 0) {
    begin += 3;
  }
  return {buf_.get() + begin, end - begin};
}

LineReader::Status LineReader::next(std::string_view& line) {
  for (;;) {
    if (skipping_) {
      const void* nl = std::memchr(buf_.get() + begin_, '\n', end_ - begin_);
      if (nl != nullptr) {
        begin_ = scan_ = static_cast<size_t>(static_cast<const char*>(nl) - buf_.get()) + 1;
        skipping_ = false;
        continue;
      }
      begin_ = scan_ = end_ = 0;  // drop what we have of the long line
    } else {
      const void* nl = std::memchr(buf_.get() + scan_, '\n', end_ - scan_);
      if (nl != nullptr) {
        const auto at = static_cast<size_t>(static_cast<const char*>(nl) - buf_.get());
        const size_t begin = begin_;
        begin_ = scan_ = at + 1;
        line = finish_line(begin, at);
        return line.size() > max_line_ ? Status::kTooLong : Status::kLine;
      }
      scan_ = end_;
      // No line end buffered. Give up on the line as soon as it cannot fit any more (one
      // byte of slack for the '\r' of a CRLF line end).
      const size_t partial = end_ - begin_;
      if (partial > max_line_ + 1 || (partial == max_line_ + 1 && buf_[end_ - 1] != '\r')) {
        ++line_number_;
        skipping_ = true;
        return Status::kTooLong;
      }
      if (eof_) {
        if (partial == 0) return Status::kEnd;
        const size_t begin = begin_;
        begin_ = scan_ = end_;
        line = finish_line(begin, end_);
        return Status::kLine;
      }
      if (begin_ > 0) {  // keep the partial line, make room behind it
        std::memmove(buf_.get(), buf_.get() + begin_, partial);
        scan_ -= begin_;
        end_ = partial;
        begin_ = 0;
      }
    }
    if (eof_) return Status::kEnd;
    switch (fill()) {
      case Fill::kData:
        break;
      case Fill::kEof:
        eof_ = true;
        break;
      case Fill::kStopped:
        return Status::kStopped;
      case Fill::kError:
        return Status::kError;
    }
  }
}

}  // namespace wsn
