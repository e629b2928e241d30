// `replay` and `run`: the detection pipeline over a recorded log or the live host.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <csignal>
#include <cstdio>
#include <thread>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/operations.h"
#include "cli/paths.h"
#include "cli/rule_loading.h"
#include "collect/replay/jsonl_replay_source.h"
#include "engine/engine.h"

namespace wsn::cli {
namespace {

struct DetectOptions {
  std::vector<std::string> rules;
  std::string output = "-";
  std::string config;  // --config FILE; "" = the built-in defaults
  bool strict = false;
  bool quiet = false;
};

void add_detect_options(CLI::App* cmd, DetectOptions& o) {
  cmd->add_option("-r,--rules", o.rules,
                  "Rule file or directory (repeatable). Default: the bundled rules.");
  cmd->add_option("-o,--output", o.output,
                  "Where alerts go, as ECS JSON lines: '-' for standard output (default) or a "
                  "file path (appended, created with mode 0600).");
  cmd->add_option("-c,--config", o.config,
                  "Configuration file (YAML: sources, rules, limits, alerts, sinks, HTTP, "
                  "response; see docs/configuration.md). Default: built-in defaults.");
  cmd->add_flag("--strict", o.strict, "Exit 3 without processing if any rule fails to load.");
  cmd->add_flag("-q,--quiet", o.quiet, "Do not print the summary line on standard error.");
}

// Stops the engine on SIGINT/SIGTERM and reloads the rules on SIGHUP: the signals are blocked in
// every thread and taken by a watcher thread with sigtimedwait, so no code runs in signal
// context. SIGUSR1 (also blocked) wakes the watcher when the run is over.
class SignalWatcher {
 public:
  explicit SignalWatcher(Engine& engine) {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    sigaddset(&set_, SIGUSR1);
    sigaddset(&set_, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
    thread_ = std::thread([this, &engine] {
      const timespec tick{1, 0};
      while (!done_.load()) {
        const int sig = sigtimedwait(&set_, nullptr, &tick);
        if (sig == SIGINT || sig == SIGTERM) engine.stop();
        if (sig == SIGHUP) reload(engine);
      }
    });
  }
  static void reload(Engine& engine) {
    std::vector<std::string> errors, warnings;
    const bool ok = engine.reload_rules(errors, &warnings);
    for (const auto& w : warnings) std::fputs(w.c_str(), stderr);
    for (const auto& e : errors) std::fputs(e.c_str(), stderr);
    if (ok) {
      fmt::print(stderr, "wasm-sentinel: rules reloaded ({} rules)\n",
                 engine.rules()->rules.size());
    } else {
      fmt::print(stderr,
                 "wasm-sentinel: rule reload rejected ({} error(s)); the previous rules stay "
                 "active\n",
                 errors.size());
    }
  }
  ~SignalWatcher() {
    done_.store(true);
    pthread_kill(thread_.native_handle(), SIGUSR1);
    thread_.join();
  }

 private:
  sigset_t set_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

// Loads rules and opens the output; returns false (with exit_code set) on failure.
bool prepare(Engine& engine, const DetectOptions& o, const config::Config& cfg,
             config::Mode mode, bool live, std::unique_ptr<Operations>& ops, int& exit_code) {
  const LoadOutcome loaded = load_rules_reporting(engine);
  if (loaded.errors > 0) {
    fmt::print(stderr, "wasm-sentinel: {} rule error(s){}\n", loaded.errors,
               o.strict || cfg.rules.strict ? "; not starting (--strict)"
                                            : "; continuing with the valid rules");
    if (o.strict || cfg.rules.strict) {
      exit_code = kExitInvalidRules;
      return false;
    }
  }
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

void print_summary(const RunStats& s, size_t rules) {
  const double eps = s.seconds > 0 ? static_cast<double>(s.bus.processed) / s.seconds : 0;
  fmt::print(stderr,
             "wasm-sentinel: {} events processed ({} malformed, {} dropped) in {:.3f} s "
             "({:.0f} events/s); {} rules; {} alerts\n",
             s.bus.processed, s.source.malformed, s.bus.dropped, s.seconds, eps, rules,
             s.alerts.alerts);
}

int replay_file(const std::string& path, const DetectOptions& o,
                config::Mode mode = config::Mode::kReplay) {
  int exit_code = kExitOk;
  config::Config cfg;
  if (!load_config_reporting(o.config, cfg)) return kExitInvalidRules;
  Engine engine(engine_options(cfg, o.rules, bundled_rules_dir()));
  std::unique_ptr<Operations> ops;  // declared after the engine: stops (HTTP) before it
  if (!prepare(engine, o, cfg, mode, /*live=*/false, ops, exit_code)) return exit_code;
  const std::string shown = path == "-" ? "<stdin>" : path;
  JsonlReplaySource source(path, engine.registry(), ReaderOptions{},
                           [&shown](const MalformedLine& m) {
                             fmt::print(stderr, "{}:{}: malformed event: {}\n", shown, m.line,
                                        m.reason);
                           });
  SignalWatcher signals(engine);
  RunStats stats;
  const Status st = engine.run(source, stats);
  if (!st.ok()) {
    fmt::print(stderr, "wasm-sentinel: {}\n", st.error().message);
    return kExitRuntimeError;
  }
  if (!o.quiet) print_summary(stats, engine.rules()->rules.size());
  if (stats.alerts.sink_failures > 0) {
    fmt::print(stderr, "wasm-sentinel: {} alert(s) could not be written\n",
               stats.alerts.sink_failures);
    return kExitRuntimeError;
  }
  return exit_code;
}

}  // namespace

void register_replay(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<DetectOptions>();
  auto file = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "replay",
      "Run detection over a recorded event log (JSON lines, ECS fields; '-' reads standard\n"
      "input) and print the alerts. Malformed lines are reported on standard error as\n"
      "FILE:LINE: malformed event: REASON and skipped; the run goes on and exits 0.\n"
      "Example: wasm-sentinel replay data/sample/linux-activity.jsonl");
  cmd->add_option("FILE", *file, "Event log to replay ('-' for standard input)")->required();
  add_detect_options(cmd, *o);
  cmd->callback([o, file, &exit_code] { exit_code = replay_file(*file, *o); });
}

void register_run(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<DetectOptions>();
  CLI::App* cmd = app.add_subcommand(
      "run",
      "The main job: live detection on this host with the loaded rules (default: the bundled\n"
      "rules), alerts on standard output. Needs root and a kernel with BTF for the eBPF\n"
      "collector; where that is unavailable it says why and replays the bundled sample log\n"
      "instead, so you can see what detection looks like. Stop with Ctrl-C.");
  add_detect_options(cmd, *o);
  cmd->callback([o, &exit_code] {
    // The live eBPF collector plugs in here; until it is available this build replays the
    // bundled sample log.
    fmt::print(stderr,
               "wasm-sentinel: live eBPF collection is not available in this build; replaying "
               "the bundled sample log {} instead\n",
               bundled_sample_log());
    exit_code = replay_file(bundled_sample_log(), *o);
  });
}

}  // namespace wsn::cli
