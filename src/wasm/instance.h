// One instantiated rule module in either tier, behind one interface. An Instance runs the
// rewritten (canonical) module: before each call the host sets the fuel budget and resets the
// depth counter; after it, the fuel left says how much was used. A trap leaves the instance
// unusable: the caller discards it and creates a new one.
//
// Not thread safe: one instance belongs to one matcher (one detection thread).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "wasm/abi.h"

namespace wsn::wasm {

enum class Tier : uint8_t { kInterpreter, kCompiled };
std::string_view tier_name(Tier t);

enum class TrapKind : uint8_t {
  kNone,
  kFuel,         // fuel budget exhausted
  kDepth,        // weighted call depth above the limit
  kMemory,       // out-of-bounds memory or table access
  kUnreachable,  // `unreachable` executed
  kDivZero,
  kIntOverflow,
  kConversion,      // float to int of NaN / out of range
  kIndirectCall,    // call_indirect to a null or mistyped entry
  kStackExhausted,  // the tier's own stack guard (should not happen after the rewrite)
  kHost,            // a host function refused its arguments
  kResource,        // the host could not allocate memory or a table
  kDeadline,        // the call's wall-clock budget ran out (fuel left)
  kOther,
};
inline constexpr size_t kTrapKindCount = 14;
std::string_view trap_kind_name(TrapKind k);
// The detail reported with a trap of kind `k`, the same text in both tiers (the tiers' own
// messages differ, and fuel and depth traps execute an `unreachable` the rewriter placed):
// the budget or limit that was hit, the host function's reason, or nothing when the kind says
// it all. `raw` is the tier's message ("host: <reason>" for host refusals and deadlines);
// `budget` 0: unknown.
std::string trap_detail(TrapKind k, std::string_view raw, int64_t budget, uint32_t depth_limit);

struct CallResult {
  TrapKind trap = TrapKind::kNone;
  uint64_t value = 0;     // the i32 / i64 result (zero-extended)
  int64_t fuel_used = 0;  // budget minus what is left (exceeds the budget on a fuel trap)
  bool ok() const { return trap == TrapKind::kNone; }
};

class Instance {
 public:
  virtual ~Instance() = default;
  virtual Tier tier() const = 0;
  virtual bool has(Export e) const = 0;
  // Calls export `e` with `arg` (ignored when it takes none) under `fuel`.
  virtual CallResult call(Export e, uint64_t arg, int64_t fuel) = 0;
  // Takes `fuel` from the running call's budget (host functions pay for their work); false
  // when the budget is then exhausted, and the host function should refuse (a fuel trap), or
  // when the fuel crosses a deadline checkpoint and the deadline has passed (a deadline trap).
  virtual bool charge_fuel(int64_t fuel) = 0;
  // Linear memory; valid until the next call (memory.grow may move it).
  virtual std::span<uint8_t> memory() = 0;
  // Detail of the last trap ("out of bounds memory access: ..."), for reports.
  virtual std::string trap_message() const = 0;
};

}  // namespace wsn::wasm
