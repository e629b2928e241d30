#include "record/log_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "record/crc32c.h"
#include "record/log_format.h"
#include "record/varint.h"

namespace wsn::record {
namespace {

class FileInput final : public LogInput {
 public:
  FileInput(int fd, uint64_t size) : fd_(fd), size_(size) {
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  }
  ~FileInput() override { ::close(fd_); }
  FileInput(const FileInput&) = delete;
  FileInput& operator=(const FileInput&) = delete;
  uint64_t size() const override { return size_; }
  bool read_at(uint64_t offset, size_t n, char* out) override {
    while (n > 0) {
      const ssize_t r = ::pread(fd_, out, n, static_cast<off_t>(offset));
      if (r < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      if (r == 0) {  // the file shrank under us
        errno = EIO;
        return false;
      }
      out += r;
      offset += static_cast<uint64_t>(r);
      n -= static_cast<size_t>(r);
    }
    return true;
  }

 private:
  const int fd_;
  const uint64_t size_;
};

class MemoryInput final : public LogInput {
 public:
  explicit MemoryInput(std::string_view data) : data_(data) {}
  uint64_t size() const override { return data_.size(); }
  bool read_at(uint64_t offset, size_t n, char* out) override {
    if (offset > data_.size() || n > data_.size() - offset) {
      errno = EIO;
      return false;
    }
    std::memcpy(out, data_.data() + offset, n);
    return true;
  }

 private:
  std::string_view data_;
};

constexpr size_t kScanWindow = size_t{1} << 20;

}  // namespace

void ReadStats::add(const ReadStats& o) {
  segments += o.segments;
  blocks += o.blocks;
  records += o.records;
  events += o.events;
  alerts += o.alerts;
  notes += o.notes;
  malformed_records += o.malformed_records;
  corrupt_blocks += o.corrupt_blocks;
  skipped_bytes += o.skipped_bytes;
  torn_tail_bytes += o.torn_tail_bytes;
  type_mismatches += o.type_mismatches;
  skipped_fields += o.skipped_fields;
  file_bytes += o.file_bytes;
  compressed_bytes += o.compressed_bytes;
  raw_bytes += o.raw_bytes;
  if (o.events > 0) {
    if (events == o.events || o.first_time_ns < first_time_ns) first_time_ns = o.first_time_ns;
    if (events == o.events || o.last_time_ns > last_time_ns) last_time_ns = o.last_time_ns;
  }
}

LogReader::LogReader(std::unique_ptr<LogInput> input, std::string name, FieldRegistry& registry)
    : input_(std::move(input)),
      name_(std::move(name)),
      decoder_(registry),
      dctx_(ZSTD_createDCtx()) {
  stats_.segments = 1;
  stats_.file_bytes = input_->size();
}

LogReader::~LogReader() {
  ZSTD_freeDCtx(static_cast<ZSTD_DCtx*>(dctx_));
}

Result<std::unique_ptr<LogReader>> LogReader::open(const std::string& path,
                                                   FieldRegistry& registry) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    return Error{"open " + path + ": " + std::strerror(err), err};
  }
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const int err = errno;
    ::close(fd);
    return Error{path + ": not a regular file", err, ErrorCode::kInvalid};
  }
  std::unique_ptr<LogReader> r(new LogReader(
      std::make_unique<FileInput>(fd, static_cast<uint64_t>(st.st_size)), path, registry));
  if (Status s = r->read_header(); !s.ok()) return s.error();
  return r;
}

Result<std::unique_ptr<LogReader>> LogReader::from_memory(std::string_view data,
                                                          const std::string& name,
                                                          FieldRegistry& registry) {
  std::unique_ptr<LogReader> r(new LogReader(std::make_unique<MemoryInput>(data), name, registry));
  if (Status s = r->read_header(); !s.ok()) return s.error();
  return r;
}

Status LogReader::read_header() {
  if (dctx_ == nullptr) return Error{"zstd: out of memory", ENOMEM, ErrorCode::kResource};
  const size_t n = static_cast<size_t>(
      std::min<uint64_t>(input_->size(), kFileHeaderFixed + kMaxHeaderBody + 4));
  std::string head(n, '\0');
  if (!input_->read_at(0, n, head.data())) {
    const int err = errno;
    return Error{"read " + name_ + ": " + std::strerror(err), err};
  }
  size_t consumed = 0;
  auto h = decode_file_header(head, consumed);
  if (!h.ok()) return Error{name_ + ": " + h.error().message, 0, ErrorCode::kInvalid};
  header_ = std::move(h.value());
  pos_ = consumed;
  return {};
}

const ReadStats& LogReader::stats() const {
  stats_.type_mismatches = decoder_.type_mismatches();
  stats_.skipped_fields = decoder_.skipped_fields();
  return stats_;
}

bool LogReader::fail_io() {
  const int err = errno;
  error_ = "read " + name_ + ": " + std::strerror(err != 0 ? err : EIO);
  io_error_ = true;
  pos_ = input_->size();
  return false;
}

