// AOT code generation in the helper: wabt's C writer (the wasm2c library) on the canonical
// module, plus a generated glue file that adapts it to wsn_aot_abi.h, then the system C
// compiler under limits. Only canonical modules (already rewritten by `prepare`) come here.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "wasm/subprocess.h"
#include "wsn/result.h"

namespace wsn::wasm {

struct AotSources {
  std::string module_c;
  std::string module_h;
  std::string glue_c;  // #includes module.c and wsn_wasm_rt.c: one translation unit
};

// `module_name` must be a C identifier unique per module (e.g. "m" + hash prefix).
Result<AotSources> generate_aot_sources(std::span<const uint8_t> canonical,
                                        const std::string& module_name,
                                        const std::string& sha256_hex);

struct AotBuildOptions {
  std::string cc = "cc";
  std::string flags;  // split on spaces
  ProcessLimits cc_limits;
  std::string work_dir;  // scratch directory (must exist)
};

// Writes the sources into work_dir and compiles them into `out_so` (written atomically).
Status build_aot_object(const AotSources& sources, const AotBuildOptions& o,
                        const std::string& out_so);

}  // namespace wsn::wasm
