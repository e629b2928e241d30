// Evaluation of predicate-IR programs against events.
//
// evaluate() is const with respect to the Program and allocation free: strings it produces go
// into ctx.scratch, which the caller resets between events. It never throws; type mismatches
// and failing functions yield null.
#pragma once

#include <array>
#include <cstdint>

#include "match/ir.h"
#include "match/scratch.h"
#include "match/value.h"
#include "wsn/event.h"

namespace wsn::match {

// Answers `child of` / `descendant of` / `event of` tests from process-lineage state.
class LineageOracle {
 public:
  virtual ~LineageOracle() = default;
  virtual bool test(uint32_t slot, LineageKind kind, const Event& e) const = 0;
};

// Aggregates attached to a pipe result by `count` / `unique_count`.
struct PipeAggregate {
  int64_t count = 0;
  double percent = 0;
};

struct EvalContext {
  const Event* const* events = nullptr;  // events[0] is the current event (single-event rules)
  uint32_t event_count = 0;
  std::array<Value, kMaxVars> vars{};
  ScratchArena* scratch = nullptr;
  const LineageOracle* lineage = nullptr;
  const PipeAggregate* aggregate = nullptr;
};

Value evaluate(const Program& p, NodeRef r, EvalContext& ctx);

// Where-clause semantics: holds only when the value is boolean true.
inline bool holds(const Program& p, NodeRef r, EvalContext& ctx) {
  const Value v = evaluate(p, r, ctx);
  return v.kind == ValueKind::kBool && v.b;
}

}  // namespace wsn::match
