// Time one call of a hostile module can take, per tier: modules that loop on host functions
// (state_set with distinct keys, log, emit_alert) or on plain instructions until the fuel
// budget stops them. Quarantine is off, so every event makes a full call; the store is full
// from the first calls on, so inserts also evict. Prints the mean and the slowest call.
// A second table gives the same modules unlimited fuel: the wall-clock deadline (the default
// per-call budget) must stop each call, and shows how far past the budget a call can run.
//
//   wsn_wasm_hostile_bench [CALLS]     (default 200 per module and tier)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>

#include "wasm/helper_client.h"
#include "wasm/loader.h"
#include "wasm/runner.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace wsn;
using namespace wsn::wasm;

class NullSink final : public MatchSink {
 public:
  void on_match(uint32_t, std::span<const Event* const>) override {}
};

int run_table(ModuleLoader& loader, FieldRegistry& registry, const WasmOptions& options,
              int calls, std::initializer_list<const char*> modules);

}  // namespace

int main(int argc, char** argv) {
  const int calls = argc > 1 ? std::max(1, std::atoi(argv[1])) : 200;
  TempDir work;
  WasmOptions options;
  options.helper_path = WSN_WASM_HELPER_PATH;
  options.cache_dir = work.path() + "/cache";
  options.tier = TierMode::kCompiled;
  options.aot_background = false;
  options.quarantine.consecutive_traps = ~0u;
  options.quarantine.rate_failures = 0;
  options.log = [](std::string_view, int, std::string_view) {};  // the cost of escaping only
  FieldRegistry registry;
  ModuleLoader loader(options);
  std::printf("fuel budget %lld per call\n", static_cast<long long>(options.sandbox.fuel_per_event));
  if (int rc = run_table(loader, registry, options, calls,
                         {"state_flood", "state_add_flood", "get_field_flood", "log_flood",
                          "alert_flood", "loop"})) {
    return rc;
  }
  WasmOptions unlimited = options;
  unlimited.sandbox.fuel_per_event = int64_t{1} << 60;
  ModuleLoader unlimited_loader(unlimited);
  std::printf("\nunlimited fuel, wall-clock deadline %u ms per call\n",
              unlimited.sandbox.deadline_ms_per_event);
  return run_table(unlimited_loader, registry, unlimited, std::min(calls, 8),
                   {"state_flood", "state_add_flood", "get_field_flood", "log_flood", "loop"});
}

namespace {

// One table: each module in each tier, `calls` events.
int run_table(ModuleLoader& loader, FieldRegistry& registry, const WasmOptions& options,
              int calls, std::initializer_list<const char*> modules) {
  std::printf("%-12s %-12s %10s %10s %8s  %s\n", "module", "tier", "mean_us", "max_us", "traps",
              "last error");
  for (const char* name : modules) {
    LoadError err;
    const std::string path = std::string(WSN_HOSTILE_MODULES) + "/" + name + ".wasm";
    auto m = loader.load(path, "", registry, err);
    if (!m) {
      std::fprintf(stderr, "%s: %s\n", path.c_str(), err.message.c_str());
      return 1;
    }
    for (TierChoice tier : {TierChoice::kCompiledOnly, TierChoice::kInterpreterOnly}) {
      ModuleRunner runner(m, {0, name, FailMode::kOpen}, options, tier);
      NullSink sink;
      double total = 0, worst = 0;
      for (int k = 0; k < calls; ++k) {
        Event e;
        e.set_category(categories::kProcess);
        e.set_timestamp(fields::kTimestamp, 1'700'000'000'000'000'000 + int64_t{k} * 1'000'000);
        const auto t0 = Clock::now();
        runner.process(e, sink);
        const double us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
        total += us;
        worst = std::max(worst, us);
      }
      std::printf("%-12s %-12s %10.1f %10.1f %8llu  %s\n", name,
                  tier == TierChoice::kCompiledOnly ? "compiled" : "interpreter", total / calls,
                  worst, static_cast<unsigned long long>(runner.stats().traps),
                  runner.last_error().c_str());
    }
  }
  return 0;
}

}  // namespace
