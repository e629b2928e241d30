// JSON text written by hand where a document library would cost more than it gives: quoted
// strings, and small flat objects (audit records, listings, status) field by field.
//
// Plain functions and a writer over a caller's string; no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wsn {

// Appends `s` as a quoted JSON string: '"' and '\\' escaped, control characters and DEL as
// \n, \t ... or \u00XX, each byte of an invalid UTF-8 sequence replaced by U+FFFD.
void append_json_string(std::string_view s, std::string& out);

// Length (1-4) of the well-formed UTF-8 sequence at the start of `s`, or 0 when `s` is empty or
// starts with an invalid, overlong, surrogate or truncated sequence.
size_t utf8_sequence_length(std::string_view s);

// Appends one JSON object to `out`, a member per call: `{` on construction, `}` on close().
// Keys are written as given (callers pass literals); values are escaped.
class JsonObjectWriter {
 public:
  explicit JsonObjectWriter(std::string& out) : out_(out) { out_ += '{'; }
  JsonObjectWriter& str(std::string_view key, std::string_view value);
  JsonObjectWriter& num(std::string_view key, int64_t value);
  JsonObjectWriter& boolean(std::string_view key, bool value);
  JsonObjectWriter& strings(std::string_view key, const std::vector<std::string>& values);
  // A value that is JSON text already (a nested object or array).
  JsonObjectWriter& raw(std::string_view key, std::string_view json);
  void close() { out_ += '}'; }

 private:
  void key(std::string_view k);
  std::string& out_;
  bool first_ = true;
};

}  // namespace wsn
