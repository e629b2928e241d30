// `replay` and `run`: the detection pipeline over a recorded log or the live host.
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <optional>

#include "cli/commands.h"
#include "cli/config_override_option.h"
#include "cli/event_recorder.h"
#include "cli/exit_codes.h"
#include "cli/field_types_option.h"
#include "cli/live.h"
#include "cli/operations.h"
#include "cli/paths.h"
#include "cli/record_options.h"
#include "cli/replay_verify.h"
#include "cli/rule_loading.h"
#include "cli/run_status.h"
#include "cli/systemd_notify.h"
#include "collect/replay/jsonl_replay_source.h"
#include "collect/replay/wsnlog_replay_source.h"
#include "engine/engine.h"
#include "record/log_set.h"

namespace wsn::cli {
namespace {

struct DetectOptions {
  std::vector<std::string> rules;
  std::string output = "-";
  std::string config;                             // --config FILE; "" = the built-in defaults
  std::vector<std::string> override_args;         // -o as written
  std::vector<config::ConfigOverride> overrides;  // -o KEY=VALUE, after --config
  std::string fields;  // --fields FILE: types of fields the schema does not know
  bool strict = false;
  bool quiet = false;
  // Seconds between status lines (replay: progress; run: events/s, drops, alerts, rules, RSS);
  // negative: the command's default (kReplayStatusSeconds, kLiveStatusSeconds); 0: none.
  double status_interval = -1;
  std::string record;  // run: also write every live event (and alert) here
  RecordFlags record_flags;
  double duration = 0;  // run: stop after this many seconds (0: until a signal)
  // run: the rule diagnostics were already printed (live collection failed after loading the
  // rules), so the fallback replay does not print them a second time.
  bool rules_reported = false;
};

void add_detect_options(CLI::App* cmd, DetectOptions& o) {
  cmd->add_option("-r,--rules", o.rules,
                  "Rule file or directory (repeatable). Default: the bundled rules.");
  cmd->add_option("--output", o.output,
                  "Where alerts go: '-' for standard output (default) or a file path (appended, "
                  "created with mode 0600), in standard output's format (sinks.stdout.format).");
  add_config_override_option(cmd, o.override_args);
  cmd->add_option("-c,--config", o.config,
                  "Configuration file (YAML: sources, rules, limits, alerts, sinks, HTTP, "
                  "response; see docs/configuration.md). Default: built-in defaults.");
  add_fields_option(cmd, o.fields);
  cmd->add_flag("--strict", o.strict, "Exit 3 without processing if any rule fails to load.");
  cmd->add_flag("-q,--quiet", o.quiet,
                "Do not print the summary line, progress or status lines on standard error.");
  cmd->add_option("--status-interval", o.status_interval,
                  "Seconds between status lines on standard error: replay prints its progress "
                  "(percent, rate, ETA; a bar redrawn in place on a terminal), run a status line "
                  "(events/s, drops, alerts, rules, RSS). Default 5 for replay, 60 for run; 0: "
                  "none.")
      ->check(CLI::NonNegativeNumber);
}

// Writes the alerts of the live run into its binary recording, beside the events.
class RecordAlertSink final : public AlertSink {
 public:
  explicit RecordAlertSink(EventRecorder& recorder) : recorder_(recorder) {}
  std::string_view name() const override { return "record"; }
  bool write(const Alert&, std::string_view json) override {
    recorder_.write_alert(json);
    return true;
  }

