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
