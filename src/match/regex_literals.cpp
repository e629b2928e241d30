#include "match/regex_literals.h"

#include <algorithm>
#include <cctype>

#include "match/strings.h"

namespace wsn::match {

namespace {

// A literal run is a set of alternatives (`(curl|wget) ` gives {"curl ", "wget "}); beyond
// this many the run is cut.
constexpr size_t kMaxAlternatives = 32;

using Set = std::vector<std::string>;

struct Branch {
  bool pure = true;  // the whole branch is one of `whole`, literally
  Set whole;
  std::vector<Set> candidates;  // every match contains one member of each candidate set
};

size_t shortest(const Set& s) {
  size_t m = SIZE_MAX;
  for (const std::string& x : s) m = std::min(m, x.size());
  return s.empty() ? 0 : m;
}

// Bytes of the set's members that most text is full of (separators of paths, names, numbers):
// between otherwise equal candidates, ":" rules out more values than ".".
size_t common_bytes(const Set& s) {
  size_t n = 0;
  for (const std::string& x : s) {
    for (char c : x) n += std::string_view(" ./-_=,").find(c) != std::string_view::npos ? 1 : 0;
  }
  return n;
}

// The candidate whose shortest member is longest (fewer members on ties, then fewer common
// bytes); empty when none.
Set best_of(const std::vector<Set>& candidates) {
  Set best;
  for (const Set& c : candidates) {
    if (best.empty() || shortest(c) > shortest(best) ||
        (shortest(c) == shortest(best) && c.size() < best.size()) ||
        (shortest(c) == shortest(best) && c.size() == best.size() &&
         common_bytes(c) < common_bytes(best))) {
      best = c;
    }
  }
  return best;
}

Set cross(const Set& a, const Set& b) {
  Set out;
  for (const std::string& x : a) {
    for (const std::string& y : b) {
      std::string s = x + y;
      if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
    }
  }
  return out;
}

class Parser {
 public:
  Parser(std::string_view p, bool fold) : p_(p), fold_(fold) {}

  // Top level: the union of the branches' best candidates.
  bool run(Set& out) {
    std::vector<Branch> branches = alternation();
    if (failed_ || pos_ != p_.size()) return false;
    for (const Branch& b : branches) {
      Set best = best_of(b.candidates);
      if (best.empty()) return false;
      for (std::string& s : best) {
        if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
      }
    }
    return !out.empty();
  }

 private:
  enum class AtomKind { kLiteral, kUnknown };
  struct Atom {
    AtomKind kind = AtomKind::kUnknown;
    Set literals;     // kLiteral: the text it matches is one of these
    Set requirement;  // kUnknown group: every match of it contains one of these (or empty)
  };

  bool at_end() const { return pos_ >= p_.size(); }
  char peek() const { return p_[pos_]; }

  std::vector<Branch> alternation() {
    std::vector<Branch> out;
    out.push_back(sequence());
    while (!failed_ && !at_end() && peek() == '|') {
      ++pos_;
      out.push_back(sequence());
    }
    return out;
  }

  Branch sequence() {
    Branch b;
    Set run{""};
    auto cut = [&] {
      if (std::none_of(run.begin(), run.end(), [](const std::string& s) { return s.empty(); }))
        b.candidates.push_back(run);
      run = Set{""};
    };
    while (!failed_ && !at_end() && peek() != '|' && peek() != ')') {
      Atom a = atom();
      if (failed_) break;
      int min_repeat = 1;
      bool exactly_once = true;
      if (!quantifier(min_repeat, exactly_once)) break;
      if (a.kind == AtomKind::kLiteral && min_repeat > 0) {
        if (run.size() * a.literals.size() > kMaxAlternatives) {
          cut();
          b.pure = false;
          run = a.literals;
        } else {
          run = cross(run, a.literals);
        }
        if (!exactly_once) {  // `x+`: x occurs, but what follows need not follow it directly
          cut();
          b.pure = false;
        }
        continue;
      }
      cut();
      b.pure = false;
      if (min_repeat > 0 && !a.requirement.empty()) b.candidates.push_back(a.requirement);
    }
    if (b.pure) b.whole = run;
    cut();
    return b;
  }

  // Reads an optional repetition after an atom. min_repeat: fewest occurrences (0: optional).
  bool quantifier(int& min_repeat, bool& exactly_once) {
    if (at_end()) return true;
    const char c = peek();
    if (c == '*' || c == '?') {
      min_repeat = 0;
      exactly_once = false;
      ++pos_;
    } else if (c == '+') {
      exactly_once = false;
      ++pos_;
    } else if (c == '{') {
      size_t q = pos_ + 1;
      int n = 0;
      size_t digits = 0;
      while (q < p_.size() && std::isdigit(static_cast<unsigned char>(p_[q])) && digits < 4) {
        n = n * 10 + (p_[q] - '0');
        ++q;
        ++digits;
      }
      if (digits == 0 || q >= p_.size()) return fail();
      if (p_[q] == ',') {
        ++q;
        size_t more = 0;
        while (q < p_.size() && std::isdigit(static_cast<unsigned char>(p_[q])) && more < 4) {
          ++q;
          ++more;
        }
      }
      if (q >= p_.size() || p_[q] != '}') return fail();  // RE2 may read it as a literal
      pos_ = q + 1;
      min_repeat = n;
      exactly_once = false;
    } else {
      return true;
    }
    if (!at_end() && peek() == '?') ++pos_;  // non-greedy
    if (!at_end() && (peek() == '*' || peek() == '+' || peek() == '?' || peek() == '{')) {
      return fail();
    }
    return true;
  }

  bool fail() {
    failed_ = true;
    return false;
  }

