// Alert manager: turns detections into Alerts and fans them out to the sinks.
//
// - Dedupe: detections of the same rule for the same entity (process.entity_id, else host and
//   pid, else host) within `dedupe_window_ns` of the first one are folded. The first detection
//   is alerted at once (count 1); when the window closes, one follow-up alert carries the
//   number of detections folded since (count N, first_seen, the last detection's events). So
//   the counts of all alerts add up to the detections, minus throttled ones.
// - Throttle: at most `throttle_max_alerts` alerts per rule per `throttle_period_ns`; the
//   others are counted (stats, metrics) and the next alert of the rule says how many were
//   suppressed before it.
// - Enrichment: process ancestry from the process events seen (observe()); ATT&CK tactics and
//   technique references from the rule metadata (alert_json.h).
// - Response: rules with actions go to a DetectionHook for every detection, before dedupe and
//   throttling (a process must be stopped even when its alert is folded).
//
// Windows and throttle periods run on event time (the newest event time seen), never the wall
// clock, so replay output is deterministic. Live mode also calls advance() so windows close
// while no detection arrives.
//
// Thread safety: used from the detection thread only, except stats counters exported through
// the metrics registry.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "alert/process_ancestry.h"
#include "metrics/metrics.h"
#include "wsn/alert.h"
#include "wsn/detector.h"
#include "wsn/schema.h"

namespace wsn {

struct AlertManagerOptions {
  int64_t dedupe_window_ns = 0;      // 0: every detection is its own alert
  size_t dedupe_max_keys = 65536;    // open windows; the oldest closes first when full
  uint64_t throttle_max_alerts = 0;  // per rule per period; 0: no throttling
  int64_t throttle_period_ns = int64_t{60} * 1'000'000'000;
  size_t ancestry_depth = 8;  // 0: no ancestry
  size_t process_table_capacity = 65536;
};

struct AlertStats {
  uint64_t alerts = 0;         // alerts emitted
  uint64_t sink_failures = 0;  // writes a sink could not complete
  uint64_t detections = 0;     // detections received
  uint64_t deduplicated = 0;   // detections folded into an open dedupe window
  uint64_t throttled = 0;      // alerts suppressed by throttling
};

// Receives every detection of a rule that has response actions.
class DetectionHook {
 public:
  virtual ~DetectionHook() = default;
  virtual void on_detection(const RuleMeta& rule, std::span<const Event* const> events) = 0;
};

class AlertManager {
 public:
  explicit AlertManager(const FieldRegistry& registry, AlertManagerOptions options = {});
  ~AlertManager();
  AlertManager(const AlertManager&) = delete;
  AlertManager& operator=(const AlertManager&) = delete;

  // Setup, before the first detection.
  void set_options(const AlertManagerOptions& options);
  void set_metrics(metrics::Registry* registry);
  void set_detection_hook(DetectionHook* hook) { hook_ = hook; }
  void add_sink(std::unique_ptr<AlertSink> sink);
  // The first sink that keeps alerts (AlertSink::stores_alerts), for GET /alerts; nullptr if
  // none. It lives as long as this manager.
  AlertSink* alert_store() const;
  // Each sink that failed to write some alert: its name, how many failed and why (the latest
  // cause). Any thread.
  struct SinkTrouble {
    std::string sink;
    uint64_t failures = 0;
    std::string last_error;
  };
  std::vector<SinkTrouble> sink_troubles() const;

  // Every event, in stream order, before it is matched (feeds process ancestry).
  void observe(const Event& e) { ancestry_.observe(e); }
  // `detail` (may be null): the rule's own title, details and severity for this detection.
  void on_detection(const RuleSet& set, uint32_t rule_index, std::span<const Event* const> events,
                    const MatchDetail* detail = nullptr);
  // Moves the event-time clock forward, closing the dedupe windows that end by `now_ns`.
  void advance(int64_t now_ns);
  // Flushes the sinks when the last flush is `interval` ago (called between batches).
  void maybe_flush(std::chrono::milliseconds interval = std::chrono::milliseconds(250));
  void flush();
  // End of input: closes every open window (emitting its follow-up alert), then flushes.
  void finish();

  AlertStats stats() const { return stats_; }
  size_t open_windows() const { return windows_.size(); }

 private:
  struct Window {
    std::shared_ptr<const RuleMeta> rule;
    std::multimap<int64_t, std::string>::iterator deadline;
    uint64_t folded = 0;
    int64_t first_folded_ns = 0;
    int64_t last_ns = 0;
    std::vector<Event> last_events;
    Severity last_severity = Severity::kMedium;
    std::string last_title, last_details;
  };
  struct Throttle {
    bool started = false;
    int64_t period_start = 0;
    uint64_t emitted = 0;
    uint64_t suppressed = 0;
  };
  struct RuleCounters {
    std::array<metrics::Counter*, 4> alerts{};  // by Severity, made on first use
    metrics::Counter* deduplicated = nullptr;
    metrics::Counter* throttled = nullptr;
  };

  void refresh_rules(const RuleSet& set);
  void close_expired(int64_t now_ns);
  void close_window(std::unordered_map<std::string, Window>::iterator it);
  void emit(Alert& alert);
  RuleCounters& counters_for(const RuleMeta& rule);
  static void entity_key(const Event* last, std::string& out);

  const FieldRegistry& registry_;
  AlertManagerOptions options_;
  mutable std::mutex sinks_mu_;  // add_sink vs metrics scrapes
  std::vector<std::unique_ptr<AlertSink>> sinks_;
  // Rule metadata shared with alerts; rebuilt when a new snapshot generation shows up.
  std::vector<std::shared_ptr<const RuleMeta>> rules_;
  // write_rule_json of each rule in rules_, rendered when they are taken up (refresh_rules):
  // the same for every alert of a rule. A rule of an older set (a dedupe window's) is rendered
  // per alert.
  std::unordered_map<const RuleMeta*, std::string> rule_json_;
  uint64_t generation_ = ~uint64_t{0};

  ProcessAncestry ancestry_;
  int64_t clock_ns_ = INT64_MIN;
  std::unordered_map<std::string, Window> windows_;
  std::multimap<int64_t, std::string> deadlines_;        // window end → key, oldest first
  std::unordered_map<std::string, Throttle> throttles_;  // by rule id
  std::string key_;
  Alert scratch_;
  std::string json_;
  AlertStats stats_;
  std::chrono::steady_clock::time_point last_flush_{};

  DetectionHook* hook_ = nullptr;
  metrics::Registry* metrics_ = nullptr;
  uint64_t collector_ = 0;
  std::unordered_map<std::string, RuleCounters> rule_counters_;  // by rule id
  metrics::Gauge* open_windows_gauge_ = nullptr;
  metrics::Gauge* ancestry_gauge_ = nullptr;
};

}  // namespace wsn
