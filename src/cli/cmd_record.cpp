// `record`: live events from the eBPF collector written as JSON lines, without detection.
// `replay FILE` of the recording raises the alerts `run` would have raised on those events.
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/event_recorder.h"
#include "cli/exit_codes.h"
#include "cli/live.h"
#include "cli/operations.h"
#include "cli/paths.h"
#include "cli/rule_loading.h"
#include "collect/ebpf/ebpf_source.h"
#include "engine/engine.h"

namespace wsn::cli {
namespace {

struct RecordOptions {
  std::string output;
  double duration = 0;
  std::string hooks;  // "rules" | "all"; empty: the configuration's sources.ebpf.hooks
  std::vector<std::string> rules;
  std::string config;
  bool quiet = false;
};

// The events to record: what the rules would need (their compiled interest), or everything.
collect::EbpfInterest record_interest(const RecordOptions& o, const config::Config& cfg) {
  const bool all = o.hooks.empty() ? cfg.sources.ebpf.hooks == config::EbpfSourceConfig::Hooks::kAll
                                   : o.hooks == "all";
  if (all) return every_event();
  // A throw-away engine: the rules are only read for their interest, never run.
  Engine rules_engine(engine_options(cfg, o.rules, bundled_rules_dir()));
  const LoadOutcome loaded = load_rules_reporting(rules_engine);
  if (loaded.errors > 0) {
    fmt::print(stderr, "wasm-sentinel: {} rule error(s); recording what the valid rules need\n",
               loaded.errors);
  }
  return rules_interest(*rules_engine.rules(), rules_engine.registry());
}

int record(const RecordOptions& o) {
  SignalWatcher::block_signals();
  config::Config cfg;
  if (!load_config_reporting(o.config, cfg)) return kExitInvalidRules;
  if (Status avail = collect::ebpf_available(); !avail.ok()) {
    fmt::print(stderr, "wasm-sentinel: live collection unavailable: {}\n", avail.error().message);
    return kExitRuntimeError;
  }

  // The recording engine has no rules: events only pass the tap.
  EngineOptions options = engine_options(cfg, {}, bundled_rules_dir());
  options.rule_paths.clear();
  options.policy = EventBus::Policy::kDrop;  // never stall the kernel reader
  std::unique_ptr<EventRecorder> recorder;
  options.tap = [&recorder](const Event& e) { recorder->write(e); };
  Engine engine(options);
  auto opened = EventRecorder::open(o.output, engine.registry());
  if (!opened.ok()) {
    fmt::print(stderr, "wasm-sentinel: {}\n", opened.error().message);
    return kExitRuntimeError;
  }
  recorder = std::move(opened.value());

  collect::EbpfOptions eo = ebpf_options(cfg);
  eo.interest = record_interest(o, cfg);
  collect::EbpfSource source(eo);
  if (Status s = source.start(); !s.ok()) {
    fmt::print(stderr, "wasm-sentinel: live collection unavailable: {}\n", s.error().message);
    return kExitRuntimeError;
  }
  SignalWatcher signals(engine, /*reload=*/false);  // before saying we are live
  print_hooks(source, eo.interest, "recording live events to " + o.output);
  RunStats stats;
  Status st;
  {
    LiveSupervisor supervisor(engine, source, eo.interest, /*follow_rules=*/false, o.duration);
    st = engine.run(source, stats);
  }
  if (!st.ok()) {
    fmt::print(stderr, "wasm-sentinel: {}\n", st.error().message);
    return kExitRuntimeError;
  }
  std::string error;
  const bool written = recorder->close(error);
  if (!o.quiet) {
    fmt::print(stderr,
               "wasm-sentinel: {} events recorded in {:.3f} s ({} dropped in the event queue, "
               "{} in the kernel)\n",
               recorder->events(), stats.seconds, stats.bus.dropped, stats.source.lost);
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
      "Write the live events of this host (eBPF collector; root) as JSON lines, without\n"
      "detection. `replay FILE` raises the alerts `run` would have raised on them.\n"
      "Example: wasm-sentinel record -o events.jsonl --duration 60");
  cmd->add_option("-o,--output", o->output,
                  "Where events go: a file (created with mode 0600, truncated) or '-' for "
                  "standard output.")
      ->required();
  cmd->add_option("--duration", o->duration,
                  "Stop after this many seconds (default: run until SIGINT/SIGTERM).")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--hooks", o->hooks,
                  "rules: the events the rules (-r, default the bundled rules) can match, as "
                  "`run` collects them; all: every event kind and every file read (heavy). "
                  "Default: sources.ebpf.hooks of the configuration (rules if unset).")
      ->check(CLI::IsMember({"rules", "all"}));
  cmd->add_option("-r,--rules", o->rules,
                  "Rule file or directory (repeatable) whose needs decide what --hooks rules "
                  "records. Default: the bundled rules.");
  cmd->add_option("-c,--config", o->config,
                  "Configuration file (sources.ebpf: ring buffer, process table, host name; "
                  "rules). Default: built-in defaults.");
  cmd->add_flag("-q,--quiet", o->quiet, "Do not print the summary line on standard error.");
  cmd->callback([o, &exit_code] { exit_code = record(*o); });
}

}  // namespace wsn::cli
