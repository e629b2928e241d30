// Elastic rule benchmark (issue #12): every Elastic Linux detection rule (the .toml files of
// ../shared/conformance/elastic-detection-rules/rules/linux, read in place and loaded by the rule
// loader as they are; non-EQL rules are skipped by the loader) plus the bundled rules (rules/),
// against 10 generated rules (the EQL benchmark's first 10), over the EQL benchmark's generated
// host activity log (activity_log.h; every event carries host.os.type "linux", which every
// Elastic Linux rule tests first), in the same run:
//
//   detection  pre-parsed events → every compiled rule kind's Matcher::process, on one core;
//              events are staged (untimed) into a recycled batch of 256 as the bus hands them
//              over (as BM_Detect of eql_bench.cpp)
//   pipeline   the log as a JSON-lines file → replay → bus → detection → alerts (Engine::run)
//
// Each figure is the median of --repetitions passes (default 3). Goals: detection with the
// Elastic set >= 1,000,000 events/s on one core; the Elastic pipeline within 1.5x of the
// 10-rule pipeline (time ratio). See docs/benchmarks.md.
//
//   build/bench/bench/eql/wsn_elastic_bench [--events=N] [--repetitions=N] [--rule-stats]
//                                           [--per-rule=N] [--no-pipeline]
//                                           [--elastic-dir=DIR] [--bundled-dir=DIR]
//
// --rule-stats lists the Elastic-set rules evaluated most and those that fired; --per-rule=N
// measures every rule file alone and lists the N costliest (diagnostic); --no-pipeline measures
// detection only (for a profiler).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include <unistd.h>

#include "activity_log.h"
#include "collect/replay/jsonl_replay_source.h"
#include "detect/rule_file.h"
#include "engine/engine.h"
#include "rule_generator.h"
#include "wsn/detector.h"
#include "wsn/plugins.h"

