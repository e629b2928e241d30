// Response actions: what a rule asks to be done when it fires (`actions: [kill]`). The engine
// runs every action a rule names for each of its detections, before dedupe and throttling (a
// process must be stopped even when its alert is folded), writes one audit record per attempt
// and counts it in wsn_response_actions_total{action,result}.
//
// Thread safety: run() is called from the detection thread only.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wsn/event.h"
#include "wsn/rule.h"

namespace wsn {

// One member of the audit record's "target" object.
struct AuditField {
  std::string key;
  std::string value;
  bool number = false;  // written as a JSON number (value holds its digits)
};

struct ActionOutcome {
  std::string result;  // one of the action's results(), e.g. "killed", "dry_run", "refused"
  std::string detail;  // why, for anything but success
  std::vector<AuditField> target;  // what was acted on (pid, name …)
};

class ResponseAction {
 public:
  virtual ~ResponseAction() = default;
  virtual std::string_view name() const = 0;
  // Every result it can report (their metric series exist from the start).
  virtual std::vector<std::string> results() const = 0;
  // Acts on a detection; `events` is every matched event in order (the last one triggered it).
  // In dry-run mode everything is checked but nothing is changed.
  virtual ActionOutcome run(const RuleMeta& rule, std::span<const Event* const> events,
                            bool dry_run) = 0;
};

}  // namespace wsn
