// Recursive-descent EQL parser (grammar and precedence in docs/eql-grammar.md).
//
// Error handling is panic-mode: the first error inside a construct is reported, later ones are
// suppressed until the parser reaches a resume point (the next operand of and/or, the next
// list element, sequence step or pipe), so one mistake gives one diagnostic while independent
// mistakes are all reported. The parser never backtracks, so it is linear in the input; every
// recursive construct is counted against ParseOptions::max_depth and exceeding it stops the
// parse with a single EQL1010.
#include <algorithm>
#include <charconv>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eql/parse.h"
#include "eql/parse/codes.h"
#include "eql/parse/lexer.h"

namespace wsn::eql {
namespace {

// Token classes that stop error-recovery skipping (at bracket level 0). '|' and end of input
// always stop, and so does a closer that belongs to an enclosing group.
enum Stop : uint32_t {
  kStopAnd = 1u << 0,
  kStopOr = 1u << 1,
  kStopComma = 1u << 2,
  kStopRParen = 1u << 3,
  kStopRBracket = 1u << 4,
  kStopStep = 1u << 5,  // '[' or '!' (start of a sequence step)
  kStopBy = 1u << 6,
  kStopWith = 1u << 7,
  kStopUntil = 1u << 8,
};

enum class StepKind : uint8_t { kSequence, kJoin, kUntil, kSample };

constexpr std::string_view kPipeNames[] = {"head",         "tail",   "count", "unique",
                                           "unique_count", "filter", "sort"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

class Parser {
 public:
  Parser(const SourceText& src, AstArena& arena, Diagnostics& diags, const ParseOptions& options)
      : text_(src.text()), arena_(arena), diags_(diags), options_(options) {
    errors_before_ = diags_.error_count();
    if (text_.size() >= std::numeric_limits<uint32_t>::max()) {
      diags_.error(code::kInvalidCharacter, "query text is too large", {0, 0});
      toks_.push_back(Token{});
      return;
    }
    toks_ = lex(text_, diags_);
  }

  bool failed() const { return diags_.error_count() > errors_before_; }

  void parse_query(Query& q) {
    const uint32_t begin = cur().range.begin;
    if (at(Tok::kEof)) {
      report(code::kEmptyQuery, "empty query: expected an event query, 'sequence' or 'join'",
             cur().range);
      return;
    }
    if (at_kw(Kw::kSequence)) {
      q.kind = QueryKind::kSequence;
      parse_sequence(q.sequence);
    } else if (at_kw(Kw::kJoin)) {
      q.kind = QueryKind::kJoin;
      parse_join(q.join);
    } else if (at_kw(Kw::kSample)) {
      q.kind = QueryKind::kSample;
      parse_sample(q.sample);
    } else {
      q.kind = QueryKind::kEvent;
      q.event = parse_event_query();
    }
    // Steps and pipes consume everything up to the next '|' themselves, so only an event
    // query's condition can leave tokens behind.
    while (true) {
      parse_pipes(q.pipes);
      if (at(Tok::kEof)) break;
      unexpected(cur(), "after the condition (expected 'and', 'or', '|' or the end of the query)");
      skip_to_pipe();
    }
    q.range = {begin, last_end_};
  }

  Expr* parse_standalone_expression() {
    if (at(Tok::kEof)) {
      report(code::kExpectedExpression, "expected an expression", cur().range);
      return nullptr;
    }
    Expr* e = parse_expr();
    if (!at(Tok::kEof)) {
      unexpected(cur(), "after the expression (expected 'and', 'or' or the end of the input)");
    }
    return failed() ? nullptr : e;
  }

 private:
  // ---- tokens -------------------------------------------------------------------------------

  const Token& cur() const { return toks_[pos_]; }
  const Token& peek(size_t n) const { return toks_[std::min(pos_ + n, toks_.size() - 1)]; }
  bool at(Tok k) const { return cur().kind == k; }
  bool at_kw(Kw k) const { return cur().kind == Tok::kIdent && cur().kw == k; }
  bool at_word(std::string_view w) const {
    return cur().kind == Tok::kIdent && cur().kw == Kw::kNone && text(cur()) == w;
  }
  void advance() {
    last_end_ = cur().range.end;
    if (pos_ + 1 < toks_.size()) ++pos_;
  }
  std::string_view text(const Token& t) const {
    return std::string_view(text_).substr(t.range.begin, t.range.end - t.range.begin);
  }
  // A name that can start a field or function: identifier that is no keyword.
  static bool is_name(const Token& t) { return t.kind == Tok::kIdent && t.kw == Kw::kNone; }

  std::string describe(const Token& t) const {
    switch (t.kind) {
      case Tok::kEof:
        return "end of input";
      case Tok::kString:
        return "string literal";
      case Tok::kError:
        return "invalid input";
      default:
        break;
    }
    std::string_view s = text(t);
    std::string out = "'";
    if (s.size() > 32) {
      size_t cut = 29;  // never split a UTF-8 sequence (escaped names may hold any text)
      while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
      out += s.substr(0, cut);
      out += "...";
    } else {
      out += s;
    }
    out += '\'';
    return out;
  }

  Expr* make(ExprKind kind, uint32_t begin) { return arena_.expr(kind, {begin, last_end_}); }

  // ---- diagnostics --------------------------------------------------------------------------

  void report(const char* code, std::string msg, SourceRange range,
              std::vector<std::pair<std::string, SourceRange>> notes = {}) {
    if (fatal_ || panic_) return;
    panic_ = true;
    diags_.add(Diagnostic{DiagSeverity::kError, code, std::move(msg), range, std::move(notes)});
  }
  // Reports at a token, unless the lexer already complained about it.
  void report_at(const Token& t, const char* code, std::string msg,
                 std::vector<std::pair<std::string, SourceRange>> notes = {}) {
    if (t.kind == Tok::kError) {
      panic_ = true;
      return;
    }
    SourceRange range = t.range;
    if (t.kind == Tok::kEof && toks_.size() > 1) {
      // Point just after the last token, on its line, rather than past trailing blank lines.
      const uint32_t end = toks_[toks_.size() - 2].range.end;
      range = {end, end};
    }
    report(code, std::move(msg), range, std::move(notes));
  }

  // Upper-case keyword written where a keyword fits: a precise hint instead of a generic error.
  bool report_uppercase_keyword(const Token& t) {
    if (!is_name(t) || t.tilde) return false;
    const std::string low = lower(text(t));
    if (low == text(t) || keyword_of(low) == Kw::kNone) return false;
    report_at(
        t, code::kKeywordMisuse,
        "keyword '" + std::string(text(t)) + "' must be written in lower case ('" + low + "')");
    return true;
  }

  void unexpected(const Token& t, const char* where) {
    if (report_uppercase_keyword(t)) return;
    report_at(t, code::kTrailingInput, "unexpected " + describe(t) + " " + where);
  }

  std::string after_previous() const {
    if (pos_ == 0) return "";
    return " after " + describe(toks_[pos_ - 1]);
  }

  void too_deep(const Token& t) {
    if (!fatal_) {
      diags_.add(Diagnostic{DiagSeverity::kError,
                            code::kTooDeep,
                            "query is nested too deeply (more than " +
                                std::to_string(options_.max_depth) +
                                " levels of brackets, operators or calls)",
                            t.range,
                            {}});
    }
    fatal_ = true;
    panic_ = true;
    pos_ = toks_.size() - 1;
  }

  struct DepthGuard {
    DepthGuard(Parser& p, const Token& t) : p_(p) {
      ok = ++p_.depth_ <= p_.options_.max_depth;
      if (!ok) p_.too_deep(t);
    }
    ~DepthGuard() { --p_.depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    bool ok;

   private:
    Parser& p_;
  };

  // ---- recovery -----------------------------------------------------------------------------

  uint32_t stop_class(const Token& t) const {
    switch (t.kind) {
      case Tok::kComma:
        return kStopComma;
      case Tok::kRParen:
        return kStopRParen;
      case Tok::kRBracket:
        return kStopRBracket;
      case Tok::kLBracket:
      case Tok::kBang:
        return kStopStep;
      case Tok::kIdent:
        switch (t.kw) {
          case Kw::kAnd:
            return kStopAnd;
          case Kw::kOr:
            return kStopOr;
          case Kw::kBy:
            return kStopBy;
          case Kw::kWith:
            return kStopWith;
          case Kw::kUntil:
            return kStopUntil;
          default:
            return 0;
        }
      default:
        return 0;
    }
  }

  // Skips balanced tokens until a token of `stops` (or of the context's extra stops) at bracket
  // level 0, a closer of an enclosing group, '|' or the end of input. Never consumes the stop.
  void skip_until(uint32_t stops) {
    stops |= extra_stops_;
    int level = 0;
    while (!at(Tok::kEof) && !at(Tok::kPipe)) {
      const Token& t = cur();
      if (level == 0 && (stop_class(t) & stops) != 0) return;
      if (t.kind == Tok::kLParen || t.kind == Tok::kLBracket) {
        ++level;
      } else if (t.kind == Tok::kRParen || t.kind == Tok::kRBracket) {
        if (level == 0) return;
        --level;
      }
      advance();
    }
  }

  void skip_to_pipe() {
    while (!at(Tok::kEof) && !at(Tok::kPipe)) advance();
  }

  // ---- event queries ------------------------------------------------------------------------

  static bool can_start_expr(const Token& t) {
    switch (t.kind) {
      case Tok::kIdent:
        return t.kw == Kw::kNone || t.kw == Kw::kNot || t.kw == Kw::kTrue || t.kw == Kw::kFalse ||
               t.kw == Kw::kNull;
      case Tok::kEscapedIdent:
      case Tok::kQuestion:
      case Tok::kString:
      case Tok::kInt:
      case Tok::kFloat:
      case Tok::kLParen:
      case Tok::kMinus:
      case Tok::kPlus:
        return true;
      default:
        return false;
    }
  }

  // category 'where' condition
  EventQuery* parse_event_query() {
    EventQuery* eq = arena_.event_query();
    const Token& cat = cur();
    const uint32_t begin = cat.range.begin;
    bool ok = true;
    std::string shown;  // the category as quoted in messages
    if (is_name(cat) && !cat.tilde) {
      eq->category = std::string(text(cat));
      shown = "event category '" + eq->category + "'";
      if (eq->category == "any") shown = "'any'";
      eq->category_range = cat.range;
      advance();
    } else if (cat.kind == Tok::kString) {
      eq->category = cat.value;
      shown = "event category " + std::string(text(cat));
      eq->category_range = cat.range;
      advance();
    } else {
      ok = false;
      if (at_kw(Kw::kWhere)) {
        report_at(cat, code::kExpectedCategory,
                  "expected an event category before 'where' (use 'any' to match every event)");
      } else {
        report_at(cat, code::kExpectedCategory,
                  "expected an event category (such as 'process' or 'any')" + after_previous());
      }
    }

    if (at_kw(Kw::kWhere)) {
      advance();
      if (!ok) panic_ = false;  // the condition is still worth checking
    } else if (ok) {
      const Token& t = cur();
      if (report_uppercase_keyword(t)) {
        advance();
        panic_ = false;
      } else if (is_name(t) && can_start_expr(peek(1))) {
        // A misspelled 'where' ("process whre x == 1"): report, then check the condition too.
        report_at(t, code::kExpectedWhere, "expected 'where' after " + shown);
        advance();
        panic_ = false;
      } else {
        report_at(t, code::kExpectedWhere, "expected 'where' after " + shown);
        if (!can_start_expr(t)) return nullptr;
        panic_ = false;  // "process x == 1": the condition itself is there
      }
      ok = false;
    } else {
      return nullptr;
    }
    eq->where = parse_expr();
    eq->range = {begin, last_end_};
    return ok && eq->where != nullptr ? eq : nullptr;
  }

  // '[' event_query ']'; the caller is at '['.
  EventQuery* parse_subquery() {
    const Token& open = cur();
    DepthGuard guard(*this, open);
    if (!guard.ok) return nullptr;
    advance();
    const uint32_t saved_stops = extra_stops_;
    extra_stops_ = 0;
    EventQuery* eq = parse_event_query();
    if (eq == nullptr) skip_until(kStopRBracket);
    if (at(Tok::kRBracket)) {
      advance();
    } else {
      report_at(cur(), code::kUnclosedGroup, "expected ']' to close the subquery",
                {{"subquery opened here", open.range}});
      eq = nullptr;
      skip_until(kStopRBracket);
      if (at(Tok::kRBracket)) advance();
    }
    extra_stops_ = saved_stops;
    return eq;
  }

  // ---- expressions --------------------------------------------------------------------------

  Expr* parse_expr() { return parse_or(); }

  // `a op b op c` for the n-ary boolean operators: one flat node (no deep trees to recurse on).
  Expr* parse_chain(Kw op, ExprKind kind, Expr* (Parser::*operand)()) {
    const uint32_t begin = cur().range.begin;
    Expr* first = (this->*operand)();
    if (!at_kw(op)) return first;
    std::vector<Expr*> ops{first};
    bool bad = first == nullptr;
    while (at_kw(op)) {
      advance();
      Expr* e = (this->*operand)();
      bad = bad || e == nullptr;
      ops.push_back(e);
    }
    if (bad) return nullptr;
    Expr* r = make(kind, begin);
    r->args = std::move(ops);
    return r;
  }

  Expr* parse_or() { return parse_chain(Kw::kOr, ExprKind::kOr, &Parser::parse_and); }

  // The operands of and/or are the resume points of expression-level recovery.
  Expr* parse_bool_operand() {
    Expr* e = parse_not();
    if (e == nullptr) {
      skip_until(kStopAnd | kStopOr | kStopComma | kStopRParen | kStopRBracket);
      if (at_kw(Kw::kAnd) || at_kw(Kw::kOr)) panic_ = false;
    }
    return e;
  }

  Expr* parse_and() { return parse_chain(Kw::kAnd, ExprKind::kAnd, &Parser::parse_bool_operand); }

  Expr* parse_not() {
    if (!at_kw(Kw::kNot)) return parse_predicate();
    const uint32_t begin = cur().range.begin;
    DepthGuard guard(*this, cur());
    if (!guard.ok) return nullptr;
    advance();
    Expr* operand = parse_not();
    if (operand == nullptr) return nullptr;
    Expr* r = make(ExprKind::kNot, begin);
    r->lhs = operand;
    return r;
  }

  static bool compare_op(Tok k, CompareOp& op) {
    switch (k) {
      case Tok::kEqEq:
      case Tok::kAssign:
        op = CompareOp::kEq;
        return true;
      case Tok::kNe:
        op = CompareOp::kNe;
        return true;
      case Tok::kLt:
        op = CompareOp::kLt;
        return true;
      case Tok::kLe:
        op = CompareOp::kLe;
        return true;
      case Tok::kGt:
        op = CompareOp::kGt;
        return true;
      case Tok::kGe:
        op = CompareOp::kGe;
        return true;
      default:
        return false;
    }
  }

  bool at_predicate_op() const {
    CompareOp op;
    if (compare_op(cur().kind, op) || at(Tok::kColon)) return true;
    if (cur().kind != Tok::kIdent) return false;
    switch (cur().kw) {
      case Kw::kIn:
      case Kw::kInCi:
      case Kw::kLike:
      case Kw::kLikeCi:
      case Kw::kRegex:
      case Kw::kRegexCi:
        return true;
      case Kw::kNot:
        return peek(1).kw == Kw::kIn || peek(1).kw == Kw::kInCi;
      default:
        return false;
    }
  }

  // sum [ (cmp sum) | [not] in (list) | (: like like~ regex regex~) patterns ]
  Expr* parse_predicate() {
    const uint32_t begin = cur().range.begin;
    Expr* lhs = parse_additive();
    if (lhs == nullptr) return nullptr;
    Expr* result = lhs;
    CompareOp op;
    if (compare_op(cur().kind, op)) {
      advance();
      Expr* rhs = parse_additive();
      if (rhs == nullptr) return nullptr;
      result = make(ExprKind::kCompare, begin);
      result->cmp = op;
      result->lhs = lhs;
      result->rhs = rhs;
    } else if (at_kw(Kw::kIn) || at_kw(Kw::kInCi)) {
      result = parse_in(lhs, begin, /*negated=*/false);
    } else if (at_kw(Kw::kNot)) {
      if (peek(1).kw != Kw::kIn && peek(1).kw != Kw::kInCi) {
        report_at(cur(), code::kUnexpectedToken,
                  "'not' after a value must be followed by 'in' or 'in~' (to negate a "
                  "condition, write 'not' before it)");
        return nullptr;
      }
      advance();
      result = parse_in(lhs, begin, /*negated=*/true);
    } else if (at(Tok::kColon) || at_kw(Kw::kLike) || at_kw(Kw::kLikeCi) || at_kw(Kw::kRegex) ||
               at_kw(Kw::kRegexCi)) {
      result = parse_match(lhs, begin);
    } else {
      return lhs;
    }
    if (result == nullptr) return nullptr;
    if (at_predicate_op()) {
      report_at(cur(), code::kChainedComparison,
                "comparisons cannot be chained; combine them with 'and' (or add parentheses)");
      return nullptr;
    }
    return result;
  }

  Expr* parse_in(Expr* lhs, uint32_t begin, bool negated) {
    const Token& op = cur();
    const bool ci = op.kw == Kw::kInCi;
    const std::string op_text(text(op));
    advance();
    if (!at(Tok::kLParen)) {
      report_at(cur(), code::kUnexpectedToken,
                "expected '(' after '" + op_text + "' (a parenthesised list of values)");
      return nullptr;
    }
    const Token& open = cur();
    std::vector<Expr*> items;
    if (!parse_list(items, "'" + op_text + "' list")) return nullptr;
    if (items.empty()) {
      report(code::kUnexpectedToken, "the '" + op_text + "' list needs at least one value",
             {open.range.begin, last_end_});
      return nullptr;
    }
    Expr* r = make(ExprKind::kIn, begin);
    r->lhs = lhs;
    r->args = std::move(items);
    r->negated = negated;
    r->case_insensitive = ci;
    return r;
  }

  // value (: | like | like~ | regex | regex~) (literal | '(' literal, ... ')')
  Expr* parse_match(Expr* lhs, uint32_t begin) {
    const Token& op = cur();
    MatchOp kind = MatchOp::kColon;
    bool ci = true;
    if (op.kind == Tok::kIdent) {
      kind = (op.kw == Kw::kLike || op.kw == Kw::kLikeCi) ? MatchOp::kLike : MatchOp::kRegex;
      ci = op.kw == Kw::kLikeCi || op.kw == Kw::kRegexCi;
    }
    const std::string op_text(text(op));
    advance();
    std::vector<Expr*> patterns;
    if (at(Tok::kLParen)) {
      const Token& open = cur();
      if (!parse_list(patterns, "pattern list")) return nullptr;
      if (patterns.empty()) {
        report(code::kUnexpectedToken,
               "the pattern list after '" + op_text + "' needs at least one value",
               {open.range.begin, last_end_});
        return nullptr;
      }
    } else {
      Expr* p = parse_unary();
      if (p == nullptr) return nullptr;
      patterns.push_back(p);
    }
    for (Expr* p : patterns) {
      if (!p->is_literal()) {
        report(code::kPatternNotLiteral,
               "the right side of '" + op_text +
                   "' must be a literal (or a parenthesised list of literals)",
               p->range);
        return nullptr;
      }
    }
    Expr* r = make(ExprKind::kStringMatch, begin);
    r->match = kind;
    r->case_insensitive = ci;
    r->lhs = lhs;
    r->args = std::move(patterns);
    return r;
  }

  // The arithmetic operator at the cursor on the additive (+ -) or multiplicative (* / %)
  // level, if any.
  std::optional<ArithOp> arith_op_at(bool multiplicative) const {
    if (multiplicative) {
      if (at(Tok::kStar)) return ArithOp::kMul;
      if (at(Tok::kSlash)) return ArithOp::kDiv;
      if (at(Tok::kPercent)) return ArithOp::kMod;
    } else {
      if (at(Tok::kPlus)) return ArithOp::kAdd;
      if (at(Tok::kMinus)) return ArithOp::kSub;
    }
    return std::nullopt;
  }

  // Left-associative arithmetic, one precedence level. A long chain builds a deep tree, so its
  // length counts against the depth limit like nesting does.
  Expr* parse_arith_level(bool multiplicative) {
    auto operand = [&] { return multiplicative ? parse_unary() : parse_multiplicative(); };
    const uint32_t begin = cur().range.begin;
    Expr* lhs = operand();
    uint32_t chain = 0;
    std::optional<ArithOp> op;
    while (lhs != nullptr && (op = arith_op_at(multiplicative))) {
      if (depth_ + ++chain > options_.max_depth) {
        too_deep(cur());
        return nullptr;
      }
      advance();
      Expr* rhs = operand();
      if (rhs == nullptr) return nullptr;
      Expr* e = make(ExprKind::kArithmetic, begin);
      e->arith = *op;
      e->lhs = lhs;
      e->rhs = rhs;
      lhs = e;
    }
    return lhs;
  }

  Expr* parse_additive() { return parse_arith_level(false); }
  Expr* parse_multiplicative() { return parse_arith_level(true); }

  // ('-' | '+')* postfix. A minus directly before a number folds into the literal, so that
  // -9223372036854775808 is representable.
  Expr* parse_unary() {
    if (!at(Tok::kMinus) && !at(Tok::kPlus)) return parse_postfix(parse_primary());
    const Token& op = cur();
    const uint32_t begin = op.range.begin;
    const bool minus = op.kind == Tok::kMinus;
    DepthGuard guard(*this, op);
    if (!guard.ok) return nullptr;
    advance();
    if (minus && (at(Tok::kInt) || at(Tok::kFloat))) {
      return parse_postfix(parse_number(begin, /*negative=*/true));
    }
    Expr* operand = parse_unary();
    if (operand == nullptr) return nullptr;
    if (!minus) {
      operand->range.begin = begin;
      return operand;
    }
    Expr* r = make(ExprKind::kNegate, begin);
    r->lhs = operand;
    return r;
  }

  // Endgame method syntax `value:fn(args)` == `fn(value, args)`. As in the Endgame grammar the
  // name and '(' must follow ':' directly; `x : y` is the case-insensitive match operator.
  bool at_method() const {
    return at(Tok::kColon) && is_name(peek(1)) && !peek(1).space_before &&
           peek(2).kind == Tok::kLParen && !peek(2).space_before;
  }

  Expr* parse_postfix(Expr* e) {
    uint32_t chain = 0;
    while (e != nullptr && at_method()) {
      if (depth_ + ++chain > options_.max_depth) {
        too_deep(cur());
        return nullptr;
      }
      advance();  // ':'
      Expr* call = parse_call(e->range.begin);
      if (call == nullptr) return nullptr;
      call->args.insert(call->args.begin(), e);
      e = call;
    }
    return e;
  }

  Expr* parse_number(uint32_t begin, bool negative) {
    const Token& t = cur();
    const std::string_view digits = text(t);
    Expr* e = nullptr;
    if (t.kind == Tok::kInt) {
      uint64_t v = 0;
      const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
      const uint64_t limit =
          static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + (negative ? 1 : 0);
      if (ec != std::errc() || ptr != digits.data() + digits.size() || v > limit) {
        report_at(t, code::kInvalidNumber,
                  "integer literal is out of range (the limit is " +
                      std::string(negative ? "-9223372036854775808" : "9223372036854775807") + ")");
        advance();
        return nullptr;
      }
      advance();
      e = make(ExprKind::kInt, begin);
      e->i = negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
    } else {
      double v = 0;
      const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
      if (ec != std::errc() || ptr != digits.data() + digits.size()) {
        report_at(t, code::kInvalidNumber, "floating-point literal is out of range");
        advance();
        return nullptr;
      }
      advance();
      e = make(ExprKind::kFloat, begin);
      e->f = negative ? -v : v;
    }
    return e;
  }

  Expr* parse_primary() {
    const Token& t = cur();
    const uint32_t begin = t.range.begin;
    switch (t.kind) {
      case Tok::kInt:
      case Tok::kFloat:
        return parse_number(begin, /*negative=*/false);
      case Tok::kString: {
        advance();
        Expr* e = make(ExprKind::kString, begin);
        e->s = t.value;
        return e;
      }
      case Tok::kEscapedIdent:
        return parse_field(begin, /*optional=*/false);
      case Tok::kQuestion: {
        advance();
        if (!(is_name(cur()) && !cur().tilde) && !at(Tok::kEscapedIdent)) {
          report_at(cur(), code::kUnexpectedToken, "expected a field name after '?'");
          return nullptr;
        }
        return parse_field(begin, /*optional=*/true);
      }
      case Tok::kLParen: {
        DepthGuard guard(*this, t);
        if (!guard.ok) return nullptr;
        advance();
        Expr* e = parse_expr();
        if (e == nullptr) {
          skip_until(kStopRParen);
          if (at(Tok::kRParen)) advance();
          return nullptr;
        }
        if (at(Tok::kRParen)) {
          advance();
          return e;
        }
        report_at(cur(), code::kUnclosedGroup, "expected ')' to close the parenthesis",
                  {{"'(' opened here", t.range}});
        skip_until(kStopRParen);
        if (at(Tok::kRParen)) advance();
        return nullptr;
      }
      case Tok::kIdent:
        break;
      case Tok::kBang:
        report_at(t, code::kUnexpectedToken, "unexpected '!' (use 'not' to negate a condition)");
        return nullptr;
      default:
        report_at(t, code::kExpectedExpression, "expected an expression" + after_previous());
        return nullptr;
    }

    switch (t.kw) {
      case Kw::kTrue:
      case Kw::kFalse: {
        advance();
        Expr* e = make(ExprKind::kBool, begin);
        e->b = t.kw == Kw::kTrue;
        return e;
      }
      case Kw::kNull:
        advance();
        return make(ExprKind::kNull, begin);
      case Kw::kNone:
        break;
      default: {
        // Structural keywords look like names; operators (and, in, like...) do not.
        const bool name_like = t.kw == Kw::kBy || t.kw == Kw::kWhere || t.kw == Kw::kWith ||
                               t.kw == Kw::kUntil || t.kw == Kw::kSequence || t.kw == Kw::kJoin ||
                               t.kw == Kw::kSample || t.kw == Kw::kOf;
        const Tok next = peek(1).kind;
        CompareOp unused;
        if (name_like && (next == Tok::kDot || next == Tok::kLParen || compare_op(next, unused))) {
          report_at(t, code::kKeywordMisuse,
                    "'" + std::string(text(t)) +
                        "' is a keyword; write it in backticks to use it as a name (`" +
                        std::string(text(t)) + "`)");
        } else {
          report_at(t, code::kExpectedExpression, "expected an expression" + after_previous());
        }
        return nullptr;
      }
    }

    if (peek(1).kind == Tok::kLParen) return parse_call(begin);
    if (t.tilde) {
      report_at(t, code::kMisplacedTilde,
                "'~' after a name is only allowed on a function call (as in 'endsWith~(...)')");
      return nullptr;
    }
    if (peek(1).kind == Tok::kIdent && peek(1).kw == Kw::kOf) return parse_lineage(begin);
    return parse_field(begin, /*optional=*/false);
  }

  // name ('.' name | '[' int ']')*, the first name at the current token.
  Expr* parse_field(uint32_t begin, bool optional) {
    std::vector<PathElem> path;
    auto push_name = [&](const Token& t) {
      PathElem el;
      el.name = t.kind == Tok::kEscapedIdent ? t.value : std::string(text(t));
      el.range = t.range;
      path.push_back(std::move(el));
    };
    push_name(cur());
    advance();
    while (true) {
      if (at(Tok::kDot)) {
        advance();
        // Keywords are fine after a dot (ECS has event.sequence).
        if ((cur().kind == Tok::kIdent && !cur().tilde) || at(Tok::kEscapedIdent)) {
          push_name(cur());
          advance();
          continue;
        }
        report_at(cur(), code::kUnexpectedToken, "expected a field name after '.'");
        return nullptr;
      }
      if (at(Tok::kLBracket) && peek(1).kind == Tok::kInt && peek(2).kind == Tok::kRBracket) {
        const Token& open = cur();
        advance();
        const std::string_view digits = text(cur());
        int64_t v = 0;
        const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
        if (ec != std::errc() || ptr != digits.data() + digits.size()) {
          report_at(cur(), code::kInvalidNumber, "array index is out of range");
          return nullptr;
        }
        advance();
        advance();
        PathElem el;
        el.index = v;
        el.range = {open.range.begin, last_end_};
        path.push_back(std::move(el));
        continue;
      }
      break;
    }
    Expr* e = make(ExprKind::kField, begin);
    e->path = std::move(path);
    e->optional = optional;
    return e;
  }

  // name['~'] '(' args ')', the name at the current token.
  Expr* parse_call(uint32_t begin) {
    const Token& name = cur();
    std::string_view base = text(name);
    if (name.tilde) base.remove_suffix(1);
    if (keyword_of(base) != Kw::kNone) {
      report_at(name, code::kKeywordMisuse,
                "'" + std::string(base) + "' is a keyword and cannot name a function");
      return nullptr;
    }
    advance();
    std::vector<Expr*> args;
    if (!parse_list(args, "argument list of '" + std::string(base) + "'")) return nullptr;
    Expr* e = make(ExprKind::kCall, begin);
    e->s = std::string(base);
    e->case_insensitive = name.tilde;
    e->args = std::move(args);
    return e;
  }

  // '(' [expr (',' expr)* [',']] ')'; the caller is at '('. Each element is a resume point.
  bool parse_list(std::vector<Expr*>& items, const std::string& what) {
    const Token& open = cur();
    DepthGuard guard(*this, open);
    if (!guard.ok) return false;
    advance();
    bool bad = false;
    if (at(Tok::kRParen)) {
      advance();
      return true;
    }
    while (true) {
      Expr* e = parse_expr();
      if (e == nullptr) {
        bad = true;
        skip_until(kStopComma | kStopRParen);
      } else {
        items.push_back(e);
      }
      if (at(Tok::kComma)) {
        advance();
        panic_ = false;
        if (at(Tok::kRParen)) {  // trailing comma (Endgame allows it)
          advance();
          break;
        }
        continue;
      }
      if (at(Tok::kRParen)) {
        advance();
        break;
      }
      report_at(cur(), code::kUnclosedGroup, "expected ',' or ')' to close the " + what,
                {{what + " opened here", open.range}});
      skip_until(kStopRParen);
      if (at(Tok::kRParen)) advance();
      return false;
    }
    return !bad;
  }

  // (child | descendant | event) 'of' '[' event_query ']'
  Expr* parse_lineage(uint32_t begin) {
    const Token& name = cur();
    const std::string_view n = text(name);
    LineageKind kind = LineageKind::kChildOf;
    bool ok = true;
    if (n == "child") {
      kind = LineageKind::kChildOf;
    } else if (n == "descendant") {
      kind = LineageKind::kDescendantOf;
    } else if (n == "event") {
      kind = LineageKind::kEventOf;
    } else {
      ok = false;
      report_at(name, code::kUnknownRelationship,
                "unknown relationship '" + std::string(n) +
                    "' (expected 'child', 'descendant' or 'event' before 'of')");
    }
    advance();  // name
    advance();  // 'of'
    if (!at(Tok::kLBracket)) {
      report_at(cur(), code::kUnexpectedToken,
                "expected '[' after '" + std::string(n) + " of' (a subquery in brackets)");
      return nullptr;
    }
    EventQuery* sub = parse_subquery();
    if (!ok || sub == nullptr) return nullptr;
    Expr* e = make(ExprKind::kLineage, begin);
    e->lineage = kind;
    e->subquery = sub;
    return e;
  }

  // ---- sequences and joins ------------------------------------------------------------------

  // 'by' expr (',' expr)*; the caller is at 'by'.
  bool parse_keys(std::vector<Expr*>& out) {
    advance();
    const uint32_t saved = extra_stops_;
    extra_stops_ |= kStopStep | kStopBy | kStopWith | kStopUntil;
    bool ok = true;
    while (true) {
      Expr* e = parse_expr();
      if (e == nullptr) {
        ok = false;
        skip_until(kStopComma);
      } else {
        out.push_back(e);
      }
      if (!at(Tok::kComma)) break;
      advance();
      panic_ = false;
    }
    extra_stops_ = saved;
    return ok;
  }

  // maxspan ('=' | '==') INT unit
  void parse_maxspan(Sequence& seq) {
    const Token& name = cur();
    advance();
    if (!at(Tok::kAssign) && !at(Tok::kEqEq)) {
      report_at(cur(), code::kUnexpectedToken, "expected '=' after 'maxspan'");
      return;
    }
    advance();
    const Token& num = cur();
    if (!at(Tok::kInt)) {
      if (at(Tok::kFloat)) {
        report_at(num, code::kInvalidMaxspan,
                  "maxspan must be a whole number (use a smaller unit, e.g. 1500ms for 1.5s)");
        advance();
        if (is_name(cur())) advance();
      } else {
        report_at(num, code::kInvalidMaxspan,
                  "expected a duration after 'maxspan=' (e.g. 30s, 500ms, 5m, 1h, 1d)");
      }
      return;
    }
    advance();
    const std::string_view digits = text(num);
    if (!is_name(cur())) {
      report(code::kInvalidMaxspan,
             "maxspan needs a time unit (did you mean '" + std::string(digits) + "s'?)", num.range);
      return;
    }
    const Token& unit = cur();
    advance();
    const std::string_view u = text(unit);
    int64_t scale = 0;
    if (u == "ms") scale = 1'000'000;
    if (u == "s") scale = 1'000'000'000;
    if (u == "m") scale = 60LL * 1'000'000'000;
    if (u == "h") scale = 3600LL * 1'000'000'000;
    if (u == "d") scale = 86400LL * 1'000'000'000;
    if (scale == 0) {
      report_at(
          unit, code::kUnknownTimeUnit,
          "unknown time unit '" + std::string(u) + "' in maxspan (expected ms, s, m, h or d)");
      return;
    }
    const SourceRange range{num.range.begin, unit.range.end};
    uint64_t v = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec != std::errc() || ptr != digits.data() + digits.size() ||
        v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max() / scale)) {
      report(code::kInvalidMaxspan, "maxspan is too large", range);
      return;
    }
    if (v == 0) {
      report(code::kInvalidMaxspan, "maxspan must be greater than zero", range);
      return;
    }
    if (seq.maxspan_ns.has_value()) {
      report(code::kInvalidParameter, "maxspan is given twice", {name.range.begin, last_end_});
      return;
    }
    seq.maxspan_ns = static_cast<int64_t>(v) * scale;
    seq.maxspan_range = range;
  }

  // 'runs' ('=' | '==') INT, after 'with' on a sequence step.
  void parse_runs(SequenceStep& step, bool& have_runs) {
    const Token& name = cur();
    advance();
    if (!at(Tok::kAssign) && !at(Tok::kEqEq)) {
      report_at(cur(), code::kUnexpectedToken, "expected '=' after 'runs'");
      return;
    }
    advance();
    const Token& num = cur();
    if (!at(Tok::kInt)) {
      report_at(num, code::kInvalidParameter, "expected a whole number after 'runs='");
      return;
    }
    advance();
    const std::string_view digits = text(num);
    int64_t v = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec != std::errc() || ptr != digits.data() + digits.size() || v < 1 || v > 100) {
      report_at(num, code::kInvalidParameter, "runs must be between 1 and 100");
      return;
    }
    if (have_runs) {
      report(code::kInvalidParameter, "runs is given twice for this step",
             {name.range.begin, last_end_});
      return;
    }
    have_runs = true;
    step.runs = v;
  }

