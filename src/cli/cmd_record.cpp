// `record`: live events from the configured sources (the kernel collector by default) written
// as a binary flight-recorder log (.wsnlog) or JSON lines, without detection.
// `replay FILE` of the recording raises the alerts `run` would have raised on those events.
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/config_override_option.h"
#include "cli/event_recorder.h"
#include "cli/exit_codes.h"
#include "cli/live.h"
#include "cli/operations.h"
#include "cli/paths.h"
#include "cli/record_options.h"
#include "cli/rule_loading.h"
#include "engine/engine.h"

namespace wsn::cli {
namespace {

struct RecordOptions {
  std::string output;
  double duration = 0;
  std::string hooks;  // "rules" | "all"; empty: each source's own configuration
  std::vector<std::string> rules;
  std::string config;
  std::vector<std::string> override_args;         // -o as written
  std::vector<config::ConfigOverride> overrides;  // -o KEY=VALUE, after --config
  bool quiet = false;
  RecordFlags record;
};

// The events to record: what the rules would need (their compiled interest), or everything;
// --hooks overrides the sources' own configuration.
EventInterest record_interest(const RecordOptions& o, const config::Config& cfg) {
  EventInterest wanted;
  if (o.hooks == "all") {
    wanted.scope = EventInterest::Scope::kAll;
    return wanted;
  }
  // A throw-away engine: the rules are only read for their interest, never run.
  Engine rules_engine(engine_options(cfg, o.rules, bundled_rules_dir()));
  const LoadOutcome loaded = load_rules_reporting(rules_engine);
  if (loaded.errors > 0) {
    fmt::print(stderr, "wasm-sentinel: {} rule error(s); recording what the valid rules need\n",
               loaded.errors);
  }
  wanted = rules_engine.rules_interest();
  wanted.scope =
      o.hooks == "rules" ? EventInterest::Scope::kRules : EventInterest::Scope::kConfigured;
  return wanted;
}

int record(const RecordOptions& o) {
  SignalWatcher::block_signals();
  auto recorder_opts = recorder_options(o.record);
  if (!recorder_opts.ok()) {
    fmt::print(stderr, "wasm-sentinel: {}\n", recorder_opts.error().message);
    return kExitUsage;
  }
  config::Config cfg;
  if (!load_config_reporting(o.config, cfg, o.overrides)) return kExitInvalidRules;

  // The recording engine has no rules: events only pass the tap.
  EngineOptions options = engine_options(cfg, {}, bundled_rules_dir());
  options.rule_paths.clear();
  options.report = [](const std::string& note) { fmt::print(stderr, "wasm-sentinel: {}\n", note); };
  std::unique_ptr<EventRecorder> recorder;
  options.tap = [&recorder](const Event& e) { recorder->write(e); };
  Engine engine(options);
  const std::vector<std::string> names = usable_sources(engine, cfg);
  if (names.empty()) {
    fmt::print(stderr, "wasm-sentinel: no configured event source can run here\n");
    return kExitRuntimeError;
  }
  auto opened = EventRecorder::open(o.output, engine.registry(), recorder_opts.value());
  if (!opened.ok()) {
    fmt::print(stderr, "wasm-sentinel: {}\n", opened.error().message);
    return kExitRuntimeError;
  }
  recorder = std::move(opened.value());
  LiveSources sources = start_sources(engine, cfg, names, record_interest(o, cfg));
  if (sources.running.empty()) return kExitRuntimeError;

  SignalWatcher signals(engine, /*reload=*/false);  // before saying we are live
  print_sources(sources, "recording live events to " + o.output);
  RunStats stats;
  Status st;
  {
    RunTimer timer(engine, o.duration);
    st = engine.run(sources.running, stats);
  }
  if (!st.ok()) {
    fmt::print(stderr, "wasm-sentinel: {}\n", st.error().message);
    return kExitRuntimeError;
  }
  std::string error;
  const bool written = recorder->close(error);
  if (!o.quiet) {
    uint64_t dropped = 0;
    for (const auto& s : stats.sources) dropped += s.writer.dropped;
    fmt::print(stderr,
               "wasm-sentinel: {} events recorded in {:.3f} s ({} dropped in the event queue, "
               "{} in the kernel)\n",
               recorder->events(), stats.seconds, dropped, stats.source.lost);
  }
  if (!written) {
    fmt::print(stderr, "wasm-sentinel: {}\n", error);
    return kExitRuntimeError;
  }
  return kExitOk;
}

}  // namespace

void register_record(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<RecordOptions>();
  CLI::App* cmd = app.add_subcommand(
      "record",
      "Write the live events of this host (the configured sources: the kernel collector by\n"
      "default, root), without detection, as a binary flight-recorder log (*.wsnlog,\n"
      "recommended) or JSON lines (any other name, or '-').\n"
      "`replay FILE` raises the alerts `run` would have raised on them.\n"
      "Example: wasm-sentinel record --output events.wsnlog --duration 60");
  cmd->add_option("--output", o->output,
                  "Required. Where events go: a file (created with mode 0600, truncated; "
                  "*.wsnlog is the binary format) or '-' for JSON lines on standard output.");
  add_config_override_option(cmd, o->override_args);
  add_record_flags(cmd, o->record);
  cmd->add_option("--duration", o->duration,
                  "Stop after this many seconds (default: run until SIGINT/SIGTERM).")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--hooks", o->hooks,
                  "rules: the events the rules (-r, default the bundled rules) can match, as "
                  "`run` collects them; all: everything the sources can see (heavy). "
                  "Default: what each source's configuration says (rules if unset).")
      ->check(CLI::IsMember({"rules", "all"}));
  cmd->add_option("-r,--rules", o->rules,
                  "Rule file or directory (repeatable) whose needs decide what --hooks rules "
                  "records. Default: the bundled rules.");
  cmd->add_option("-c,--config", o->config,
                  "Configuration file (sources and their settings; rules). Default: built-in "
                  "defaults.");
  cmd->add_flag("-q,--quiet", o->quiet, "Do not print the summary line on standard error.");
  cmd->callback([o, &exit_code] {
    if (!parse_config_overrides(o->override_args, o->overrides, &o->output, "")) {
      exit_code = kExitUsage;
      return;
    }
    if (o->output.empty()) {
      fmt::print(stderr,
                 "wasm-sentinel: record needs --output FILE (FILE.wsnlog for the binary log, "
                 "'-' for JSON lines on standard output)\n");
      exit_code = kExitUsage;
      return;
    }
    exit_code = record(*o);
  });
}

}  // namespace wsn::cli