 private:
  EventRecorder& recorder_;
};

// Loads the rules; false (with exit_code set) when --strict / rules.strict refuses to start.
bool load_rules_checked(Engine& engine, const DetectOptions& o, const config::Config& cfg,
                        int& exit_code) {
  // Field types first: rules compile against them.
  if (!apply_field_types_reporting(engine.registry(), &cfg, o.fields)) {
    exit_code = kExitInvalidRules;
    return false;
  }
  const LoadOutcome loaded = load_rules_reporting(engine, /*print=*/!o.rules_reported);
  if (engine.rules()->rules.empty()) {
    // Nothing to detect is never a quiet success.
    std::string paths;
    for (const auto& p : engine.rule_paths()) paths += (paths.empty() ? "" : ", ") + p;
    fmt::print(stderr,
               "wasm-sentinel: error: no rules loaded from {}; nothing to detect (give rule files "
               "or directories with -r, or leave -r out for the bundled rules)\n",
               paths);
    exit_code = kExitInvalidRules;
    return false;
  }
  if (loaded.errors > 0) {
    if (!o.rules_reported) {
      fmt::print(stderr, "wasm-sentinel: {} rule error(s){}\n", loaded.errors,
                 o.strict || cfg.rules.strict ? "; not starting (--strict)"
                                              : "; continuing with the valid rules");
    }
    if (o.strict || cfg.rules.strict) {
      exit_code = kExitInvalidRules;
      return false;
    }
  }
  return true;
}

// Opens the outputs and the rest of the configured operations; false (with exit_code set) on
// failure.
bool start_operations(Engine& engine, const DetectOptions& o, const config::Config& cfg,
                      config::Mode mode, bool live, std::unique_ptr<Operations>& ops,
                      int& exit_code) {
  auto started = Operations::start(engine, cfg, mode, o.output, live);
  if (!started.ok()) {
    fmt::print(stderr, "wasm-sentinel: {}\n", started.error().message);
    exit_code = kExitRuntimeError;
    return false;
  }
  ops = std::move(started.value());
  for (const auto& w : ops->warnings()) fmt::print(stderr, "wasm-sentinel: warning: {}\n", w);
  return true;
}

constexpr double kReplayStatusSeconds = 5;
constexpr double kLiveStatusSeconds = 60;

// The reporter of a run's progress (replay of `input`) or status (live: `input` empty).
std::unique_ptr<RunStatusReporter> start_status(Engine& engine, const DetectOptions& o,
                                                const std::string& input) {
  if (o.quiet) return nullptr;
  RunStatusReporter::Options so;
  const double seconds = o.status_interval >= 0
                             ? o.status_interval
                             : (input.empty() ? kLiveStatusSeconds : kReplayStatusSeconds);
  so.interval = std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  so.terminal = ::isatty(STDERR_FILENO) == 1 && o.status_interval != 0;
  so.input = input;
  return std::make_unique<RunStatusReporter>(engine, so);
}

// "38 rules loaded" or "158 rules loaded, 75 refused": rules that did not compile do not run.
std::string rules_phrase(const RuleSet& set) {
  size_t failed = 0;
  for (const auto& r : set.rules) failed += r.failed ? 1 : 0;
  std::string out = fmt::format("{} rules loaded", set.rules.size() - failed);
  if (failed) out += fmt::format(", {} refused", failed);
  return out;
}

void print_summary(const RunStats& s, const std::string& rules) {
  const double eps = s.seconds > 0 ? static_cast<double>(s.bus.processed) / s.seconds : 0;
  fmt::print(stderr,
             "wasm-sentinel: {} events processed ({} malformed, {} dropped) in {:.3f} s "
             "({:.0f} events/s); {}; {} alerts\n",
             s.bus.processed, s.source.malformed, s.bus.dropped, s.seconds, eps, rules,
             s.alerts.alerts);
}

// One line per sink that could not write some alerts, naming it and the cause; true if any.
bool report_sink_troubles(Engine& engine) {
  const auto troubles = engine.alerts().sink_troubles();
  for (const auto& t : troubles) {
    fmt::print(stderr, "wasm-sentinel: error: sink {}: {} alert(s) could not be written{}{}\n",
               t.sink, t.failures, t.last_error.empty() ? "" : " (",
               t.last_error.empty() ? "" : t.last_error + ")");
  }
  return !troubles.empty();
}

int replay_file(const std::string& path, const DetectOptions& o,
                config::Mode mode = config::Mode::kReplay) {
  int exit_code = kExitOk;
  SignalWatcher::block_signals();
  config::Config cfg;
  if (!load_config_reporting(o.config, cfg, o.overrides)) return kExitInvalidRules;
  Engine engine(engine_options(cfg, o.rules, bundled_rules_dir()));
  std::unique_ptr<Operations> ops;  // declared after the engine: stops (HTTP) before it
  if (!load_rules_checked(engine, o, cfg, exit_code) ||
      !start_operations(engine, o, cfg, mode, /*live=*/false, ops, exit_code)) {
    return exit_code;
  }
  const std::string shown = path == "-" ? "<stdin>" : path;
  std::unique_ptr<EventSource> source;
  const bool binary = record::is_binary_log(path);
  if (binary) {
    source = std::make_unique<WsnlogReplaySource>(
        path, engine.registry(),
        [](const std::string& m) { fmt::print(stderr, "wasm-sentinel: {}\n", m); });
  } else {
    source = std::make_unique<JsonlReplaySource>(
        path, engine.registry(), log_reader_options(path), [&shown](const MalformedLine& m) {
          fmt::print(stderr, "{}:{}: malformed event: {}\n", shown, m.line, m.reason);
        });
  }
  SignalWatcher signals(engine);
  RunStats stats;
  Status st;
  {
    const auto status = start_status(engine, o, path);
    st = engine.run(*source, stats);
  }
  if (!st.ok()) {
    fmt::print(stderr, "wasm-sentinel: {}\n", st.error().message);
    return kExitRuntimeError;
  }
  if (!o.quiet) print_summary(stats, rules_phrase(*engine.rules()));
  if (!binary && stats.bus.processed == 0 && stats.source.malformed > 0) {
    fmt::print(stderr,
               "wasm-sentinel: error: no line of {} was an event ({} malformed); is it a "
               "JSON-lines event log (docs/event-format.md)?\n",
               shown, stats.source.malformed);
    return kExitRuntimeError;
  }
  if (report_sink_troubles(engine)) return kExitRuntimeError;
  return exit_code;
}

}  // namespace

void register_replay(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<DetectOptions>();
  auto file = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "replay",
      "Run detection over a recorded event log and print the alerts: a binary flight-recorder\n"
      "log (recognised by its magic; a rotated recording by its base name, all segments in\n"
      "order) or JSON lines (ECS fields; '-' reads standard input). Malformed lines are\n"
      "reported on standard error as FILE:LINE: malformed event: REASON and skipped, damaged\n"
      "blocks of a binary log are counted and reported; the run goes on and exits 0.\n"
      "Example: wasm-sentinel replay data/sample/linux-activity.jsonl");
  cmd->add_option("FILE", *file, "Event log to replay ('-' for standard input)")->required();
  add_detect_options(cmd, *o);
  auto verify = std::make_shared<bool>(false);
  cmd->add_flag("--verify", *verify,
                "FILE is a binary recording made by `run --record FILE.wsnlog`: replay it as "
                "`run` would (its dedupe and throttle settings; no sinks) and compare the alerts "
                "with those the live run stored, byte for byte and in order. Exit 0 when "
                "identical, 4 when they differ (the differences are listed).");
  cmd->callback([o, file, verify, &exit_code] {
    if (!parse_config_overrides(o->override_args, o->overrides, *verify ? nullptr : &o->output)) {
      exit_code = kExitUsage;
      return;
    }
    if (*verify) {
      if (o->output != "-") {
        fmt::print(stderr, "wasm-sentinel: --verify writes no alerts; leave out --output\n");
        exit_code = kExitUsage;
        return;
      }
      exit_code = replay_verify(
          *file, VerifyOptions{o->rules, o->config, o->quiet, o->fields, o->overrides});
      return;
    }
    exit_code = replay_file(*file, *o);
  });
}

