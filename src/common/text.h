// Small text helpers shared by the line-oriented readers (key = value files).
#pragma once

#include <string_view>

namespace wsn {

// `s` without leading and trailing spaces, tabs and carriage returns (a line of a file that may
// have CRLF endings).
inline std::string_view trim_blanks(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace wsn
