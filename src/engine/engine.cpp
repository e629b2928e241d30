#include "engine/engine.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "metrics/process_metrics.h"

namespace wsn {

Engine::Engine(EngineOptions options)
    : options_(std::move(options)), alerts_(registry_), compilers_(make_rule_compilers()) {
  holder_.publish(std::make_shared<const RuleSet>());
  alerts_.set_metrics(&metrics_);
  metrics::register_process_metrics(metrics_);
  reload_attempts_ = &metrics_.counter(
      "wsn_rule_reload_attempts_total",
      "Rule reloads asked for (SIGHUP, a watched rules directory), by result: published, or "
      "rejected because a rule failed to compile (the previous rules stay).",
      {"result"});
  auto& loaded = metrics_.gauge("wsn_rules_loaded", "Rules in the running snapshot, by state.",
                                {"state"});
  metrics_.add_collector([this, &loaded] {
    const auto set = holder_.current();
    double enabled = 0, disabled = 0, failed = 0;
    for (const auto& r : set->rules) (r.failed ? failed : r.enabled ? enabled : disabled) += 1;
    loaded.with({"enabled"}).set(enabled);
    loaded.with({"disabled"}).set(disabled);
    loaded.with({"failed"}).set(failed);
  });
}

Engine::~Engine() = default;

namespace {

RuleSetBuild compile_rules(const std::vector<std::string>& paths,
                           std::vector<std::unique_ptr<RuleKindCompiler>>& owned,
                           FieldRegistry& registry, uint64_t generation,
                           std::vector<std::string>& errors, std::vector<std::string>* warnings,
                           const std::map<std::string, bool>& enabled_overrides) {
  RuleLoadResult loaded = load_rule_files(paths);
  for (auto& r : loaded.rules) {  // run-time enable/disable (HTTP API) outlives reloads
    if (auto it = enabled_overrides.find(r.meta.id); it != enabled_overrides.end()) {
      r.meta.enabled = it->second;
    }
  }
  errors.insert(errors.end(), loaded.errors.begin(), loaded.errors.end());
  std::vector<RuleKindCompiler*> compilers;
  for (auto& c : owned) compilers.push_back(c.get());
  RuleSetBuild build = build_rule_set(loaded.rules, compilers, registry, generation);
  errors.insert(errors.end(), build.report.errors.begin(), build.report.errors.end());
  if (warnings) {
    warnings->insert(warnings->end(), build.report.warnings.begin(), build.report.warnings.end());
  }
  return build;
}

// Mirrors the data path's own counters into the metrics registry. Updated by the detection
// thread at batch boundaries (the counters it reads are not all thread safe).
class PipelineMetrics {
 public:
  // `source`: the kind of source ("jsonl:/path" → "jsonl"), so labels stay few.
  PipelineMetrics(metrics::Registry& m, std::string_view source_name)
      : PipelineMetrics(m, std::string(source_name.substr(0, source_name.find(':')))) {}
  PipelineMetrics(metrics::Registry& m, const std::string& source)
      : received_(m.counter("wsn_events_received_total", "Events produced by a source.",
                            {"source"}).with({source})),
        processed_(m.counter("wsn_events_processed_total", "Events matched against the rules.",
                             {"source"}).with({source})),
        dropped_(m.counter("wsn_events_dropped_total", "Events dropped before detection.",
                           {"source", "reason"}).with({source, "queue_full"})),
        malformed_(m.counter("wsn_events_malformed_total",
                             "Input records that could not become events.", {"source"})
                       .with({source})),
        lost_(m.counter("wsn_kernel_drops_total",
                        "Records lost before reaching the agent (kernel ring buffer full).",
                        {"source"}).with({source})),
        evaluations_(m.counter("wsn_rule_evaluations_total",
                               "Rule evaluations performed (candidates the prefilter let through), "
                               "by rule.",
                               {"rule"})),
        traps_(m.counter("wsn_wasm_traps_total", "Traps of a Wasm rule's module, by rule.",
                         {"rule"})),
        quarantines_(m.counter("wsn_wasm_quarantines_total",
                               "Times a Wasm rule's module was quarantined after repeated traps.",
                               {"rule"})),
        quarantined_(m.gauge("wsn_wasm_quarantined",
                             "1 while a Wasm rule's module is quarantined (not evaluated).",
                             {"rule"})),
        matches_(m.counter("wsn_rule_matches_total", "Detections, by rule.", {"rule"})),
        latency_(m.histogram("wsn_event_evaluation_seconds",
                             "Time to match one event against the rules (each event of a batch "
                             "counts the batch's mean).",
                             {}, metrics::latency_buckets())
                     .get()),
        queue_(m.gauge("wsn_bus_queue_depth", "Event batches waiting for detection.").get()),
        pending_(m.gauge("wsn_sequences_pending", "Partial sequence matches held.").get()),
        reloads_(m.counter("wsn_rule_reloads_total", "Rule snapshots picked up at run time.").get()),
        errors_(m.counter("wsn_rule_errors_total",
                          "Rule evaluation errors (e.g. Wasm traps).").get()) {}

