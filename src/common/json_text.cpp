#include "common/json_text.h"

namespace wsn {

size_t utf8_sequence_length(std::string_view s) {
  if (s.empty()) return 0;
  const auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) return 1;
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (s.size() < n) return 0;
  const auto b1 = static_cast<unsigned char>(s[1]);
  if (b1 < lo || b1 > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[k]);
    if (b < 0x80 || b > 0xBF) return 0;
  }
  return n;
}

void append_json_string(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run = 0;  // start of the pending run of bytes copied verbatim
  size_t k = 0;
  while (k < s.size()) {
    const auto c = static_cast<unsigned char>(s[k]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x7F) {
      ++k;
      continue;
    }
    if (c >= 0x80) {
      const size_t n = utf8_sequence_length(s.substr(k));
      if (n > 0) {
        k += n;
        continue;
      }
    }
    out.append(s.data() + run, k - run);
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      default:
        if (c >= 0x80) {
          out.append("\xEF\xBF\xBD");  // U+FFFD for one invalid byte
        } else {
          out.append("\\u00");
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        }
    }
    ++k;
    run = k;
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

void JsonObjectWriter::key(std::string_view k) {
  if (!first_) out_ += ',';
  first_ = false;
  out_ += '"';
  out_ += k;
  out_ += "\":";
}

JsonObjectWriter& JsonObjectWriter::str(std::string_view k, std::string_view value) {
  key(k);
  append_json_string(value, out_);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::num(std::string_view k, int64_t value) {
  key(k);
  out_ += std::to_string(value);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::boolean(std::string_view k, bool value) {
  key(k);
  out_ += value ? "true" : "false";
  return *this;
}

JsonObjectWriter& JsonObjectWriter::strings(std::string_view k,
                                            const std::vector<std::string>& values) {
  key(k);
  out_ += '[';
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out_ += ',';
    append_json_string(values[i], out_);
  }
  out_ += ']';
  return *this;
}

JsonObjectWriter& JsonObjectWriter::raw(std::string_view k, std::string_view json) {
  key(k);
  out_ += json;
  return *this;
}

}  // namespace wsn
