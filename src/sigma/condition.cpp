#include "sigma/condition.h"

#include <algorithm>
#include <cctype>
#include "common/text.h"

namespace wsn::sigma {
namespace {

struct Token {
  std::string text;  // "(" ")" or a word
  size_t offset = 0;
};

class Parser {
 public:
  Parser(const std::string& text, const std::vector<std::string>& names,
         const std::vector<std::string>& exprs, std::vector<bool>& used)
      : text_(text), names_(names), exprs_(exprs), used_(used) {
    size_t k = 0;
    while (k < text.size()) {
      const char c = text[k];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++k;
      } else if (c == '(' || c == ')' || c == '|') {
        toks_.push_back({std::string(1, c), k});
        ++k;
      } else {
        const size_t start = k;
        while (k < text.size() && !std::isspace(static_cast<unsigned char>(text[k])) &&
               text[k] != '(' && text[k] != ')' && text[k] != '|') {
          ++k;
        }
        toks_.push_back({text.substr(start, k - start), start});
      }
    }
  }

  bool parse(std::string& out, ConditionError& err) {
    if (toks_.empty()) return fail(err, "empty condition", 0, 1);
    if (!parse_or(out, err, 0)) return false;
    if (pos_ < toks_.size()) {
      const Token& t = toks_[pos_];
      if (t.text == "|") {
        return fail(err,
                    "aggregations ('| count() …') are Sigma v1 syntax and not supported; use a "
                    "correlation rule",
                    t.offset, text_.size() - t.offset);
      }
      return fail(err, "expected 'and', 'or' or the end of the condition, found '" + t.text + "'",
                  t.offset, t.text.size());
    }
    return true;
  }

 private:
  bool fail(ConditionError& err, std::string msg, size_t offset, size_t len) {
    err.message = std::move(msg);
    err.offset = offset;
    err.length = std::max<size_t>(len, 1);
    return false;
  }
  bool at_word(const char* w) const {
    return pos_ < toks_.size() && ascii_lower(toks_[pos_].text) == w;
  }

  bool parse_or(std::string& out, ConditionError& err, int depth) {
    std::vector<std::string> parts(1);
    if (!parse_and(parts[0], err, depth)) return false;
    while (at_word("or")) {
      ++pos_;
      parts.emplace_back();
      if (!parse_and(parts.back(), err, depth)) return false;
    }
    out = join(parts, " or ");
    return true;
  }
  bool parse_and(std::string& out, ConditionError& err, int depth) {
    std::vector<std::string> parts(1);
    if (!parse_not(parts[0], err, depth)) return false;
    while (at_word("and")) {
      ++pos_;
      parts.emplace_back();
      if (!parse_not(parts.back(), err, depth)) return false;
    }
    out = join(parts, " and ");
    return true;
  }
  bool parse_not(std::string& out, ConditionError& err, int depth) {
    if (depth > 64) {
      return fail(err, "condition nested too deeply",
                  pos_ < toks_.size() ? toks_[pos_].offset : text_.size(), 1);
    }
    if (at_word("not")) {
      ++pos_;
      std::string inner;
      if (!parse_not(inner, err, depth + 1)) return false;
      out = "not " + inner;
      return true;
    }
    return parse_primary(out, err, depth);
  }
  bool parse_primary(std::string& out, ConditionError& err, int depth) {
    if (pos_ >= toks_.size()) {
      return fail(err, "the condition ends where a search identifier was expected", text_.size(),
                  1);
    }
    const Token t = toks_[pos_];
    if (t.text == "(") {
      ++pos_;
      std::string inner;
      if (!parse_or(inner, err, depth + 1)) return false;
      if (pos_ >= toks_.size() || toks_[pos_].text != ")") {
        return fail(err, "'(' is not closed", t.offset, 1);
      }
      ++pos_;
      out = "(" + inner + ")";
      return true;
    }
    if (t.text == ")" || t.text == "|" || at_word("and") || at_word("or")) {
      return fail(err, "expected a search identifier, found '" + t.text + "'", t.offset,
                  t.text.size());
    }
    const std::string q = ascii_lower(t.text);
    if ((q == "1" || q == "any" || q == "all") && pos_ + 1 < toks_.size() &&
        ascii_lower(toks_[pos_ + 1].text) == "of") {
      if (pos_ + 2 >= toks_.size()) {
        return fail(err, "'" + t.text + " of' needs an identifier pattern or 'them'",
                    toks_[pos_ + 1].offset, 2);
      }
      const Token pat = toks_[pos_ + 2];
      pos_ += 3;
      std::vector<std::string> parts;
      const bool them = ascii_lower(pat.text) == "them";
      for (size_t k = 0; k < names_.size(); ++k) {
        const bool hit = them ? (names_[k].empty() || names_[k][0] != '_')
                              : identifier_matches(pat.text, names_[k]);
        if (!hit) continue;
        used_[k] = true;
        parts.push_back(exprs_[k]);
      }
      if (parts.empty()) {
        return fail(err, "no search identifier matches '" + pat.text + "'", pat.offset,
                    pat.text.size());
      }
      out = join(parts, q == "all" ? " and " : " or ");
      return true;
    }
    if (t.text.find('*') != std::string::npos) {
      return fail(err,
                  "a pattern needs a quantifier: '1 of " + t.text + "' or 'all of " + t.text + "'",
                  t.offset, t.text.size());
    }
    const auto it = std::find(names_.begin(), names_.end(), t.text);
    if (it == names_.end()) {
      std::string known;
      for (const auto& n : names_) known += (known.empty() ? "" : ", ") + n;
      return fail(err, "unknown search identifier '" + t.text + "' (defined: " + known + ")",
                  t.offset, t.text.size());
    }
    ++pos_;
    used_[static_cast<size_t>(it - names_.begin())] = true;
    out = exprs_[static_cast<size_t>(it - names_.begin())];
    return true;
  }

  static std::string join(const std::vector<std::string>& parts, const char* op) {
    if (parts.size() == 1) return parts[0];
    std::string out = "(";
    for (size_t k = 0; k < parts.size(); ++k) out += (k ? op : "") + parts[k];
    return out + ")";
  }

  const std::string& text_;
  const std::vector<std::string>& names_;
  const std::vector<std::string>& exprs_;
  std::vector<bool>& used_;
  std::vector<Token> toks_;
  size_t pos_ = 0;
};

}  // namespace

bool identifier_matches(const std::string& p, const std::string& n) {
  // Iterative glob with backtracking on the last '*'.
  size_t pi = 0, ni = 0, star = std::string::npos, mark = 0;
  while (ni < n.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == n[ni])) {
      ++pi;
      ++ni;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ni;
    } else if (star != std::string::npos) {
      pi = star + 1;
      ni = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

bool translate_condition(const std::string& condition, const std::vector<std::string>& names,
                         const std::vector<std::string>& exprs, std::string& out,
                         std::vector<bool>& used, ConditionError& error) {
  used.assign(names.size(), false);
  Parser p(condition, names, exprs, used);
  return p.parse(out, error);
}

}  // namespace wsn::sigma
