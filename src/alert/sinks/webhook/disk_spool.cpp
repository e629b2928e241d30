#include "alert/sinks/webhook/disk_spool.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace wsn {
namespace {

namespace fs = std::filesystem;

// New queues start numbering here so prepend() can go below the first segment.
constexpr uint64_t kFirstSegment = uint64_t{1} << 40;

Error sys_error(const std::string& what, int err) {
  return Error{"webhook spool: " + what + ": " + std::strerror(err), err};
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool parse_segment_name(const std::string& name, uint64_t& number) {
  unsigned long long n = 0;
  char tail[8] = {};
  if (name.size() != 30 || std::sscanf(name.c_str(), "seg-%20llu.%5s", &n, tail) != 2 ||
      std::strcmp(tail, "jsonl") != 0) {
    return false;
  }
  number = n;
  return true;
}

}  // namespace

DiskSpool::DiskSpool(std::string dir, uint64_t max_bytes, uint64_t segment_bytes)
    : dir_(std::move(dir)), max_bytes_(max_bytes), segment_bytes_(segment_bytes) {}

DiskSpool::~DiskSpool() {
  close_tail_fd();
}

std::string DiskSpool::seg_path(uint64_t number) const {
  char name[40];
  std::snprintf(name, sizeof name, "seg-%020" PRIu64 ".jsonl", number);
  return dir_ + "/" + name;
}

Status DiskSpool::open() {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return Error{"webhook spool: create " + dir_ + ": " + ec.message()};
  fs::permissions(dir_, fs::perms::owner_all, ec);
  std::vector<uint64_t> numbers;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    uint64_t n = 0;
    if (entry.is_regular_file() && parse_segment_name(entry.path().filename().string(), n)) {
      numbers.push_back(n);
    }
  }
  if (ec) return Error{"webhook spool: list " + dir_ + ": " + ec.message()};
  std::sort(numbers.begin(), numbers.end());
  segments_.clear();
  records_ = bytes_ = 0;
  for (size_t k = 0; k < numbers.size(); ++k) {
    const std::string path = seg_path(numbers[k]);
    std::ifstream in(path, std::ios::binary);
    std::string line;
    uint64_t records = 0, good_bytes = 0;
    // Count complete lines; a torn last line (crash mid-append) is cut off.
    while (std::getline(in, line)) {
      if (in.eof()) break;  // no newline after it
      ++records;
      good_bytes += line.size() + 1;
    }
    in.close();
    if (records == 0) {  // nothing in it (or only a torn line)
      fs::remove(path, ec);
      continue;
    }
    if (fs::file_size(path, ec) != good_bytes) fs::resize_file(path, good_bytes, ec);
    segments_.push_back({numbers[k], records, good_bytes});
    bytes_ += good_bytes;
    records_ += records;
  }
  head_acked_ = head_offset_ = 0;
  if (!segments_.empty()) {
    std::ifstream ack(dir_ + "/head.ack");
    unsigned long long seg = 0, done = 0;
    if (ack >> seg >> done && seg == segments_.front().number) {
      head_acked_ = std::min<uint64_t>(done, segments_.front().records);
      // Byte offset of the first undelivered line.
      std::ifstream in(seg_path(seg), std::ios::binary);
      std::string line;
      for (uint64_t k = 0; k < head_acked_ && std::getline(in, line); ++k) {
        head_offset_ += line.size() + 1;
      }
      records_ -= head_acked_;
    }
  }
  // A fully delivered head left by a crash between the ack and the unlink.
  if (!segments_.empty() && head_acked_ >= segments_.front().records) return pop(0);
  return {};
}

void DiskSpool::close_tail_fd() {
  if (tail_fd_ >= 0) ::close(tail_fd_);
  tail_fd_ = -1;
}

Status DiskSpool::open_tail_fd() {
  if (tail_fd_ >= 0) return {};
  const std::string path = seg_path(segments_.back().number);
  tail_fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (tail_fd_ < 0) return sys_error("open " + path, errno);
  return {};
}

