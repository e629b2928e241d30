// Compiled string matchers, hashed value sets and CIDR sets referenced by IR nodes.
//
// All are immutable after construction and safe to share between threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "match/strings.h"
#include "match/value.h"
#include "wsn/event.h"

namespace re2 {
class RE2;
}

namespace wsn::match {

enum class StrMatchKind : uint8_t { kExact, kWildcard, kRegex, kContains, kStarts, kEnds };
std::string_view str_match_kind_name(StrMatchKind k);

// How a regex is anchored: Elastic `regex` must match the whole string (Lucene semantics);
// Endgame match() must match a prefix (Python re.match).
enum class RegexAnchor : uint8_t { kFull, kPrefix };

struct StringMatcherSpec {
  StrMatchKind kind = StrMatchKind::kExact;
  std::vector<std::string> patterns;  // any of them may match
  CaseMode mode = CaseMode::kSensitive;
  bool question_mark = false;  // kWildcard: `?` matches one byte
  RegexAnchor anchor = RegexAnchor::kFull;
};

// Matches a string against a list of patterns of one kind.
class StringMatcher {
 public:
  // Returns nullptr and sets `error` when a regex does not compile (RE2 syntax).
  static std::unique_ptr<StringMatcher> create(StringMatcherSpec spec, std::string* error);
  ~StringMatcher();

  bool matches(std::string_view s) const;
  const StringMatcherSpec& spec() const { return spec_; }
  // Literals of which every matching string contains at least one (folded when the matcher
  // is case-insensitive). Returns false when no such set exists (e.g. pattern "*"). Regex
  // literals shorter than `min_regex_literal` bytes are not used.
  bool required_literals(std::vector<std::string>& out, size_t min_regex_literal = 3) const;
  std::string describe() const;

 private:
  explicit StringMatcher(StringMatcherSpec spec);

  StringMatcherSpec spec_;
  StringSet exact_;  // kExact (folding when case-insensitive)
  std::vector<Wildcard> wildcards_;
  std::vector<std::string> folded_;  // kContains/kStarts/kEnds patterns (folded if insensitive)
  std::unique_ptr<re2::RE2> regex_;
};

// A hashed set of constants for `in`: strings (case-aware), integers, floats, booleans.
// Integral floats are stored as integers so that 1 in (1.0) holds.
class ValueSet {
 public:
  explicit ValueSet(CaseMode mode) : mode_(mode), strings_(mode == CaseMode::kInsensitive) {}
  void add(const Value& v);
  // Null for a null probe; list probes hold when any item is a member.
  Value contains(const Value& v) const;
  CaseMode mode() const { return mode_; }
  size_t size() const { return size_; }
  std::string describe() const;  // members in insertion order
  bool required_literals(std::vector<std::string>& out) const;
  // The members when they are all strings (resp. all integers); false otherwise.
  bool string_members(std::vector<std::string>& out) const;
  bool int_members(std::vector<int64_t>& out) const;

 private:
  bool contains_string(std::string_view s) const;

  CaseMode mode_;
  StringSet strings_;  // folding when case-insensitive
  std::unordered_set<int64_t> ints_;
  std::vector<double> floats_;
  bool has_true_ = false;
  bool has_false_ = false;
  size_t size_ = 0;
  std::vector<std::string> order_;  // rendering
};

// IPv4/IPv6 networks for cidrMatch.
class CidrSet {
 public:
  // Parses "a.b.c.d/n" or "x::y/n" (with `bare_address`, also a lone address: /32 or /128);
  // returns false on malformed input.
  bool add(std::string_view cidr, bool bare_address = false);
  // Elasticsearch compares an IPv4 address with an IPv6 network (and the reverse) in the
  // 16-byte ::ffff:a.b.c.d form (CIDRUtils.encode); Endgame never mixes families.
  void set_mixed_families(bool on) { mixed_families_ = on; }
  // Matches an ip value, or a string holding an address; false for other values.
  bool contains(const Value& v) const;
  std::string describe() const;

 private:
  struct Net {
    IpAddress base;
    int prefix;  // in bits of the 16-byte (v4-mapped) form
  };
  bool contains_ip(const IpAddress& ip) const;
  std::vector<Net> nets_;
  std::vector<std::string> text_;
  bool mixed_families_ = false;
};

}  // namespace wsn::match
