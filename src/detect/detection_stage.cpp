#include "detect/detection_stage.h"

#include "bus/event_bus.h"

namespace wsn {

class DetectionStage::Sink final : public MatchSink {
 public:
  explicit Sink(DetectionStage& stage) : stage_(stage) {}
  void on_match(uint32_t rule_index, std::span<const Event* const> events) override {
    deliver(rule_index, events, nullptr);
  }
  void on_match_detail(uint32_t rule_index, std::span<const Event* const> events,
                       const MatchDetail& detail) override {
    deliver(rule_index, events, &detail);
  }
  void on_live_decision(std::string_view decision) override {
    if (stage_.on_live_decision_) stage_.on_live_decision_(decision);
  }

 private:
  void deliver(uint32_t rule_index, std::span<const Event* const> events,
               const MatchDetail* detail) {
    const RuleSet& set = *stage_.set_;
    if (rule_index >= set.rules.size()) return;
    if (!set.rules[rule_index].enabled) {
      ++stage_.stats_.suppressed_disabled;
      return;
    }
    ++stage_.stats_.matches;
    ++stage_.rule_matches_[rule_index];
    if (stage_.on_detection_) stage_.on_detection_(set, rule_index, events, detail);
  }

  DetectionStage& stage_;
};

DetectionStage::DetectionStage(const RuleSetHolder& holder, DetectionCallback on_detection)
    : holder_(holder),
      on_detection_(std::move(on_detection)),
      sink_(std::make_unique<Sink>(*this)) {
  refresh();
}

DetectionStage::~DetectionStage() = default;

void DetectionStage::refresh() {
  auto current = holder_.current();
  if (current == set_) return;
  if (set_) ++stats_.reloads;
  set_ = std::move(current);
  matchers_.clear();
  rule_matches_.assign(set_ ? set_->rules.size() : 0, 0);
  if (!set_) return;
  for (const auto& compiled : set_->compiled) {
    matchers_.push_back(compiled->make_matcher());
    matchers_.back()->set_live_events(live_);
  }
}

void DetectionStage::set_live_events(bool live) {
  if (live == live_) return;
  live_ = live;
  for (auto& m : matchers_) m->set_live_events(live);
}

void DetectionStage::process(const Event& e) {
  ++stats_.events;
  for (auto& m : matchers_) m->process(e, *sink_);
}

void DetectionStage::process(const EventBatch& batch) {
  refresh();  // a published snapshot takes effect at a batch boundary
  for (size_t k = 0; k < batch.size; ++k) process(batch.events[k]);
}

void DetectionStage::finish() {
  for (auto& m : matchers_) m->finish(*sink_);
}

void DetectionStage::add_rule_counters(std::span<uint64_t> evaluations,
                                       std::span<RuleFaults> faults) const {
  for (const auto& m : matchers_) {
    m->add_rule_counters(evaluations, {});  // matches are counted by the sink
    m->add_rule_faults(faults);
  }
}

DetectionStats DetectionStage::stats() const {
  DetectionStats s = stats_;
  for (const auto& m : matchers_) {
    const MatcherStats ms = m->stats();
    s.matcher.evaluations += ms.evaluations;
    s.matcher.pending_sequences += ms.pending_sequences;
    s.matcher.evicted_sequences += ms.evicted_sequences;
    s.matcher.expired_sequences += ms.expired_sequences;
    s.matcher.errors += ms.errors;
    s.matcher.prefilter_scans += ms.prefilter_scans;
    s.matcher.correlation_groups += ms.correlation_groups;
    s.matcher.correlation_evictions += ms.correlation_evictions;
  }
  return s;
}

}  // namespace wsn
