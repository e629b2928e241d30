// Small text helpers shared by the readers of text formats (key = value files, YAML rules).
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
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

// `s` with ASCII letters in lower case (other bytes unchanged).
inline std::string ascii_lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  return s;
}

}  // namespace wsn