  const char* step_noun(StepKind kind) const {
    return kind == StepKind::kJoin ? "join" : kind == StepKind::kSample ? "sample" : "sequence";
  }

  // ['!'] '[' event_query ']' { by keys | with runs=N | fork[=bool] }
  SequenceStep parse_step(StepKind kind) {
    SequenceStep step;
    const uint32_t begin = cur().range.begin;
    panic_ = false;  // each step is a resume point
    if (at(Tok::kBang)) {
      const Token& bang = cur();
      step.missing = true;
      advance();
      if (kind == StepKind::kJoin || kind == StepKind::kSample) {
        report_at(bang, code::kInvalidMissingStep,
                  "missing-event steps ('![...]') are only allowed in sequences");
      } else if (kind == StepKind::kUntil) {
        report_at(bang, code::kInvalidMissingStep,
                  "the 'until' step cannot be a missing-event step");
      }
      if (!at(Tok::kLBracket)) {
        report_at(cur(), code::kUnexpectedToken,
                  "expected '[' after '!' (a missing-event step is written '![query]')");
        skip_until(kStopStep | kStopUntil);
        step.range = {begin, last_end_};
        return step;
      }
    }
    if (!at(Tok::kLBracket)) {
      report_at(cur(), code::kUnexpectedToken, "expected '[' to start a step");
      step.range = {begin, last_end_};
      return step;
    }
    step.query = parse_subquery();
    bool have_by = false;
    bool have_runs = false;
    bool have_fork = false;
    while (true) {
      if (at_kw(Kw::kBy)) {
        if (have_by) {
          report_at(cur(), code::kInvalidParameter, "this step already has a 'by' clause");
        }
        have_by = true;
        parse_keys(step.by);
      } else if (at_kw(Kw::kWith)) {
        const Token& with = cur();
        advance();
        if (at_word("runs")) {
          if (kind != StepKind::kSequence) {
            report_at(with, code::kInvalidParameter,
                      kind == StepKind::kUntil
                          ? "'with runs' is not allowed on the 'until' step"
                          : std::string("'with runs' is only allowed on sequence steps, not in ") +
                                step_noun(kind) + "s");
          }
          parse_runs(step, have_runs);
        } else if (at_word("maxspan")) {
          report_at(cur(), code::kInvalidParameter,
                    kind == StepKind::kJoin
                        ? "joins have no maxspan (use a sequence)"
                        : "maxspan belongs to the whole sequence: write it right after "
                          "'sequence' ('sequence with maxspan=...')");
          skip_until(kStopStep | kStopBy | kStopUntil);
        } else {
          report_at(cur(), code::kInvalidParameter,
                    "unknown step parameter " + describe(cur()) + " (expected 'runs')");
          skip_until(kStopStep | kStopBy | kStopUntil);
        }
      } else if (at_word("as")) {
        // Elastic Endpoint step alias (endgameinc/eql eql.g `sequence_alias: "as" name`).
        const Token& as = cur();
        advance();
        if (!is_name(cur())) {
          report_at(cur(), code::kInvalidParameter,
                    "expected a name after 'as' (e.g. 'as event0')");
          break;
        }
        if (kind != StepKind::kSequence || step.missing) {
          report_at(as, code::kInvalidParameter,
                    "a step alias ('as name') names an event of a sequence: it is not allowed "
                    "on a missing-event step, the 'until' step, a join or a sample");
        } else if (!step.alias.empty()) {
          report_at(as, code::kInvalidParameter, "this step already has an alias");
        }
        step.alias = std::string(text(cur()));
        step.alias_range = cur().range;
        advance();
      } else if (at_word("fork")) {
        if (have_fork) report_at(cur(), code::kInvalidParameter, "fork is given twice");
        have_fork = true;
        advance();
        step.fork = true;
        if (at(Tok::kAssign) || at(Tok::kEqEq)) {
          advance();
          if (at_kw(Kw::kTrue) || at_kw(Kw::kFalse)) {
            step.fork = at_kw(Kw::kTrue);
            advance();
          } else {
            report_at(cur(), code::kInvalidParameter, "expected 'true' or 'false' after 'fork='");
          }
        }
      } else {
        break;
      }
    }
    step.range = {begin, last_end_};
    return step;
  }

