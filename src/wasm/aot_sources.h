// The C sources compiled into every AOT rule object (src/wasm/aot/), embedded at build time so
// that the helper needs no source tree, plus the identity of those sources and of the glue
// for the AOT cache key.
#pragma once

#include <string>
#include <string_view>

namespace wsn::wasm {

std::string_view aot_runtime_header();  // wasm-rt.h
std::string_view aot_runtime_source();  // wsn_wasm_rt.c
std::string_view aot_abi_header();      // wsn_aot_abi.h

// Bumped when the generated glue changes.
inline constexpr unsigned kAotGlueVersion = 1;

// Default C compiler flags for AOT objects (part of the cache key).
inline constexpr std::string_view kAotDefaultFlags =
    "-O2 -fPIC -shared -fvisibility=hidden -ffp-contract=off -DNDEBUG -w";

// sha256 over the embedded runtime sources and the glue version.
const std::string& aot_runtime_id();

}  // namespace wsn::wasm
