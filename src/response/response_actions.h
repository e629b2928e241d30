// Runs the response actions rules ask for (`actions: [NAME, …]`, each a registered action
// plug-in) for every detection of such a rule (the alert manager's DetectionHook), with one
// global dry-run switch. Every action attempt writes one audit record (a JSON line) and bumps
// wsn_response_actions_total{action,result}.
//
// Audit record:
//   {"@timestamp":"<wall clock>","action":"<name>","result":"<result>","dry_run":false,
//    "rule":{"id":"…","name":"…"},"target":{<what the action acted on>},
//    "event_time":"<event time>","detail":"…"}
//
// Thread safety: on_detection from the detection thread; count() from any thread.
#pragma once

#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "alert/alert_manager.h"
#include "metrics/metrics.h"
#include "wsn/action.h"
#include "wsn/result.h"

namespace wsn::response {

struct ResponseOptions {
  bool dry_run = false;
  // File (appended, created 0600 at the first action), "-" = standard error. If the file
  // cannot be opened the record goes to standard error with the reason.
  std::string audit_log = "-";
};

class ResponseActions final : public DetectionHook {
 public:
  // `actions`: every action a rule may name (owned from now on).
  static Result<std::unique_ptr<ResponseActions>> open(
      ResponseOptions options, std::vector<std::unique_ptr<ResponseAction>> actions,
      metrics::Registry* metrics);
  ~ResponseActions() override;

  void on_detection(const RuleMeta& rule, std::span<const Event* const> events) override;
  // Attempts of `action` that ended with `result`.
  uint64_t count(std::string_view action, std::string_view result) const;
  // Dry-run for this detection: always when configured so, and for events from a source that
  // does not observe this host (a log: its pids are not this host's processes).
  bool dry_run() const { return options_.dry_run || !live_events_; }
  // Whether the events being detected now come from a live source (set by the detection thread
  // before each batch).
  void set_live_events(bool live) { live_events_ = live; }

 private:
  explicit ResponseActions(ResponseOptions options) : options_(std::move(options)) {}
  void audit(const RuleMeta& rule, std::string_view action, const Event& e, const ActionOutcome& o);
  bool open_audit();

  ResponseOptions options_;
  bool live_events_ = true;
  std::vector<std::unique_ptr<ResponseAction>> actions_;
  std::FILE* audit_ = nullptr;  // opened at the first action, so no file appears unused
  bool owned_ = false;
  metrics::Family<metrics::Counter>* counter_ = nullptr;
  mutable std::mutex counts_mu_;
  std::map<std::pair<std::string, std::string>, uint64_t, std::less<>> counts_;
  std::string line_;
};

}  // namespace wsn::response
