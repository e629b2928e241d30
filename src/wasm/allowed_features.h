// The WebAssembly features rule modules may use (MVP plus mutable globals, sign extension,
// saturating conversions, multi-value and bulk memory). One definition for the helper's
// validator, the wasm2c code generator and the interpreter tier, so they can never disagree
// about what a module is allowed to contain.
#pragma once

#include <wabt/feature.h>

namespace wsn::wasm {

inline wabt::Features allowed_features() {
  wabt::Features f;
  f.enable_mutable_globals();
  f.enable_sign_extension();
  f.enable_sat_float_to_int();
  f.enable_multi_value();
  f.enable_bulk_memory();
  f.disable_reference_types();
  f.disable_simd();
  f.disable_threads();
  f.disable_exceptions();
  f.disable_tail_call();
  f.disable_memory64();
  f.disable_multi_memory();
  f.disable_gc();
  f.disable_function_references();
  f.disable_extended_const();
  f.disable_relaxed_simd();
  f.disable_annotations();
  f.disable_code_metadata();
  return f;
}

}  // namespace wsn::wasm
