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
  // Budgets, for tests and tuning: fuel per event call, wall-clock ms per event call.
  if (const char* f = std::getenv("WSN_WASM_FUEL_PER_EVENT"); f && *f) {
    const long long v = std::strtoll(f, nullptr, 10);
    if (v > 0) o.sandbox.fuel_per_event = v;
  }
  if (const char* d = std::getenv("WSN_WASM_DEADLINE_MS"); d && *d) {
    const long long v = std::strtoll(d, nullptr, 10);
    if (v >= 0 && v <= 3'600'000) o.sandbox.deadline_ms_per_event = static_cast<uint32_t>(v);
  }
  return o;
}

}  // namespace wsn::wasm