  void on_match(const RuleSet& set, uint32_t rule) {
    series_for(set);
    if (rule < rule_series_.size()) rule_series_[rule].matches->inc();
  }

  void update(const EventBus& bus, const EventSource& source, const DetectionStage& detection) {
    const BusCounters b = bus.counters();
    const SourceStats src = source.stats();
    received_.set_total(b.received);
    processed_.set_total(b.processed);
    dropped_.set_total(b.dropped);
    malformed_.set_total(src.malformed);
    lost_.set_total(src.lost);
    queue_.set(static_cast<double>(bus.depth()));
    const DetectionStats d = detection.stats();
    update_rules(detection);
    // Matcher counters restart with each new rule snapshot: keep the total monotonic.
    if (d.matcher.errors < last_errors_) error_base_ += last_errors_;
    last_errors_ = d.matcher.errors;
    errors_.set_total(error_base_ + d.matcher.errors);
    pending_.set(static_cast<double>(d.matcher.pending_sequences));
    reloads_.set_total(d.reloads);
  }

  // Per-rule series. Matchers count from zero for each snapshot they are built from, so the
  // counters advance by the difference to what was last seen for the same snapshot.
  void update_rules(const DetectionStage& detection) {
    const RuleSet* set = detection.current();
    if (!set) return;
    series_for(*set);
    const size_t n = set->rules.size();
    evals_now_.assign(n, 0);
    faults_now_.assign(n, RuleFaults{});
    detection.add_rule_counters(evals_now_, faults_now_);
    for (size_t k = 0; k < n; ++k) {
      RuleSeries& rs = rule_series_[k];
      advance(*rs.evaluations, rs.last_evaluations, evals_now_[k]);
      if (!rs.traps) continue;
      advance(*rs.traps, rs.last_traps, faults_now_[k].traps);
      advance(*rs.quarantines, rs.last_quarantines, faults_now_[k].quarantines);
      rs.quarantined->set(faults_now_[k].quarantined ? 1 : 0);
    }
  }

  // Points rule_series_ at the series of `set`'s rules (rebuilt when a new snapshot shows up;
  // a new snapshot's matchers start counting from zero).
  void series_for(const RuleSet& set) {
    if (set.generation == generation_ && rule_series_.size() == set.rules.size()) return;
    generation_ = set.generation;
    rule_series_.assign(set.rules.size(), RuleSeries{});
    for (size_t k = 0; k < set.rules.size(); ++k) {
      const RuleMeta& r = set.rules[k];
      RuleSeries& rs = rule_series_[k];
      rs.matches = &matches_.with({r.id});
      rs.evaluations = &evaluations_.with({r.id});
      if (r.kind == RuleKind::kWasm) {
        rs.traps = &traps_.with({r.id});
        rs.quarantines = &quarantines_.with({r.id});
        rs.quarantined = &quarantined_.with({r.id});
      }
    }
  }

  void observe_batch(double seconds, size_t events) {
    if (events > 0) latency_.observe(seconds / static_cast<double>(events), events);
  }

 private:
  struct RuleSeries {
    metrics::Counter* matches = nullptr;
    metrics::Counter* evaluations = nullptr;
    metrics::Counter* traps = nullptr;  // Wasm rules only
    metrics::Counter* quarantines = nullptr;
    metrics::Gauge* quarantined = nullptr;
    uint64_t last_evaluations = 0, last_traps = 0, last_quarantines = 0;
  };
  static void advance(metrics::Counter& c, uint64_t& last, uint64_t now) {
    if (now > last) c.inc(now - last);
    last = now;
  }

