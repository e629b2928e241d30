// The file header of a binary log segment (layout in log_format.h): who wrote it, when, with
// which rules, so a recording can be matched to the run it came from.
//
// Thread safe (pure functions).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "wsn/result.h"
#include "wsn/schema.h"

namespace wsn::record {

struct FileHeader {
  uint16_t version = 0;
  uint64_t schema = 0;       // schema_hash() of the writer's built-in field table
  std::string build_id;      // engine version and commit, given by the writer's caller
  std::string ruleset_hash;  // the loaded rule set, given by the writer's caller ("" = none)
  std::string host;
  int64_t created_ns = 0;  // ns since the Unix epoch
  uint64_t recording = 0;  // random id shared by the segments of one recording
  uint64_t segment = 0;    // 0, 1, 2 ... within the recording
};

// FNV-1a over the names and types of the registry's built-in fields (ids 0 .. kBuiltinCount):
// changes whenever wsn/fields.def changes a row. Informational: logs store field names, so a
// reader never depends on it.
uint64_t schema_hash(const FieldRegistry& registry);

// The whole header (fixed part, TLV body, crc32c).
std::string encode_file_header(const FileHeader& h);

// Decodes the header at the start of `data` (which may hold more: the first blocks). On
// success `consumed` is the header's size. Errors (ErrorCode::kInvalid) are reasons without the
// file name: "not a wasm-sentinel binary log (bad magic)", "truncated header", "format version 9
// is newer than this build reads (1)", "header checksum mismatch", "header of N bytes exceeds
// the limit".
Result<FileHeader> decode_file_header(std::string_view data, size_t& consumed);

// True when `data` starts with the file magic.
bool has_file_magic(std::string_view data);

}  // namespace wsn::record
