// Writes a binary flight-recorder log (".wsnlog", layout in log_format.h): events, alerts and
// notes, framed and checksummed in zstd-compressed blocks, rotated into segments
// (rotation.h).
//
// A block goes to the file when it holds block_bytes of records, on flush(), and on tick()
// once it is older than flush_interval_ns: a caller that ticks (a timer) bounds what a crash
// loses to that interval. Each block is one write(2) of header + frame, so a crash can leave
// at most one torn block at the end, which readers detect and count.
//
// Files are created with mode 0600 (events carry command lines and paths). Opening truncates
// `path` and deletes leftover numbered segments of an earlier recording to the same path, so
// reading the base name later never mixes two recordings.
//
// Not thread safe: one thread writes (EventRecorder serialises its timer with the writer).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "record/block_encoder.h"
#include "record/file_header.h"
#include "record/rotation.h"
#include "wsn/event.h"
#include "wsn/result.h"
#include "wsn/schema.h"

namespace wsn::record {

struct LogWriterOptions {
  std::string build_id;                    // engine version + commit
  std::string ruleset_hash;                // the rule set in force ("" = none)
  std::string host;                        // "" = this host's name
  size_t block_bytes = size_t{128} << 10;  // raw bytes per block (good ratio, fast reads)
  int zstd_level = 3;
  int64_t flush_interval_ns = 1'000'000'000;  // tick() writes a block at least this old
  RotationPolicy rotation;
};

struct WriterStats {
  uint64_t events = 0;
  uint64_t alerts = 0;
  uint64_t notes = 0;
  uint64_t blocks = 0;
  uint64_t segments = 0;
  uint64_t raw_bytes = 0;    // records before compression
  uint64_t file_bytes = 0;   // headers + blocks written, all segments
  uint64_t lost_events = 0;  // in blocks that could not be written
};

class LogWriter {
 public:
  // Errors: "open record file PATH: <strerror>".
  static Result<std::unique_ptr<LogWriter>> open(const std::string& path,
                                                 const FieldRegistry& registry,
                                                 LogWriterOptions options = {});
  ~LogWriter();
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  // Each returns an error only when a block had to be written and could not (its records are
  // lost and counted); the writer goes on with the next block.
  Status write_event(const Event& e);
  Status write_alert(std::string_view json);
  Status write_note(std::string_view bytes);
  // Writes the pending block now.
  Status flush();
  // Writes the pending block if it is older than flush_interval_ns, and rotates a segment that
  // is older than rotation.max_age_ns. `now_ns`: a steady clock (monotonic).
  Status tick(int64_t now_ns);
  // Ends the current segment and starts the next one.
  Status rotate();
  // Flushes and closes; later writes fail.
  Status close();

  const WriterStats& stats() const { return stats_; }
  const std::string& path() const { return base_; }
  std::string current_path() const { return segment_path(base_, segment_); }

 private:
  LogWriter(std::string path, const FieldRegistry& registry, LogWriterOptions options);
  Status open_segment();
  Status write_block();    // the pending block, if any
  Status close_segment();  // writes the pending block and closes the file
  Status after_record(bool was_empty);
  Status write_all(const void* data, size_t n);
  Error io_error(const char* what, int err) const;

  const std::string base_;
  const FieldRegistry& registry_;
  const LogWriterOptions options_;
  BlockEncoder encoder_;
  FileHeader header_;
  int fd_ = -1;
  uint64_t segment_ = 0;
  uint64_t segment_bytes_ = 0;
  int64_t segment_started_ns_ = 0;  // steady clock
  int64_t block_started_ns_ = 0;    // steady clock, when the pending block got its first record
  std::string frame_;               // block header + compressed payload
  void* cctx_ = nullptr;            // ZSTD_CCtx
  WriterStats stats_;
};

// Now on the steady clock, in ns (what tick() takes).
int64_t steady_now_ns();

}  // namespace wsn::record