  // Steps until something that cannot continue the list; stray tokens between steps are
  // reported and skipped so that later steps are still checked.
  void parse_steps(std::vector<SequenceStep>& steps, std::optional<SequenceStep>& until,
                   StepKind kind) {
    if (!at(Tok::kLBracket) && !at(Tok::kBang)) {
      report_at(cur(), code::kUnexpectedToken,
                std::string("expected '[' to start the first step of the ") + step_noun(kind));
      skip_until(kStopStep | kStopUntil);
    }
    while (true) {
      if (at(Tok::kLBracket) || at(Tok::kBang)) {
        if (until.has_value()) {
          // Still parsed (and checked), then dropped: 'until' must be the last step.
          report_at(cur(), code::kUnexpectedToken, "no step may follow the 'until' step");
          parse_step(kind);
          continue;
        }
        steps.push_back(parse_step(kind));
        continue;
      }
      if (at_kw(Kw::kUntil)) {
        if (until.has_value()) {
          report_at(cur(), code::kUnexpectedToken, "there can be only one 'until' step");
        }
        advance();
        until = parse_step(StepKind::kUntil);
        continue;
      }
      if (at(Tok::kPipe) || at(Tok::kEof)) return;
      if (report_uppercase_keyword(cur())) {
        // reported
      } else if (until.has_value()) {
        report_at(cur(), code::kUnexpectedToken,
                  "unexpected " + describe(cur()) +
                      " after the 'until' step (expected '|' or the end of the query)");
      } else {
        report_at(cur(), code::kUnexpectedToken,
                  "unexpected " + describe(cur()) +
                      " (expected the next step '[...]', 'until', '|' or the end of the query)");
      }
      const size_t before = pos_;
      skip_until(kStopStep | kStopUntil);
      if (pos_ == before) advance();
    }
  }

