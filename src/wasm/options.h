// Configuration of the Wasm rule runtime: sandbox limits, helper-process limits, quarantine
// policy, tier choice, AOT cache. Defaults are safe for untrusted modules; docs/wasm-runtime.md
// explains each.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "wasm/aot_sources.h"

namespace wsn::wasm {

struct SandboxLimits {
  int64_t fuel_per_event = 1'000'000;  // ~instructions per wsn_on_event / wsn_tick call
  int64_t fuel_per_init = 50'000'000;  // start function, _initialize, wsn_init (each)
  uint32_t memory_pages = 256;         // linear memory cap (64 KiB pages): 16 MiB
  uint32_t depth_limit = 1000;         // weighted call depth (see rewriter.h)
  uint32_t max_nesting = 1024;         // block nesting accepted at load
  size_t max_module_bytes = 16 << 20;
  size_t max_state_entries = 10000;  // per rule
  uint32_t max_logs_per_call = 8;    // further wsn.log calls are dropped and counted
  // Wall-clock budgets (live events only; 0 = none): per wsn_on_event / wsn_tick call, and
  // for an instantiation with its whole start-up sequence. Far above what a full fuel budget
  // takes (docs/wasm-runtime.md): they stop a call the fuel does not, e.g. on a stalled host.
  // Sanitizer builds run the interpreter about ten times slower: twenty times the budget.
#if defined(__SANITIZE_ADDRESS__)
  static constexpr uint32_t kDeadlineScale = 20;
#else
  static constexpr uint32_t kDeadlineScale = 1;
#endif
  uint32_t deadline_ms_per_event = 250 * kDeadlineScale;
  uint32_t deadline_ms_per_init = 10000 * kDeadlineScale;
};

struct HelperLimits {
  uint64_t cpu_seconds = 20;
  uint64_t memory_mb = 1024;  // address space (not applied to sanitizer builds)
  uint32_t timeout_ms = 30000;
  uint64_t cc_cpu_seconds = 120;
  uint64_t cc_memory_mb = 2048;
  uint32_t cc_timeout_ms = 180000;
};

struct QuarantinePolicy {
  uint32_t consecutive_traps = 5;  // this many failed calls in a row quarantine the rule
  // ... and so do this many failures among the last kRateWindow evaluations (a module that
  // fails every third event never fails 5 in a row). 0: off.
  static constexpr uint32_t kRateWindow = 32;
  uint32_t rate_failures = 8;
  uint32_t backoff_initial_ms = 1000;  // first quarantine; doubles each time
  uint32_t backoff_max_ms = 300000;
  uint32_t healthy_calls_to_forgive = 1000;  // clean calls after which the back-off resets
};

enum class TierMode : uint8_t {
  kAuto,         // interpreter at once, compiled tier when built (or cached)
  kInterpreter,  // never compile
  kCompiled,     // compile synchronously at load; fail the rule if compilation fails
};

struct WasmOptions {
  SandboxLimits sandbox;
  HelperLimits helper;
  QuarantinePolicy quarantine;
  TierMode tier = TierMode::kAuto;
  std::string helper_path;  // "": $WSN_WASM_HELPER, next to the executable, the build tree
  std::string cache_dir;    // "": $WSN_WASM_CACHE_DIR, $XDG_CACHE_HOME or ~/.cache/...
  std::string cc = "cc";
  std::string cc_flags = std::string(kAotDefaultFlags);
  bool aot_background = true;  // kAuto: build in a background thread (false: at load)
  // Module log lines (wsn.log) and runtime notices. Default: stderr.
  std::function<void(std::string_view rule_id, int level, std::string_view message)> log;
  // Milliseconds for quarantine back-off (tests inject a clock). Default: event time (the
  // newest event time seen), so back-off is deterministic on replay.
  std::function<int64_t()> clock_ms;
};

// Options with defaults overridden from the environment (WSN_WASM_TIER=interp|auto|compiled,
// WSN_WASM_CACHE_DIR, WSN_WASM_HELPER, WSN_WASM_CC, WSN_WASM_FUEL_PER_EVENT,
// WSN_WASM_DEADLINE_MS).
WasmOptions default_wasm_options();

}  // namespace wsn::wasm