  metrics::Counter &received_, &processed_, &dropped_, &malformed_, &lost_;
  metrics::Family<metrics::Counter>& evaluations_;
  metrics::Family<metrics::Counter>& traps_;
  metrics::Family<metrics::Counter>& quarantines_;
  metrics::Family<metrics::Gauge>& quarantined_;
  metrics::Family<metrics::Counter>& matches_;
  metrics::Histogram& latency_;
  metrics::Gauge &queue_, &pending_;
  metrics::Counter &reloads_, &errors_;
  uint64_t last_errors_ = 0, error_base_ = 0;
  uint64_t generation_ = ~uint64_t{0};  // of the snapshot rule_series_ belongs to
  std::vector<RuleSeries> rule_series_;
  std::vector<uint64_t> evals_now_;
  std::vector<RuleFaults> faults_now_;
};

}  // namespace

bool Engine::reload_rules(std::vector<std::string>& errors, std::vector<std::string>* warnings) {
  std::lock_guard lock(load_mu_);
  const size_t before = errors.size();
  RuleSetBuild build =
      compile_rules(options_.rule_paths, compilers_, registry_, generation_ + 1, errors, warnings,
                    enabled_overrides_);
  if (errors.size() != before) {
    reload_attempts_->with({"rejected"}).inc();
    return false;
  }
  reload_attempts_->with({"published"}).inc();
  ++generation_;
  holder_.publish(std::move(build.rule_set));
  return true;
}

void Engine::load_rules(std::vector<std::string>& errors, std::vector<std::string>* warnings) {
  std::lock_guard lock(load_mu_);
  RuleSetBuild build =
      compile_rules(options_.rule_paths, compilers_, registry_, ++generation_, errors, warnings,
                    enabled_overrides_);
  holder_.publish(std::move(build.rule_set));
}

Status Engine::run(EventSource& source, RunStats& stats) {
  const auto start = std::chrono::steady_clock::now();
  EventBus bus(options_.bus_batches, options_.batch_size, options_.policy);
  PipelineMetrics pipeline(metrics_, source.name());
  DetectionStage detection(holder_, [this, &pipeline](const RuleSet& set, uint32_t rule,
                                                      std::span<const Event* const> events,
                                                      const MatchDetail* detail) {
    pipeline.on_match(set, rule);
    alerts_.on_detection(set, rule, events, detail);
  });

  Status source_status;
  running_.store(&source);
  std::thread producer([&] {
    BatchWriter writer(bus);
    source_status = source.run(writer);
    writer.flush();
    bus.close();
  });
  const bool live = options_.policy == EventBus::Policy::kDrop;
  const EventBatch no_events;
  while (auto batch = bus.pop()) {
    const auto t0 = std::chrono::steady_clock::now();
    detection.process(no_events);  // takes up a new rule snapshot at the batch boundary
    // Event by event so the alert manager learns process ancestry in stream order (alerts stay
    // deterministic whatever the batch boundaries).
    for (size_t k = 0; k < batch->size; ++k) {
      if (options_.tap) options_.tap(batch->events[k]);
      alerts_.observe(batch->events[k]);
      detection.process(batch->events[k]);
    }
    pipeline.observe_batch(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
        batch->size);
    // Live: dedupe windows close on the stream's clock even when no detection comes.
    if (live && batch->size > 0) alerts_.advance(batch->events[batch->size - 1].time_ns());
    bus.release(std::move(batch));
    pipeline.update(bus, source, detection);
    // Alerts leave at every batch boundary: a live stream must not hold them in a buffer.
    alerts_.flush();
  }
  producer.join();
  running_.store(nullptr);
  detection.finish();
  alerts_.finish();  // closes open dedupe windows, flushes the sinks
  pipeline.update(bus, source, detection);

  stats.bus = bus.counters();
  stats.source = source.stats();
  stats.detection = detection.stats();
  stats.alerts = alerts_.stats();
  stats.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return source_status;
}

Engine::RuleChange Engine::set_rule_enabled(const std::string& id, bool enabled,
                                            std::string& detail) {
  std::lock_guard lock(load_mu_);
  const auto current = holder_.current();
  const RuleMeta* found = nullptr;
  for (const auto& r : current->rules) {
    if (r.id == id) found = &r;
  }
  if (!found) return RuleChange::kNotFound;
  if (found->failed) {
    detail = "rule '" + id + "' did not compile; fix its file and reload";
    return RuleChange::kFailed;
  }
  enabled_overrides_[id] = enabled;
  if (found->enabled == enabled) return RuleChange::kOk;
  // Disabled rules are not compiled (build_rule_set), so enabling one compiles the rules
  // again; disabling is a metadata change on a copy of the running snapshot.
  if (enabled) {
    std::vector<std::string> errors;
    RuleSetBuild build = compile_rules(options_.rule_paths, compilers_, registry_,
                                       generation_ + 1, errors, nullptr, enabled_overrides_);
    const auto& rules = build.rule_set->rules;
    const bool ok = std::any_of(rules.begin(), rules.end(), [&](const RuleMeta& r) {
      return r.id == id && r.enabled && !r.failed;
    });
    if (!ok) {
      enabled_overrides_.erase(id);
      detail = errors.empty() ? "rule '" + id + "' is no longer in the rule files" : errors.front();
      return RuleChange::kFailed;
    }
    ++generation_;
    holder_.publish(std::move(build.rule_set));
    return RuleChange::kOk;
  }
  auto next = std::make_shared<RuleSet>(*current);
  for (auto& r : next->rules) {
    if (r.id == id) r.enabled = enabled;
  }
  next->generation = ++generation_;
  holder_.publish(std::move(next));
  return RuleChange::kOk;
}

void Engine::stop() {
  if (EventSource* s = running_.load()) s->stop();
}

}  // namespace wsn