  void check_step_count(const std::vector<SequenceStep>& steps, SourceRange keyword, StepKind kind,
                        size_t errors_before) {
    // `[q] with runs=N` is N steps: counted after expansion, so `sequence [q] with runs=5` is
    // valid (ES docs "with runs statement"; endgameinc/eql parser.py expands runs first).
    int64_t count = 0;
    for (const SequenceStep& s : steps) count += s.runs;
    if (diags_.error_count() != errors_before || count >= 2) return;
    report(code::kTooFewSteps,
           std::string("a ") + step_noun(kind) + " needs at least two steps (it has " +
               std::to_string(count) + ")",
           keyword);
  }

  // sequence [by keys] [with maxspan=T] (in either order) steps [until step]
  void parse_sequence(Sequence& seq) {
    const Token& kw = cur();
    const size_t errors_before = diags_.error_count();
    advance();
    bool have_by = false;
    while (true) {
      if (at_kw(Kw::kBy)) {
        if (have_by) report_at(cur(), code::kInvalidParameter, "the sequence already has 'by'");
        have_by = true;
        parse_keys(seq.by);
      } else if (at_kw(Kw::kWith)) {
        advance();
        if (at_word("maxspan")) {
          parse_maxspan(seq);
        } else if (at_word("runs")) {
          report_at(cur(), code::kInvalidParameter,
                    "'with runs' belongs after a step ('[...] with runs=3'), not after "
                    "'sequence'");
          skip_until(kStopStep | kStopBy);
        } else {
          report_at(cur(), code::kInvalidParameter,
                    "unknown sequence parameter " + describe(cur()) + " (expected 'maxspan')");
          skip_until(kStopStep | kStopBy);
        }
      } else {
        break;
      }
    }
    parse_steps(seq.steps, seq.until, StepKind::kSequence);
    for (size_t k = 0; k < seq.steps.size(); ++k) {
      const SequenceStep& s = seq.steps[k];
      if (s.alias.empty()) continue;
      if (s.runs > 1) {
        report(code::kInvalidParameter,
               "an aliased step cannot repeat ('with runs'): the alias would name several events",
               s.alias_range);
      }
      for (size_t j = 0; j < k; ++j) {
        if (seq.steps[j].alias == s.alias) {
          report(code::kInvalidParameter, "alias '" + s.alias + "' names two steps", s.alias_range);
        }
      }
    }
    check_step_count(seq.steps, kw.range, StepKind::kSequence, errors_before);
    if (diags_.error_count() != errors_before) return;
    bool any_positive = false;
    const SequenceStep* first_missing = nullptr;
    for (const SequenceStep& s : seq.steps) {
      if (!s.missing) any_positive = true;
      if (s.missing && first_missing == nullptr) first_missing = &s;
    }
    if (first_missing == nullptr) return;
    if (!seq.maxspan_ns.has_value()) {
      report(code::kInvalidMissingStep,
             "a sequence with missing-event steps needs 'with maxspan=...'",
             {first_missing->range.begin, first_missing->range.begin + 1});
    } else if (!any_positive) {
      report(code::kInvalidMissingStep,
             "a sequence needs at least one step that is not a missing-event step", kw.range);
    }
  }

