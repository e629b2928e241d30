// Wiring of the data path: sources → bus → detection → alert manager → sinks / actions.
//
// An Engine owns the field registry, the current rule-set snapshot and the alert outputs, and
// builds everything plug-in from a PluginRegistry: the rule kinds (when rules load), the sinks
// and response actions (configure()) and the sources (make_sources()). run() runs any set of
// sources at once, each on its own thread into the one bus, while the calling thread runs
// detection; each source's drop policy decides whether a slow detector back-pressures it (a
// log: block) or costs counted drops (a live source: drop).
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "alert/alert_manager.h"
#include "bus/event_bus.h"
#include "config/config.h"
#include "detect/detection_stage.h"
#include "detect/rule_compiler.h"
#include "metrics/metrics.h"
#include "wsn/plugins.h"
#include "wsn/result.h"
#include "wsn/schema.h"
#include "wsn/source.h"

namespace wsn {

namespace response {
class ResponseActions;
}

struct EngineOptions {
  std::vector<std::string> rule_paths;  // rule files or directories
  size_t bus_batches = 64;              // queue capacity, in batches
  size_t batch_size = 256;              // events per batch
  // Called with every event, in stream order, before detection (`run --record`).
  std::function<void(const Event&)> tap;
  // The plug-ins this engine may use (nullptr: the built-in ones). Must outlive the engine.
  const PluginRegistry* plugins = nullptr;
  // Messages for the operator while running (a source's notes after a rule reload …).
  std::function<void(const std::string&)> report;
};

// What one source did in a run.
struct SourceRunStats {
  std::string name;
  SourceStats source;
  WriterCounters writer;  // published / dropped (queue full) / malformed, for this source
  Status status;          // how its run() ended
};

struct RunStats {
  BusCounters bus;
  SourceStats source;  // summed over the sources
  std::vector<SourceRunStats> sources;
  DetectionStats detection;
  AlertStats alerts;
  double seconds = 0;
};

// How configure() sets the engine up.
struct EngineSetup {
  RunMode mode = RunMode::kReplay;
  // Events come from this host (otherwise response actions only ever dry-run: pids in a
  // recorded log are not this host's processes).
  bool live = false;
  std::vector<std::string> skip_sinks;  // sink plug-ins left out (e.g. stdout under --output FILE)
};

class Engine {
 public:
  explicit Engine(EngineOptions options);
  ~Engine();

  FieldRegistry& registry() { return registry_; }
  const PluginRegistry& plugins() const { return *plugins_; }

  // Sets up alert handling (dedupe, throttle, ancestry), the configured sinks and the response
  // actions from `cfg`, and registers its custom fields (schema.fields). Call once, before
  // loading rules. Warnings (a default-on sink that cannot open …) are appended to `warnings`.
  Status configure(const config::Config& cfg, const EngineSetup& setup,
                   std::vector<std::string>& warnings);

  // The source plug-ins `cfg` enables (sources.<name>), in registration order.
  std::vector<const SourcePlugin*> enabled_sources(const config::Config& cfg) const;
  // The sources `cfg` enables, each made by its plug-in. `only`: just these plug-ins (if
  // enabled), e.g. those that can run on this host.
  Result<std::vector<std::unique_ptr<EventSource>>> make_sources(
      const config::Config& cfg, RunMode mode, const std::vector<std::string>& only = {});

  // What the loaded rules can match, as every rule kind describes it (interest pushdown).
  EventInterest rules_interest() const;
  // The rule files and directories this engine loads (EngineOptions::rule_paths).
  const std::vector<std::string>& rule_paths() const { return options_.rule_paths; }
  AlertManager& alerts() { return alerts_; }
  // Engine metrics (events, rules, latency, alerts, sinks, process) for /metrics; other
  // components register theirs here too.
  metrics::Registry& metrics() { return metrics_; }
  // True while a source runs (GET /readyz).
  bool running() const { return is_running_.load(); }

  enum class RuleChange : uint8_t { kOk, kNotFound, kFailed };
  // Enables or disables one rule by id at run time (HTTP API): publishes a new snapshot with
  // the change, which also holds across reloads. Disabling is a metadata change; enabling
  // compiles the rules again (disabled rules are not compiled). Thread safe.
  RuleChange set_rule_enabled(const std::string& id, bool enabled, std::string& detail);

  // Loads and compiles the configured rules into a new snapshot. Every problem of every rule
  // is appended to `errors` (rendered diagnostics); valid rules are still loaded.
  void load_rules(std::vector<std::string>& errors, std::vector<std::string>* warnings = nullptr);
  std::shared_ptr<const RuleSet> rules() const { return holder_.current(); }
  // Hot reload (SIGHUP, a watched directory): compiles the rules again and publishes them only
  // if every rule compiled; otherwise the running snapshot stays and `errors` says why. Safe to
  // call while run() is matching on another thread (matching never pauses).
  bool reload_rules(std::vector<std::string>& errors, std::vector<std::string>* warnings = nullptr);

  // Runs every source at once until all have ended (or stop()). Sources must be prepared
  // (EventSource::prepare) by the caller if it wants to report failures first; run() does not
  // prepare them. The status is the first source's error, if any.
  Status run(std::span<EventSource* const> sources, RunStats& stats);
  Status run(EventSource& source, RunStats& stats);
  // Asks the running sources to stop (safe to call from another thread).
  void stop();

 private:
  EngineOptions options_;
  FieldRegistry registry_;
  RuleSetHolder holder_;
  metrics::Registry metrics_;  // before alerts_: the alert manager unregisters from it
  metrics::Family<metrics::Counter>* reload_attempts_ = nullptr;
  AlertManager alerts_;
  const PluginRegistry* plugins_;
  std::vector<std::unique_ptr<RuleKind>> kinds_;  // one per registered rule kind
  std::vector<NamedRuleKind> named_kinds_;
  std::unique_ptr<response::ResponseActions> response_;
  std::mutex load_mu_;  // serializes load_rules/reload_rules/set_rule_enabled
  std::map<std::string, bool> enabled_overrides_;  // set_rule_enabled, by rule id
  uint64_t generation_ = 0;
  void rules_published();  // after every publish of a new rule set
  std::mutex watch_mu_;    // the rules watch of run(): woken by rules_published()
  std::condition_variable watch_cv_;
  bool watch_done_ = false;
  std::mutex running_mu_;  // guards running_ (stop() from another thread)
  std::vector<EventSource*> running_;
  std::atomic<bool> is_running_{false};
  std::atomic<bool> stop_requested_{false};
};

}  // namespace wsn
