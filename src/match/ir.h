// The predicate IR: a bound, typed, dialect-neutral expression graph that EQL (and later Sigma)
// compile to. It is a different type from any AST: fields are FieldIds, every string operation
// states its case mode, string patterns are pre-compiled matchers, `in` lists are hashed sets,
// and functions are called by id.
//
// A Program owns the nodes of one rule (all of its where-clauses, join keys and lineage
// subqueries, each reachable from a root NodeRef) plus their constants, matchers and sets.
// Programs are built once by a compiler and immutable afterwards; evaluation (eval.h) is
// const and thread safe.
//
// Three-valued logic: comparisons with null yield null, `not null` is null, and/or follow
// EQL (false dominates `and`, true dominates `or`, otherwise null is contagious). Operations on
// a string-list value hold when any item satisfies them (ECS / Elasticsearch semantics).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "match/functions.h"
#include "match/matchers.h"
#include "match/value.h"
#include "wsn/schema.h"

namespace wsn::match {

using NodeRef = uint32_t;
inline constexpr NodeRef kNoNode = 0xFFFFFFFFu;

enum class Op : uint8_t {
  kConst,    // aux = constant index
  kField,    // field = FieldId, event_index = which event of a sequence result (pipes)
  kVar,      // aux = variable slot (arraySearch / arrayCount element)
  kIndex,    // kids[0][aux]: item of a list (null when out of range)
  kPipeVar,  // aux = PipeVar: aggregate of a pipe result (count, percent)
  kNot,      // three-valued not
  kAnd,      // n-ary
  kOr,       // n-ary
  kToBool,   // truthiness (Endgame: non-boolean operands of and/or/not/where)
  kIsNull,   // never null
  kIsNotNull,
  kCompare,   // sub = CmpOp, cmode; any-item semantics for list operands
  kInSet,     // aux = set index
  kStrMatch,  // aux = matcher index
  kCidr,      // aux = cidr set index
  kArith,     // sub = ArithOp
  kNeg,
  kCall,       // sub = FunctionId, cmode; kids = arguments
  kArrayLoop,  // sub = LoopKind; kids = {array, body}; aux = variable slot
  kLineage,    // sub = LineageKind; aux = tracker slot
  // Elasticsearch `must_not`: true unless the operand is true, so an absent field (null)
  // satisfies it. Never null. The Elasticsearch dialect's `not` / `!=` / `not in` on fields.
  kMustNot,
};
std::string_view op_name(Op op);

enum class CmpOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };
enum class ArithOp : uint8_t { kAdd, kSub, kMul, kDiv, kMod };
enum class LoopKind : uint8_t { kSearch, kCount };
enum class LineageKind : uint8_t { kChildOf, kDescendantOf, kEventOf };
enum class PipeVar : uint8_t { kCount, kPercent };

std::string_view cmp_op_name(CmpOp op);
std::string_view arith_op_name(ArithOp op);

struct Node {
  Op op = Op::kConst;
  StaticType type = StaticType::kAny;
  CaseMode cmode = CaseMode::kSensitive;
  uint8_t sub = 0;
  FieldId field = kInvalidField;
  uint16_t event_index = 0;
  uint32_t first = 0;  // first child in Program::kids_
  uint32_t count = 0;  // number of children
  uint32_t aux = 0;
};

inline constexpr uint32_t kMaxVars = 8;       // nested arraySearch depth
inline constexpr uint32_t kMaxCallArgs = 32;  // function arity bound

class Program {
 public:
  Program() = default;
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;
  Program(Program&&) = default;
  Program& operator=(Program&&) = default;

