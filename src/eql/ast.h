// EQL abstract syntax tree: what the parser produces, before any binding to the field schema.
// The binder/compiler (src/eql/compile) is the only bridge from this to the predicate IR.
//
// Ownership: every node lives in an AstArena owned by the ParsedQuery; nodes hold raw
// pointers to each other and are immutable once parsed. Every node carries the byte range of
// the source text it came from, for diagnostics.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wsn/diagnostics.h"

namespace wsn::eql {

enum class ExprKind : uint8_t {
  kNull,
  kBool,
  kInt,
  kFloat,
  kString,
  kField,   // process.name, ?optional.field, events[1].x, list[0]
  kNot,     // not e
  kNegate,  // -e
  kAnd,
  kOr,
  kCompare,      // == != < <= > >= (and case-insensitive forms : / ~ variants)
  kArithmetic,   // + - * / %
  kIn,           // e in (a, b), e not in (...), e in~ (...)
  kStringMatch,  // e : "x", e like "a*", e like~ (...), e regex "..", e regex~ (...)
  kCall,         // fn(args) / fn~(args)
  kLineage,      // child of [q], descendant of [q], event of [q]
};

enum class CompareOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };
enum class ArithOp : uint8_t { kAdd, kSub, kMul, kDiv, kMod };
enum class MatchOp : uint8_t { kColon, kLike, kRegex };
enum class LineageKind : uint8_t { kChildOf, kDescendantOf, kEventOf };

struct Expr;
struct EventQuery;

// One element of a field path: a name, or an array index ([1]).
struct PathElem {
  std::string name;    // empty for an index element
  int64_t index = -1;  // >= 0 for an index element
  SourceRange range;
};

struct Expr {
  ExprKind kind;
  SourceRange range;

  // null, a boolean, a number or a string written in the query.
  bool is_literal() const {
    switch (kind) {
      case ExprKind::kNull:
      case ExprKind::kBool:
      case ExprKind::kInt:
      case ExprKind::kFloat:
      case ExprKind::kString:
        return true;
      default:
        return false;
    }
  }

  // Literals.
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string s;  // kString: the unescaped value; kCall: the function name

  // kField: the dotted path as written; `optional` for `?field`.
  std::vector<PathElem> path;
  bool optional = false;

  // Operators.
  CompareOp cmp = CompareOp::kEq;
  ArithOp arith = ArithOp::kAdd;
  MatchOp match = MatchOp::kColon;
  bool case_insensitive = false;  // `~` forms, `:`, in~, like~, regex~, fn~()
  bool negated = false;           // `not in`
  Expr* lhs = nullptr;            // unary operand or left side
  Expr* rhs = nullptr;            // right side of binary operators
  std::vector<Expr*> args;        // kIn/kStringMatch values, kCall arguments, kAnd/kOr operands

  // kLineage.
  LineageKind lineage = LineageKind::kChildOf;
  EventQuery* subquery = nullptr;
};

// `category where expr`; category "any" matches every event.
struct EventQuery {
  std::string category;  // lower-case as written, e.g. "process"; "any" for any
  SourceRange category_range;
  Expr* where = nullptr;
  SourceRange range;
};

// One step of a sequence/join: `[query] by k1, k2` or a missing-event step `![query]`.
struct SequenceStep {
  EventQuery* query = nullptr;
  std::vector<Expr*> by;  // per-step join keys
  bool missing = false;   // `![...]`: no such event may occur between its neighbours
  int64_t runs = 1;       // `with runs=N`
  bool fork = false;      // Endgame `fork` / `fork=true` (a matched event may start new matches)
  // Elastic Endpoint `[…] as event0`: later steps read this step's event as `event0.field`.
  std::string alias;
  SourceRange alias_range;
  SourceRange range;
};

struct Sequence {
  std::vector<Expr*> by;  // sequence-level keys: `sequence by a, b`
  std::optional<int64_t> maxspan_ns;
  SourceRange maxspan_range;
  std::vector<SequenceStep> steps;
  std::optional<SequenceStep> until;
};

struct Join {
  std::vector<Expr*> by;
  std::vector<SequenceStep> steps;
  std::optional<SequenceStep> until;
};

// Elasticsearch `sample [by keys] [q] [by k] …`: 2–5 filters, no order, no time bound.
struct Sample {
  std::vector<Expr*> by;
  std::vector<SequenceStep> steps;
};

struct Pipe {
  std::string name;  // head, tail, count, unique, unique_count, filter, sort
  std::vector<Expr*> args;
  SourceRange range;
};

enum class QueryKind : uint8_t { kEvent, kSequence, kJoin, kSample };

struct Query {
  QueryKind kind = QueryKind::kEvent;
  EventQuery* event = nullptr;  // kEvent
  Sequence sequence;            // kSequence
  Join join;                    // kJoin
  Sample sample;                // kSample
  std::vector<Pipe> pipes;
  SourceRange range;
};

// Owns the nodes of one parsed query (stable addresses).
class AstArena {
 public:
  Expr* expr(ExprKind kind, SourceRange range) {
    Expr& e = exprs_.emplace_back();
    e.kind = kind;
    e.range = range;
    return &e;
  }
  EventQuery* event_query() { return &queries_.emplace_back(); }

 private:
  std::deque<Expr> exprs_;
  std::deque<EventQuery> queries_;
};

}  // namespace wsn::eql
