// `replay` and `run`: the detection pipeline over a recorded log or the live host.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <optional>
#include <cstdio>
#include <thread>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/operations.h"
#include "cli/paths.h"
#include "cli/rule_loading.h"
#include "collect/ebpf/ebpf_source.h"
#include "collect/replay/jsonl_replay_source.h"
#include "engine/engine.h"
#include "event/json_writer.h"

namespace wsn::cli {
namespace {

struct DetectOptions {
  std::vector<std::string> rules;
  std::string output = "-";
  std::string config;  // --config FILE; "" = the built-in defaults
  bool strict = false;
  bool quiet = false;
  std::string record;     // run: also write every live event here (JSON lines)
  double duration = 0;    // run: stop after this many seconds (0: until a signal)
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

// Paths whose read-only opens the live collector reports (reads are the one high-volume kind,
// so they are filtered in the kernel): the credential files the bundled rules watch.
constexpr const char* kReadPrefixes[] = {"/etc/shadow", "/etc/gshadow", "/etc/sudoers",
                                         "/root/.ssh/", "/etc/ssh/ssh_host_"};

// Writes every event of a live run as a JSON line that `replay` reads back as the same event.
class EventRecorder {
 public:
  static Result<std::unique_ptr<EventRecorder>> open(const std::string& path,
                                                     const FieldRegistry& registry) {
    std::FILE* f = std::fopen(path.c_str(), "we");
    if (!f) {
      const int err = errno;
      return Error{"open record file " + path + ": " + std::strerror(err), err};
    }
    return std::unique_ptr<EventRecorder>(new EventRecorder(f, registry));
  }
  ~EventRecorder() { std::fclose(file_); }
  void write(const Event& e) {
    line_.clear();
    write_event_json(e, registry_, line_);
    line_ += '\n';
    std::fwrite(line_.data(), 1, line_.size(), file_);
  }

 private:
  EventRecorder(std::FILE* f, const FieldRegistry& r) : file_(f), registry_(r) {}
  std::FILE* file_;
  const FieldRegistry& registry_;
  std::string line_;
};

// Live detection with the eBPF collector. Returns nullopt (after saying why) when live
// collection cannot run here, so the caller can fall back.
std::optional<int> run_live(const DetectOptions& o) {
  config::Config cfg;
  if (!load_config_reporting(o.config, cfg)) return kExitInvalidRules;
  if (!cfg.sources.ebpf.enabled) {
    fmt::print(stderr, "wasm-sentinel: the eBPF source is disabled in the configuration\n");
    return std::nullopt;
  }
  if (Status avail = collect::ebpf_available(); !avail.ok()) {
    fmt::print(stderr, "wasm-sentinel: live collection unavailable: {}\n",
               avail.error().message);
    return std::nullopt;
  }
  collect::EbpfOptions eo;
  eo.ring_buffer_bytes = cfg.sources.ebpf.ring_buffer_bytes;
  eo.process_table_capacity = cfg.sources.ebpf.process_table;
  eo.host_name = cfg.sources.ebpf.host_name;
  for (const char* p : kReadPrefixes) eo.interest.add_read_prefix(p);
  collect::EbpfSource source(eo);
  if (Status s = source.start(); !s.ok()) {
    fmt::print(stderr, "wasm-sentinel: live collection unavailable: {}\n", s.error().message);
    return std::nullopt;
  }

  EngineOptions options = engine_options(cfg, o.rules, bundled_rules_dir());
  options.policy = EventBus::Policy::kDrop;  // never stall the kernel reader
  std::unique_ptr<EventRecorder> recorder;
  Engine* engine_ptr = nullptr;
  if (!o.record.empty()) {
    options.tap = [&recorder](const Event& e) { recorder->write(e); };
  }
  Engine engine(options);
  engine_ptr = &engine;
  if (!o.record.empty()) {
    auto r = EventRecorder::open(o.record, engine.registry());
    if (!r.ok()) {
      fmt::print(stderr, "wasm-sentinel: {}\n", r.error().message);
      return kExitRuntimeError;
    }
    recorder = std::move(r.value());
  }
  int exit_code = kExitOk;
  std::unique_ptr<Operations> ops;
  if (!prepare(engine, o, cfg, config::Mode::kRun, /*live=*/true, ops, exit_code)) {
    return exit_code;
  }
  std::string hooks;
  for (const auto& h : source.attached_hooks()) hooks += (hooks.empty() ? "" : " ") + h;
  fmt::print(stderr, "wasm-sentinel: live detection with {} rules; hooks: {}; Ctrl-C stops\n",
             engine.rules()->rules.size(), hooks);
  SignalWatcher signals(engine);
  std::thread timer;
  std::atomic<bool> finished{false};
  if (o.duration > 0) {
    timer = std::thread([&] {
      const auto until = std::chrono::steady_clock::now() +
                         std::chrono::duration<double>(o.duration);
      while (!finished.load() && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      engine_ptr->stop();
    });
  }
  RunStats stats;
  const Status st = engine.run(source, stats);
  finished.store(true);
  if (timer.joinable()) timer.join();
  if (!st.ok()) {
    fmt::print(stderr, "wasm-sentinel: {}\n", st.error().message);
    return kExitRuntimeError;
  }
  if (!o.quiet) {
    print_summary(stats, engine.rules()->rules.size());
    fmt::print(stderr, "wasm-sentinel: kernel drops: {}\n", stats.source.lost);
  }
  return stats.alerts.sink_failures > 0 ? kExitRuntimeError : exit_code;
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
  cmd->add_option("--record", o->record,
                  "Also write every live event to this file as JSON lines; `replay FILE` "
                  "reproduces the run's detections from it.");
  cmd->add_option("--duration", o->duration, "Stop after this many seconds (default: run until "
                                             "SIGINT/SIGTERM).");
  cmd->callback([o, &exit_code] {
    if (auto rc = run_live(*o)) {
      exit_code = *rc;
      return;
    }
    fmt::print(stderr, "wasm-sentinel: replaying the bundled sample log {} instead\n",
               bundled_sample_log());
    exit_code = replay_file(bundled_sample_log(), *o);
  });
}

}  // namespace wsn::cli
