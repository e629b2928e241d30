#include "collect/replay/line_reader.h"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <future>
#include <string>
#include <thread>
#include <vector>

namespace wsn {
namespace {

constexpr size_t kPad = 64;

struct Pipe {
  int r = -1, w = -1;
  Pipe() {
    int fds[2];
    EXPECT_EQ(pipe(fds), 0);
    r = fds[0];
    w = fds[1];
  }
  ~Pipe() {
    if (r >= 0) close(r);
    close_write();
  }
  void close_write() {
    if (w >= 0) close(w);
    w = -1;
  }
};

void write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    ASSERT_GT(n, 0);
    data.remove_prefix(static_cast<size_t>(n));
  }
}

// Writes `data` into a pipe from another thread in pieces of `piece` bytes, so lines straddle
// the reads; returns every (status, line, line number) until kEnd.
struct Got {
  LineReader::Status status;
  std::string line;
  uint64_t number;
  bool operator==(const Got&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Got& g) {
  return os << "{" << static_cast<int>(g.status) << ", \"" << g.line << "\", " << g.number << "}";
}

std::vector<Got> drain(LineReader& reader) {
  std::vector<Got> out;
  std::string_view line;
  for (;;) {
    const LineReader::Status s = reader.next(line);
    if (s == LineReader::Status::kEnd || s == LineReader::Status::kError ||
        s == LineReader::Status::kStopped) {
      out.push_back({s, "", reader.line_number()});
      return out;
    }
    out.push_back(
        {s, s == LineReader::Status::kLine ? std::string(line) : "", reader.line_number()});
  }
}

std::vector<Got> read_through_pipe(const std::string& data, size_t piece, size_t max_line) {
  Pipe p;
  std::thread writer([&] {
    for (size_t k = 0; k < data.size(); k += piece) {
      write_all(p.w, std::string_view(data).substr(k, piece));
    }
    p.close_write();
  });
  LineReader reader(p.r, max_line, kPad);
  std::vector<Got> got = drain(reader);
  writer.join();
  return got;
}

using S = LineReader::Status;

TEST(LineReader, SplitsLinesAcrossReadsWithCrlfAndNoFinalNewline) {
  const std::string data = "a\nbb\r\n\n  \r\nlast";
  const std::vector<Got> want = {{S::kLine, "a", 1},  {S::kLine, "bb", 2},   {S::kLine, "", 3},
                                 {S::kLine, "  ", 4}, {S::kLine, "last", 5}, {S::kEnd, "", 5}};
  for (size_t piece : {1, 2, 3, 7, 100}) {
    EXPECT_EQ(read_through_pipe(data, piece, 1024), want) << "piece " << piece;
  }
}

TEST(LineReader, EmptyInput) {
  EXPECT_EQ(read_through_pipe("", 1, 16), (std::vector<Got>{{S::kEnd, "", 0}}));
  EXPECT_EQ(read_through_pipe("\n", 1, 16),
            (std::vector<Got>{{S::kLine, "", 1}, {S::kEnd, "", 1}}));
}

TEST(LineReader, SkipsAByteOrderMarkOnTheFirstLineOnly) {
  EXPECT_EQ(
      read_through_pipe("\xEF\xBB\xBFx\n\xEF\xBB\xBFy\n", 2, 16),
      (std::vector<Got>{{S::kLine, "x", 1}, {S::kLine, "\xEF\xBB\xBFy", 2}, {S::kEnd, "", 2}}));
}

TEST(LineReader, LineLimitExcludesTheTerminator) {
  const std::string data =
      "12345678\n"                    // exactly the limit
      "123456789\n"                   // one over
      "12345678\r\n"                  // limit + CR is fine
      "123456789\r\n"                 // over, with CR
      + std::string(100, 'x') + "\n"  // far over
      + "ok\n" + "123456789";         // over, at end of input without newline
  const std::vector<Got> want = {{S::kLine, "12345678", 1}, {S::kTooLong, "", 2},
                                 {S::kLine, "12345678", 3}, {S::kTooLong, "", 4},
                                 {S::kTooLong, "", 5},      {S::kLine, "ok", 6},
                                 {S::kTooLong, "", 7},      {S::kEnd, "", 7}};
  for (size_t piece : {1, 4, 9, 1000}) {
    EXPECT_EQ(read_through_pipe(data, piece, 8), want) << "piece " << piece;
  }
}

TEST(LineReader, HugeLineIsSkippedWhileStreaming) {
  const std::string data = "first\n" + std::string(10 << 20, 'z') + "\nafter\n";
  const std::vector<Got> want = {
      {S::kLine, "first", 1}, {S::kTooLong, "", 2}, {S::kLine, "after", 3}, {S::kEnd, "", 3}};
  EXPECT_EQ(read_through_pipe(data, 64 << 10, 1 << 20), want);
}

TEST(LineReader, LinesAreFollowedByReadablePadding) {
  // The last line of the input, without a newline, is followed directly by padding.
  Pipe p;
  const std::string line(16, 'q');
  std::thread writer([&] {
    write_all(p.w, line);
    p.close_write();
  });
  LineReader reader(p.r, 16, kPad);
  std::string_view got;
  ASSERT_EQ(reader.next(got), S::kLine);
  EXPECT_EQ(got, line);
  // Reading the padding must be valid memory (checked under ASan).
  volatile char sink = 0;
  for (size_t k = 0; k < kPad; ++k) sink = sink + got.data()[got.size() + k];
  writer.join();
}

TEST(LineReader, WakeFdInterruptsABlockingWait) {
  Pipe p;
  const int wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  ASSERT_GE(wake, 0);
  write_all(p.w, "one\n");
  LineReader reader(p.r, 64, kPad, wake);
  auto result = std::async(std::launch::async, [&] { return drain(reader); });
  EXPECT_EQ(result.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);
  const uint64_t one = 1;
  ASSERT_EQ(write(wake, &one, sizeof(one)), 8);
  ASSERT_EQ(result.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(result.get(), (std::vector<Got>{{S::kLine, "one", 1}, {S::kStopped, "", 1}}));
  close(wake);
}

TEST(LineReader, RegularFileAndReadError) {
  char dir_template[] = "/tmp/wsn_line_reader_XXXXXX";
  const char* dir = mkdtemp(dir_template);
  ASSERT_NE(dir, nullptr);
  const std::string path = std::string(dir) + "/f.txt";
  {
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT_GE(fd, 0);
    std::string data;
    for (int k = 0; k < 100000; ++k) data += "line " + std::to_string(k) + "\n";
    write_all(fd, data);
    close(fd);
  }
  const int fd = open(path.c_str(), O_RDONLY);
  LineReader reader(fd, 64, kPad);
  std::string_view line;
  for (int k = 0; k < 100000; ++k) {
    ASSERT_EQ(reader.next(line), S::kLine);
    ASSERT_EQ(line, "line " + std::to_string(k));
  }
  EXPECT_EQ(reader.next(line), S::kEnd);
  close(fd);

  const int dfd = open(dir, O_RDONLY | O_DIRECTORY);
  ASSERT_GE(dfd, 0);
  LineReader dir_reader(dfd, 64, kPad);
  EXPECT_EQ(dir_reader.next(line), S::kError);
  EXPECT_EQ(dir_reader.error_errno(), EISDIR);
  close(dfd);
  unlink(path.c_str());
  rmdir(dir);
}

}  // namespace
}  // namespace wsn
