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
// Sigma with EQL (issue 13): the Elastic EQL rules alone against the same rules together with
// SigmaHQ's Linux rules (../shared/conformance/sigma/rules/linux, read in place), passes of the
// two alternated in the same run: the time ratio (goal <= 1.3x), and the prefilter passes per
// event each rule set's matchers count (MatcherStats::prefilter_scans: one per event, however many
// rules and kinds share the plan).
//
//   build/bench/bench/eql/wsn_elastic_bench [--events=N] [--repetitions=N] [--rule-stats]
//                                           [--per-rule=N] [--no-pipeline] [--sigma-only]
//                                           [--unique-values] [--elastic-dir=DIR]
//                                           [--bundled-dir=DIR] [--sigma-dir=DIR]
//
// --sigma-only measures only the Sigma comparison (not the 10-rule and Elastic+bundled sets).
// --rule-stats lists the Elastic-set rules evaluated most and those that fired; --per-rule=N
// measures every rule file alone and lists the N costliest (diagnostic); --no-pipeline measures
// detection only (for a profiler). --unique-values makes every command line and file path of the
// log unique (ActivityLog::set_unique_values): the worst case of the matcher's literal-scan
// memo; the output gives the share of values the memo found either way.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include "activity_log.h"
#include "collect/replay/jsonl_replay_source.h"
#include "detect/rule_file.h"
#include "engine/engine.h"
#include "match/engine.h"
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
  std::string sigma_dir = std::string(WSN_SHARED_DIR) + "/conformance/sigma/rules/linux";
  bool sigma_only = false;
  bool unique_values = false;  // --unique-values: ActivityLog::set_unique_values
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
  std::vector<std::pair<uint64_t, std::string>> fired;      // (matches, rule id)
  std::map<std::string, uint64_t> evaluations_by_kind;      // of the last detection pass
  std::vector<std::pair<uint64_t, std::string>> top_sigma;  // (evaluations, Sigma rule id)
  uint64_t pipeline_prefilter_passes = 0;  // of the last pipeline pass (the engine's counter)
  uint64_t pipeline_events = 0;
  // CPU ns per event of the last pipeline pass: the detection thread (detection, alerts) and
  // the others (the replay source's reading and JSON parsing, the bus).
  double pipeline_detect_thread_ns = 0, pipeline_other_threads_ns = 0;
  uint64_t prefilter_passes = 0;  // MatcherStats::prefilter_scans of the last detection pass
  uint64_t memo_hits = 0, memo_misses = 0;  // the literal scan's memo, last detection pass
  std::vector<std::pair<uint64_t, std::string>> fired_sigma;  // (matches, Sigma rule id)
  uint64_t sigma_detections = 0;
  double select_ns = 0;  // per event: the prefilter and category index alone (select_only)
  size_t matchers = 0;   // compiled kinds with a matcher (IR rules share one)
  std::map<std::string, size_t> kinds;  // loaded rules by kind
  std::vector<std::string> kind_of;     // per rule index
};

