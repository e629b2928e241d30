#include "alert/alert_manager.h"

#include "alert/alert_json.h"

namespace wsn {
namespace {

std::string_view string_field(const Event& e, FieldId id) {
  FieldView v;
  return e.get(id, v) && v.type == FieldType::kString ? v.s : std::string_view();
}

// What a detection says about itself: the rule's own title, details and severity when it gave
// them (a Wasm module's emit_alert), else the rule's severity and no words.
void take_detail(const RuleMeta& rule, const MatchDetail* detail, Severity& severity,
                 std::string& title, std::string& details) {
  severity = detail && detail->has_severity ? detail->severity : rule.severity;
  title.assign(detail ? detail->title : std::string_view());
  details.assign(detail ? detail->details : std::string_view());
}

}  // namespace

AlertManager::AlertManager(const FieldRegistry& registry, AlertManagerOptions options)
    : registry_(registry),
      options_(options),
      ancestry_(options.ancestry_depth > 0 ? options.process_table_capacity : 0) {}

AlertManager::~AlertManager() {
  if (metrics_ && collector_) metrics_->remove_collector(collector_);
}

void AlertManager::set_options(const AlertManagerOptions& options) {
  options_ = options;
  ancestry_ = ProcessAncestry(options.ancestry_depth > 0 ? options.process_table_capacity : 0);
}

void AlertManager::set_metrics(metrics::Registry* registry) {
  if (metrics_ && collector_) metrics_->remove_collector(collector_);
  metrics_ = registry;
  collector_ = 0;
  rule_counters_.clear();
  if (!registry) return;
  // Declared up front so they show in /metrics before the first alert.
  registry->counter("wsn_alerts_total", "Alerts emitted, by rule and severity.",
                    {"rule", "severity"});
  registry->counter("wsn_alerts_deduplicated_total",
                    "Detections folded into an open dedupe window instead of an alert.", {"rule"});
  registry->counter("wsn_alerts_throttled_total", "Alerts suppressed by per-rule throttling.",
                    {"rule"});
  open_windows_gauge_ =
      &registry->gauge("wsn_alert_dedupe_windows", "Dedupe windows open now.").get();
  ancestry_gauge_ =
      &registry->gauge("wsn_alert_ancestry_processes", "Processes remembered for alert ancestry.")
           .get();
  auto& failures = registry->counter("wsn_sink_failures_total",
                                     "Alerts a sink could not write or deliver.", {"sink"});
  auto& depth = registry->gauge("wsn_sink_queue_depth",
                                "Alerts accepted by a sink and not yet delivered.", {"sink"});
  collector_ = registry->add_collector([this, &failures, &depth] {
    std::lock_guard lock(sinks_mu_);
    for (const auto& s : sinks_) {
      const std::string name(s->name());
      failures.with({name}).set_total(s->failures());
      depth.with({name}).set(static_cast<double>(s->queue_depth()));
    }
  });
}

AlertSink* AlertManager::alert_store() const {
  std::lock_guard lock(sinks_mu_);
  for (const auto& s : sinks_) {
    if (s->stores_alerts()) return s.get();
  }
  return nullptr;
}

std::vector<AlertManager::SinkTrouble> AlertManager::sink_troubles() const {
  std::lock_guard lock(sinks_mu_);
  std::vector<SinkTrouble> out;
  for (const auto& s : sinks_) {
    if (const uint64_t n = s->failures(); n > 0) {
      out.push_back({std::string(s->name()), n, s->last_error()});
    }
  }
  return out;
}

void AlertManager::add_sink(std::unique_ptr<AlertSink> sink) {
  std::lock_guard lock(sinks_mu_);
  sinks_.push_back(std::move(sink));
}

AlertManager::RuleCounters& AlertManager::counters_for(const RuleMeta& rule) {
  auto [it, inserted] = rule_counters_.try_emplace(rule.id);
  if (inserted && metrics_) {
    it->second.deduplicated =
        &metrics_->counter("wsn_alerts_deduplicated_total", "", {"rule"}).with({rule.id});
    it->second.throttled =
        &metrics_->counter("wsn_alerts_throttled_total", "", {"rule"}).with({rule.id});
  }
  return it->second;
}

void AlertManager::refresh_rules(const RuleSet& set) {
  if (set.generation == generation_ && rules_.size() == set.rules.size()) return;
  rules_.clear();
  rule_json_.clear();
  for (const auto& r : set.rules) {
    rules_.push_back(std::make_shared<const RuleMeta>(r));
    write_rule_json(*rules_.back(), rule_json_[rules_.back().get()]);
  }
  generation_ = set.generation;
}

void AlertManager::entity_key(const Event* last, std::string& out) {
  if (!last) return;
  if (auto entity = string_field(*last, fields::kProcessEntityId); !entity.empty()) {
    out += entity;
    return;
  }
  out += string_field(*last, fields::kHostName);
  FieldView v;
  if (last->get(fields::kProcessPid, v) && v.type == FieldType::kInt) {
    out += '/';
    out += std::to_string(v.i);
  }
}

void AlertManager::on_detection(const RuleSet& set, uint32_t rule_index,
                                std::span<const Event* const> events, const MatchDetail* detail) {
  refresh_rules(set);
  if (rule_index >= rules_.size()) return;
  ++stats_.detections;
  const std::shared_ptr<const RuleMeta>& rule = rules_[rule_index];
  if (hook_ && !rule->actions.empty()) hook_->on_detection(*rule, events);

  const int64_t t = events.empty() ? 0 : events.back()->time_ns();
  advance(t);
  if (options_.dedupe_window_ns > 0) {
    key_.assign(rule->id);
    key_ += '\x1f';
    entity_key(events.empty() ? nullptr : events.back(), key_);
    auto it = windows_.find(key_);
    if (it != windows_.end()) {
      Window& w = it->second;
      if (w.folded++ == 0) w.first_folded_ns = t;
      w.last_ns = t;
      w.last_events.resize(events.size());
      for (size_t k = 0; k < events.size(); ++k) w.last_events[k] = *events[k];
      take_detail(*rule, detail, w.last_severity, w.last_title, w.last_details);
      ++stats_.deduplicated;
      if (auto* c = counters_for(*rule).deduplicated) c->inc();
      return;
    }
    if (windows_.size() >= options_.dedupe_max_keys && !deadlines_.empty()) {
      close_window(windows_.find(deadlines_.begin()->second));
    }
    auto [wit, inserted] = windows_.try_emplace(key_);
    wit->second.rule = rule;
    wit->second.deadline = deadlines_.emplace(t + options_.dedupe_window_ns, key_);
    if (open_windows_gauge_) open_windows_gauge_->set(static_cast<double>(windows_.size()));
  }

  Alert& a = scratch_;
  a.rule = rule;
  a.count = 1;
  a.first_time_ns = 0;
  a.time_ns = t;
  take_detail(*rule, detail, a.severity, a.title, a.details);
  a.events.resize(events.size());
  for (size_t k = 0; k < events.size(); ++k) a.events[k] = *events[k];
  emit(a);
}

void AlertManager::advance(int64_t now_ns) {
  if (now_ns > clock_ns_) clock_ns_ = now_ns;
  close_expired(clock_ns_);
}

void AlertManager::close_expired(int64_t now_ns) {
  while (!deadlines_.empty() && deadlines_.begin()->first <= now_ns) {
    close_window(windows_.find(deadlines_.begin()->second));
  }
}

void AlertManager::close_window(std::unordered_map<std::string, Window>::iterator it) {
  if (it == windows_.end()) return;
  Window w = std::move(it->second);
  deadlines_.erase(w.deadline);
  windows_.erase(it);
  if (open_windows_gauge_) open_windows_gauge_->set(static_cast<double>(windows_.size()));
  if (w.folded == 0) return;
  Alert& a = scratch_;
  a.rule = w.rule;
  a.count = w.folded;
  a.first_time_ns = w.first_folded_ns;
  a.time_ns = w.last_ns;
  a.events = std::move(w.last_events);
  a.severity = w.last_severity;
  a.title = std::move(w.last_title);
  a.details = std::move(w.last_details);
  emit(a);
}

void AlertManager::emit(Alert& a) {
  const RuleMeta& rule = *a.rule;
  RuleCounters& counters = counters_for(rule);
  Throttle& th = throttles_[rule.id];
  if (options_.throttle_max_alerts > 0) {
    if (!th.started || a.time_ns - th.period_start >= options_.throttle_period_ns) {
      th.started = true;
      th.period_start = a.time_ns;
      th.emitted = 0;
    }
    if (th.emitted >= options_.throttle_max_alerts) {
      ++th.suppressed;
      ++stats_.throttled;
      if (counters.throttled) counters.throttled->inc();
      return;
    }
    ++th.emitted;
  }
  a.suppressed = th.suppressed;
  th.suppressed = 0;
  a.sequence = ++stats_.alerts;
  if (options_.ancestry_depth > 0 && !a.events.empty()) {
    ancestry_.ancestors(a.events.back(), options_.ancestry_depth, a.ancestry);
  } else {
    a.ancestry.clear();
  }
  if (ancestry_gauge_) ancestry_gauge_->set(static_cast<double>(ancestry_.size()));
  if (metrics_) {
    metrics::Counter*& c = counters.alerts[static_cast<size_t>(a.severity)];
    if (!c) {
      c = &metrics_->counter("wsn_alerts_total", "", {"rule", "severity"})
               .with({rule.id, std::string(severity_label(a.severity))});
    }
    c->inc();
  }

  json_.clear();
  const auto cached = rule_json_.find(a.rule.get());
  write_alert_json(a, registry_, json_,
                   cached == rule_json_.end() ? std::string_view() : cached->second);
  for (auto& sink : sinks_) {
    if (!sink->write(a, json_)) ++stats_.sink_failures;
  }
}

void AlertManager::maybe_flush(std::chrono::milliseconds interval) {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_flush_ >= interval) flush();
}

void AlertManager::flush() {
  last_flush_ = std::chrono::steady_clock::now();
  for (auto& sink : sinks_) sink->flush();
}

void AlertManager::finish() {
  while (!deadlines_.empty()) close_window(windows_.find(deadlines_.begin()->second));
  flush();
}

}  // namespace wsn
