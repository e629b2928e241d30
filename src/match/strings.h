// String helpers shared by the evaluator, matchers and prefilter: ASCII case folding,
// case-aware hashing for hashed sets, and glob ("wildcard") matching.
//
// Case folding is ASCII only (documented in docs/eql-semantics.md): it is allocation free and
// locale independent; non-ASCII bytes compare exactly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
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

namespace detail {

inline uint64_t load_u64(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}
inline uint64_t load_u32(const char* p) {
  uint32_t w;
  std::memcpy(&w, p, 4);
  return w;
}
// ASCII-lowercases the 8 bytes of `w` at once: bytes 'A'..'Z' gain 0x20, others are unchanged.
inline uint64_t fold_word(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  const uint64_t low7 = w & ~kHigh;
  const uint64_t ge_a = low7 + (0x80 - 'A') * kOnes;      // high bit: byte >= 'A'
  const uint64_t gt_z = low7 + (0x80 - 'Z' - 1) * kOnes;  // high bit: byte > 'Z'
  return w | ((ge_a & ~gt_z & ~w & kHigh) >> 2);          // (not for bytes >= 0x80)
}

}  // namespace detail

// Hash of (optionally ASCII-folded) bytes: 8 bytes per multiply-xorshift step, the length mixed
// in first; the last step re-reads the final 8 (or 4+4, or 3) bytes, overlapping.
inline uint64_t hash_bytes(std::string_view s, bool fold) {
  constexpr uint64_t kMul = 0xff51afd7ed558ccdULL;
  const char* p = s.data();
  size_t n = s.size();
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ (n * kMul);
  auto step = [&h, fold](uint64_t w) {
    if (fold) w = detail::fold_word(w);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
  };
  if (n > 8) {
    const char* end = p + n;
    for (; end - p > 8; p += 8) step(detail::load_u64(p));
    step(detail::load_u64(end - 8));
  } else if (n >= 4) {
    step(detail::load_u32(p) | detail::load_u32(p + n - 4) << 32);
  } else if (n > 0) {
    step(static_cast<uint64_t>(static_cast<unsigned char>(p[0])) |
         static_cast<uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8 |
         static_cast<uint64_t>(static_cast<unsigned char>(p[n - 1])) << 16);
  }
  h ^= h >> 32;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 29;
  return h;
}

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

// A set of strings built once and then probed per event (`in` lists, exact `:` patterns):
// open addressing over (hash tag, member index), a filter on member lengths first, members
// kept in insertion order. With `fold`, membership ignores ASCII case.
class StringSet {
 public:
  explicit StringSet(bool fold = false) : fold_(fold) {}
  // Adds `s`; returns its position in members() (that of the member it equals, if any).
  size_t insert(std::string_view s);
  bool contains(std::string_view s) const { return index_of(s) >= 0; }
  // Position of `s` in members(), or -1.
  int64_t index_of(std::string_view s) const {
    if (((len_mask_ >> (s.size() & 63)) & 1) == 0) return -1;
    return find(s, hash_bytes(s, fold_));
  }
  bool empty() const { return members_.empty(); }
  size_t size() const { return members_.size(); }
  const std::vector<std::string>& members() const { return members_; }  // as inserted

 private:
  int64_t find(std::string_view s, uint64_t hash) const;
  bool same(std::string_view a, std::string_view b) const {
    return fold_ ? equal_fold(a, b) : a == b;
  }

  bool fold_;
  std::vector<std::string> members_;
  std::vector<uint64_t> slots_;  // hash >> 32 << 32 | (member index + 1); 0: empty
  size_t mask_ = 0;
  uint64_t len_mask_ = 0;  // bit (length % 64) is set for the length of some member
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
