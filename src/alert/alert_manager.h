// Alert manager: turns detections into Alerts and fans them out to the sinks.
// (Dedupe, throttling and enrichment are added here by the alerts/operations work.)
//
// Thread safety: used from the detection thread only.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "wsn/alert.h"
#include "wsn/detector.h"
#include "wsn/schema.h"

namespace wsn {

struct AlertStats {
  uint64_t alerts = 0;          // alerts emitted
  uint64_t sink_failures = 0;   // writes a sink could not complete
};

class AlertManager {
 public:
  explicit AlertManager(const FieldRegistry& registry);

  void add_sink(std::unique_ptr<AlertSink> sink);
  void on_detection(const RuleSet& set, uint32_t rule_index, std::span<const Event* const> events);
  void flush();
  AlertStats stats() const { return stats_; }

 private:
  const FieldRegistry& registry_;
  std::vector<std::unique_ptr<AlertSink>> sinks_;
  // Rule metadata shared with alerts; rebuilt when a new snapshot generation shows up.
  std::vector<std::shared_ptr<const RuleMeta>> rules_;
  uint64_t generation_ = ~uint64_t{0};
  std::string json_;
  AlertStats stats_;
};

}  // namespace wsn