// Live detection with the configured sources (the kernel collector by default; any set of
// source plug-ins at once). Rules load first: the sources are then told what the rules need
// (interest pushdown). Returns nullopt (after saying why) when no source can run here, so the
// caller can fall back.
std::optional<int> run_live(DetectOptions& o) {
  SignalWatcher::block_signals();
  config::Config cfg;
  if (!load_config_reporting(o.config, cfg, o.overrides)) return kExitInvalidRules;

  EngineOptions options = engine_options(cfg, o.rules, bundled_rules_dir());
  options.report = [](const std::string& note) { fmt::print(stderr, "wasm-sentinel: {}\n", note); };
  std::unique_ptr<EventRecorder> recorder;
  RecorderOptions recorder_opts;
  if (!o.record.empty()) {
    auto parsed = recorder_options(o.record_flags);
    if (!parsed.ok()) {
      fmt::print(stderr, "wasm-sentinel: {}\n", parsed.error().message);
      return kExitUsage;
    }
    recorder_opts = std::move(parsed.value());
    options.tap = [&recorder](const Event& e) { recorder->write(e); };
  }
  Engine engine(options);
  const std::vector<std::string> names = usable_sources(engine, cfg);
  if (names.empty()) {
    fmt::print(stderr, "wasm-sentinel: no configured event source can run here\n");
    return std::nullopt;
  }
  int exit_code = kExitOk;
  if (!load_rules_checked(engine, o, cfg, exit_code)) return exit_code;
  o.rules_reported = true;
  if (!o.record.empty()) {
    recorder_opts.ruleset_hash = ruleset_hash(*engine.rules());
    auto r = EventRecorder::open(o.record, engine.registry(), recorder_opts);
    if (!r.ok()) {
      fmt::print(stderr, "wasm-sentinel: {}\n", r.error().message);
      return kExitRuntimeError;
    }
    recorder = std::move(r.value());
  }

  const EventInterest wanted = engine.rules_interest();
  LiveSources sources = start_sources(engine, cfg, names, wanted);
  if (sources.running.empty()) return std::nullopt;
  const std::vector<std::string> unfed = unreachable_rules(sources, wanted);
  for (size_t k = 0; k < unfed.size() && k < 20; ++k) {
    fmt::print(stderr, "wasm-sentinel: warning: {}\n", unfed[k]);
  }
  if (unfed.size() > 20) {
    fmt::print(stderr, "wasm-sentinel: warning: … and {} more rule(s) no source can feed\n",
               unfed.size() - 20);
  }
  std::unique_ptr<Operations> ops;
  if (!start_operations(engine, o, cfg, config::Mode::kRun, /*live=*/true, ops, exit_code)) {
    return exit_code;
  }
  // A binary recording also keeps the alerts the run raised (replay can compare them).
  if (recorder && recorder->binary())
    engine.alerts().add_sink(std::make_unique<RecordAlertSink>(*recorder));
  SignalWatcher signals(engine);  // before saying we are live: a signal then finds it
  print_sources(sources, "live detection with " + rules_phrase(*engine.rules()));
  RunStats stats;
  Status st;
  {
    RunTimer timer(engine, o.duration);
    const auto status = start_status(engine, o, "");
    ServiceWatchdog watchdog([&engine] { return engine.running(); }, "live detection");
    st = engine.run(sources.running, stats);
  }
  if (!st.ok()) {
    fmt::print(stderr, "wasm-sentinel: {}\n", st.error().message);
    return kExitRuntimeError;
  }
  if (!o.quiet) {
    print_summary(stats, rules_phrase(*engine.rules()));
    for (const auto& s : stats.sources) {
      fmt::print(stderr,
                 "wasm-sentinel: source {}: {} events, {} dropped in the event queue, {} lost "
                 "before reaching it, {} malformed\n",
                 s.name, s.writer.published, s.writer.dropped, s.source.lost, s.source.malformed);
    }
  }
  if (recorder) {
    std::string error;
    if (!recorder->close(error)) {
      fmt::print(stderr, "wasm-sentinel: {}\n", error);
      exit_code = kExitRuntimeError;
    }
  }
  return report_sink_troubles(engine) ? kExitRuntimeError : exit_code;
}

