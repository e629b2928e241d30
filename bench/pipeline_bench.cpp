// Foundation benchmark: JSON-lines parse → bus → detection stage (no rules), against parse-only
// on the same generated file in the same run. Reports events/s of both and their ratio.
//
//   build/bench/bench/wsn_pipeline_bench [--events=N]   (default 1,000,000)
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "collect/replay/jsonl_replay_source.h"
#include "engine/engine.h"
#include "event/json_reader.h"
#include "event_log_generator.h"

namespace {

uint64_t g_events = 1'000'000;
std::string g_path;
double g_parse_eps = 0;
double g_pipeline_eps = 0;

// Parse-only baseline: the same chunked reading and decoding a replay does, no bus, no detection.
void BM_ParseOnly(benchmark::State& state) {
  uint64_t n = 0;
  for (auto _ : state) {
    wsn::FieldRegistry reg;
    wsn::JsonEventReader reader(reg);
    wsn::Event e;
    std::ifstream in(g_path, std::ios::binary);
    std::string chunk(1 << 20, '\0');
    std::string carry;
    n = 0;
    while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
      carry.append(chunk.data(), static_cast<size_t>(in.gcount()));
      size_t start = 0;
      for (size_t nl; (nl = carry.find('\n', start)) != std::string::npos; start = nl + 1) {
        e.clear();
        if (reader.parse(std::string_view(carry).substr(start, nl - start), e)) ++n;
      }
      carry.erase(0, start);
    }
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(static_cast<int64_t>(n * state.iterations()));
  state.counters["events"] = static_cast<double>(n);
}

// Full path: replay source thread → bounded bus → detection stage (empty rule set) → alerts.
void BM_ParseBusDetect(benchmark::State& state) {
  uint64_t n = 0;
  for (auto _ : state) {
    wsn::Engine engine(wsn::EngineOptions{});
    wsn::JsonlReplaySource source(g_path, engine.registry());
    wsn::RunStats stats;
    if (!engine.run(source, stats).ok()) state.SkipWithError("replay failed");
    n = stats.bus.processed;
  }
  state.SetItemsProcessed(static_cast<int64_t>(n * state.iterations()));
  state.counters["events"] = static_cast<double>(n);
}

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Aggregate || r.aggregate_name != "median") continue;
      const auto it = r.counters.find("items_per_second");
      if (it == r.counters.end()) continue;
      if (r.run_name.function_name == "BM_ParseOnly") g_parse_eps = it->second;
      if (r.run_name.function_name == "BM_ParseBusDetect") g_pipeline_eps = it->second;
    }
    ConsoleReporter::ReportRuns(runs);
  }
};

}  // namespace

BENCHMARK(BM_ParseOnly)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3)
    ->ReportAggregatesOnly(true)->UseRealTime();
BENCHMARK(BM_ParseBusDetect)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3)
    ->ReportAggregatesOnly(true)->UseRealTime();

int main(int argc, char** argv) {
  std::vector<char*> args;
  for (int k = 0; k < argc; ++k) {
    if (std::strncmp(argv[k], "--events=", 9) == 0) {
      g_events = std::stoull(argv[k] + 9);
    } else {
      args.push_back(argv[k]);
    }
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  g_path = (std::filesystem::temp_directory_path() / "wsn_pipeline_bench.jsonl").string();
  const uint64_t bytes = wsn::bench::write_event_log(g_path, g_events);
  std::printf("generated %llu events, %.1f MiB\n", static_cast<unsigned long long>(g_events),
              static_cast<double>(bytes) / (1 << 20));
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::printf("\nparse-only        %12.0f events/s\n", g_parse_eps);
  std::printf("parse+bus+detect  %12.0f events/s\n", g_pipeline_eps);
  if (g_parse_eps > 0) {
    std::printf("ratio pipeline/parse-only: %.3f\n", g_pipeline_eps / g_parse_eps);
  }
  std::filesystem::remove(g_path);
  benchmark::Shutdown();
  return 0;
}