// Loads `paths` into a fresh engine; exits on a rule set that loaded nothing.
std::unique_ptr<wsn::Engine> load(const std::vector<std::string>& paths, RuleSetFigures& f) {
  auto engine = std::make_unique<wsn::Engine>(wsn::EngineOptions{.rule_paths = paths});
  std::vector<std::string> errors, warnings;
  engine->load_rules(errors, &warnings);
  const auto set = engine->rules();
  f.rules = 0;
  f.failed = 0;
  f.kinds.clear();
  f.kind_of.clear();
  for (const auto& r : set->rules) {
    ++(r.failed ? f.failed : f.rules);
    if (!r.failed) ++f.kinds[r.kind];
    f.kind_of.push_back(r.kind);
  }
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
  f.matchers = matchers.size();
  f.prefilter_passes = 0;
  f.memo_hits = f.memo_misses = 0;
  for (auto& m : matchers) {
    f.prefilter_passes += m->stats().prefilter_scans;
    if (auto* info = dynamic_cast<wsn::match::RuleMatcherInfo*>(m.get())) {
      f.memo_hits += info->memo_hits();
      f.memo_misses += info->memo_misses();
    }
  }
  if (last) {
    std::vector<uint64_t> evals(set.rules.size()), matches(set.rules.size());
    for (auto& m : matchers) m->add_rule_counters(evals, matches);
    f.evaluations = std::accumulate(evals.begin(), evals.end(), uint64_t{0});
    f.top.clear();
    f.fired.clear();
    f.top_sigma.clear();
    f.fired_sigma.clear();
    f.sigma_detections = 0;
    f.evaluations_by_kind.clear();
    for (size_t k = 0; k < set.rules.size(); ++k) {
      f.top.emplace_back(evals[k], set.rules[k].id);
      if (matches[k] > 0) f.fired.emplace_back(matches[k], set.rules[k].id);
      f.evaluations_by_kind[set.rules[k].kind] += evals[k];
      if (set.rules[k].kind == "sigma") {
        f.top_sigma.emplace_back(evals[k], set.rules[k].id);
        f.sigma_detections += matches[k];
        if (matches[k] > 0) f.fired_sigma.emplace_back(matches[k], set.rules[k].id);
      }
    }
    std::sort(f.top.rbegin(), f.top.rend());
    std::sort(f.fired.rbegin(), f.fired.rend());
    std::sort(f.top_sigma.rbegin(), f.top_sigma.rend());
    std::sort(f.fired_sigma.rbegin(), f.fired_sigma.rend());
  }
  return seconds;
}

// The log parsed with `engine`'s registry (its rules' field ids).
std::vector<wsn::Event> read_log(wsn::Engine& engine, const fs::path& log, const Options& o) {
  auto events = wsn::read_jsonl_file(log.string(), engine.registry());
  if (!events.ok() || events.value().size() != o.events) {
    std::fprintf(stderr, "reading the generated log failed\n");
    std::exit(1);
  }
  return std::move(events.value());
}

