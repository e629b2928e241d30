#include "wasm/options.h"

#include <cstdlib>
#include <string>

namespace wsn::wasm {

WasmOptions default_wasm_options() {
  WasmOptions o;
  if (const char* t = std::getenv("WSN_WASM_TIER"); t && *t) {
    const std::string v = t;
    if (v == "interp" || v == "interpreter") o.tier = TierMode::kInterpreter;
    if (v == "compiled" || v == "aot") o.tier = TierMode::kCompiled;
    if (v == "auto") o.tier = TierMode::kAuto;
  }
  if (const char* d = std::getenv("WSN_WASM_CACHE_DIR"); d && *d) o.cache_dir = d;
  if (const char* h = std::getenv("WSN_WASM_HELPER"); h && *h) o.helper_path = h;
  if (const char* cc = std::getenv("WSN_WASM_CC"); cc && *cc) o.cc = cc;
  return o;
}

}  // namespace wsn::wasm