  const Node& node(NodeRef r) const { return nodes_[r]; }
  std::span<const NodeRef> kids(NodeRef r) const {
    const Node& n = nodes_[r];
    return {kids_.data() + n.first, n.count};
  }
  NodeRef kid(NodeRef r, uint32_t k) const { return kids_[nodes_[r].first + k]; }
  const Value& constant(uint32_t k) const { return consts_[k]; }
  const StringMatcher& matcher(uint32_t k) const { return *matchers_[k]; }
  const ValueSet& set(uint32_t k) const { return *sets_[k]; }
  const CidrSet& cidrs(uint32_t k) const { return *cidrs_[k]; }
  size_t size() const { return nodes_.size(); }

  // --- building (compilers only) -------------------------------------------------------
  NodeRef constant_node(const Value& v);  // strings are copied into the program
  NodeRef null_node() { return constant_node(Value::null()); }
  NodeRef bool_node(bool b) { return constant_node(Value::boolean(b)); }
  NodeRef int_node(int64_t i) { return constant_node(Value::integer(i)); }
  NodeRef float_node(double f) { return constant_node(Value::number(f)); }
  NodeRef string_node(std::string_view s) { return constant_node(Value::string(s)); }
  NodeRef field(FieldId id, StaticType type, uint16_t event_index = 0);
  NodeRef var(uint32_t slot, StaticType type);
  NodeRef index(NodeRef list, uint32_t k);
  NodeRef pipe_var(PipeVar v);
  NodeRef not_(NodeRef x);
  NodeRef must_not(NodeRef x);
  // n-ary and/or; flatten nested operators and apply the constant rules that hold in
  // three-valued logic (x and true = x, x and false = false, x or false = x, x or true = true).
  NodeRef and_(std::span<const NodeRef> xs);
  NodeRef or_(std::span<const NodeRef> xs);
  NodeRef to_bool(NodeRef x);
  NodeRef is_null(NodeRef x, bool negate = false);
  NodeRef compare(CmpOp op, CaseMode mode, NodeRef a, NodeRef b);
  NodeRef in_set(NodeRef x, std::unique_ptr<ValueSet> set);
  // Specializes wildcard patterns to exact/starts/ends/contains when every pattern allows it.
  NodeRef str_match(NodeRef x, std::unique_ptr<StringMatcher> m);
  NodeRef cidr(NodeRef x, std::unique_ptr<CidrSet> set);
  NodeRef arith(ArithOp op, NodeRef a, NodeRef b);
  NodeRef neg(NodeRef x);
  NodeRef call(FunctionId fn, CaseMode mode, std::span<const NodeRef> args, StaticType ret);
  NodeRef array_loop(LoopKind kind, NodeRef array, uint32_t var_slot, NodeRef body);
  NodeRef lineage(LineageKind kind, uint32_t slot);

  bool is_const(NodeRef r) const { return nodes_[r].op == Op::kConst; }
  const Value& const_value(NodeRef r) const { return consts_[nodes_[r].aux]; }
  // True when the subtree reads nothing from an event or run-time state.
  bool is_pure_constant(NodeRef r) const;
  // Evaluates a constant subtree and replaces it by a constant node (returns the new ref), or
  // returns `r` unchanged when the subtree is not constant.
  NodeRef fold(NodeRef r);

  // S-expression rendering, e.g. (and (strmatch exact~ ["nc"] (field process.name)) ...).
  // Field names come from `reg` when given, else "#id".
  std::string dump(NodeRef r, const FieldRegistry* reg = nullptr) const;

 private:
  NodeRef add(Node n, std::span<const NodeRef> kids);
  void flatten_into(Op op, NodeRef x, std::vector<NodeRef>& out) const;

  std::vector<Node> nodes_;
  std::vector<NodeRef> kids_;
  std::vector<Value> consts_;
  std::deque<std::string> strings_;  // storage for string constants (stable addresses)
  std::deque<IpAddress> ips_;
  std::vector<std::unique_ptr<StringMatcher>> matchers_;
  std::vector<std::unique_ptr<ValueSet>> sets_;
  std::vector<std::unique_ptr<CidrSet>> cidrs_;
};

}  // namespace wsn::match
