// Prefilter: what a predicate REQUIRES of one field of the event, so that predicates whose
// requirement is absent need not be evaluated.
//
// A requirement is taken from one top-level conjunct of the where-clause that tests a field
// directly against constants, or an `or` of such tests on one field:
// - kExact: `process.name == "nc"`, `name in ("a", "b")`: the value (or a list item) equals one
//   of the strings, ASCII-folded. Looked up in a hash map per (category, field).
// - kInt: `destination.port == 4444`, `port in (1, 2)`: the integer value is one of these.
// - kLiteral: `command_line : "*/dev/tcp/*"`, startsWith...: the value contains one of the
//   literals (folded). Found by one Aho-Corasick scan per (category, field).
// startsWith / endsWith / stringContains of a field and a literal give a kLiteral requirement.
// Among the conjuncts, the most selective requirement wins (extract_requirement), or all those
// on selective fields are required together (extract_requirements): a field with few distinct
// values in ECS (event.type, event.action, network.transport ...) is a poor key whenever another
// conjunct offers one; then an equality beats a substring, and a longer literal a shorter one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "match/ir.h"

namespace wsn::match {

enum class RequirementKind : uint8_t { kLiteral, kExact, kInt };

// Where a kLiteral must occur in the value (or list item): `path : "*/dev"` needs "/dev" at the
// end, not anywhere, which most paths containing "/dev" then fail without evaluation.
// kWhole: the literal is the whole value (`name : ("sh", "python*")`: "sh" must not hit "bash").
enum class LiteralAnchor : uint8_t { kAnywhere, kPrefix, kSuffix, kWhole };

struct Requirement {
  RequirementKind kind = RequirementKind::kLiteral;
  FieldId field = kInvalidField;
  std::vector<std::string> literals;   // kLiteral / kExact: folded; any one suffices
  std::vector<LiteralAnchor> anchors;  // kLiteral: per literal (missing: kAnywhere)
  std::vector<int64_t> ints;           // kInt: any one suffices
};

// One of several requirements, possibly on different fields: `a == "x" or b : "*y*"`, or a
// conjunction inside a disjunction (each branch contributes its most selective requirement).
using RequirementAlternatives = std::vector<Requirement>;

// True for ECS enumeration fields whose values every event of a category shares widely.
bool is_low_cardinality_field(FieldId field);

// True for fields (about) every event of one host shares: host.os.type / family / platform / name.
bool is_host_constant_field(FieldId field);

// The most selective requirement of `where` (see above), if any.
std::optional<Requirement> extract_requirement(const Program& p, NodeRef where);

// Every requirement of `where` on a selective field, one per top-level conjunct, most selective
// first and at most `max_count`; when no conjunct offers one, the single requirement of
// extract_requirement (if any). A matching event meets ALL of them, so the engine evaluates
// `where` only when every one is met (a near miss such as `process.name == "curl" and
// process.args : "x"` is then not evaluated for every curl).
std::vector<Requirement> extract_requirements(const Program& p, NodeRef where, size_t max_count);

// As extract_requirements, with each requirement a set of alternatives: a top-level conjunct
// `(a in (...) or b : (...) or (c == "x" and d : "*y"))` requires one of its branches'
// requirements. Requirements on fields a host's events share (`host.os.type`) come last among
// candidates and are used only when nothing else is offered.
std::vector<RequirementAlternatives> extract_requirement_sets(const Program& p, NodeRef where,
                                                              size_t max_count);

// Aho-Corasick automaton over ASCII-folded bytes with a compressed alphabet and a dense
// transition table. Immutable after build(); scan() is allocation free.
class AhoCorasick {
 public:
  // Returns the pattern's id (dense, in insertion order; duplicates share an id).
  uint32_t add(std::string_view folded_pattern);
  void build();
  size_t pattern_count() const { return patterns_.size(); }
  size_t pattern_size(uint32_t id) const { return patterns_[id].size(); }
  const std::string& pattern(uint32_t id) const { return patterns_[id]; }

  // Calls on_match(pattern_id) -- or on_match(pattern_id, end) with `end` the offset just past
  // the occurrence -- for every occurrence (a pattern may be reported repeatedly).
  template <typename F>
  void scan(std::string_view text, F&& on_match) const {
    if (!next16_.empty()) {
      scan_with(next16_.data(), text, on_match);
    } else {
      scan_with(next_.data(), text, on_match);
    }
  }

 private:
  static constexpr uint32_t kNone = 0xFFFFFFFFu;
  static constexpr uint32_t kHasOutput = 0x80000000u;
  std::vector<std::string> patterns_;
  std::vector<uint8_t> cls_ = std::vector<uint8_t>(256, 0);
  uint32_t classes_ = 1;
  // Transitions by row: next_[state * classes_ + class] is the next state's row (its index
  // times classes_, so the scan needs no multiply), with kHasOutput set when that state ends
  // a pattern (so the scan loads nothing else for the states that end none, nearly all).
  std::vector<uint32_t> next_;
  // The same transitions as state numbers (not rows) with kHasOutput16, used instead of next_
  // when the states fit in 15 bits: half the table, so the large automata (2,000+ states x
  // 50 classes) stay in L2 and the scan stalls less on the next transition's load; the
  // multiply by classes_ costs less than that miss.
  std::vector<uint16_t> next16_;
  static constexpr uint16_t kHasOutput16 = 0x8000u;

  template <typename T, typename F>
  void scan_with(const T* next, std::string_view text, F& on_match) const {
    constexpr uint32_t kFlag = sizeof(T) == 2 ? kHasOutput16 : kHasOutput;
    // Locals, not members: on_match may write anywhere, so the compiler would otherwise reload
    // the members and spill `row` to the stack on the transition chain that bounds the scan.
    const uint8_t* const cls = cls_.data();
    const uint32_t classes = classes_;
    const auto* const bytes = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    uint32_t row = 0;  // the current state's row in the table
    size_t i = 0;
    while (i < n) {
      uint32_t t = 0;
      do {  // no call in this loop: it runs on registers only
        t = next[row + cls[bytes[i++]]];
        row = sizeof(T) == 2 ? (t & ~kFlag) * classes : t & ~kFlag;
      } while ((t & kFlag) == 0 && i < n);
      if ((t & kFlag) == 0) break;
      const uint32_t to = t & ~kFlag;  // narrow: a state; wide: a row
      for (uint32_t o = out_[sizeof(T) == 2 ? to : to / classes]; o != kNone; o = out_link_[o]) {
        if constexpr (std::is_invocable_v<F&, uint32_t, size_t>) {
          on_match(out_pattern_[o], i);
        } else {
          on_match(out_pattern_[o]);
        }
      }
    }
  }
  std::vector<uint32_t> out_;          // per state: first output record or kNone
  std::vector<uint32_t> out_pattern_;  // output records: pattern id
  std::vector<uint32_t> out_link_;     // next output record (via failure links)
};

}  // namespace wsn::match
