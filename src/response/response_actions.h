// Response actions of rules (`actions: [kill]`), run for every detection of such a rule (the
// alert manager's DetectionHook), with one global dry-run switch. Every action attempt writes
// one audit record (a JSON line) and bumps wsn_response_actions_total{action,result}.
//
// Audit record:
//   {"@timestamp":"<wall clock>","action":"kill","result":"killed","dry_run":false,
//    "rule":{"id":"…","name":"…"},"target":{"pid":4242,"name":"bash","entity_id":"…"},
//    "event_time":"<event time>","detail":"…"}
//
// Thread safety: on_detection from the detection thread; counts() from any thread.
#pragma once

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>

#include "alert/alert_manager.h"
#include "metrics/metrics.h"
#include "response/kill_action.h"
#include "wsn/result.h"

namespace wsn::response {

struct ResponseOptions {
  bool dry_run = false;
  // File (appended, created 0600 at the first action), "-" = standard error. If the file
  // cannot be opened the record goes to standard error with the reason.
  std::string audit_log = "-";
};

struct ResponseCounts {
  uint64_t killed = 0, dry_run = 0, refused = 0, gone = 0, failed = 0;
};

class ResponseActions final : public DetectionHook {
 public:
  static Result<std::unique_ptr<ResponseActions>> open(ResponseOptions options,
                                                       metrics::Registry* metrics);
  ~ResponseActions() override;

  void on_detection(const RuleMeta& rule, std::span<const Event* const> events) override;
  ResponseCounts counts() const;
  bool dry_run() const { return options_.dry_run; }

 private:
  explicit ResponseActions(ResponseOptions options) : options_(std::move(options)) {}
  void audit(const RuleMeta& rule, const Event& e, const KillTarget& t, const KillOutcome& o);

  ResponseOptions options_;
  bool open_audit();

  std::FILE* audit_ = nullptr;  // opened at the first action, so no file appears unused
  bool owned_ = false;
  metrics::Family<metrics::Counter>* counter_ = nullptr;
  std::atomic<uint64_t> counts_[5] = {};
  std::string line_;
};

}  // namespace wsn::response
