// The loader pipeline run inside the helper process: metadata check, prescan, full
// validation, rewrite, and the canonical module the engine will run (rewritten code + the
// original wsn.meta section). Everything here may be handed hostile bytes; it runs only in
// the helper, under the resource limits the engine set.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "helper/prescan.h"
#include "helper/rewriter.h"
#include "wsn/result.h"

namespace wabt {
class Features;
}

namespace wsn::wasm {

struct PrepareOptions {
  PrescanOptions prescan;
  RewriteOptions rewrite;
  size_t max_module_bytes = 16 << 20;
};

struct PreparedModule {
  std::vector<uint8_t> canonical;  // rewritten binary with the wsn.meta section
  std::string meta_text;
};

Result<PreparedModule> prepare_module(std::span<const uint8_t> wasm, const PrepareOptions& o);

// Sets `features` to what ABI v1 allows: MVP + mutable globals, sign
// extension, saturating float-to-int, multi-value, bulk memory. No SIMD, threads, reference
// types, exceptions, tail calls, memory64, multi-memory or GC.
void set_allowed_features(wabt::Features& features);

}  // namespace wsn::wasm
