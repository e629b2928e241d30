// String helpers shared by the evaluator, matchers and prefilter: ASCII case folding,
// case-aware hashing for hashed sets, and glob ("wildcard") matching.
//
// Case folding is ASCII only (documented in docs/eql-semantics.md): it is allocation free and
// locale independent; non-ASCII bytes compare exactly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wsn::match {

inline char fold_char(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}
std::string fold_copy(std::string_view s);
bool equal_fold(std::string_view a, std::string_view b);
int compare_fold(std::string_view a, std::string_view b);  // <0, 0, >0
bool starts_with_fold(std::string_view s, std::string_view prefix);
bool ends_with_fold(std::string_view s, std::string_view suffix);
// Position of `needle` in `hay` at or after `from` (npos when absent).
size_t find_fold(std::string_view hay, std::string_view needle, size_t from = 0);
size_t find_exact(std::string_view hay, std::string_view needle, size_t from = 0);

// FNV-1a over (optionally folded) bytes.
uint64_t hash_bytes(std::string_view s, bool fold);

// Transparent hash/equality functors for unordered containers of std::string, so lookups take a
// string_view without copying. The Fold variants ignore ASCII case.
struct ExactHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return hash_bytes(s, false); }
};
struct ExactEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};
struct FoldHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return hash_bytes(s, true); }
};
struct FoldEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return equal_fold(a, b); }
};

// A glob pattern: `*` matches any run of bytes; `?` matches one byte when `question_mark` is
// set (Elastic `:`/`like`), and is literal otherwise (Endgame `==`). No escapes.
class Wildcard {
 public:
  Wildcard(std::string_view pattern, bool fold, bool question_mark);
  bool matches(std::string_view s) const;
  // The longest run of literal bytes every match must contain ("" when none).
  std::string_view longest_literal() const;
  const std::string& pattern() const { return pattern_; }

 private:
  bool segment_at(std::string_view s, size_t pos, const std::string& seg) const;
  size_t find_segment(std::string_view s, size_t from, const std::string& seg) const;

  std::string pattern_;
  std::vector<std::string> segments_;  // split at '*', folded when fold_
  bool leading_star_ = false;
  bool trailing_star_ = false;
  bool fold_ = false;
  bool question_ = false;
};

// True when `pattern` contains a wildcard metacharacter.
bool has_wildcard(std::string_view pattern, bool question_mark);

}  // namespace wsn::match
