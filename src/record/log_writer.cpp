#include "record/log_writer.h"

#include <fcntl.h>
#include <unistd.h>
#include <zstd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>

#include "record/crc32c.h"
#include "record/log_format.h"
#include "record/varint.h"

namespace wsn::record {

int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

namespace {

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof(buf) - 1) != 0) return "";
  return buf;
}

uint64_t random_id() {
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

}  // namespace

LogWriter::LogWriter(std::string path, const FieldRegistry& registry, LogWriterOptions options)
    : base_(std::move(path)),
      registry_(registry),
      options_(std::move(options)),
      encoder_(registry),
      cctx_(ZSTD_createCCtx()) {
  header_.version = kFormatVersion;
  header_.schema = schema_hash(registry);
  header_.build_id = options_.build_id;
  header_.ruleset_hash = options_.ruleset_hash;
  header_.host = options_.host.empty() ? host_name() : options_.host;
  header_.recording = random_id();
}

LogWriter::~LogWriter() {
  (void)close();
  ZSTD_freeCCtx(static_cast<ZSTD_CCtx*>(cctx_));
}

Result<std::unique_ptr<LogWriter>> LogWriter::open(const std::string& path,
                                                   const FieldRegistry& registry,
                                                   LogWriterOptions options) {
  std::unique_ptr<LogWriter> w(new LogWriter(path, registry, std::move(options)));
  if (w->cctx_ == nullptr) return Error{"zstd: out of memory", ENOMEM, ErrorCode::kResource};
  for (const Segment& s : list_segments(path)) {
    if (s.index > 0) ::unlink(s.path.c_str());
  }
  if (Status st = w->open_segment(); !st.ok()) return st.error();
  return w;
}

Error LogWriter::io_error(const char* what, int err) const {
  return Error{std::string(what) + " " + current_path() + ": " + std::strerror(err), err};
}

Status LogWriter::open_segment() {
  const std::string path = current_path();
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd_ < 0) return io_error("open record file", errno);
  header_.segment = segment_;
  header_.created_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  const std::string bytes = encode_file_header(header_);
  segment_bytes_ = 0;
  segment_started_ns_ = steady_now_ns();
  encoder_.reset_file();
  ++stats_.segments;
  if (Status st = write_all(bytes.data(), bytes.size()); !st.ok()) return st;
  segment_bytes_ += bytes.size();
  stats_.file_bytes += bytes.size();
  // Retention: the newest `keep` segments stay.
  const uint64_t keep = options_.rotation.keep;
  if (keep > 0 && segment_ >= keep) {
    for (const Segment& s : list_segments(base_)) {
      if (s.index + keep <= segment_) ::unlink(s.path.c_str());
    }
  }
  return {};
}

Status LogWriter::write_all(const void* data, size_t n) {
  const auto* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd_, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return io_error("write", errno);
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return {};
}

Status LogWriter::write_block() {
  if (encoder_.empty()) return {};
  if (fd_ < 0) {
    stats_.lost_events += encoder_.events();
    encoder_.reset_block();
    return Error{"write " + current_path() + ": closed", EBADF};
  }
  const std::string& raw = encoder_.raw();
  const size_t bound = ZSTD_compressBound(raw.size());
  frame_.resize(kBlockHeaderSize + bound);
  auto* out = reinterpret_cast<unsigned char*>(frame_.data());
  const size_t csize = ZSTD_compressCCtx(static_cast<ZSTD_CCtx*>(cctx_), out + kBlockHeaderSize,
                                         bound, raw.data(), raw.size(), options_.zstd_level);
  if (ZSTD_isError(csize)) {
    stats_.lost_events += encoder_.events();
    encoder_.reset_block();
    return Error{std::string("zstd: ") + ZSTD_getErrorName(csize), 0, ErrorCode::kInternal};
  }
  std::memcpy(out, kBlockMagic, 4);
  store_u32(out + kBhCompressed, static_cast<uint32_t>(csize));
  store_u32(out + kBhRaw, static_cast<uint32_t>(raw.size()));
  store_u32(out + kBhRecords, encoder_.records());
  store_u32(out + kBhCodec, kCodecZstd);
  store_u64(out + kBhFirstTime, static_cast<uint64_t>(encoder_.first_time()));
  store_u64(out + kBhLastTime, static_cast<uint64_t>(encoder_.last_time()));
  store_u32(out + kBhPayloadCrc, crc32c(out + kBlockHeaderSize, csize));
  store_u32(out + kBhReserved, 0);
  store_u32(out + kBhHeaderCrc, crc32c(out, kBhHeaderCrc));
  const size_t total = kBlockHeaderSize + csize;
  Status st = write_all(out, total);
  if (st.ok()) {
    ++stats_.blocks;
    stats_.raw_bytes += raw.size();
    stats_.file_bytes += total;
    segment_bytes_ += total;
  } else {
    stats_.lost_events += encoder_.events();
  }
  encoder_.reset_block();
  return st;
}

Status LogWriter::flush() {
  Status st = write_block();
  if (st.ok() && fd_ >= 0 && options_.rotation.max_bytes > 0 &&
      segment_bytes_ >= options_.rotation.max_bytes) {
    st = rotate();
  }
  return st;
}

Status LogWriter::close_segment() {
  Status st = write_block();
  if (::close(fd_) != 0 && st.ok()) st = io_error("close", errno);
  fd_ = -1;
  return st;
}

Status LogWriter::rotate() {
  if (fd_ < 0) return Error{"write " + current_path() + ": closed", EBADF};
  Status st = close_segment();
  ++segment_;
  Status opened = open_segment();
  return st.ok() ? opened : st;
}

Status LogWriter::after_record(bool was_empty) {
  // The flush interval counts from the block's first record (definitions come with it).
  if (was_empty) block_started_ns_ = steady_now_ns();
  if (encoder_.raw().size() >= options_.block_bytes) return flush();
  return {};
}

Status LogWriter::write_event(const Event& e) {
  const bool was_empty = encoder_.empty();
  encoder_.add_event(e);
  ++stats_.events;
  return after_record(was_empty);
}

Status LogWriter::write_alert(std::string_view json) {
  const bool was_empty = encoder_.empty();
  encoder_.add_alert(json);
  ++stats_.alerts;
  return after_record(was_empty);
}

Status LogWriter::write_note(std::string_view bytes) {
  const bool was_empty = encoder_.empty();
  encoder_.add_note(bytes);
  ++stats_.notes;
  return after_record(was_empty);
}

Status LogWriter::tick(int64_t now_ns) {
  Status st;
  if (!encoder_.empty() && now_ns - block_started_ns_ >= options_.flush_interval_ns) {
    st = flush();
  }
  if (st.ok() && fd_ >= 0 && options_.rotation.max_age_ns > 0 &&
      now_ns - segment_started_ns_ >= options_.rotation.max_age_ns) {
    st = rotate();
  }
  return st;
}

Status LogWriter::close() {
  if (fd_ < 0) return {};
  return close_segment();
}

}  // namespace wsn::record