  // sample [by keys] filters: 2 to 5 filters, each `[query] [by keys]`; no maxspan, runs,
  // until or missing steps ([SYN] "Samples", [EQLDOC] "up to five filters").
  void parse_sample(Sample& sample) {
    const Token& kw = cur();
    const size_t errors_before = diags_.error_count();
    advance();
    if (at_kw(Kw::kBy)) parse_keys(sample.by);
    if (at_kw(Kw::kWith)) {
      report_at(cur(), code::kInvalidSample,
                "samples take no 'with' parameters (no maxspan: a sample has no time order)");
      skip_until(kStopStep);
    }
    std::optional<SequenceStep> until;
    parse_steps(sample.steps, until, StepKind::kSample);
    if (until.has_value()) {
      report(code::kInvalidSample, "a sample has no 'until' step", until->range);
    }
    check_step_count(sample.steps, kw.range, StepKind::kSample, errors_before);
    if (diags_.error_count() != errors_before) return;
    if (sample.steps.size() > 5) {
      report(
          code::kInvalidSample,
          "a sample has at most five filters (it has " + std::to_string(sample.steps.size()) + ")",
          sample.steps[5].range);
      return;
    }
    bool any_key = !sample.by.empty();
    for (const SequenceStep& s : sample.steps) any_key |= !s.by.empty();
    if (!any_key) {
      report(code::kInvalidSample,
             "a sample needs join keys ('sample by k …' or '[…] by k' on the filters)", kw.range);
    }
  }

