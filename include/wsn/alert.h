// An alert: one detection (a rule and the event or events that matched), ready for sinks.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "wsn/event.h"
#include "wsn/result.h"
#include "wsn/rule.h"

namespace wsn {

// One ancestor of the alerting process (alert enrichment, from the process events seen).
struct AncestorInfo {
  int64_t pid = 0;
  std::string entity_id;
  std::string name;
  std::string executable;
  std::string command_line;
};

struct Alert {
  int64_t time_ns = 0;    // event time of the last matched event (deterministic on replay)
  uint64_t sequence = 0;  // 1-based alert number in this run
  std::shared_ptr<const RuleMeta> rule;
  Severity severity = Severity::kMedium;  // the rule's, unless the detection set its own
  std::string title;          // the rule's own words for this detection (Wasm emit_alert), or ""
  std::string details;        // free text from the rule (Wasm emit_alert), or ""
  std::vector<Event> events;  // the triggering event, or every event of a sequence in order
  uint64_t count = 1;         // detections folded into this alert (dedupe, issue 6)
  int64_t first_time_ns = 0;  // event time of the first folded detection (when count > 1)
  uint64_t suppressed = 0;    // alerts of this rule throttled since the rule's previous alert
  std::vector<AncestorInfo> ancestry;  // parent first, then grandparent …
};

// Where alerts go (one per configured sink plug-in). Implementations are used from the
// detection thread (which runs the alert manager) only, unless they say otherwise.
class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual std::string_view name() const = 0;
  // `json` is the alert already serialized as one ECS JSON line (no newline).
  virtual bool write(const Alert& alert, std::string_view json) = 0;
  virtual void flush() {}
  // failures() and queue_depth() may be called from any thread (metrics scrapes).
  virtual uint64_t failures() const { return 0; }
  // Why the latest write failed ("" when none has, or the sink does not say); any thread.
  virtual std::string last_error() const { return ""; }
  virtual size_t queue_depth() const { return 0; }  // alerts accepted but not yet delivered
  // Sinks that keep alerts answer the JSON API's GET /alerts: a JSON array of the newest
  // `limit` alerts (of rule `rule_id` unless empty), newest first. Called from any thread.
  virtual bool stores_alerts() const { return false; }
  virtual Result<std::string> recent_alerts_json(size_t limit, const std::string& rule_id) {
    (void)limit, (void)rule_id;
    return Error{"this sink keeps no alerts"};
  }
};

}  // namespace wsn
