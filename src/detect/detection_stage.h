// The detection stage: runs every event of a batch through the matchers of the current rule-set
// snapshot. A new snapshot (hot reload) is picked up between batches without pausing: the
// stage rebuilds its matchers from it (pending sequence state of the old snapshot is dropped
// and counted).
//
// Thread safety: RuleSetHolder may be published from any thread; DetectionStage is used by one
// thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "wsn/detector.h"

namespace wsn {

struct EventBatch;

class RuleSetHolder {
 public:
  void publish(std::shared_ptr<const RuleSet> set) { current_.store(std::move(set)); }
  std::shared_ptr<const RuleSet> current() const { return current_.load(); }

 private:
  std::atomic<std::shared_ptr<const RuleSet>> current_;
};

// Called for each detection; `events` and `detail` (null unless the rule supplied its own
// title/details/severity, e.g. a Wasm rule's emit_alert) are valid only during the call.
using DetectionCallback = std::function<void(const RuleSet& set, uint32_t rule_index,
                                             std::span<const Event* const>, const MatchDetail*)>;

struct DetectionStats {
  uint64_t events = 0;
  uint64_t matches = 0;
  uint64_t reloads = 0;
  uint64_t suppressed_disabled = 0;  // matches of rules disabled at run time
  MatcherStats matcher;             // summed over the current matchers
};

class DetectionStage {
 public:
  DetectionStage(const RuleSetHolder& holder, DetectionCallback on_detection);
  ~DetectionStage();

  void process(const EventBatch& batch);
  void process(const Event& e);
  // End of input: lets matchers flush what completes at end of stream.
  void finish();
  // Whether the events that follow come from a live source (default) or a recording
  // (Matcher::set_live_events: wall-clock limits apply to live events only).
  void set_live_events(bool live);
  // Receives MatchSink::on_live_decision lines (on the detection thread, during process()).
  void set_live_decision_callback(std::function<void(std::string_view)> fn) {
    on_live_decision_ = std::move(fn);
  }

  DetectionStats stats() const;
  // Per-rule counters of the current snapshot, indexed like RuleSet::rules.
  std::vector<uint64_t> rule_matches() const { return rule_matches_; }
  // The snapshot the stage matches with now (null before the first one).
  const RuleSet* current() const { return set_.get(); }
  // Adds each rule's evaluations and faults (Wasm traps, quarantines) since the current
  // snapshot was taken up; spans are indexed like current()->rules.
  void add_rule_counters(std::span<uint64_t> evaluations, std::span<RuleFaults> faults) const;

 private:
  class Sink;
  void refresh();

  const RuleSetHolder& holder_;
  DetectionCallback on_detection_;
  std::shared_ptr<const RuleSet> set_;
  std::vector<std::unique_ptr<Matcher>> matchers_;
  std::unique_ptr<Sink> sink_;
  std::vector<uint64_t> rule_matches_;
  DetectionStats stats_;
  bool live_ = true;
  std::function<void(std::string_view)> on_live_decision_;
};

}  // namespace wsn
