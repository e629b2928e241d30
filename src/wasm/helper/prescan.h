// First pass over an untrusted module, in the helper process: a streaming read (no IR, no
// recursion) that rejects, with a message a rule author can act on, everything ABI v1 does not
// allow — nesting deeper than the limit, SIMD / threads / exceptions / tail calls / reference
// types, imports other than the allow-listed host functions or with the wrong signature, a
// missing or mistyped required export, memories that are shared, 64-bit, imported or larger
// than the cap. Only a module that passes is read into wabt's IR.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "wsn/result.h"

namespace wsn::wasm {

struct PrescanOptions {
  uint32_t max_nesting = 1024;      // block/loop/if nesting per function
  uint32_t memory_pages_cap = 256;  // initial memory may not exceed it
  uint32_t max_locals = 50000;      // per function
};

struct PrescanResult {
  bool has_start = false;
};

Result<PrescanResult> prescan_module(std::span<const uint8_t> wasm, const PrescanOptions& o);

}  // namespace wsn::wasm