  // join [by keys] steps [until step]
  void parse_join(Join& join) {
    const Token& kw = cur();
    const size_t errors_before = diags_.error_count();
    advance();
    if (at_kw(Kw::kBy)) parse_keys(join.by);
    if (at_kw(Kw::kWith)) {
      report_at(cur(), code::kInvalidParameter,
                "joins take no 'with' parameters (maxspan needs a sequence)");
      skip_until(kStopStep);
    }
    std::optional<SequenceStep> until;
    parse_steps(join.steps, until, StepKind::kJoin);
    join.until = std::move(until);
    check_step_count(join.steps, kw.range, StepKind::kJoin, errors_before);
  }

  // ---- pipes --------------------------------------------------------------------------------

  static bool can_start_atom(const Token& t) {
    switch (t.kind) {
      case Tok::kIdent:
        return (t.kw == Kw::kNone && !t.tilde) || t.kw == Kw::kTrue || t.kw == Kw::kFalse ||
               t.kw == Kw::kNull;
      case Tok::kEscapedIdent:
      case Tok::kQuestion:
      case Tok::kString:
      case Tok::kInt:
      case Tok::kFloat:
        return true;
      default:
        return false;
    }
  }

  // Arguments: expressions separated by ',' or (Endgame) plain fields/literals separated by
  // spaces: `| unique a b` == `| unique a, b`.
  bool parse_pipe_args(Pipe& p) {
    bool ok = true;
    bool spaced = false;
    while (true) {
      Expr* e = parse_expr();
      if (e == nullptr) {
        ok = false;
        skip_until(kStopComma);
      } else {
        p.args.push_back(e);
      }
      if (at(Tok::kComma)) {
        advance();
        panic_ = false;
        continue;
      }
      if (at(Tok::kPipe) || at(Tok::kEof)) break;
      if (e != nullptr && can_start_atom(cur())) {
        spaced = true;
        continue;
      }
      if (!report_uppercase_keyword(cur())) {
        report_at(cur(), code::kUnexpectedToken,
                  "unexpected " + describe(cur()) + " in the arguments of '" + p.name +
                      "' (separate arguments with ',')");
      }
      skip_to_pipe();
      return false;
    }
    if (ok && spaced) {
      for (const Expr* a : p.args) {
        if (a->kind != ExprKind::kField && !a->is_literal()) {
          report(code::kInvalidPipeArgs,
                 "arguments of '" + p.name +
                     "' separated by spaces must be plain fields or literals; separate "
                     "expressions with ','",
                 a->range);
          return false;
        }
      }
    }
    return ok;
  }

