// Per-event cost of a Wasm rule in each way WasmSentinel can run it, measured in one run on
// the bundled sample log, with the reverse-shell detector of the SDK (sdk/examples/c):
//
//   native       the same C function compiled natively (gcc -O2), called directly
//   compiled     the AOT tier: wasm2c + gcc -O2 on the rewritten module (fuel, depth checks)
//   interpreter  wabt's interpreter on the same rewritten module
//   node         Node's built-in WebAssembly (V8) on the same rewritten module, per event
//
// "call" rows time writing a prepared record into the module's buffer and calling
// wsn_on_event; "full" rows time the whole per-event path of a rule (record serialisation,
// metering, policy). Ratios are against native in the same run; each figure is the fastest
// of 7 timed runs.
//
//   wsn_wasm_bench [REPEAT]     (REPEAT: passes over the 2987 sample events, default 40)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "collect/replay/jsonl_replay_source.h"
#include "wasm/helper_client.h"
#include "wasm/loader.h"
#include "wasm/record_builder.h"
#include "wasm/runner.h"
#include "wasm/subprocess.h"

// The native build of sdk/examples/c/reverse_shell.c (same source as the module).
extern "C" {
int32_t wsn_on_event(uint32_t len);
uint8_t* wsn_event_buffer(void);
uint32_t wsn_event_buffer_size(void);
static uint64_t g_native_alerts = 0;
void wsn_emit_alert(int32_t, const char*, uint32_t, const char*, uint32_t) {
  ++g_native_alerts;
}
}

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;
using namespace wsn;
using namespace wsn::wasm;

// Fastest of 7 runs of ns per event for `pass` (one pass over `n` events), `repeat` passes
// each: the minimum is the figure least disturbed by other work on a shared machine.
template <typename F>
double time_per_event(size_t n, int repeat, F&& pass) {
  pass();  // warm up
  std::vector<double> runs;
  for (int r = 0; r < 7; ++r) {
    const auto t0 = Clock::now();
    for (int k = 0; k < repeat; ++k) pass();
    const auto t1 = Clock::now();
    runs.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count() /
                   (static_cast<double>(repeat) * static_cast<double>(n)));
  }
  return *std::min_element(runs.begin(), runs.end());
}

class NullSink final : public MatchSink {
 public:
  void on_match(uint32_t, std::span<const Event* const>) override { ++matches; }
  uint64_t matches = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const int repeat = argc > 1 ? std::max(1, std::atoi(argv[1])) : 40;
  FieldRegistry registry;
  auto sample = read_jsonl_file(WSN_SOURCE_DIR "/data/sample/linux-activity.jsonl", registry);
  if (!sample.ok()) {
    std::fprintf(stderr, "%s\n", sample.error().message.c_str());
    return 1;
  }
  const std::vector<Event>& events = sample.value();

  TempDir work;
  WasmOptions options;
  options.helper_path = WSN_WASM_HELPER_PATH;
  options.cache_dir = work.path() + "/cache";
  options.tier = TierMode::kCompiled;
  options.aot_background = false;
  ModuleLoader loader(options);
  LoadError err;
  const std::string module_path = WSN_WASM_SDK_OUT "/c_reverse_shell.wasm";
  auto m = loader.load(module_path, "", registry, err);
  if (!m) {
    std::fprintf(stderr, "%s: %s\n", module_path.c_str(), err.message.c_str());
    return 1;
  }

  // Records the host writes for each event (the same bytes for every contender).
  std::vector<std::vector<uint8_t>> records;
  for (const Event& e : events) {
    std::vector<uint8_t> r(16384);
    r.resize(build_record(e, m->bound, r));
    records.push_back(std::move(r));
  }

  // -- native
  uint64_t native_matches = 0;
  const double native_call = time_per_event(records.size(), repeat, [&] {
    native_matches = 0;
    uint8_t* buf = wsn_event_buffer();
    for (const auto& r : records) {
      std::memcpy(buf, r.data(), r.size());
      native_matches += wsn_on_event(static_cast<uint32_t>(r.size())) > 0;
    }
  });
  std::vector<uint8_t> scratch(16384);
  const double native_full = time_per_event(events.size(), repeat, [&] {
    uint8_t* buf = wsn_event_buffer();
    for (const Event& e : events) {
      const uint32_t len = build_record(e, m->bound, {buf, wsn_event_buffer_size()});
      wsn_on_event(len);
    }
  });

  // -- the two tiers, calling the instance directly
  auto call_cost = [&](Tier tier, int passes, uint64_t& matches) {
    StateStore state(1000);
    HostEnv env(m->bound, state, {}, 8);
    Instantiation inst = instantiate(*m, tier, env);
    InitResult init = initialize_instance(*inst.instance, *m, env, options.sandbox);
    if (!init.ok) {
      std::fprintf(stderr, "init failed: %s\n", init.message.c_str());
      std::exit(1);
    }
    return time_per_event(records.size(), passes, [&] {
      matches = 0;
      for (size_t k = 0; k < records.size(); ++k) {
        std::span<uint8_t> mem = inst.instance->memory();
        std::memcpy(mem.data() + init.buffer, records[k].data(), records[k].size());
        env.begin_call(&events[k], 0);
        CallResult r = inst.instance->call(Export::kOnEvent, records[k].size(),
                                           options.sandbox.fuel_per_event);
        matches += static_cast<int32_t>(r.value) > 0;
      }
    });
  };
  uint64_t aot_matches = 0, interp_matches = 0;
  const double aot_call = call_cost(Tier::kCompiled, repeat, aot_matches);
  const double interp_call =
      call_cost(Tier::kInterpreter, std::max(1, repeat / 20), interp_matches);

