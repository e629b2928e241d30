// An alert: one detection (a rule and the event or events that matched), ready for sinks.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "wsn/event.h"
#include "wsn/rule.h"

namespace wsn {

struct Alert {
  int64_t time_ns = 0;      // event time of the last matched event (deterministic on replay)
  uint64_t sequence = 0;    // 1-based alert number in this run
  std::shared_ptr<const RuleMeta> rule;
  std::vector<Event> events;  // the triggering event, or every event of a sequence in order
  uint64_t count = 1;         // detections folded into this alert (dedupe, issue 6)
};

// Where alerts go (stdout, a file, syslog, a webhook, the SQLite store). Implementations are
// used from the alert thread only unless they say otherwise.
class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual std::string_view name() const = 0;
  // `json` is the alert already serialized as one ECS JSON line (no newline).
  virtual bool write(const Alert& alert, std::string_view json) = 0;
  virtual void flush() {}
  virtual uint64_t failures() const { return 0; }
};

}  // namespace wsn
