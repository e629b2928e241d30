// Writing EQL text: rules translated from other formats (Sigma, exceptions) are compiled as EQL,
// so their values must become EQL literals exactly.
//
// Thread safe: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace wsn::eql {

// `v` as an EQL double-quoted string literal: quotes and backslashes escaped, control
// characters as \n \r \t or \u{XX}.
inline std::string string_literal(std::string_view v) {
  std::string out = "\"";
  for (const char c : v) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u{";
          out += kHex[(c >> 4) & 0xF];
          out += kHex[c & 0xF];
          out += '}';
        } else {
          out += c;
        }
    }
  }
  return out + '"';
}

}  // namespace wsn::eql
