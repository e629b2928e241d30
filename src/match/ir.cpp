#include "match/ir.h"

#include "match/eval.h"

namespace wsn::match {

std::string_view op_name(Op op) {
  switch (op) {
    case Op::kConst:
      return "const";
    case Op::kField:
      return "field";
    case Op::kVar:
      return "var";
    case Op::kIndex:
      return "index";
    case Op::kPipeVar:
      return "pipe";
    case Op::kNot:
      return "not";
    case Op::kMustNot:
      return "must-not";
    case Op::kAnd:
      return "and";
    case Op::kOr:
      return "or";
    case Op::kToBool:
      return "bool";
    case Op::kIsNull:
      return "is-null";
    case Op::kIsNotNull:
      return "is-not-null";
    case Op::kCompare:
      return "compare";
    case Op::kInSet:
      return "in";
    case Op::kStrMatch:
      return "match";
    case Op::kCidr:
      return "cidr";
    case Op::kArith:
      return "arith";
    case Op::kNeg:
      return "neg";
    case Op::kCall:
      return "call";
    case Op::kArrayLoop:
      return "loop";
    case Op::kLineage:
      return "lineage";
  }
  return "?";
}

std::string_view cmp_op_name(CmpOp op) {
  switch (op) {
    case CmpOp::kEq:
      return "==";
    case CmpOp::kNe:
      return "!=";
    case CmpOp::kLt:
      return "<";
    case CmpOp::kLe:
      return "<=";
    case CmpOp::kGt:
      return ">";
    case CmpOp::kGe:
      return ">=";
  }
  return "?";
}

std::string_view arith_op_name(ArithOp op) {
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

NodeRef Program::add(Node n, std::span<const NodeRef> kids) {
  n.first = static_cast<uint32_t>(kids_.size());
  n.count = static_cast<uint32_t>(kids.size());
  kids_.insert(kids_.end(), kids.begin(), kids.end());
  nodes_.push_back(n);
  return static_cast<NodeRef>(nodes_.size() - 1);
}

NodeRef Program::constant_node(const Value& v) {
  Value c = v;
  StaticType t = StaticType::kNull;
  switch (v.kind) {
    case ValueKind::kNull:
      t = StaticType::kNull;
      break;
    case ValueKind::kBool:
      t = StaticType::kBool;
      break;
    case ValueKind::kInt:
      t = StaticType::kInt;
      break;
    case ValueKind::kFloat:
      t = StaticType::kFloat;
      break;
    case ValueKind::kString:
      c.s = strings_.emplace_back(v.s);
      t = StaticType::kString;
      break;
    case ValueKind::kIp:
      c.ip = &ips_.emplace_back(*v.ip);
      t = StaticType::kIp;
      break;
    case ValueKind::kStringList:
      // Lists only come from events; a constant list cannot be stored.
      c = Value::null();
      break;
  }
  consts_.push_back(c);
  Node n;
  n.op = Op::kConst;
  n.type = t;
  n.aux = static_cast<uint32_t>(consts_.size() - 1);
  return add(n, {});
}

NodeRef Program::field(FieldId id, StaticType type, uint16_t event_index) {
  Node n;
  n.op = Op::kField;
  n.type = type;
  n.field = id;
  n.event_index = event_index;
  return add(n, {});
}

NodeRef Program::var(uint32_t slot, StaticType type) {
  Node n;
  n.op = Op::kVar;
  n.type = type;
  n.aux = slot;
  return add(n, {});
}

NodeRef Program::index(NodeRef list, uint32_t k) {
  Node n;
  n.op = Op::kIndex;
  n.type = StaticType::kString;
  n.aux = k;
  const NodeRef kids[] = {list};
  return fold(add(n, kids));
}

NodeRef Program::pipe_var(PipeVar v) {
  Node n;
  n.op = Op::kPipeVar;
  n.type = v == PipeVar::kCount ? StaticType::kInt : StaticType::kFloat;
  n.sub = static_cast<uint8_t>(v);
  return add(n, {});
}

NodeRef Program::not_(NodeRef x) {
  Node n;
  n.op = Op::kNot;
  n.type = StaticType::kBool;
  const NodeRef kids[] = {x};
  return fold(add(n, kids));
}

NodeRef Program::must_not(NodeRef x) {
  Node n;
  n.op = Op::kMustNot;
  n.type = StaticType::kBool;
  const NodeRef kids[] = {x};
  return fold(add(n, kids));
}

void Program::flatten_into(Op op, NodeRef x, std::vector<NodeRef>& out) const {
  if (nodes_[x].op == op) {
    for (NodeRef k : kids(x)) flatten_into(op, k, out);
  } else {
    out.push_back(x);
  }
}

NodeRef Program::and_(std::span<const NodeRef> xs) {
  std::vector<NodeRef> flat;
  for (NodeRef x : xs) flatten_into(Op::kAnd, x, flat);
  std::vector<NodeRef> keep;
  for (NodeRef x : flat) {
    if (is_const(x) && const_value(x).kind == ValueKind::kBool) {
      if (!const_value(x).b) return bool_node(false);
      continue;  // `and true` is the identity
    }
    keep.push_back(x);
  }
  if (keep.empty()) return bool_node(true);
  if (keep.size() == 1) return keep[0];
  Node n;
  n.op = Op::kAnd;
  n.type = StaticType::kBool;
  return fold(add(n, keep));
}

NodeRef Program::or_(std::span<const NodeRef> xs) {
  std::vector<NodeRef> flat;
  for (NodeRef x : xs) flatten_into(Op::kOr, x, flat);
  std::vector<NodeRef> keep;
  for (NodeRef x : flat) {
    if (is_const(x) && const_value(x).kind == ValueKind::kBool) {
      if (const_value(x).b) return bool_node(true);
      continue;  // `or false` is the identity
    }
    keep.push_back(x);
  }
  if (keep.empty()) return bool_node(false);
  if (keep.size() == 1) return keep[0];
  Node n;
  n.op = Op::kOr;
  n.type = StaticType::kBool;
  return fold(add(n, keep));
}

NodeRef Program::to_bool(NodeRef x) {
  const StaticType t = nodes_[x].type;
  if (t == StaticType::kBool || t == StaticType::kNull) return x;
  Node n;
  n.op = Op::kToBool;
  n.type = StaticType::kBool;
  const NodeRef kids[] = {x};
  return fold(add(n, kids));
}

NodeRef Program::is_null(NodeRef x, bool negate) {
  Node n;
  n.op = negate ? Op::kIsNotNull : Op::kIsNull;
  n.type = StaticType::kBool;
  const NodeRef kids[] = {x};
  return fold(add(n, kids));
}

NodeRef Program::compare(CmpOp op, CaseMode mode, NodeRef a, NodeRef b) {
  Node n;
  n.op = Op::kCompare;
  n.type = StaticType::kBool;
  n.sub = static_cast<uint8_t>(op);
  n.cmode = mode;
  const NodeRef kids[] = {a, b};
  return fold(add(n, kids));
}

NodeRef Program::in_set(NodeRef x, std::unique_ptr<ValueSet> set) {
  Node n;
  n.op = Op::kInSet;
  n.type = StaticType::kBool;
  n.cmode = set->mode();
  sets_.push_back(std::move(set));
  n.aux = static_cast<uint32_t>(sets_.size() - 1);
  const NodeRef kids[] = {x};
  return fold(add(n, kids));
}

namespace {

// Classifies a wildcard pattern into a cheaper matcher kind (with its literal) when possible.
bool classify(std::string_view p, bool qm, StrMatchKind& kind, std::string& lit) {
  auto plain = [qm](std::string_view s) { return !has_wildcard(s, qm); };
  if (plain(p)) {
    kind = StrMatchKind::kExact;
    lit = p;
    return true;
  }
  const bool lead = p.starts_with('*');
  const bool trail = p.size() > 1 && p.ends_with('*');
  std::string_view inner = p.substr(lead ? 1 : 0);
  if (trail) inner.remove_suffix(1);
  if (!plain(inner)) return false;
  lit = inner;
  if (lead && trail) {
    kind = StrMatchKind::kContains;
  } else if (lead) {
    kind = p.size() == 1 ? StrMatchKind::kContains : StrMatchKind::kEnds;
  } else if (trail) {
    kind = StrMatchKind::kStarts;
  } else {
    return false;
  }
  return true;
}

}  // namespace

NodeRef Program::str_match(NodeRef x, std::unique_ptr<StringMatcher> m) {
  if (m->spec().kind == StrMatchKind::kWildcard) {
    StringMatcherSpec spec = m->spec();
    bool same = true;
    StrMatchKind common = StrMatchKind::kExact;
    std::vector<std::string> lits;
    for (size_t k = 0; k < spec.patterns.size() && same; ++k) {
      StrMatchKind kind;
      std::string lit;
      if (!classify(spec.patterns[k], spec.question_mark, kind, lit)) {
        same = false;
        break;
      }
      if (k == 0) common = kind;
      same = kind == common;
      lits.push_back(std::move(lit));
    }
    if (same && !spec.patterns.empty()) {
      spec.kind = common;
      spec.patterns = std::move(lits);
      spec.question_mark = false;
      m = StringMatcher::create(std::move(spec), nullptr);
    }
  }
  Node n;
  n.op = Op::kStrMatch;
  n.type = StaticType::kBool;
  n.cmode = m->spec().mode;
  matchers_.push_back(std::move(m));
  n.aux = static_cast<uint32_t>(matchers_.size() - 1);
  const NodeRef kids[] = {x};
  return fold(add(n, kids));
}

NodeRef Program::cidr(NodeRef x, std::unique_ptr<CidrSet> set) {
  Node n;
  n.op = Op::kCidr;
  n.type = StaticType::kBool;
  cidrs_.push_back(std::move(set));
  n.aux = static_cast<uint32_t>(cidrs_.size() - 1);
  const NodeRef kids[] = {x};
  return fold(add(n, kids));
}

NodeRef Program::arith(ArithOp op, NodeRef a, NodeRef b) {
  Node n;
  n.op = Op::kArith;
  n.sub = static_cast<uint8_t>(op);
  const StaticType ta = nodes_[a].type;
  const StaticType tb = nodes_[b].type;
  if (ta == StaticType::kInt && tb == StaticType::kInt) {
    n.type = StaticType::kInt;
  } else if ((ta == StaticType::kFloat || ta == StaticType::kInt) &&
             (tb == StaticType::kFloat || tb == StaticType::kInt)) {
    n.type = StaticType::kFloat;
  } else {
    n.type = StaticType::kAny;
  }
  const NodeRef kids[] = {a, b};
  return fold(add(n, kids));
}

NodeRef Program::neg(NodeRef x) {
  Node n;
  n.op = Op::kNeg;
  n.type = nodes_[x].type;
  const NodeRef kids[] = {x};
  return fold(add(n, kids));
}

NodeRef Program::call(FunctionId fn, CaseMode mode, std::span<const NodeRef> args, StaticType ret) {
  Node n;
  n.op = Op::kCall;
  n.sub = static_cast<uint8_t>(fn);
  n.cmode = mode;
  n.type = ret;
  return fold(add(n, args));
}

NodeRef Program::array_loop(LoopKind kind, NodeRef array, uint32_t var_slot, NodeRef body) {
  Node n;
  n.op = Op::kArrayLoop;
  n.sub = static_cast<uint8_t>(kind);
  n.type = kind == LoopKind::kSearch ? StaticType::kBool : StaticType::kInt;
  n.aux = var_slot;
  const NodeRef kids[] = {array, body};
  return add(n, kids);
}

NodeRef Program::lineage(LineageKind kind, uint32_t slot) {
  Node n;
  n.op = Op::kLineage;
  n.sub = static_cast<uint8_t>(kind);
  n.type = StaticType::kBool;
  n.aux = slot;
  return add(n, {});
}

bool Program::is_pure_constant(NodeRef r) const {
  switch (nodes_[r].op) {
    case Op::kConst:
      return true;
    case Op::kField:
    case Op::kVar:
    case Op::kPipeVar:
    case Op::kLineage:
    case Op::kArrayLoop:
      return false;
    default:
      for (NodeRef k : kids(r)) {
        if (!is_pure_constant(k)) return false;
      }
      return true;
  }
}

NodeRef Program::fold(NodeRef r) {
  if (nodes_[r].op == Op::kConst || !is_pure_constant(r)) return r;
  ScratchArena scratch;
  EvalContext ctx;
  ctx.scratch = &scratch;
  const Value v = evaluate(*this, r, ctx);
  return constant_node(v);  // copies strings out of the scratch arena
}

std::string Program::dump(NodeRef r, const FieldRegistry* reg) const {
  const Node& n = nodes_[r];
  auto kids_text = [&]() {
    std::string out;
    for (NodeRef k : kids(r)) out += " " + dump(k, reg);
    return out;
  };
  const std::string tilde = n.cmode == CaseMode::kInsensitive ? "~" : "";
  switch (n.op) {
    case Op::kConst:
      return value_to_string(consts_[n.aux]);
    case Op::kField: {
      std::string name = reg ? reg->info(n.field).name : "#" + std::to_string(n.field);
      if (n.event_index) name += " @" + std::to_string(n.event_index);
      return "(field " + name + ")";
    }
    case Op::kVar:
      return "(var " + std::to_string(n.aux) + ")";
    case Op::kIndex:
      return "(index " + std::to_string(n.aux) + kids_text() + ")";
    case Op::kPipeVar:
      return static_cast<PipeVar>(n.sub) == PipeVar::kCount ? "(pipe count)" : "(pipe percent)";
    case Op::kCompare:
      return "(" + std::string(cmp_op_name(static_cast<CmpOp>(n.sub))) + tilde + kids_text() + ")";
    case Op::kInSet:
      return "(" + sets_[n.aux]->describe() + kids_text() + ")";
    case Op::kStrMatch:
      return "(" + matchers_[n.aux]->describe() + kids_text() + ")";
    case Op::kCidr:
      return "(" + cidrs_[n.aux]->describe() + kids_text() + ")";
    case Op::kArith:
      return "(" + std::string(arith_op_name(static_cast<ArithOp>(n.sub))) + kids_text() + ")";
    case Op::kCall:
      return "(" + std::string(function_sig(static_cast<FunctionId>(n.sub)).name) + tilde +
             kids_text() + ")";
    case Op::kArrayLoop:
      return std::string(static_cast<LoopKind>(n.sub) == LoopKind::kSearch ? "(arraySearch"
                                                                           : "(arrayCount") +
             " var" + std::to_string(n.aux) + kids_text() + ")";
    case Op::kLineage: {
      static constexpr std::string_view kNames[] = {"child-of", "descendant-of", "event-of"};
      return "(" + std::string(kNames[n.sub]) + " #" + std::to_string(n.aux) + ")";
    }
    default:
      return "(" + std::string(op_name(n.op)) + kids_text() + ")";
  }
}

}  // namespace wsn::match