Status DiskSpool::append(std::string_view line) {
  const uint64_t need = line.size() + 1;
  if (bytes_ + need > max_bytes_) {
    return Error{"webhook spool: " + dir_ + " is full (" + std::to_string(max_bytes_) + " bytes)"};
  }
  if (segments_.empty() || segments_.back().bytes + need > segment_bytes_) {
    close_tail_fd();
    const uint64_t next = segments_.empty() ? kFirstSegment : segments_.back().number + 1;
    segments_.push_back({next, 0, 0});
  }
  if (Status s = open_tail_fd(); !s.ok()) return s;
  std::string buf;
  buf.reserve(need);
  buf.append(line);
  buf += '\n';
  if (!write_all(tail_fd_, buf)) {
    const int err = errno;
    close_tail_fd();
    return sys_error("write " + seg_path(segments_.back().number), err);
  }
  ++segments_.back().records;
  segments_.back().bytes += need;
  bytes_ += need;
  ++records_;
  return {};
}

Status DiskSpool::prepend(const std::vector<std::string>& lines) {
  if (lines.empty()) return {};
  const uint64_t number = segments_.empty() ? kFirstSegment : segments_.front().number - 1;
  const std::string path = seg_path(number);
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return sys_error("open " + tmp, errno);
  std::string buf;
  for (const auto& l : lines) {
    buf += l;
    buf += '\n';
  }
  const bool ok = write_all(fd, buf) && ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) return sys_error("write " + path, err);
  // The old head keeps its delivered count in head.ack only while it is the head: re-key it.
  const bool had_acked = head_acked_ > 0;
  Segment seg{number, lines.size(), buf.size()};
  if (had_acked) {
    // Rewrite the old head without its delivered lines so the ack can move to the new head.
    Segment& old = segments_.front();
    const std::string old_path = seg_path(old.number);
    std::ifstream in(old_path, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(head_offset_));
    std::string rest((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    in.close();
    const std::string old_tmp = old_path + ".tmp";
    const int ofd = ::open(old_tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (ofd < 0) return sys_error("open " + old_tmp, errno);
    const bool wrote = write_all(ofd, rest) && ::fsync(ofd) == 0;
    ::close(ofd);
    if (!wrote || ::rename(old_tmp.c_str(), old_path.c_str()) != 0) {
      return sys_error("rewrite " + old_path, errno);
    }
    if (segments_.size() == 1) close_tail_fd();  // the tail file was replaced
    bytes_ -= old.bytes - rest.size();
    old.records -= head_acked_;
    old.bytes = rest.size();
  }
  segments_.push_front(seg);
  bytes_ += seg.bytes;
  records_ += seg.records;
  head_acked_ = head_offset_ = 0;
  return write_ack();
}

Status DiskSpool::peek(size_t n, std::vector<std::string>& out) {
  out.clear();
  if (segments_.empty() || records_ == 0) return {};
  const Segment& head = segments_.front();
  std::ifstream in(seg_path(head.number), std::ios::binary);
  if (!in) return sys_error("open " + seg_path(head.number), errno);
  in.seekg(static_cast<std::streamoff>(head_offset_));
  std::string line;
  const uint64_t left = head.records - head_acked_;
  while (out.size() < n && out.size() < left && std::getline(in, line)) out.push_back(line);
  return {};
}

Status DiskSpool::pop(size_t n) {
  if (segments_.empty()) return {};
  Segment& head = segments_.front();
  if (n > 0) {
    std::ifstream in(seg_path(head.number), std::ios::binary);
    in.seekg(static_cast<std::streamoff>(head_offset_));
    std::string line;
    for (size_t k = 0; k < n && head_acked_ < head.records && std::getline(in, line); ++k) {
      head_offset_ += line.size() + 1;
      ++head_acked_;
      --records_;
    }
  }
  if (head_acked_ >= head.records) {
    // Whole segment delivered: remove it (and start over when it was the tail too).
    if (segments_.size() == 1) close_tail_fd();
    const std::string path = seg_path(head.number);
    bytes_ -= head.bytes;
    segments_.pop_front();
    head_acked_ = head_offset_ = 0;
    if (Status s = write_ack(); !s.ok()) return s;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return sys_error("remove " + path, errno);
    return {};
  }
  return write_ack();
}

Status DiskSpool::write_ack() {
  const std::string path = dir_ + "/head.ack";
  if (segments_.empty()) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return sys_error("remove " + path, errno);
    return {};
  }
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return sys_error("open " + tmp, errno);
  const std::string text =
      std::to_string(segments_.front().number) + " " + std::to_string(head_acked_) + "\n";
  const bool ok = write_all(fd, text);
  const int err = errno;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) return sys_error("write " + path, err);
  return {};
}

}  // namespace wsn
