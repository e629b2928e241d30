#include "eql/parse/ast_dump.h"

#include <charconv>
#include <string_view>

namespace wsn::eql {
namespace {

void quote(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (b < 0x20 || b == 0x7F) {
      out += "\\x";
      out += kHex[b >> 4];
      out += kHex[b & 0xF];
    } else {
      out += c;
    }
  }
  out += '"';
}

bool plain_name(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '@';
    const bool digit = c >= '0' && c <= '9';
    if (!(alpha || (i > 0 && digit))) return false;
  }
  return true;
}

const char* compare_text(CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return "==";
    case CompareOp::kNe:
      return "!=";
    case CompareOp::kLt:
      return "<";
    case CompareOp::kLe:
      return "<=";
    case CompareOp::kGt:
      return ">";
    case CompareOp::kGe:
      return ">=";
  }
  return "?";
}

const char* arith_text(ArithOp op) {
  switch (op) {
    case ArithOp::kAdd:
      return "+";
    case ArithOp::kSub:
      return "-";
    case ArithOp::kMul:
      return "*";
    case ArithOp::kDiv:
      return "/";
    case ArithOp::kMod:
      return "%";
  }
  return "?";
}

void dump_expr(std::string& out, const Expr& e);

void dump_args(std::string& out, const std::vector<Expr*>& args) {
  for (const Expr* a : args) {
    out += ' ';
    dump_expr(out, *a);
  }
}

void dump_event(std::string& out, const EventQuery& q) {
  if (plain_name(q.category)) {
    out += q.category;
  } else {
    quote(out, q.category);
  }
  out += " where ";
  if (q.where != nullptr) dump_expr(out, *q.where);
}

void dump_expr(std::string& out, const Expr& e) {
  switch (e.kind) {
    case ExprKind::kNull:
      out += "null";
      return;
    case ExprKind::kBool:
      out += e.b ? "true" : "false";
      return;
    case ExprKind::kInt:
      out += std::to_string(e.i);
      return;
    case ExprKind::kFloat: {
      char buf[64];
      const auto res = std::to_chars(buf, buf + sizeof(buf), e.f);
      const std::string_view s(buf, static_cast<size_t>(res.ptr - buf));
      out += s;
      if (s.find_first_of(".eEn") == std::string_view::npos) out += ".0";
      return;
    }
    case ExprKind::kString:
      quote(out, e.s);
      return;
    case ExprKind::kField:
      if (e.optional) out += '?';
      for (size_t i = 0; i < e.path.size(); ++i) {
        const PathElem& p = e.path[i];
        if (p.name.empty()) {
          out += '[';
          out += std::to_string(p.index);
          out += ']';
          continue;
        }
        if (i > 0) out += '.';
        if (plain_name(p.name)) {
          out += p.name;
        } else {
          out += '`';
          for (char c : p.name) {
            out += c;
            if (c == '`') out += '`';
          }
          out += '`';
        }
      }
      return;
    case ExprKind::kNot:
      out += "(not ";
      dump_expr(out, *e.lhs);
      out += ')';
      return;
    case ExprKind::kNegate:
      out += "(neg ";
      dump_expr(out, *e.lhs);
      out += ')';
      return;
    case ExprKind::kAnd:
    case ExprKind::kOr:
      out += e.kind == ExprKind::kAnd ? "(and" : "(or";
      dump_args(out, e.args);
      out += ')';
      return;
    case ExprKind::kCompare:
    case ExprKind::kArithmetic:
      out += '(';
      out += e.kind == ExprKind::kCompare ? compare_text(e.cmp) : arith_text(e.arith);
      out += ' ';
      dump_expr(out, *e.lhs);
      out += ' ';
      dump_expr(out, *e.rhs);
      out += ')';
      return;
    case ExprKind::kIn:
      out += e.negated ? "(not-in" : "(in";
      if (e.case_insensitive) out += '~';
      out += ' ';
      dump_expr(out, *e.lhs);
      dump_args(out, e.args);
      out += ')';
      return;
    case ExprKind::kStringMatch:
      out += e.match == MatchOp::kColon ? "(:" : e.match == MatchOp::kLike ? "(like" : "(regex";
      if (e.case_insensitive && e.match != MatchOp::kColon) out += '~';
      out += ' ';
      dump_expr(out, *e.lhs);
      dump_args(out, e.args);
      out += ')';
      return;
    case ExprKind::kCall:
      out += "(call ";
      out += e.s;
      if (e.case_insensitive) out += '~';
      dump_args(out, e.args);
      out += ')';
      return;
    case ExprKind::kLineage:
      out += e.lineage == LineageKind::kChildOf        ? "(child-of ["
             : e.lineage == LineageKind::kDescendantOf ? "(descendant-of ["
                                                       : "(event-of [";
      dump_event(out, *e.subquery);
      out += "])";
      return;
  }
}

void dump_keys(std::string& out, const std::vector<Expr*>& keys) {
  if (keys.empty()) return;
  out += " by";
  for (size_t i = 0; i < keys.size(); ++i) {
    out += i == 0 ? " " : ", ";
    dump_expr(out, *keys[i]);
  }
}

void dump_step(std::string& out, const SequenceStep& s) {
  out += ' ';
  if (s.missing) out += '!';
  out += '[';
  if (s.query != nullptr) dump_event(out, *s.query);
  out += ']';
  dump_keys(out, s.by);
  if (s.runs != 1) out += " runs=" + std::to_string(s.runs);
  if (s.fork) out += " fork";
  if (!s.alias.empty()) out += " as " + s.alias;
}

}  // namespace

std::string dump(const Expr& e) {
  std::string out;
  dump_expr(out, e);
  return out;
}

std::string dump(const EventQuery& q) {
  std::string out;
  dump_event(out, q);
  return out;
}

std::string dump(const Query& q) {
  std::string out;
  switch (q.kind) {
    case QueryKind::kEvent:
      if (q.event != nullptr) dump_event(out, *q.event);
      break;
    case QueryKind::kSequence:
      out += "sequence";
      dump_keys(out, q.sequence.by);
      if (q.sequence.maxspan_ns) out += " maxspan=" + std::to_string(*q.sequence.maxspan_ns) + "ns";
      for (const SequenceStep& s : q.sequence.steps) dump_step(out, s);
      if (q.sequence.until) {
        out += " until";
        dump_step(out, *q.sequence.until);
      }
      break;
    case QueryKind::kJoin:
      out += "join";
      dump_keys(out, q.join.by);
      for (const SequenceStep& s : q.join.steps) dump_step(out, s);
      if (q.join.until) {
        out += " until";
        dump_step(out, *q.join.until);
      }
      break;
    case QueryKind::kSample:
      out += "sample";
      dump_keys(out, q.sample.by);
      for (const SequenceStep& s : q.sample.steps) dump_step(out, s);
      break;
  }
  for (const Pipe& p : q.pipes) {
    out += " | ";
    out += p.name;
    for (size_t i = 0; i < p.args.size(); ++i) {
      out += i == 0 ? " " : ", ";
      dump_expr(out, *p.args[i]);
    }
  }
  return out;
}

}  // namespace wsn::eql
