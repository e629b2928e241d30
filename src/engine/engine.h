// Wiring of the data path: source → bus → detection → alert manager → sinks.
//
// An Engine owns the field registry, the current rule-set snapshot and the alert outputs. It
// runs one source at a time: the source fills the bus from its own thread while the calling
// thread runs detection, so a slow detector back-pressures replay (policy block) or causes
// counted drops in live mode (policy drop).
#pragma once

#include <map>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "alert/alert_manager.h"
#include "bus/event_bus.h"
#include "detect/detection_stage.h"
#include "detect/rule_compiler.h"
#include "metrics/metrics.h"
#include "wsn/result.h"
#include "wsn/schema.h"
#include "wsn/source.h"

namespace wsn {

struct EngineOptions {
  std::vector<std::string> rule_paths;  // rule files or directories
  size_t bus_batches = 64;              // queue capacity, in batches
  size_t batch_size = 256;              // events per batch
  EventBus::Policy policy = EventBus::Policy::kBlock;
  // Called with every event, in stream order, before detection (`run --record`).
  std::function<void(const Event&)> tap;
};

struct RunStats {
  BusCounters bus;
  SourceStats source;
  DetectionStats detection;
  AlertStats alerts;
  double seconds = 0;
};

class Engine {
 public:
  explicit Engine(EngineOptions options);
  ~Engine();

  FieldRegistry& registry() { return registry_; }
  // The rule files and directories this engine loads (EngineOptions::rule_paths).
  const std::vector<std::string>& rule_paths() const { return options_.rule_paths; }
  AlertManager& alerts() { return alerts_; }
  // Engine metrics (events, rules, latency, alerts, sinks, process) for /metrics; other
  // components register theirs here too.
  metrics::Registry& metrics() { return metrics_; }
  // True while a source runs (GET /readyz).
  bool running() const { return running_.load() != nullptr; }

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

  // Runs `source` to completion (or until stop()). Errors come from the source failing to start.
  Status run(EventSource& source, RunStats& stats);
  // Asks a running source to stop (signal-safe to call from another thread).
  void stop();

 private:
  EngineOptions options_;
  FieldRegistry registry_;
  RuleSetHolder holder_;
  metrics::Registry metrics_;  // before alerts_: the alert manager unregisters from it
  metrics::Family<metrics::Counter>* reload_attempts_ = nullptr;
  AlertManager alerts_;
  std::vector<std::unique_ptr<RuleKindCompiler>> compilers_;
  std::mutex load_mu_;  // serializes load_rules/reload_rules/set_rule_enabled
  std::map<std::string, bool> enabled_overrides_;  // set_rule_enabled, by rule id
  uint64_t generation_ = 0;
  std::atomic<EventSource*> running_{nullptr};
};

// The rule-kind compilers this build provides (EQL, and later Sigma and Wasm).
std::vector<std::unique_ptr<RuleKindCompiler>> make_rule_compilers();

}  // namespace wsn
