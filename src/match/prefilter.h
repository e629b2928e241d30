// Prefilter: the string literals a predicate REQUIRES, and a multi-pattern matcher per field that
// finds, in one pass over the field's value, every rule whose required literal is present.
//
// A predicate's requirement is taken from one top-level conjunct of its where-clause that
// matches a field directly against literal patterns (`process.name == "nc"`,
// `command_line : "*/dev/tcp/*"`, `name in ("a", "b")`, or an `or` of those on one field):
// every event the predicate accepts contains at least one of the literals (ASCII-folded) in
// that field, so predicates whose literals are absent need not be evaluated.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "match/ir.h"

namespace wsn::match {

struct Requirement {
  FieldId field = kInvalidField;
  std::vector<std::string> literals;  // folded; any one suffices
};

// The most selective requirement of `where` (longest shortest literal), if any.
std::optional<Requirement> extract_requirement(const Program& p, NodeRef where);

// Aho-Corasick automaton over ASCII-folded bytes with a compressed alphabet and a dense
// transition table. Immutable after build(); scan() is allocation free.
class AhoCorasick {
 public:
  // Returns the pattern's id (dense, in insertion order; duplicates share an id).
  uint32_t add(std::string_view folded_pattern);
  void build();
  size_t pattern_count() const { return patterns_.size(); }

  // Calls on_match(pattern_id) for every occurrence (a pattern may be reported repeatedly).
  template <typename F>
  void scan(std::string_view text, F&& on_match) const {
    uint32_t s = 0;
    for (char c : text) {
      s = delta_[static_cast<size_t>(s) * classes_ + cls_[static_cast<unsigned char>(c)]];
      for (uint32_t o = out_[s]; o != kNone; o = out_link_[o]) on_match(out_pattern_[o]);
    }
  }

 private:
  static constexpr uint32_t kNone = 0xFFFFFFFFu;
  std::vector<std::string> patterns_;
  std::vector<uint8_t> cls_ = std::vector<uint8_t>(256, 0);
  uint32_t classes_ = 1;
  std::vector<uint32_t> delta_;
  std::vector<uint32_t> out_;          // per state: first output record or kNone
  std::vector<uint32_t> out_pattern_;  // output records: pattern id
  std::vector<uint32_t> out_link_;     // next output record (via failure links)
};

}  // namespace wsn::match