  // -- the full per-event path of a rule (ModuleRunner)
  auto full_cost = [&](TierChoice choice, int passes) {
    ModuleRunner runner(m, {0, "bench", FailMode::kOpen}, options, choice);
    NullSink sink;
    return time_per_event(events.size(), passes, [&] {
      for (const Event& e : events) runner.process(e, sink);
    });
  };
  const double aot_full = full_cost(TierChoice::kCompiledOnly, repeat);
  const double interp_full = full_cost(TierChoice::kInterpreterOnly, std::max(1, repeat / 20));

  // -- Node, same canonical module and the same records
  const std::string records_file = work.path() + "/records.bin";
  const std::string canonical_file = work.path() + "/canonical.wasm";
  {
    std::ofstream out(records_file, std::ios::binary);
    for (const auto& r : records) {
      const uint32_t len = static_cast<uint32_t>(r.size());
      out.write(reinterpret_cast<const char*>(&len), 4);
      out.write(reinterpret_cast<const char*>(r.data()), len);
    }
  }
  write_bytes(canonical_file, m->canonical);
  // With `full`, Node also runs the whole per-event path of a JS host: the declared fields of
  // each parsed event serialised into the record, then the call.
  double node_full_ns = -1;
  long node_full_matches = -1;
  auto node = [&](const std::string& module_file, bool full, double& ns, long& matches) {
    ns = -1;
    matches = -1;
    ProcessLimits limits;
    limits.timeout_ms = 600000;
    std::vector<std::string> args = {"node", WSN_SOURCE_DIR "/bench/wasm/node_bench.mjs",
                                     module_file, records_file, std::to_string(repeat)};
    if (full) {
      args.push_back(WSN_SOURCE_DIR "/data/sample/linux-activity.jsonl");
      for (const std::string& f : m->meta.fields) args.push_back(f);
    }
    auto r = run_process(args, limits);
    if (!r.ok() || !r->succeeded()) {
      std::fprintf(stderr, "node: %s\n", r.ok() ? r->err.c_str() : r.error().message.c_str());
      return;
    }
    std::sscanf(r->out.c_str(), "ns_per_event=%lf matches=%ld", &ns, &matches);
    if (const char* f = std::strstr(r->out.c_str(), "full_ns_per_event=")) {
      std::sscanf(f, "full_ns_per_event=%lf full_matches=%ld", &node_full_ns, &node_full_matches);
    }
  };
  double node_ns = 0, node_plain_ns = 0;
  long node_matches = 0, node_plain_matches = 0;
  node(canonical_file, /*full=*/true, node_ns, node_matches);
  node(module_path, /*full=*/false, node_plain_ns, node_plain_matches);

  std::printf("Wasm rule per-event cost: sdk/examples/c/reverse_shell.c, %zu sample events x %d\n",
              events.size(), repeat);
  std::printf("%-44s %10s %10s %8s\n", "", "ns/event", "x native", "matches");
  auto row = [&](const char* name, double ns, double base, long matches) {
    std::printf("%-44s %10.1f %10.2f %8ld\n", name, ns, ns / base, matches);
  };
  row("call: native C (gcc -O2)", native_call, native_call, static_cast<long>(native_matches));
  row("call: compiled tier (wasm2c + gcc -O2)", aot_call, native_call,
      static_cast<long>(aot_matches));
  row("call: interpreter tier (wabt)", interp_call, native_call, static_cast<long>(interp_matches));
  row("call: Node WebAssembly, same rewritten module", node_ns, native_call, node_matches);
  row("call: Node WebAssembly, original module", node_plain_ns, native_call, node_plain_matches);
  row("full: native (record + call)", native_full, native_full, static_cast<long>(native_matches));
  row("full: compiled tier (ModuleRunner)", aot_full, native_full, static_cast<long>(aot_matches));
  row("full: interpreter tier (ModuleRunner)", interp_full, native_full,
      static_cast<long>(interp_matches));
  row("full: Node WebAssembly (JS host: record + call)", node_full_ns, native_full,
      node_full_matches);
  std::printf("compiled / native (call) = %.2f   (goal <= 1.5)\n", aot_call / native_call);
  std::printf("Node / compiled (call)   = %.2f   (prepared record copied in; goal >= 5)\n",
              node_ns / aot_call);
  std::printf("Node / compiled (full)   = %.2f   (each host builds the record from its parsed "
              "event; goal >= 5)\n",
              node_full_ns / aot_full);
  const bool agree = native_matches == aot_matches && aot_matches == interp_matches &&
                     static_cast<long>(aot_matches) == node_matches &&
                     static_cast<long>(aot_matches) == node_full_matches;
  std::printf("verdicts agree: %s\n", agree ? "yes" : "NO");
  return agree ? 0 : 1;
}