  void check_pipe_arity(const Pipe& p) {
    const SourceRange where = p.args.empty() ? p.range : p.args.front()->range;
    if (p.name == "head" || p.name == "tail") {
      if (p.args.size() > 1 ||
          (p.args.size() == 1 && (p.args[0]->kind != ExprKind::kInt || p.args[0]->i <= 0))) {
        report(code::kInvalidPipeArgs,
               "'" + p.name + "' takes one positive whole number (e.g. '| " + p.name + " 10')",
               where);
      }
    } else if (p.name == "filter") {
      if (p.args.size() != 1) {
        report(code::kInvalidPipeArgs, "'filter' takes exactly one condition", where);
      }
    } else if (p.name != "count" && p.args.empty()) {
      report(code::kInvalidPipeArgs, "'" + p.name + "' needs at least one field or expression",
             where);
    }
  }

  void parse_pipes(std::vector<Pipe>& pipes) {
    while (at(Tok::kPipe)) {
      const uint32_t begin = cur().range.begin;
      advance();
      panic_ = false;  // each pipe is a resume point
      if (!is_name(cur()) || cur().tilde) {
        report_at(cur(), code::kUnknownPipe,
                  "expected a pipe name after '|' (head, tail, count, unique, unique_count, "
                  "filter or sort)");
        skip_to_pipe();
        continue;
      }
      Pipe p;
      p.name = std::string(text(cur()));
      const Token& name = cur();
      advance();
      bool known = false;
      for (std::string_view n : kPipeNames) known = known || n == p.name;
      if (!known) {
        report_at(name, code::kUnknownPipe,
                  "unknown pipe '" + p.name +
                      "' (expected head, tail, count, unique, unique_count, filter or sort)");
        skip_to_pipe();
        continue;
      }
      bool ok = true;
      if (!at(Tok::kPipe) && !at(Tok::kEof)) ok = parse_pipe_args(p);
      p.range = {begin, last_end_};
      if (ok) check_pipe_arity(p);
      pipes.push_back(std::move(p));
    }
  }

  std::string_view text_;
  AstArena& arena_;
  Diagnostics& diags_;
  ParseOptions options_;
  std::vector<Token> toks_;
  size_t pos_ = 0;
  uint32_t last_end_ = 0;
  uint32_t depth_ = 0;
  uint32_t extra_stops_ = 0;  // context stops for recovery (e.g. '[' while parsing 'by' keys)
  size_t errors_before_ = 0;
  bool panic_ = false;  // an error was reported and no resume point reached since
  bool fatal_ = false;  // the depth limit stopped the parse; report nothing more
};

}  // namespace

std::optional<ParsedQuery> parse_query(const SourceText& src, Diagnostics& diags,
                                       const ParseOptions& options) {
  ParsedQuery out;
  out.arena = std::make_unique<AstArena>();
  Parser parser(src, *out.arena, diags, options);
  parser.parse_query(out.query);
  if (parser.failed()) return std::nullopt;
  return out;
}

Expr* parse_expression(const SourceText& src, AstArena& arena, Diagnostics& diags,
                       const ParseOptions& options) {
  Parser parser(src, arena, diags, options);
  return parser.parse_standalone_expression();
}

}  // namespace wsn::eql
