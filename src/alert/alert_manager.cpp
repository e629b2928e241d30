#include "alert/alert_manager.h"

#include "alert/alert_json.h"

namespace wsn {

AlertManager::AlertManager(const FieldRegistry& registry) : registry_(registry) {}

void AlertManager::add_sink(std::unique_ptr<AlertSink> sink) { sinks_.push_back(std::move(sink)); }

void AlertManager::on_detection(const RuleSet& set, uint32_t rule_index,
                                std::span<const Event* const> events) {
  if (set.generation != generation_ || rules_.size() != set.rules.size()) {
    rules_.clear();
    for (const auto& r : set.rules) rules_.push_back(std::make_shared<const RuleMeta>(r));
    generation_ = set.generation;
  }
  Alert alert;
  alert.rule = rules_[rule_index];
  alert.sequence = ++stats_.alerts;
  alert.events.reserve(events.size());
  for (const Event* e : events) alert.events.push_back(*e);
  alert.time_ns = events.empty() ? 0 : events.back()->time_ns();

  json_.clear();
  write_alert_json(alert, registry_, json_);
  for (auto& sink : sinks_) {
    if (!sink->write(alert, json_)) ++stats_.sink_failures;
  }
}

void AlertManager::flush() {
  for (auto& sink : sinks_) sink->flush();
}

}  // namespace wsn