// CPU seconds of this thread (RUSAGE_THREAD) or of the whole process (RUSAGE_SELF).
double cpu_seconds(int who) {
  rusage u{};
  getrusage(who, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

// One pass of the whole replay pipeline with a fresh engine (as BM_Pipeline); events/s.
double pipeline_pass(RuleSetFigures& f, const fs::path& log) {
  auto engine = load(f.paths, f);
  wsn::JsonlReplaySource source(log.string(), engine->registry());
  wsn::RunStats stats;
  const double thread0 = cpu_seconds(RUSAGE_THREAD), process0 = cpu_seconds(RUSAGE_SELF);
  const auto t0 = std::chrono::steady_clock::now();
  if (!engine->run(source, stats).ok()) {
    std::fprintf(stderr, "replay failed\n");
    std::exit(1);
  }
  const double eps = static_cast<double>(stats.bus.processed) / seconds_since(t0);
  // Engine::run detects on the calling thread; the replay source parses on its own.
  const double detect_thread = cpu_seconds(RUSAGE_THREAD) - thread0;
  const double others = cpu_seconds(RUSAGE_SELF) - process0 - detect_thread;
  const double n = static_cast<double>(std::max<uint64_t>(stats.bus.processed, 1));
  f.pipeline_detect_thread_ns = detect_thread * 1e9 / n;
  f.pipeline_other_threads_ns = others * 1e9 / n;
  f.pipeline_alerts = stats.alerts.alerts;
  f.pipeline_events = stats.bus.processed;
  f.pipeline_prefilter_passes = stats.detection.matcher.prefilter_scans;
  return eps;
}

void measure(RuleSetFigures& f, const fs::path& log, const Options& o) {
  {
    auto engine = load(f.paths, f);
    const auto events = read_log(*engine, log, o);
    std::vector<double> eps;
    for (int r = 0; r < o.repetitions; ++r) {
      const double s = detect_pass(*engine->rules(), events, f, r + 1 == o.repetitions);
      eps.push_back(static_cast<double>(o.events) / s);
    }
    f.detect_eps = median(eps);
  }
  if (!o.pipeline) return;
  std::vector<double> eps;
  for (int r = 0; r < o.repetitions; ++r) eps.push_back(pipeline_pass(f, log));
  f.pipeline_eps = median(eps);
}

// Seconds of one pass of the IR matcher's rule selection alone (prefilter and category index,
// RuleMatcherInfo::select_only: no rule is run, no state changes); 0 without an IR matcher.
double select_pass(const wsn::RuleSet& set, const std::vector<wsn::Event>& events) {
  for (const auto& c : set.compiled) {
    if (!c) continue;
    auto m = c->make_matcher();
    auto* info = dynamic_cast<wsn::match::RuleMatcherInfo*>(m.get());
    if (info == nullptr) continue;
    std::vector<wsn::Event> batch(kBatch);
    size_t selected = 0;
    double seconds = 0;
    for (size_t k = 0; k < events.size(); k += kBatch) {
      const size_t n = std::min(kBatch, events.size() - k);
      for (size_t i = 0; i < n; ++i) batch[i] = events[k + i];
      const auto t0 = std::chrono::steady_clock::now();
      for (size_t i = 0; i < n; ++i) selected += info->select_only(batch[i]);
      seconds += seconds_since(t0);
    }
    if (selected == SIZE_MAX) std::puts("");  // keep the work
    return seconds;
  }
  return 0;
}

// Time ratios of `b` to `a`, one per pair of alternated passes.
struct Comparison {
  std::vector<double> detect, pipeline;
};

// Two rule sets measured pass for pass (a, b, a, b, …), so that both see the same machine load:
// detection passes first, then pipeline passes.
Comparison compare(RuleSetFigures& a, RuleSetFigures& b, const fs::path& log, const Options& o) {
  Comparison c;
  {
    auto ea = load(a.paths, a);
    auto eb = load(b.paths, b);
    const auto va = read_log(*ea, log, o);
    const auto vb = read_log(*eb, log, o);
    std::vector<double> da, db;
    for (int r = 0; r < o.repetitions; ++r) {
      const bool last = r + 1 == o.repetitions;
      const double sa = detect_pass(*ea->rules(), va, a, last);
      const double sb = detect_pass(*eb->rules(), vb, b, last);
      da.push_back(static_cast<double>(o.events) / sa);
      db.push_back(static_cast<double>(o.events) / sb);
      c.detect.push_back(sb / sa);
    }
    a.detect_eps = median(da);
    b.detect_eps = median(db);
    std::vector<double> sa, sb;
    for (int r = 0; r < o.repetitions; ++r) {
      sa.push_back(select_pass(*ea->rules(), va) * 1e9 / static_cast<double>(o.events));
      sb.push_back(select_pass(*eb->rules(), vb) * 1e9 / static_cast<double>(o.events));
    }
    a.select_ns = median(sa);
    b.select_ns = median(sb);
  }
  if (!o.pipeline) return c;
  std::vector<double> pa, pb;
  for (int r = 0; r < o.repetitions; ++r) {
    pa.push_back(pipeline_pass(a, log));
    pb.push_back(pipeline_pass(b, log));
    c.pipeline.push_back(pa.back() / pb.back());
  }
  a.pipeline_eps = median(pa);
  b.pipeline_eps = median(pb);
  return c;
}

std::string kinds_text(const RuleSetFigures& f) {
  std::string out;
  for (const auto& [kind, n] : f.kinds) {
    out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + kind;
  }
  return out;
}

void report_sigma(const RuleSetFigures& a, const RuleSetFigures& b, const Comparison& c,
                  const Options& o) {
  std::printf(
      "\nSigma with EQL (issue 13): %s (%zu rules: %s) against %s (%zu rules: %s), "
      "%d alternated passes each\n",
      b.label.c_str(), b.rules, kinds_text(b).c_str(), a.label.c_str(), a.rules,
      kinds_text(a).c_str(), o.repetitions);
  std::printf("%-26s %16s %10s %12s %16s %10s %8s\n", "rules", "detect ev/s/core", "ns/event",
              "detections", "pipeline ev/s", "ns/event", "alerts");
  for (const RuleSetFigures* f : {&a, &b}) {
    std::printf("%-26s %16.0f %10.1f %12llu %16.0f %10.1f %8llu\n", f->label.c_str(), f->detect_eps,
                1e9 / f->detect_eps, static_cast<unsigned long long>(f->detections),
                f->pipeline_eps, f->pipeline_eps > 0 ? 1e9 / f->pipeline_eps : 0.0,
                static_cast<unsigned long long>(f->pipeline_alerts));
  }
  auto ratios = [](const std::vector<double>& v) {
    std::string out;
    for (double x : v) {
      char text[16];
      std::snprintf(text, sizeof text, "%.2f", x);
      out += (out.empty() ? "" : " ") + std::string(text);
    }
    return out;
  };
  const double detect = median(c.detect);
  std::printf(
      "detection time ratio together/EQL alone: %.2fx (median of pairs: %s; goal <= 1.3x: "
      "%s)\n",
      detect, ratios(c.detect).c_str(), detect <= 1.3 ? "met" : "NOT met");
  if (!c.pipeline.empty()) {
    const double pipe = median(c.pipeline);
    std::printf(
        "pipeline time ratio together/EQL alone: %.2fx (median of pairs: %s; goal <= 1.3x: "
        "%s)\n",
        pipe, ratios(c.pipeline).c_str(), pipe <= 1.3 ? "met" : "NOT met");
  }
  for (const RuleSetFigures* f : {&a, &b}) {
    std::printf("prefilter passes per event, %s: detection %llu / %llu = %.3f with %zu matcher(s)",
                f->label.c_str(), static_cast<unsigned long long>(f->prefilter_passes),
                static_cast<unsigned long long>(o.events),
                static_cast<double>(f->prefilter_passes) / static_cast<double>(o.events),
                f->matchers);
    if (f->pipeline_events > 0) {
      std::printf("; pipeline (wsn_prefilter_scans_total) %llu / %llu = %.3f",
                  static_cast<unsigned long long>(f->pipeline_prefilter_passes),
                  static_cast<unsigned long long>(f->pipeline_events),
                  static_cast<double>(f->pipeline_prefilter_passes) /
                      static_cast<double>(f->pipeline_events));
    }
    std::printf("\n");
  }
  std::printf(
      "where detection time goes (ns/event): rule selection alone (prefilter, category index) "
      "%s %.0f, %s %.0f; the rest (evaluations, sequence state, detections) %s %.0f, %s %.0f\n",
      a.label.c_str(), a.select_ns, b.label.c_str(), b.select_ns, a.label.c_str(),
      1e9 / a.detect_eps - a.select_ns, b.label.c_str(), 1e9 / b.detect_eps - b.select_ns);
  std::printf("rule evaluations per event:");
  for (const RuleSetFigures* f : {&a, &b}) {
    std::printf(" %s %.3f (", f->label.c_str(),
                static_cast<double>(f->evaluations) / static_cast<double>(o.events));
    bool first = true;
    for (const auto& [kind, n] : f->evaluations_by_kind) {
      std::printf("%s%s %.3f", first ? "" : ", ", kind.c_str(),
                  static_cast<double>(n) / static_cast<double>(o.events));
      first = false;
    }
    std::printf(")%s", f == &a ? ";" : "\n");
  }
  std::printf("detections of Sigma rules (together): %llu, by %zu rules\n",
              static_cast<unsigned long long>(b.sigma_detections), b.fired_sigma.size());
  if (o.rule_stats) {
    std::printf("Sigma rules that fired (together):\n");
    for (const auto& [n, id] : b.fired_sigma) {
      std::printf("  %10llu  %s\n", static_cast<unsigned long long>(n), id.c_str());
    }
    std::printf("Sigma rules evaluated most (together):\n");
    for (size_t k = 0; k < std::min<size_t>(20, b.top_sigma.size()); ++k) {
      std::printf("  %10llu  %s\n", static_cast<unsigned long long>(b.top_sigma[k].first),
                  b.top_sigma[k].second.c_str());
    }
  }
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
    } else if (a.rfind("--sigma-dir=", 0) == 0) {
      o.sigma_dir = a.substr(12);
    } else if (a == "--sigma-only") {
      o.sigma_only = true;
    } else if (a.rfind("--per-rule=", 0) == 0) {
      o.per_rule = std::stoul(std::string(a.substr(11)));
    } else if (a == "--unique-values") {
      o.unique_values = true;
    } else if (a == "--no-pipeline") {
      o.pipeline = false;
    } else if (a == "--rule-stats") {
      o.rule_stats = true;
    } else {
      std::fprintf(stderr,
                   "usage: %s [--events=N] [--repetitions=N] [--rule-stats] [--per-rule=N] "
                   "[--no-pipeline] [--unique-values] [--sigma-only] [--elastic-dir=DIR] "
                   "[--bundled-dir=DIR] [--sigma-dir=DIR]\n",
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
    gen.set_unique_values(o.unique_values);
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

  std::printf("generated %llu events (%.1f MiB JSON lines) in %.1f s\n",
              static_cast<unsigned long long>(o.events),
              static_cast<double>(fs::file_size(log)) / (1 << 20), seconds_since(t0));

  if (!o.sigma_only) {
    RuleSetFigures small{.label = "10 generated rules", .paths = {ten.string()}};
    RuleSetFigures elastic{.label = "Elastic Linux + bundled",
                           .paths = {o.elastic_dir, o.bundled_dir}};
    // Skips are the loader's (non-EQL Elastic rules), counted once.
    elastic.skipped =
        wsn::load_rule_files(elastic.paths, wsn::PluginRegistry::builtin()).skipped.size();
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
      std::printf("%-26s %16.0f %10.1f %12llu %16.0f %10.1f %8llu\n", f->label.c_str(),
                  f->detect_eps, 1e9 / f->detect_eps,
                  static_cast<unsigned long long>(f->detections), f->pipeline_eps,
                  1e9 / f->pipeline_eps, static_cast<unsigned long long>(f->pipeline_alerts));
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
      std::printf(
          "pipeline CPU ns/event (last pass): detection thread 10 rules %.0f, Elastic set %.0f; "
          "replay source (reading, parsing) 10 rules %.0f, Elastic set %.0f\n",
          small.pipeline_detect_thread_ns, elastic.pipeline_detect_thread_ns,
          small.pipeline_other_threads_ns, elastic.pipeline_other_threads_ns);
    }
    std::printf("rule evaluations per event: 10 rules %.2f, Elastic set %.2f\n",
                static_cast<double>(small.evaluations) / static_cast<double>(o.events),
                static_cast<double>(elastic.evaluations) / static_cast<double>(o.events));
    std::printf("Elastic-set rules that fired: %zu\n", elastic.fired.size());
    const uint64_t scanned = elastic.memo_hits + elastic.memo_misses;
    std::printf(
        "literal-scan memo, Elastic set: %.1f%% of %llu memoizable values (12-256 bytes) "
        "found%s\n",
        scanned > 0 ? 100.0 * static_cast<double>(elastic.memo_hits) / static_cast<double>(scanned)
                    : 0.0,
        static_cast<unsigned long long>(scanned),
        o.unique_values ? " (--unique-values: every command line and file path unique)" : "");
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
  }
  if (fs::is_directory(o.sigma_dir)) {
    RuleSetFigures eql{.label = "Elastic EQL alone", .paths = {o.elastic_dir}};
    RuleSetFigures together{.label = "Elastic EQL + SigmaHQ",
                            .paths = {o.elastic_dir, o.sigma_dir}};
    const Comparison c = compare(eql, together, log, o);
    report_sigma(eql, together, c, o);
  } else {
    std::printf("\nno SigmaHQ rules at %s (--sigma-dir): the Sigma comparison is skipped\n",
                o.sigma_dir.c_str());
  }
  fs::remove_all(dir);
  return 0;
}