void register_run(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<DetectOptions>();
  CLI::App* cmd = app.add_subcommand(
      "run",
      "The main job: live detection on this host with the loaded rules (default: the bundled\n"
      "rules), alerts on standard output. Events come from the configured sources (default:\n"
      "the kernel collector, which needs root and a kernel with BTF; `sources:` in the\n"
      "configuration adds others, e.g. stdin, several at once). Where no source can run it\n"
      "says why and replays the bundled sample log instead, so you can see what detection\n"
      "looks like. Stop with Ctrl-C.");
  add_detect_options(cmd, *o);
  cmd->add_option("--record", o->record,
                  "Also write every live event to this file: a binary flight-recorder log "
                  "(*.wsnlog, recommended; it also keeps the alerts raised) or JSON lines. "
                  "`replay FILE` reproduces the run's detections from it.");
  add_record_flags(cmd, o->record_flags);
  cmd->add_option("--duration", o->duration,
                  "Stop after this many seconds (default: run until "
                  "SIGINT/SIGTERM).");
  cmd->callback([o, &exit_code] {
    if (!parse_config_overrides(o->override_args, o->overrides, &o->output)) {
      exit_code = kExitUsage;
      return;
    }
    if (auto rc = run_live(*o)) {
      exit_code = *rc;
      return;
    }
    // A configured agent (-c) that cannot watch its host is a failure, never a demonstration.
    if (!o->config.empty()) {
      fmt::print(stderr,
                 "wasm-sentinel: error: not monitoring this host: no source of {} can run here "
                 "(reasons above); run as root (or with CAP_BPF and CAP_PERFMON) on a kernel with "
                 "BTF, or enable a source that can run\n",
                 o->config);
      exit_code = kExitRuntimeError;
      return;
    }
    fmt::print(stderr,
               "wasm-sentinel: warning: NOT MONITORING THIS HOST: no event source can run here "
               "(reasons above), so this is a demonstration: the bundled sample log {} is "
               "replayed as `replay` would (no dedupe, alert store or HTTP endpoint). For live "
               "detection run as root (or with CAP_BPF and CAP_PERFMON) on a kernel with BTF.\n",
               bundled_sample_log());
    exit_code = replay_file(bundled_sample_log(), *o);
  });
}

}  // namespace wsn::cli