  // A single byte as a literal atom, unless it cannot be used safely.
  Atom byte(char c) {
    Atom a;
    const auto u = static_cast<unsigned char>(c);
    const char f = fold_char(c);
    if (u >= 0x80 || u < 0x20 || (fold_ && (f == 'k' || f == 's'))) return a;
    a.kind = AtomKind::kLiteral;
    a.literals.push_back(std::string(1, f));
    return a;
  }

  Atom atom() {
    const char c = peek();
    switch (c) {
      case '(':
        return group();
      case '[':
        return char_class();
      case '\\':
        return escape();
      case '.':
      case '^':
      case '$':
        ++pos_;
        return Atom{};
      case '*':
      case '+':
      case '?':
      case '{':
        fail();
        return Atom{};
      default:
        ++pos_;
        return byte(c);
    }
  }

  Atom escape() {
    if (pos_ + 1 >= p_.size()) {
      fail();
      return Atom{};
    }
    const char e = p_[pos_ + 1];
    pos_ += 2;
    const auto u = static_cast<unsigned char>(e);
    if (u < 0x80 && std::ispunct(u)) return byte(e);
    if (std::string_view("dDsSwWbBAz").find(e) != std::string_view::npos) return Atom{};
    fail();  // \x.., \p{..}, \Q..\E, octal, \n ...: not worth the risk
    return Atom{};
  }

  // `[c]` (one plain member) is the literal c; any other class is an unknown atom.
  Atom char_class() {
    ++pos_;
    bool negated = false;
    if (!at_end() && peek() == '^') {
      negated = true;
      ++pos_;
    }
    std::string members;
    bool complex = false;
    bool first = true;
    while (true) {
      if (at_end()) {
        fail();
        return Atom{};
      }
      const char c = peek();
      if (c == ']' && !first) {
        ++pos_;
        break;
      }
      first = false;
      if (c == '[' && pos_ + 1 < p_.size() && p_[pos_ + 1] == ':') {
        const size_t end = p_.find(":]", pos_ + 2);
        if (end == std::string_view::npos) {
          fail();
          return Atom{};
        }
        pos_ = end + 2;
        complex = true;
        continue;
      }
      if (c == '\\') {
        if (pos_ + 1 >= p_.size()) {
          fail();
          return Atom{};
        }
        const char e = p_[pos_ + 1];
        const auto u = static_cast<unsigned char>(e);
        if (u < 0x80 && std::ispunct(u)) {
          members.push_back(e);
        } else if (std::string_view("dDsSwW").find(e) != std::string_view::npos) {
          complex = true;
        } else {
          fail();
          return Atom{};
        }
        pos_ += 2;
        continue;
      }
      if (c == '-') complex = true;  // a range (or a literal '-': either way, not used)
      members.push_back(c);
      ++pos_;
    }
    if (negated || complex || members.size() != 1) return Atom{};
    return byte(members[0]);
  }

  Atom group() {
    ++pos_;
    if (!at_end() && peek() == '?') {
      // Plain non-capturing and named groups, and groups with flags that leave literals alone:
      // s and m change what `.`, `^` and `$` match (never literals here), U greediness; i makes
      // the group case-insensitive, so from there on letters with non-ASCII case variants are
      // not used (as for a case-insensitive pattern). Sigma's `re` is `(?s:.*)(?-s:RE)(?s:.*)`.
      // A bare flag group such as (?i) changes the rest of its group: not understood.
      size_t q = pos_ + 1;
      bool negative = false, insensitive = false;
      while (q < p_.size() && std::string_view("imsU-").find(p_[q]) != std::string_view::npos) {
        if (p_[q] == '-') negative = true;
        if (p_[q] == 'i' && !negative) insensitive = true;
        ++q;
      }
      if (q < p_.size() && p_[q] == ':') {
        pos_ = q + 1;
        if (insensitive) fold_ = true;
      } else if (pos_ + 1 < p_.size() && (p_[pos_ + 1] == 'P' || p_[pos_ + 1] == '<')) {
        const size_t close = p_.find('>', pos_);
        if (close == std::string_view::npos) {
          fail();
          return Atom{};
        }
        pos_ = close + 1;
      } else {
        fail();
        return Atom{};
      }
    }
    std::vector<Branch> branches = alternation();
    if (failed_ || at_end() || peek() != ')') {
      fail();
      return Atom{};
    }
    ++pos_;
    Atom a;
    bool pure = true;
    Set all;
    for (const Branch& b : branches) {
      if (!b.pure) pure = false;
      for (const std::string& s : b.whole) {
        if (std::find(all.begin(), all.end(), s) == all.end()) all.push_back(s);
      }
    }
    if (pure && all.size() <= kMaxAlternatives) {
      a.kind = AtomKind::kLiteral;
      a.literals = std::move(all);
      return a;
    }
    // Not literal as a whole: each match still contains one literal of its branch's best set.
    for (const Branch& b : branches) {
      Set best = best_of(b.candidates);
      if (best.empty()) {
        a.requirement.clear();
        break;
      }
      for (std::string& s : best) {
        if (std::find(a.requirement.begin(), a.requirement.end(), s) == a.requirement.end())
          a.requirement.push_back(std::move(s));
      }
    }
    return a;
  }

  std::string_view p_;
  bool fold_;
  size_t pos_ = 0;
  bool failed_ = false;
};

}  // namespace

bool regex_required_literals(std::string_view pattern, bool case_insensitive, size_t min_length,
                             std::vector<std::string>& out) {
  Set lits;
  Parser parser(pattern, case_insensitive);
  if (!parser.run(lits) || shortest(lits) < min_length) return false;
  out.insert(out.end(), lits.begin(), lits.end());
  return true;
}

}  // namespace wsn::match
