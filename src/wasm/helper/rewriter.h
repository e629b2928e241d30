// The rewrite that makes a module safe to run in either tier (in the helper process, on wabt's
// IR of a module that passed the prescan and validation):
//
//  * fuel: an exported mutable i64 global (`wsn_host_fuel`). Each segment of the original code
//    between block boundaries is charged its instruction count where it starts; function
//    entries and loop headers trap when fuel is negative; memory.grow is charged per page and
//    bulk memory by length before it runs. Inside a function the count lives in a local and is
//    written back to the global before calls, before a fuel trap and on exit. The host sets the
//    budget before each call and reads what is left, so both tiers report the same fuel at the
//    same point.
//  * deadline: the checks at function entries and loop headers compare the fuel local with an
//    exported i64 checkpoint (`wsn_host_checkpoint`) instead of 0; below it they trap if fuel
//    is negative and otherwise call the host import `wsn.wsn_host_deadline(fuel)`, which traps
//    once the call's wall-clock deadline has passed or returns the next checkpoint (abi.h). A call, not a
//    global the host writes from another thread, so neither tier needs a data race to stop a
//    module, and the compiled tier's C compiler cannot hoist the check out of a loop. The
//    import is added after the module's own function imports (defined functions shift by one).
//  * call depth: an exported i32 global (`wsn_host_depth`), raised at function entry by the
//    function's frame weight (1 + (params + locals + max operand stack) / 16) and trapping
//    above the limit; each call site restores the caller's value after the call, which also
//    covers call_indirect. This keeps recursion far below the interpreter's frame limit and
//    bounds native stack use in the compiled tier.
//  * memory: the maximum becomes min(declared, cap), so memory.grow fails identically in both.
//
// The global initialiser of the fuel counter is the instantiation budget (start function).
#pragma once

#include <cstdint>

#include "wsn/result.h"

namespace wabt {
struct Module;
}

namespace wsn::wasm {

struct RewriteOptions {
  uint32_t memory_pages_cap = 256;
  uint32_t depth_limit = 1000;
  int64_t initial_fuel = 100'000'000;
};

Status rewrite_module(wabt::Module& module, const RewriteOptions& options);

}  // namespace wsn::wasm
