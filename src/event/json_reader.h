// JSON-lines → Event decoding (the accepted format is specified in docs/event-format.md).
//
// JsonEventReader turns one line holding one JSON object into a typed Event: nested ECS objects
// and dotted keys are equivalent, values are converted to the schema type of their field, and
// unknown fields are registered as they appear. A line that cannot become a valid event (bad
// JSON, wrong type, too deep, too many fields ...) is rejected with a one-line reason naming the
// field and the problem; callers count and report it and go on. Values are converted when that
// loses nothing ("42" into an integer field, 42 into a string field, "a" into a string list,
// "true" into a bool, RFC 3339 text or epoch numbers into a timestamp); a value that cannot be
// is a type mismatch, also counted per field in FieldRegistry::note_type_mismatch.
//
// Field names are resolved through a per-reader cache, so the registry lock is taken only the
// first time a name is met; steady-state decoding allocates nothing per field.
//
// Thread safety: one reader per thread (it owns a parser and caches). Many readers may share
// one FieldRegistry.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "event/timestamp.h"
#include "wsn/event.h"
#include "wsn/schema.h"

namespace wsn {

// What becomes of an event whose line has no timestamp (see timestamp_field). Without one an
// alert would be dated 1970-01-01.
enum class MissingTimestamp : uint8_t {
  kKeep,        // time 0 (a library caller decides)
  kRefuse,      // malformed: a recorded log replays with the times it recorded
  kIngestTime,  // the wall clock when the line is read (live input: stdin of `run`)
};

struct ReaderOptions {
  // Longer lines are rejected ("line exceeds N bytes") without being buffered.
  size_t max_line_bytes = size_t{1} << 20;
  // Maximum nesting of objects/arrays; the top-level object is level 1.
  size_t max_depth = 32;
  // Longest accepted full (dotted) field name; bounds what hostile input can intern.
  size_t max_field_name_bytes = 1024;
  // The field whose value (first element of a list) names the event category.
  std::string category_field = "event.category";
  // The input key that carries the event time; it is stored as @timestamp.
  std::string timestamp_field = "@timestamp";
  // Unit of numeric timestamps (kAuto: by magnitude, see epoch_to_ns).
  EpochUnit epoch_unit = EpochUnit::kAuto;
  MissingTimestamp missing_timestamp = MissingTimestamp::kKeep;
};

// A rejected input line: 1-based line number and the reason (without the "line N: " prefix).
struct MalformedLine {
  uint64_t line = 0;
  std::string_view reason;

  std::string to_string() const;  // "line 17: field 'process.pid': expected integer, ..."
};
using MalformedCallback = std::function<void(const MalformedLine&)>;

class JsonEventReader {
 public:
  // Bytes that must be readable after a line handed to parse_padded (simdjson's padding).
  static constexpr size_t kPadding = 64;

  explicit JsonEventReader(FieldRegistry& registry, ReaderOptions options = {});
  ~JsonEventReader();
  JsonEventReader(const JsonEventReader&) = delete;
  JsonEventReader& operator=(const JsonEventReader&) = delete;

  const ReaderOptions& options() const { return options_; }

  // Decodes one line (no line terminator) into `out`, which must be cleared by the caller.
  // Returns false when the line is malformed; error() then says why and `out` holds a partial
  // event that must not be used. Blank lines are the caller's business (they are malformed
  // here: "empty line").
  bool parse(std::string_view line, Event& out);
  // Same, but without copying: data[len .. len + kPadding) must be readable (any content).
  bool parse_padded(const char* data, size_t len, Event& out);

  std::string_view error() const { return error_; }
  // Fields dropped because the registry was full (the events themselves were kept).
  uint64_t skipped_fields() const { return skipped_fields_; }

 private:
  struct Impl;
  // Applies options_.missing_timestamp to a decoded event; false when it is refused.
  bool settle_time(Event& out);

  FieldRegistry& registry_;
  ReaderOptions options_;
  std::unique_ptr<Impl> impl_;
  std::string error_;
  uint64_t skipped_fields_ = 0;
};

}  // namespace wsn