namespace {

namespace fs = std::filesystem;
constexpr size_t kBatch = 256;

struct Options {
  uint64_t events = 300'000;
  int repetitions = 3;
  bool rule_stats = false;
  bool pipeline = true;  // --no-pipeline: detection only (for profiling)
  size_t per_rule = 0;   // --per-rule=N: the N rules costing most detection time, each alone
  std::string elastic_dir =
      std::string(WSN_SHARED_DIR) + "/conformance/elastic-detection-rules/rules/linux";
  std::string bundled_dir = std::string(WSN_SOURCE_DIR) + "/rules";
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

class CountingSink final : public wsn::MatchSink {
 public:
  void on_match(uint32_t, std::span<const wsn::Event* const>) override { ++matches; }
  uint64_t matches = 0;
};

struct RuleSetFigures {
  std::string label;
  std::vector<std::string> paths;
  size_t rules = 0, failed = 0, skipped = 0;
  double detect_eps = 0;    // median, one core
  double pipeline_eps = 0;  // median, wall clock
  uint64_t detections = 0;  // detection pass
  uint64_t pipeline_alerts = 0;
  uint64_t evaluations = 0;                           // rule evaluations of the last detection pass
  std::vector<std::pair<uint64_t, std::string>> top;  // (evaluations, rule id)
  std::vector<std::pair<uint64_t, std::string>> fired;  // (matches, rule id)
};

// Loads `paths` into a fresh engine; exits on a rule set that loaded nothing.
std::unique_ptr<wsn::Engine> load(const std::vector<std::string>& paths, RuleSetFigures& f) {
  auto engine = std::make_unique<wsn::Engine>(wsn::EngineOptions{.rule_paths = paths});
  std::vector<std::string> errors, warnings;
  engine->load_rules(errors, &warnings);
  const auto set = engine->rules();
  f.rules = 0;
  f.failed = 0;
  for (const auto& r : set->rules) ++(r.failed ? f.failed : f.rules);
  if (f.rules == 0) {
    std::fprintf(stderr, "%s: no rule loaded\n", f.label.c_str());
    for (const auto& e : errors) std::fputs(e.c_str(), stderr);
    std::exit(1);
  }
  return engine;
}

// One detection pass on this thread over `events`; returns the timed seconds.
double detect_pass(const wsn::RuleSet& set, const std::vector<wsn::Event>& events,
                   RuleSetFigures& f, bool last) {
  std::vector<std::unique_ptr<wsn::Matcher>> matchers;
  for (const auto& c : set.compiled) {
    if (c) matchers.push_back(c->make_matcher());
  }
  for (auto& m : matchers) m->set_live_events(false);
  CountingSink sink;
  std::vector<wsn::Event> batch(kBatch);
  double seconds = 0;
  for (size_t k = 0; k < events.size(); k += kBatch) {
    const size_t n = std::min(kBatch, events.size() - k);
    for (size_t i = 0; i < n; ++i) batch[i] = events[k + i];
    const auto t0 = std::chrono::steady_clock::now();
    for (size_t i = 0; i < n; ++i) {
      for (auto& m : matchers) m->process(batch[i], sink);
    }
    seconds += seconds_since(t0);
  }
  const auto t0 = std::chrono::steady_clock::now();
  for (auto& m : matchers) m->finish(sink);
  seconds += seconds_since(t0);
  f.detections = sink.matches;
  if (last) {
    std::vector<uint64_t> evals(set.rules.size()), matches(set.rules.size());
    for (auto& m : matchers) m->add_rule_counters(evals, matches);
    f.evaluations = std::accumulate(evals.begin(), evals.end(), uint64_t{0});
    f.top.clear();
    f.fired.clear();
    for (size_t k = 0; k < set.rules.size(); ++k) {
      f.top.emplace_back(evals[k], set.rules[k].id);
      if (matches[k] > 0) f.fired.emplace_back(matches[k], set.rules[k].id);
    }
    std::sort(f.top.rbegin(), f.top.rend());
    std::sort(f.fired.rbegin(), f.fired.rend());
  }
  return seconds;
}

void measure(RuleSetFigures& f, const fs::path& log, const Options& o) {
  // Detection: the log parsed with this engine's registry (its rules' field ids).
  {
    auto engine = load(f.paths, f);
    auto events = wsn::read_jsonl_file(log.string(), engine->registry());
    if (!events.ok() || events.value().size() != o.events) {
      std::fprintf(stderr, "reading the generated log failed\n");
      std::exit(1);
    }
    std::vector<double> eps;
    for (int r = 0; r < o.repetitions; ++r) {
      const double s = detect_pass(*engine->rules(), events.value(), f, r + 1 == o.repetitions);
      eps.push_back(static_cast<double>(o.events) / s);
    }
    f.detect_eps = median(eps);
  }
  if (!o.pipeline) return;
  // The whole replay pipeline, a fresh engine per pass (as BM_Pipeline).
  std::vector<double> eps;
  for (int r = 0; r < o.repetitions; ++r) {
    auto engine = load(f.paths, f);
    wsn::JsonlReplaySource source(log.string(), engine->registry());
    wsn::RunStats stats;
    const auto t0 = std::chrono::steady_clock::now();
    if (!engine->run(source, stats).ok()) {
      std::fprintf(stderr, "replay failed\n");
      std::exit(1);
    }
    eps.push_back(static_cast<double>(stats.bus.processed) / seconds_since(t0));
    f.pipeline_alerts = stats.alerts.alerts;
  }
  f.pipeline_eps = median(eps);
}

// Detection cost of every rule file of the Elastic set alone (diagnostic): where the time of the
// full set goes. Events are parsed once: the generated log holds built-in fields only, whose ids
// are the same in every registry.
void per_rule_costs(const RuleSetFigures& elastic, const fs::path& log, const Options& o) {
  wsn::FieldRegistry reg;
  auto events = wsn::read_jsonl_file(log.string(), reg);
  if (!events.ok() || reg.size() != wsn::fields::kBuiltinCount) {
    std::fprintf(stderr, "--per-rule: the log holds fields beyond the built-ins; skipped\n");
    return;
  }
  std::vector<std::string> files;
  for (const auto& root : elastic.paths) {
    for (const auto& e : fs::recursive_directory_iterator(root)) {
      const auto ext = e.path().extension();
      if (e.is_regular_file() && (ext == ".toml" || ext == ".yml" || ext == ".yaml")) {
        files.push_back(e.path().string());
      }
    }
  }
  std::sort(files.begin(), files.end());
  // The cost of an empty pass (staging), subtracted from each.
  RuleSetFigures none{.label = "none"};
  wsn::RuleSet empty;
  const double base = detect_pass(empty, events.value(), none, false);
  std::vector<std::pair<double, std::string>> costs;
  double total = 0;
  for (const auto& file : files) {
    auto engine = std::make_unique<wsn::Engine>(wsn::EngineOptions{.rule_paths = {file}});
    std::vector<std::string> errors, warnings;
    engine->load_rules(errors, &warnings);
    const auto set = engine->rules();
    if (set->rules.empty() || set->compiled.empty()) continue;
    RuleSetFigures f{.label = file};
    const double s = detect_pass(*set, events.value(), f, false) - base;
    const double ns = s * 1e9 / static_cast<double>(events.value().size());
    total += ns;
    std::string ids;
    for (const auto& r : set->rules) ids += (ids.empty() ? "" : ",") + r.id;
    costs.emplace_back(ns, ids + "  " + fs::path(file).filename().string());
  }
  std::sort(costs.rbegin(), costs.rend());
  std::printf(
      "\nper-rule detection cost, each rule alone (ns/event; sum over %zu files %.0f ns):\n",
      costs.size(), total);
  for (size_t k = 0; k < std::min(o.per_rule, costs.size()); ++k) {
    std::printf("  %8.1f  %s\n", costs[k].first, costs[k].second.c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int k = 1; k < argc; ++k) {
    const std::string_view a = argv[k];
    if (a.rfind("--events=", 0) == 0) {
      o.events = std::stoull(std::string(a.substr(9)));
    } else if (a.rfind("--repetitions=", 0) == 0) {
      o.repetitions = std::max(1, std::stoi(std::string(a.substr(14))));
    } else if (a.rfind("--elastic-dir=", 0) == 0) {
      o.elastic_dir = a.substr(14);
    } else if (a.rfind("--bundled-dir=", 0) == 0) {
      o.bundled_dir = a.substr(14);
    } else if (a.rfind("--per-rule=", 0) == 0) {
      o.per_rule = std::stoul(std::string(a.substr(11)));
    } else if (a == "--no-pipeline") {
      o.pipeline = false;
    } else if (a == "--rule-stats") {
      o.rule_stats = true;
    } else {
      std::fprintf(stderr,
                   "usage: %s [--events=N] [--repetitions=N] [--rule-stats] [--elastic-dir=DIR] "
                   "[--bundled-dir=DIR]\n",
                   argv[0]);
      return 2;
    }
  }
  if (o.events < 1) return 2;
  if (!fs::is_directory(o.elastic_dir)) {
    std::fprintf(stderr, "no Elastic rules at %s (--elastic-dir)\n", o.elastic_dir.c_str());
    return 1;
  }

  const fs::path dir =
      fs::temp_directory_path() / ("wsn_elastic_bench." + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path log = dir / "activity.jsonl";
  const auto t0 = std::chrono::steady_clock::now();
  {
    std::ofstream out(log, std::ios::binary);
    wsn::bench::eql::ActivityLog gen;
    std::string line;
    for (uint64_t k = 0; k < o.events; ++k) {
      line.clear();
      gen.append_next(line);
      line += '\n';
      out.write(line.data(), static_cast<std::streamsize>(line.size()));
    }
  }
  const auto generated = wsn::bench::eql::generate_rules(1000);
  const fs::path ten = dir / "rules_10.yml";
  std::ofstream(ten) << wsn::bench::eql::rules_yaml(std::span(generated).first(10));

  RuleSetFigures small{.label = "10 generated rules", .paths = {ten.string()}};
  RuleSetFigures elastic{.label = "Elastic Linux + bundled",
                         .paths = {o.elastic_dir, o.bundled_dir}};
  // Skips are the loader's (non-EQL Elastic rules), counted once.
  elastic.skipped =
      wsn::load_rule_files(elastic.paths, wsn::PluginRegistry::builtin()).skipped.size();
  std::printf("generated %llu events (%.1f MiB JSON lines) in %.1f s\n",
              static_cast<unsigned long long>(o.events),
              static_cast<double>(fs::file_size(log)) / (1 << 20), seconds_since(t0));

  measure(small, log, o);
  measure(elastic, log, o);
  std::printf(
      "rule sets: %s: %zu rules; %s (%s, %s): %zu rules loaded, %zu failed, %zu skipped "
      "by the loader (not EQL)\n",
      small.label.c_str(), small.rules, elastic.label.c_str(), o.elastic_dir.c_str(),
      o.bundled_dir.c_str(), elastic.rules, elastic.failed, elastic.skipped);
  std::printf("\n%-26s %16s %10s %12s %16s %10s %8s\n", "rules", "detect ev/s/core", "ns/event",
              "detections", "pipeline ev/s", "ns/event", "alerts");
  for (const RuleSetFigures* f : {&small, &elastic}) {
    std::printf("%-26s %16.0f %10.1f %12llu %16.0f %10.1f %8llu\n", f->label.c_str(), f->detect_eps,
                1e9 / f->detect_eps, static_cast<unsigned long long>(f->detections),
                f->pipeline_eps, 1e9 / f->pipeline_eps,
                static_cast<unsigned long long>(f->pipeline_alerts));
  }
  const double detect_ratio = small.detect_eps / elastic.detect_eps;
  const double pipeline_ratio =
      elastic.pipeline_eps > 0 ? small.pipeline_eps / elastic.pipeline_eps : 0;
  std::printf(
      "\ndetection, Elastic set: %.0f events/s/core (goal >= 1,000,000: %s); time ratio "
      "Elastic/10 rules: %.2fx\n",
      elastic.detect_eps, elastic.detect_eps >= 1e6 ? "met" : "NOT met", detect_ratio);
  if (o.pipeline) {
    std::printf("full pipeline time ratio Elastic/10 rules: %.2fx (goal <= 1.5x: %s)\n",
                pipeline_ratio, pipeline_ratio <= 1.5 ? "met" : "NOT met");
  }
  std::printf("rule evaluations per event: 10 rules %.2f, Elastic set %.2f\n",
              static_cast<double>(small.evaluations) / static_cast<double>(o.events),
              static_cast<double>(elastic.evaluations) / static_cast<double>(o.events));
  std::printf("Elastic-set rules that fired: %zu\n", elastic.fired.size());
  if (o.rule_stats) {
    std::printf("top rules by evaluations (Elastic set):\n");
    for (size_t k = 0; k < std::min<size_t>(60, elastic.top.size()); ++k) {
      std::printf("  %10llu  %s\n", static_cast<unsigned long long>(elastic.top[k].first),
                  elastic.top[k].second.c_str());
    }
    std::printf("rules that fired (matches):\n");
    for (const auto& [n, id] : elastic.fired) {
      std::printf("  %10llu  %s\n", static_cast<unsigned long long>(n), id.c_str());
    }
  }
  if (o.per_rule > 0) per_rule_costs(elastic, log, o);
  fs::remove_all(dir);
  return 0;
}
