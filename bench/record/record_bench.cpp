// Flight recorder: the binary log (.wsnlog) against JSON lines on the same generated events in
// the same run — write and read rates (events/s, one core) and bytes per event, as ratios.
// Goals (issue 14): binary reading >= 5x JSON lines and >= 5M events/s; size <= 1/5.
//
//   build/bench/bench/record/wsn_record_bench [--events=N]   (default 500,000)
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "event/json_reader.h"
#include "event/json_writer.h"
#include "event_log_generator.h"
#include "record/log_reader.h"
#include "record/log_writer.h"

namespace {

uint64_t g_events = 500'000;
std::string g_jsonl;             // the generated log
std::string g_wsnlog;            // the same events, binary
std::string g_out;               // scratch output of the write benchmarks
std::vector<wsn::Event> g_pool;  // decoded events the write benchmarks cycle through
wsn::FieldRegistry* g_reg = nullptr;
double g_eps[4] = {};  // jsonl write, wsnlog write, jsonl read, wsnlog read

// Reads the JSON-lines file line by line as `replay` does (chunks, JsonEventReader).
template <typename Fn>
uint64_t for_each_json_event(const std::string& path, wsn::FieldRegistry& reg, Fn&& fn) {
  wsn::JsonEventReader reader(reg);
  wsn::Event e;
  std::ifstream in(path, std::ios::binary);
  std::string chunk(1 << 20, '\0');
  std::string carry;
  uint64_t n = 0;
  while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
    carry.append(chunk.data(), static_cast<size_t>(in.gcount()));
    size_t start = 0;
    for (size_t nl; (nl = carry.find('\n', start)) != std::string::npos; start = nl + 1) {
      e.clear();
      if (reader.parse(std::string_view(carry).substr(start, nl - start), e)) {
        fn(e);
        ++n;
      }
    }
    carry.erase(0, start);
  }
  return n;
}

void BM_JsonlWrite(benchmark::State& state) {
  for (auto _ : state) {
    std::FILE* f = std::fopen(g_out.c_str(), "w");
    std::string line;
    for (uint64_t k = 0; k < g_events; ++k) {
      line.clear();
      wsn::write_event_json(g_pool[k % g_pool.size()], *g_reg, line);
      line += '\n';
      std::fwrite(line.data(), 1, line.size(), f);
    }
    std::fclose(f);
  }
  state.SetItemsProcessed(static_cast<int64_t>(g_events * state.iterations()));
}

void BM_WsnlogWrite(benchmark::State& state) {
  for (auto _ : state) {
    auto w = wsn::record::LogWriter::open(g_out, *g_reg);
    if (!w.ok()) state.SkipWithError("open failed");
    for (uint64_t k = 0; k < g_events; ++k) {
      if (!(*w)->write_event(g_pool[k % g_pool.size()]).ok()) state.SkipWithError("write");
    }
    if (!(*w)->close().ok()) state.SkipWithError("close failed");
  }
  state.SetItemsProcessed(static_cast<int64_t>(g_events * state.iterations()));
}

void BM_JsonlRead(benchmark::State& state) {
  uint64_t n = 0;
  for (auto _ : state) {
    wsn::FieldRegistry reg;
    n = for_each_json_event(g_jsonl, reg,
                            [](const wsn::Event& e) { benchmark::DoNotOptimize(&e); });
  }
  state.SetItemsProcessed(static_cast<int64_t>(n * state.iterations()));
}

void BM_WsnlogRead(benchmark::State& state) {
  uint64_t n = 0;
  for (auto _ : state) {
    wsn::FieldRegistry reg;
    auto r = wsn::record::LogReader::open(g_wsnlog, reg);
    if (!r.ok()) state.SkipWithError("open failed");
    wsn::Event e;
    std::string_view payload;
    n = 0;
    while ((*r)->next(e, payload) == wsn::record::LogReader::Next::kEvent) {
      benchmark::DoNotOptimize(&e);
      ++n;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(n * state.iterations()));
}

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    static const char* kNames[] = {"BM_JsonlWrite", "BM_WsnlogWrite", "BM_JsonlRead",
                                   "BM_WsnlogRead"};
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Aggregate || r.aggregate_name != "median") continue;
      const auto it = r.counters.find("items_per_second");
      if (it == r.counters.end()) continue;
      for (int k = 0; k < 4; ++k) {
        if (r.run_name.function_name == kNames[k]) g_eps[k] = it->second;
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }
};

}  // namespace

BENCHMARK(BM_JsonlWrite)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true)
    ->UseRealTime();
BENCHMARK(BM_WsnlogWrite)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true)
    ->UseRealTime();
BENCHMARK(BM_JsonlRead)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true)
    ->UseRealTime();
BENCHMARK(BM_WsnlogRead)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true)
    ->UseRealTime();

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
  const auto tmp = std::filesystem::temp_directory_path();
  g_jsonl = (tmp / "wsn_record_bench.jsonl").string();
  g_wsnlog = (tmp / "wsn_record_bench.wsnlog").string();
  g_out = (tmp / "wsn_record_bench.out").string();
  const uint64_t json_bytes = wsn::bench::write_event_log(g_jsonl, g_events);

  // The binary twin of the generated log, and a pool of decoded events for the writers.
  wsn::FieldRegistry reg;
  g_reg = &reg;
  {
    auto w = wsn::record::LogWriter::open(g_wsnlog, reg);
    if (!w.ok()) return 1;
    for_each_json_event(g_jsonl, reg, [&](const wsn::Event& e) {
      (void)(*w)->write_event(e);
      if (g_pool.size() < 20'000) g_pool.push_back(e);
    });
    if (!(*w)->close().ok()) return 1;
  }
  const uint64_t bin_bytes = std::filesystem::file_size(g_wsnlog);
  std::printf(
      "generated %llu events: JSON lines %.1f MiB (%.1f B/event), binary %.1f MiB "
      "(%.1f B/event)\n",
      static_cast<unsigned long long>(g_events), static_cast<double>(json_bytes) / (1 << 20),
      static_cast<double>(json_bytes) / static_cast<double>(g_events),
      static_cast<double>(bin_bytes) / (1 << 20),
      static_cast<double>(bin_bytes) / static_cast<double>(g_events));
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::printf("\nwrite  jsonl %12.0f events/s   wsnlog %12.0f events/s   ratio %.2fx\n", g_eps[0],
              g_eps[1], g_eps[0] > 0 ? g_eps[1] / g_eps[0] : 0.0);
  std::printf("read   jsonl %12.0f events/s   wsnlog %12.0f events/s   ratio %.2fx\n", g_eps[2],
              g_eps[3], g_eps[2] > 0 ? g_eps[3] / g_eps[2] : 0.0);
  std::printf("size   jsonl %.1f B/event   wsnlog %.1f B/event   ratio 1/%.1f\n",
              static_cast<double>(json_bytes) / static_cast<double>(g_events),
              static_cast<double>(bin_bytes) / static_cast<double>(g_events),
              static_cast<double>(json_bytes) / static_cast<double>(bin_bytes));
  std::filesystem::remove(g_jsonl);
  std::filesystem::remove(g_wsnlog);
  std::filesystem::remove(g_out);
  benchmark::Shutdown();
  return 0;
}
