// Reads one binary log file (one segment; log_format.h) record by record: events decoded into
// the caller's Event through the reader's FieldRegistry, alerts and notes as byte strings.
//
// Damage never stops a read early without saying so, never reads out of bounds, and never makes
// the reader allocate more than a block's limits (kMaxRawBlock): a block whose header or
// payload checksum fails is skipped (to the next valid block header) and counted in
// corrupt_blocks / skipped_bytes; bytes at the end that do not form a whole block (a write cut
// short by a crash) are counted in torn_tail_bytes.
//
// Not thread safe; one reader per thread. Many readers may share a FieldRegistry.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "record/block_decoder.h"
#include "record/file_header.h"
#include "wsn/event.h"
#include "wsn/result.h"
#include "wsn/schema.h"

namespace wsn::record {

struct ReadStats {
  uint64_t segments = 0;
  uint64_t blocks = 0;   // blocks read intact
  uint64_t records = 0;  // events + alerts + notes + malformed
  uint64_t events = 0;
  uint64_t alerts = 0;
  uint64_t notes = 0;
  uint64_t malformed_records = 0;  // records of intact blocks that did not decode
  uint64_t corrupt_blocks = 0;     // skipped: bad header or payload checksum, bad frame
  uint64_t skipped_bytes = 0;      // bytes of those
  uint64_t torn_tail_bytes = 0;    // bytes at the end that were no whole block
  uint64_t type_mismatches = 0;    // field values dropped: the registry types the field otherwise
  uint64_t skipped_fields = 0;     // field values dropped: registry full
  uint64_t file_bytes = 0;
  uint64_t compressed_bytes = 0;  // block payloads of intact blocks
  uint64_t raw_bytes = 0;         // the same, decompressed
  int64_t first_time_ns = 0;      // event time range of intact blocks (0 when no event)
  int64_t last_time_ns = 0;

  void add(const ReadStats& o);
};

// Where the bytes come from: a file (pread) or memory (tests, the fuzzer).
class LogInput {
 public:
  virtual ~LogInput() = default;
  virtual uint64_t size() const = 0;
  // Reads exactly `n` bytes at `offset` into `out`; false on an I/O error (errno set).
  virtual bool read_at(uint64_t offset, size_t n, char* out) = 0;
};

class LogReader {
 public:
  // Opens `path` and reads its header. Errors: "PATH: <reason>" (see decode_file_header) or
  // "open PATH: <strerror>".
  static Result<std::unique_ptr<LogReader>> open(const std::string& path, FieldRegistry& registry);
  // Reads `data` (kept by the caller); `name` is used in messages.
  static Result<std::unique_ptr<LogReader>> from_memory(std::string_view data,
                                                        const std::string& name,
                                                        FieldRegistry& registry);
  ~LogReader();
  LogReader(const LogReader&) = delete;
  LogReader& operator=(const LogReader&) = delete;

  enum class Next : uint8_t {
    kEvent,      // `event` holds the next event
    kAlert,      // `payload` holds an alert JSON line (valid until the next call)
    kNote,       // `payload` holds a note
    kMalformed,  // a record was skipped; error() says why
    kEnd,        // no more records (damage, if any, is in stats())
    kError,      // reading failed (I/O); error() says why. The reader is at its end.
  };
  Next next(Event& event, std::string_view& payload);

  const FileHeader& header() const { return header_; }
  const ReadStats& stats() const;
  const std::string& error() const { return error_; }
  const std::string& name() const { return name_; }

 private:
  LogReader(std::unique_ptr<LogInput> input, std::string name, FieldRegistry& registry);
  Status read_header();
  // Loads the next intact block into the decoder; false at the end (or on an I/O error).
  bool load_block();
  bool valid_block_header(const unsigned char* h, uint64_t offset) const;
  // The offset of the next valid block header after `from`, or size() when there is none.
  uint64_t resync(uint64_t from);
  bool fail_io();

  std::unique_ptr<LogInput> input_;
  const std::string name_;
  BlockDecoder decoder_;
  FileHeader header_;
  uint64_t pos_ = 0;
  bool in_block_ = false;
  bool io_error_ = false;
  std::unique_ptr<char[]> compressed_;
  size_t compressed_cap_ = 0;
  std::unique_ptr<char[]> raw_;
  size_t raw_cap_ = 0;
  std::string scan_;      // resync window
  void* dctx_ = nullptr;  // ZSTD_DCtx
  mutable ReadStats stats_;
  std::string error_;
};

}  // namespace wsn::record
