#include "match/eval.h"

namespace wsn::match {

namespace {

FunctionId arith_function(ArithOp op) {
  switch (op) {
    case ArithOp::kAdd:
      return FunctionId::kAdd;
    case ArithOp::kSub:
      return FunctionId::kSubtract;
    case ArithOp::kMul:
      return FunctionId::kMultiply;
    case ArithOp::kDiv:
      return FunctionId::kDivide;
    case ArithOp::kMod:
      return FunctionId::kModulo;
  }
  return FunctionId::kAdd;
}

// Compares two scalars (no lists); null when not comparable.
Value compare_scalars(CmpOp op, CaseMode mode, const Value& a, const Value& b) {
  if (op == CmpOp::kEq || op == CmpOp::kNe) {
    const auto eq = values_equal(a, b, mode);
    if (!eq) return Value::null();
    return Value::boolean(op == CmpOp::kEq ? *eq : !*eq);
  }
  const auto c = compare_values(a, b, mode);
  if (!c) return Value::null();
  switch (op) {
    case CmpOp::kLt:
      return Value::boolean(*c < 0);
    case CmpOp::kLe:
      return Value::boolean(*c <= 0);
    case CmpOp::kGt:
      return Value::boolean(*c > 0);
    case CmpOp::kGe:
      return Value::boolean(*c >= 0);
    default:
      return Value::null();
  }
}

Value compare(CmpOp op, CaseMode mode, const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Value::null();
  // Any-item semantics for string lists (ECS multi-valued fields).
  if (a.kind == ValueKind::kStringList) {
    bool any_null = false;
    for (uint32_t k = 0; k < a.list_count; ++k) {
      const Value r = compare(op, mode, Value::string(a.item(k)), b);
      if (r.kind == ValueKind::kBool && r.b) return r;
      any_null |= r.is_null();
    }
    return any_null && a.list_count > 0 ? Value::null() : Value::boolean(false);
  }
  if (b.kind == ValueKind::kStringList) {
    bool any_null = false;
    for (uint32_t k = 0; k < b.list_count; ++k) {
      const Value r = compare(op, mode, a, Value::string(b.item(k)));
      if (r.kind == ValueKind::kBool && r.b) return r;
      any_null |= r.is_null();
    }
    return any_null && b.list_count > 0 ? Value::null() : Value::boolean(false);
  }
  return compare_scalars(op, mode, a, b);
}

Value match_string(const StringMatcher& m, const Value& v) {
  switch (v.kind) {
    case ValueKind::kString:
      return Value::boolean(m.matches(v.s));
    case ValueKind::kStringList:
      for (uint32_t k = 0; k < v.list_count; ++k) {
        if (m.matches(v.item(k))) return Value::boolean(true);
      }
      return Value::boolean(false);
    case ValueKind::kIp:
      return Value::boolean(m.matches(v.ip->to_string()));
    default:
      return Value::null();
  }
}

}  // namespace

Value evaluate(const Program& p, NodeRef r, EvalContext& ctx) {
  const Node& n = p.node(r);
  switch (n.op) {
    case Op::kConst:
      return p.constant(n.aux);
    case Op::kField:
      if (n.event_index >= ctx.event_count) return Value::null();
      return load_field(*ctx.events[n.event_index], n.field);
    case Op::kVar:
      return ctx.vars[n.aux];
    case Op::kIndex: {
      const Value v = evaluate(p, p.kid(r, 0), ctx);
      if (v.kind != ValueKind::kStringList || n.aux >= v.list_count) return Value::null();
      return Value::string(v.item(n.aux));
    }
    case Op::kPipeVar:
      if (!ctx.aggregate) return Value::null();
      return static_cast<PipeVar>(n.sub) == PipeVar::kCount ? Value::integer(ctx.aggregate->count)
                                                            : Value::number(ctx.aggregate->percent);
    case Op::kNot: {
      const Value v = evaluate(p, p.kid(r, 0), ctx);
      if (v.kind != ValueKind::kBool) return Value::null();
      return Value::boolean(!v.b);
    }
    case Op::kMustNot: {
      const Value v = evaluate(p, p.kid(r, 0), ctx);
      return Value::boolean(!(v.kind == ValueKind::kBool && v.b));
    }
    case Op::kAnd: {
      bool saw_null = false;
      for (NodeRef k : p.kids(r)) {
        const Value v = evaluate(p, k, ctx);
        if (v.kind == ValueKind::kBool) {
          if (!v.b) return v;
        } else {
          saw_null = true;
        }
      }
      return saw_null ? Value::null() : Value::boolean(true);
    }
    case Op::kOr: {
      bool saw_null = false;
      for (NodeRef k : p.kids(r)) {
        const Value v = evaluate(p, k, ctx);
        if (v.kind == ValueKind::kBool) {
          if (v.b) return v;
        } else {
          saw_null = true;
        }
      }
      return saw_null ? Value::null() : Value::boolean(false);
    }
    case Op::kToBool:
      return truthy(evaluate(p, p.kid(r, 0), ctx));
    case Op::kIsNull:
      return Value::boolean(evaluate(p, p.kid(r, 0), ctx).is_null());
    case Op::kIsNotNull:
      return Value::boolean(!evaluate(p, p.kid(r, 0), ctx).is_null());
    case Op::kCompare: {
      const Value a = evaluate(p, p.kid(r, 0), ctx);
      if (a.is_null()) return a;
      const Value b = evaluate(p, p.kid(r, 1), ctx);
      return compare(static_cast<CmpOp>(n.sub), n.cmode, a, b);
    }
    case Op::kInSet:
      return p.set(n.aux).contains(evaluate(p, p.kid(r, 0), ctx));
    case Op::kStrMatch:
      return match_string(p.matcher(n.aux), evaluate(p, p.kid(r, 0), ctx));
    case Op::kCidr: {
      const Value v = evaluate(p, p.kid(r, 0), ctx);
      if (v.is_null()) return v;
      return Value::boolean(p.cidrs(n.aux).contains(v));
    }
    case Op::kArith: {
      const Value args[2] = {evaluate(p, p.kid(r, 0), ctx), evaluate(p, p.kid(r, 1), ctx)};
      return call_function(arith_function(static_cast<ArithOp>(n.sub)), args, n.cmode,
                           *ctx.scratch);
    }
    case Op::kNeg: {
      const Value v = evaluate(p, p.kid(r, 0), ctx);
      if (v.kind == ValueKind::kInt) return Value::integer(-v.i);
      if (v.kind == ValueKind::kFloat) return Value::number(-v.f);
      return Value::null();
    }
    case Op::kCall: {
      std::array<Value, kMaxCallArgs> args;
      const auto kids = p.kids(r);
      for (size_t k = 0; k < kids.size(); ++k) args[k] = evaluate(p, kids[k], ctx);
      return call_function(static_cast<FunctionId>(n.sub), std::span(args.data(), kids.size()),
                           n.cmode, *ctx.scratch);
    }
    case Op::kArrayLoop: {
      const Value arr = evaluate(p, p.kid(r, 0), ctx);
      const auto kind = static_cast<LoopKind>(n.sub);
      int64_t hits = 0;
      if (arr.kind == ValueKind::kStringList) {
        const Value saved = ctx.vars[n.aux];
        for (uint32_t k = 0; k < arr.list_count; ++k) {
          ctx.vars[n.aux] = Value::string(arr.item(k));
          const Value b = truthy(evaluate(p, p.kid(r, 1), ctx));
          if (b.kind == ValueKind::kBool && b.b) {
            ++hits;
            if (kind == LoopKind::kSearch) break;
          }
        }
        ctx.vars[n.aux] = saved;
      }
      return kind == LoopKind::kSearch ? Value::boolean(hits > 0) : Value::integer(hits);
    }
    case Op::kLineage:
      if (!ctx.lineage || ctx.event_count == 0) return Value::null();
      return Value::boolean(
          ctx.lineage->test(n.aux, static_cast<LineageKind>(n.sub), *ctx.events[0]));
  }
  return Value::null();
}

}  // namespace wsn::match
