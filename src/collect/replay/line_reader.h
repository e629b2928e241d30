// Splits a byte stream (a file descriptor) into lines, reading in chunks.
//
// Memory is bounded by the line limit: a line longer than max_line_bytes is reported as
// kTooLong and its remaining bytes are discarded as they arrive, never buffered. Lines end at
// "\n"; a trailing "\r" is removed (CRLF input) and a UTF-8 byte order mark at the start of the
// stream is skipped. A last line without "\n" is still a line.
//
// Every line handed out is followed by at least `padding` readable bytes inside the reader's
// buffer, so it can go to JsonEventReader::parse_padded without a copy.
//
// Not thread safe. Does not own the descriptors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

namespace wsn {

class LineReader {
 public:
  enum class Status : uint8_t {
    kLine,     // `line` holds the next line (valid until the next call)
    kTooLong,  // line number line_number() exceeded the limit and was skipped
    kEnd,      // end of input
    kStopped,  // wake_fd became readable while waiting for input
    kError,    // read() failed; see error_errno()
  };

  // `wake_fd` (-1 for none): a blocking wait for more input also ends when it becomes readable,
  // so another thread can interrupt a reader waiting on a pipe or terminal.
  LineReader(int fd, size_t max_line_bytes, size_t padding, int wake_fd = -1);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  Status next(std::string_view& line);
  uint64_t line_number() const { return line_number_; }  // 1-based number of the last line
  // Called when a pipe or terminal has no input ready, before blocking for more.
  void set_idle_callback(std::function<void()> on_idle) { on_idle_ = std::move(on_idle); }
  int error_errno() const { return errno_; }

 private:
  enum class Fill : uint8_t { kData, kEof, kStopped, kError };
  Fill fill();
  std::string_view finish_line(size_t begin, size_t end);

  const int fd_;
  const int wake_fd_;
  const size_t max_line_;
  bool regular_file_ = false;  // never blocks: no need to poll
  std::unique_ptr<char[]> buf_;
  size_t data_cap_ = 0;  // bytes usable for data; padding follows
  size_t begin_ = 0;     // first byte of the current line
  size_t scan_ = 0;      // bytes before this hold no '\n' (from begin_)
  size_t end_ = 0;       // end of buffered data
  bool eof_ = false;
  bool skipping_ = false;  // discarding the rest of an over-long line
  uint64_t line_number_ = 0;
  int errno_ = 0;
  std::function<void()> on_idle_;
};

}  // namespace wsn