bool LogReader::valid_block_header(const unsigned char* h, uint64_t offset) const {
  if (std::memcmp(h, kBlockMagic, 4) != 0) return false;
  if (crc32c(h, kBhHeaderCrc) != load_u32(h + kBhHeaderCrc)) return false;
  const uint32_t csize = load_u32(h + kBhCompressed);
  const uint32_t raw = load_u32(h + kBhRaw);
  (void)offset;
  return load_u32(h + kBhCodec) == kCodecZstd && csize > 0 && csize <= kMaxCompressedBlock &&
         raw <= kMaxRawBlock && load_u32(h + kBhRecords) <= raw;
}

uint64_t LogReader::resync(uint64_t from) {
  const uint64_t size = input_->size();
  uint64_t at = from;
  while (at + kBlockHeaderSize <= size) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(size - at, kScanWindow));
    scan_.resize(n);
    if (!input_->read_at(at, n, scan_.data())) {
      fail_io();
      return size;
    }
    for (size_t k = 0; k + kBlockHeaderSize <= n; ++k) {
      if (scan_[k] != kBlockMagic[0]) continue;
      const auto* h = reinterpret_cast<const unsigned char*>(scan_.data() + k);
      if (valid_block_header(h, at + k)) return at + k;
    }
    if (n < kScanWindow) break;
    at += n - kBlockHeaderSize + 1;  // overlap: a header across the window edge is found
  }
  return size;
}

bool LogReader::load_block() {
  const uint64_t size = input_->size();
  unsigned char h[kBlockHeaderSize];
  while (pos_ < size) {
    const uint64_t remaining = size - pos_;
    if (remaining < kBlockHeaderSize) {
      stats_.torn_tail_bytes += remaining;
      pos_ = size;
      return false;
    }
    if (!input_->read_at(pos_, kBlockHeaderSize, reinterpret_cast<char*>(h))) return fail_io();
    if (!valid_block_header(h, pos_)) {
      const uint64_t next = resync(pos_ + 1);
      if (io_error_) return false;
      if (next >= size) {  // nothing valid follows: the end was torn (or is garbage)
        stats_.torn_tail_bytes += remaining;
        pos_ = size;
        return false;
      }
      ++stats_.corrupt_blocks;
      stats_.skipped_bytes += next - pos_;
      pos_ = next;
      continue;
    }
    const uint32_t csize = load_u32(h + kBhCompressed);
    const uint32_t raw = load_u32(h + kBhRaw);
    if (kBlockHeaderSize + uint64_t{csize} > remaining) {  // cut short by a crash
      stats_.torn_tail_bytes += remaining;
      pos_ = size;
      return false;
    }
    if (compressed_cap_ < csize) {
      compressed_cap_ = std::max<size_t>(csize, compressed_cap_ * 2);
      compressed_ = std::make_unique<char[]>(compressed_cap_);
    }
    if (!input_->read_at(pos_ + kBlockHeaderSize, csize, compressed_.get())) return fail_io();
    const uint64_t block_end = pos_ + kBlockHeaderSize + csize;
    bool good = crc32c(compressed_.get(), csize) == load_u32(h + kBhPayloadCrc);
    if (good) {
      if (raw_cap_ < raw || !raw_) {
        raw_cap_ = std::max<size_t>({raw, raw_cap_ * 2, 1});
        raw_ = std::make_unique<char[]>(raw_cap_);
      }
      const size_t got = ZSTD_decompressDCtx(static_cast<ZSTD_DCtx*>(dctx_), raw_.get(), raw,
                                             compressed_.get(), csize);
      good = !ZSTD_isError(got) && got == raw;
    }
    if (!good) {
      ++stats_.corrupt_blocks;
      stats_.skipped_bytes += block_end - pos_;
      pos_ = block_end;
      continue;
    }
    pos_ = block_end;
    ++stats_.blocks;
    stats_.compressed_bytes += csize;
    stats_.raw_bytes += raw;
    decoder_.begin_block(std::string_view(raw_.get(), raw));
    return true;
  }
  return false;
}

LogReader::Next LogReader::next(Event& event, std::string_view& payload) {
  for (;;) {
    if (in_block_) {
      switch (decoder_.next(event, payload)) {
        case BlockDecoder::Next::kEvent: {
          const int64_t t = event.time_ns();
          if (stats_.events == 0 || t < stats_.first_time_ns) stats_.first_time_ns = t;
          if (stats_.events == 0 || t > stats_.last_time_ns) stats_.last_time_ns = t;
          ++stats_.events;
          ++stats_.records;
          return Next::kEvent;
        }
        case BlockDecoder::Next::kAlert:
          ++stats_.alerts;
          ++stats_.records;
          return Next::kAlert;
        case BlockDecoder::Next::kNote:
          ++stats_.notes;
          ++stats_.records;
          return Next::kNote;
        case BlockDecoder::Next::kMalformed:
          ++stats_.malformed_records;
          ++stats_.records;
          error_ = name_ + ": " + decoder_.error();
          return Next::kMalformed;
        case BlockDecoder::Next::kEnd:
          in_block_ = false;
          break;
      }
    }
    if (!load_block()) return io_error_ ? Next::kError : Next::kEnd;
    in_block_ = true;
  }
}

}  // namespace wsn::record
