#include "engine/engine.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "metrics/process_metrics.h"
#include "response/response_actions.h"

namespace wsn {

Engine::Engine(EngineOptions options)
    : options_(std::move(options)),
      alerts_(registry_),
      plugins_(options_.plugins ? options_.plugins : &PluginRegistry::builtin()) {
  for (const RuleKindPlugin& k : plugins_->rule_kinds()) {
    if (!k.create) continue;
    kinds_.push_back(k.create());
    named_kinds_.push_back({k.name, kinds_.back().get()});
  }
  holder_.publish(std::make_shared<const RuleSet>());
  alerts_.set_metrics(&metrics_);
  metrics::register_process_metrics(metrics_);
  reload_attempts_ = &metrics_.counter(
      "wsn_rule_reload_attempts_total",
      "Rule reloads asked for (SIGHUP, a watched rules directory), by result: published, or "
      "rejected because a rule failed to compile (the previous rules stay).",
      {"result"});
  auto& loaded =
      metrics_.gauge("wsn_rules_loaded", "Rules in the running snapshot, by state.", {"state"});
  // Values that arrived with a type their field cannot take (the line was rejected and counted
  // as malformed; this says which field, so a schema mismatch is found, not guessed).
  auto& mismatches = metrics_.counter(
      "wsn_field_type_mismatches_total",
      "Values whose JSON type the field's declared type cannot take losslessly, by field.",
      {"field"});
  metrics_.add_collector([this, &mismatches] {
    for (const auto& [id, n] : registry_.type_mismatch_counts()) {
      mismatches.with({registry_.info(id).name}).set_total(n);
    }
  });
  metrics_.add_collector([this, &loaded] {
    const auto set = holder_.current();
    double enabled = 0, disabled = 0, failed = 0;
    for (const auto& r : set->rules) (r.failed ? failed : r.enabled ? enabled : disabled) += 1;
    loaded.with({"enabled"}).set(enabled);
    loaded.with({"disabled"}).set(disabled);
    loaded.with({"failed"}).set(failed);
  });
}

Engine::~Engine() {
  // Actions hang off the alert manager as its detection hook: unhook before they go.
  alerts_.set_detection_hook(nullptr);
}

namespace {

RuleSetBuild compile_rules(const std::vector<std::string>& paths, const PluginRegistry& plugins,
                           std::span<const NamedRuleKind> kinds, FieldRegistry& registry,
                           uint64_t generation, std::vector<std::string>& errors,
                           std::vector<std::string>* warnings,
                           const std::map<std::string, bool>& enabled_overrides) {
  RuleLoadResult loaded = load_rule_files(paths, plugins);
  for (auto& r : loaded.rules) {  // run-time enable/disable (HTTP API) outlives reloads
    if (auto it = enabled_overrides.find(r.meta.id); it != enabled_overrides.end()) {
      r.meta.enabled = it->second;
    }
  }
  for (std::string& e : loaded.errors()) errors.push_back(std::move(e));
  if (warnings) {  // rules skipped on purpose (Elastic rules of other types, deprecated)
    for (std::string& w : loaded.warnings()) warnings->push_back(std::move(w));
  }
  RuleSetBuild build = build_rule_set(loaded.rules, kinds, registry, generation);
  // Rendered here, at the edge: the rule kinds kept them as objects.
  for (std::string& e : build.report.errors()) errors.push_back(std::move(e));
  if (!loaded.check_only.empty()) {  // refused for metadata: their query errors too
    RuleSetBuild check = build_rule_set(loaded.check_only, kinds, registry, generation);
    for (std::string& e : check.report.errors()) errors.push_back(std::move(e));
  }
  if (warnings) {
    for (std::string& w : build.report.warnings()) warnings->push_back(std::move(w));
  }
  return build;
}

// Mirrors the data path's own counters into the metrics registry. Updated by the detection
// thread at batch boundaries (the counters it reads are not all thread safe).
class PipelineMetrics {
 public:
  PipelineMetrics(metrics::Registry& m)
      : registry_(m),
        received_(
            m.counter("wsn_events_received_total", "Events produced by a source.", {"source"})),
        processed_(m.counter("wsn_events_processed_total", "Events matched against the rules.",
                             {"source"})),
        dropped_(m.counter("wsn_events_dropped_total", "Events dropped before detection.",
                           {"source", "reason"})),
        malformed_(m.counter("wsn_events_malformed_total",
                             "Input records that could not become events.", {"source"})),
        lost_(m.counter("wsn_kernel_drops_total",
                        "Records lost before reaching the agent (kernel ring buffer full).",
                        {"source"})),
        evaluations_(m.counter("wsn_rule_evaluations_total",
                               "Rule evaluations performed (candidates the prefilter let through), "
                               "by rule.",
                               {"rule"})),
        traps_(
            m.counter("wsn_wasm_traps_total", "Traps of a Wasm rule's module, by rule.", {"rule"})),
        quarantines_(m.counter("wsn_wasm_quarantines_total",
                               "Times a Wasm rule's module was quarantined after repeated traps.",
                               {"rule"})),
        quarantined_(m.gauge("wsn_wasm_quarantined",
                             "1 while a Wasm rule's module is quarantined (not evaluated).",
                             {"rule"})),
        dropped_logs_(m.counter("wsn_wasm_log_lines_dropped_total",
                                "Log lines of a Wasm rule's module dropped (per-call limit).",
                                {"rule"})),
        evictions_(m.counter("wsn_wasm_state_evictions_total",
                             "Live state entries of a Wasm rule evicted to make room.", {"rule"})),
        errors_(m.counter("wsn_rule_errors_total",
                          "Rule evaluation errors, by rule and kind (trap_fuel, trap_depth, "
                          "trap_memory, trap_other, negative_result, host_refusal).",
                          {"rule", "kind"})),
        matches_(m.counter("wsn_rule_matches_total", "Detections, by rule.", {"rule"})),
        latency_(m.histogram("wsn_event_evaluation_seconds",
                             "Time to match one event against the rules (each event of a batch "
                             "counts the batch's mean).",
                             {}, metrics::latency_buckets())
                     .get()),
        queue_(m.gauge("wsn_bus_queue_depth", "Event batches waiting for detection.").get()),
        pending_(m.gauge("wsn_sequences_pending", "Partial sequence matches held.").get()),
        groups_(m.gauge("wsn_correlation_groups",
                        "Groups held by aggregating correlations (Sigma value_count, …).")
                    .get()),
        group_evictions_(m.counter("wsn_correlation_evictions_total",
                                   "Groups of aggregating correlations dropped by a state bound.")
                             .get()),
        reloads_(
            m.counter("wsn_rule_reloads_total", "Rule snapshots picked up at run time.").get()),
        scans_(m.counter("wsn_prefilter_scans_total",
                         "Prefilter passes over an event: one per event for all predicate-IR "
                         "rules together (EQL, Sigma), however many rule files and kinds.")
                   .get()) {}

  // One per source, in the order of run()'s sources. The metric label is the source's kind
  // ("jsonl:/path" → "jsonl").
  void add_source(const EventSource& source, const BatchWriter& writer) {
    const std::string_view n = source.name();
    const std::string label(n.substr(0, n.find(':')));
    sources_.push_back({&source, &writer, &received_.with({label}), &processed_.with({label}),
                        &dropped_.with({label, "queue_full"}), &malformed_.with({label}),
                        &lost_.with({label})});
  }

  // A batch of `producer`'s events went through detection.
  void processed(uint32_t producer, size_t events) {
    if (producer < sources_.size()) sources_[producer].processed->inc(events);
  }

  void on_match(const RuleSet& set, uint32_t rule) {
    series_for(set);
    if (rule < rule_series_.size()) rule_series_[rule].matches->inc();
  }

  // Sources' own metrics now (a /metrics render, the end of a run).
  void refresh_source_metrics() { update_source_metrics(true); }

  void update(const EventBus& bus, const DetectionStage& detection) {
    for (const SourceSeries& ss : sources_) {
      const WriterCounters w = ss.writer->counters();
      const SourceStats src = ss.source->stats();
      ss.received->set_total(w.published);
      ss.dropped->set_total(w.dropped);
      ss.malformed->set_total(std::max(src.malformed, w.malformed));
      ss.lost->set_total(src.lost);
    }
    update_source_metrics();
    queue_.set(static_cast<double>(bus.depth()));
    const DetectionStats d = detection.stats();
    update_rules(detection);
    // Matcher counters restart with each new rule snapshot: keep the totals monotonic.
    if (d.matcher.prefilter_scans < last_scans_) scan_base_ += last_scans_;
    last_scans_ = d.matcher.prefilter_scans;
    scans_.set_total(scan_base_ + d.matcher.prefilter_scans);
    pending_.set(static_cast<double>(d.matcher.pending_sequences));
    groups_.set(static_cast<double>(d.matcher.correlation_groups));
    if (d.matcher.correlation_evictions < last_evictions_) eviction_base_ += last_evictions_;
    last_evictions_ = d.matcher.correlation_evictions;
    group_evictions_.set_total(eviction_base_ + d.matcher.correlation_evictions);
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
      for (size_t i = 0; i < kRuleErrorKindCount; ++i) {
        advance(*rs.errors[i], rs.last_errors[i], faults_now_[k].errors[i]);
      }
      advance(*rs.dropped_logs, rs.last_dropped_logs, faults_now_[k].dropped_logs);
      advance(*rs.evictions, rs.last_evictions, faults_now_[k].state_evictions);
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
      if (r.kind == "wasm") {
        rs.traps = &traps_.with({r.id});
        rs.quarantines = &quarantines_.with({r.id});
        rs.quarantined = &quarantined_.with({r.id});
        for (size_t i = 0; i < kRuleErrorKindCount; ++i) {
          rs.errors[i] = &errors_.with({r.id, rule_error_kind_name(static_cast<RuleErrorKind>(i))});
        }
        rs.dropped_logs = &dropped_logs_.with({r.id});
        rs.evictions = &evictions_.with({r.id});
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
    std::array<metrics::Counter*, kRuleErrorKindCount> errors{};  // by RuleErrorKind
    metrics::Counter* dropped_logs = nullptr;
    metrics::Counter* evictions = nullptr;
    uint64_t last_evaluations = 0, last_traps = 0, last_quarantines = 0;
    std::array<uint64_t, kRuleErrorKindCount> last_errors{};
    uint64_t last_dropped_logs = 0, last_evictions = 0;
  };
  static void advance(metrics::Counter& c, uint64_t& last, uint64_t now) {
    if (now > last) c.inc(now - last);
    last = now;
  }

  // Sources' own metrics, at most once a second (reading them may cost system calls).
  void update_source_metrics(bool now = false) {
    std::lock_guard lock(source_metrics_mu_);  // the detection thread and /metrics renders
    const auto t = std::chrono::steady_clock::now();
    if (!now && t < next_source_metrics_) return;
    next_source_metrics_ = t + std::chrono::seconds(1);
    std::vector<SourceMetric> extra;
    for (const SourceSeries& ss : sources_) {
      extra.clear();
      ss.source->metrics(extra);
      const std::string_view n = ss.source->name();
      const std::string label(n.substr(0, n.find(':')));
      for (const SourceMetric& m : extra) {
        std::vector<std::string> names = {"source"}, values = {label};
        for (const auto& [k, v] : m.labels) {
          names.push_back(k);
          values.push_back(v);
        }
        if (m.counter) {
          registry_.counter(m.name, m.help, names)
              .with(values)
              .set_total(static_cast<uint64_t>(m.value));
        } else {
          registry_.gauge(m.name, m.help, names).with(values).set(m.value);
        }
      }
    }
  }

  struct SourceSeries {
    const EventSource* source;
    const BatchWriter* writer;
    metrics::Counter *received, *processed, *dropped, *malformed, *lost;
  };
  metrics::Registry& registry_;
  std::mutex source_metrics_mu_;
  std::chrono::steady_clock::time_point next_source_metrics_{};
  metrics::Family<metrics::Counter>&received_, &processed_, &dropped_, &malformed_, &lost_;
  std::vector<SourceSeries> sources_;
  metrics::Family<metrics::Counter>& evaluations_;
  metrics::Family<metrics::Counter>& traps_;
  metrics::Family<metrics::Counter>& quarantines_;
  metrics::Family<metrics::Gauge>& quarantined_;
  metrics::Family<metrics::Counter>& dropped_logs_;
  metrics::Family<metrics::Counter>& evictions_;
  metrics::Family<metrics::Counter>& errors_;
  metrics::Family<metrics::Counter>& matches_;
  metrics::Histogram& latency_;
  metrics::Gauge &queue_, &pending_, &groups_;
  metrics::Counter& group_evictions_;
  metrics::Counter &reloads_, &scans_;
  uint64_t last_scans_ = 0, scan_base_ = 0;
  uint64_t last_evictions_ = 0, eviction_base_ = 0;
  uint64_t generation_ = ~uint64_t{0};  // of the snapshot rule_series_ belongs to
  std::vector<RuleSeries> rule_series_;
  std::vector<uint64_t> evals_now_;
  std::vector<RuleFaults> faults_now_;
};

}  // namespace

bool Engine::reload_rules(std::vector<std::string>& errors, std::vector<std::string>* warnings) {
  std::lock_guard lock(load_mu_);
  const size_t before = errors.size();
  RuleSetBuild build = compile_rules(options_.rule_paths, *plugins_, named_kinds_, registry_,
                                     generation_ + 1, errors, warnings, enabled_overrides_);
  if (errors.size() != before) {
    reload_attempts_->with({"rejected"}).inc();
    return false;
  }
  reload_attempts_->with({"published"}).inc();
  ++generation_;
  holder_.publish(std::move(build.rule_set));
  rules_published();
  return true;
}

void Engine::load_rules(std::vector<std::string>& errors, std::vector<std::string>* warnings) {
  std::lock_guard lock(load_mu_);
  RuleSetBuild build = compile_rules(options_.rule_paths, *plugins_, named_kinds_, registry_,
                                     ++generation_, errors, warnings, enabled_overrides_);
  holder_.publish(std::move(build.rule_set));
  rules_published();
}

Status Engine::run(EventSource& source, RunStats& stats) {
  EventSource* one[] = {&source};
  return run(one, stats);
}

Status Engine::run(std::span<EventSource* const> sources, RunStats& stats) {
  const auto start = std::chrono::steady_clock::now();
  EventBus bus(options_.bus_batches, options_.batch_size, EventBus::Policy::kBlock);
  PipelineMetrics pipeline(metrics_);
  DetectionStage detection(
      holder_, [this, &pipeline](const RuleSet& set, uint32_t rule,
                                 std::span<const Event* const> events, const MatchDetail* detail) {
        pipeline.on_match(set, rule);
        alerts_.on_detection(set, rule, events, detail);
      });

  // Each source has its own writer (own drop policy and counters) and its own thread; the bus
  // closes when the last one ends.
  const size_t n = sources.size();
  std::vector<std::unique_ptr<BatchWriter>> writers;
  std::vector<Status> statuses(n);
  for (EventSource* s : sources) {
    const auto policy =
        s->drop_policy() == DropPolicy::kDrop ? EventBus::Policy::kDrop : EventBus::Policy::kBlock;
    writers.push_back(
        std::make_unique<BatchWriter>(bus, policy, static_cast<uint32_t>(writers.size())));
    pipeline.add_source(*s, *writers.back());
  }
  {
    std::lock_guard lock(running_mu_);
    running_.assign(sources.begin(), sources.end());
  }
  // Sources' own metrics are also read when /metrics is rendered, so they are fresh on a quiet
  // stream (no batch, no update()); removed before the sources and `pipeline` go.
  const uint64_t source_collector =
      metrics_.add_collector([&pipeline] { pipeline.refresh_source_metrics(); });
  is_running_.store(true);
  if (stop_requested_.load()) stop();
  std::atomic<size_t> remaining{n};
  std::vector<std::thread> producers;
  for (size_t k = 0; k < n; ++k) {
    producers.emplace_back([&, k] {
      statuses[k] = sources[k]->run(*writers[k]);
      writers[k]->flush();
      if (remaining.fetch_sub(1) == 1) bus.close();
    });
  }
  if (n == 0) bus.close();

  // New rules (SIGHUP, the watcher, the API): tell the sources what they now need, even while
  // no event flows (every publish wakes this thread: rules_published(); a source widens what
  // it collects or says why not).
  {
    std::lock_guard lock(watch_mu_);
    watch_done_ = false;
  }
  std::thread rules_watch([&] {
    uint64_t seen = holder_.current()->generation;
    std::unique_lock lock(watch_mu_);
    for (;;) {
      watch_cv_.wait(lock, [&] { return watch_done_ || holder_.current()->generation != seen; });
      if (watch_done_) break;
      const auto set = holder_.current();
      if (set->generation == seen) continue;
      seen = set->generation;
      const EventInterest wanted = rules_interest();
      std::vector<std::string> notes;
      for (EventSource* s : sources) s->rules_changed(wanted, notes);
      if (options_.report) {
        for (const auto& note : notes) options_.report(note);
      }
    }
  });
  const EventBatch no_events;
  std::vector<std::string> live_decisions;
  detection.set_live_decision_callback(
      [&live_decisions](std::string_view d) { live_decisions.emplace_back(d); });
  while (auto batch = bus.pop()) {
    const auto t0 = std::chrono::steady_clock::now();
    detection.process(no_events);  // takes up a new rule snapshot at the batch boundary
    // Actions act for real only on events of a live source (never on a log's pids).
    // Wall-clock limits (the Wasm call deadline) too, so a replay is decided by its events.
    if (batch->producer < n) {
      const bool batch_live = sources[batch->producer]->live();
      if (response_) response_->set_live_events(batch_live);
      detection.set_live_events(batch_live);
    }
    // Event by event so the alert manager learns process ancestry in stream order (alerts stay
    // deterministic whatever the batch boundaries).
    for (size_t k = 0; k < batch->size; ++k) {
      // Dedupe windows close on the stream's clock, event by event even when no detection
      // comes: never at batch boundaries, which depend on timing, so a replay of a live
      // recording emits the same alerts in the same order as the live run did.
      alerts_.advance(batch->events[k].time_ns());
      alerts_.observe(batch->events[k]);
      detection.process(batch->events[k]);
      // The tap (a recording) sees the event after detection, with any decision the wall
      // clock made about it, so a replay of the recording decides the same.
      if (options_.tap) {
        if (live_decisions.empty()) {
          options_.tap(batch->events[k]);
        } else {
          Event copy = batch->events[k];
          std::vector<std::string_view> items(live_decisions.begin(), live_decisions.end());
          copy.set_string_list(fields::kWsnLiveDecisions, items);
          options_.tap(copy);
        }
      }
      live_decisions.clear();
    }
    pipeline.observe_batch(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), batch->size);
    pipeline.processed(batch->producer, batch->size);
    bus.release(std::move(batch));
    pipeline.update(bus, detection);
    // Alerts leave at every batch boundary: a live stream must not hold them in a buffer.
    alerts_.flush();
  }
  for (auto& t : producers) t.join();
  {
    std::lock_guard lock(watch_mu_);
    watch_done_ = true;
  }
  watch_cv_.notify_all();
  rules_watch.join();
  {
    std::lock_guard lock(running_mu_);
    running_.clear();
  }
  is_running_.store(false);
  stop_requested_.store(false);
  detection.finish();
  alerts_.finish();  // closes open dedupe windows, flushes the sinks
  metrics_.remove_collector(source_collector);
  pipeline.update(bus, detection);
  pipeline.refresh_source_metrics();

  stats.bus = bus.counters();
  stats.source = {};
  stats.sources.clear();
  Status first_error;
  for (size_t k = 0; k < n; ++k) {
    const SourceStats st = sources[k]->stats();
    stats.source.events += st.events;
    stats.source.malformed += st.malformed;
    stats.source.lost += st.lost;
    stats.sources.push_back(
        {std::string(sources[k]->name()), st, writers[k]->counters(), statuses[k]});
    if (!statuses[k].ok() && first_error.ok()) first_error = statuses[k];
  }
  stats.detection = detection.stats();
  stats.alerts = alerts_.stats();
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return first_error;
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
    RuleSetBuild build = compile_rules(options_.rule_paths, *plugins_, named_kinds_, registry_,
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
    rules_published();
    return RuleChange::kOk;
  }
  auto next = std::make_shared<RuleSet>(*current);
  for (auto& r : next->rules) {
    if (r.id == id) r.enabled = enabled;
  }
  next->generation = ++generation_;
  holder_.publish(std::move(next));
  rules_published();
  return RuleChange::kOk;
}

void Engine::rules_published() {
  // Wakes a running engine's rules watch at once (sources widen what they collect).
  { std::lock_guard lock(watch_mu_); }
  watch_cv_.notify_all();
}

void Engine::stop() {
  stop_requested_.store(true);
  std::lock_guard lock(running_mu_);
  for (EventSource* s : running_) s->stop();
}

EventInterest Engine::rules_interest() const {
  EventInterest wanted;
  const auto set = holder_.current();
  for (const auto& compiled : set->compiled) {
    if (compiled) compiled->add_interest(wanted, registry_);
  }
  for (EventInterest::Want& w : wanted.wants) {
    if (w.rule_index < set->rules.size()) w.rule_id = set->rules[w.rule_index].id;
  }
  return wanted;
}

Status Engine::configure(const config::Config& cfg, const EngineSetup& setup,
                         std::vector<std::string>& warnings) {
  for (const auto& [name, type] : cfg.schema.fields) {
    if (!registry_.define(name, type)) {
      return Error{"schema.fields." + name + ": cannot be declared as " +
                   std::string(field_type_name(type)) +
                   " (a built-in field of another type, or the field table is full)"};
    }
  }
  AlertManagerOptions ao;
  ao.dedupe_window_ns = cfg.alerts.dedupe_window(setup.mode);
  ao.dedupe_max_keys = cfg.limits.dedupe_keys;
  ao.throttle_max_alerts = cfg.alerts.throttle_max(setup.mode);
  ao.throttle_period_ns = cfg.alerts.throttle_period_ns;
  ao.ancestry_depth = cfg.alerts.ancestry_depth;
  ao.process_table_capacity = cfg.limits.process_table;
  alerts_.set_options(ao);

  SinkContext sc{.mode = setup.mode, .warnings = &warnings};
  for (const SinkPlugin& p : plugins_->sinks()) {
    if (std::find(setup.skip_sinks.begin(), setup.skip_sinks.end(), p.name) !=
        setup.skip_sinks.end()) {
      continue;
    }
    const PluginConfig* section = config::plugin_section(cfg.sinks, p.name);
    if (!section || !p.create) continue;
    auto sink = p.create(*section, sc);
    if (!sink.ok()) return sink.error();
    if (sink.value()) alerts_.add_sink(std::move(sink.value()));
  }

  std::vector<std::unique_ptr<ResponseAction>> actions;
  ActionContext ac{.mode = setup.mode};
  for (const ActionPlugin& p : plugins_->actions()) {
    const PluginConfig* section = config::plugin_section(cfg.actions, p.name);
    if (!section || !p.create) continue;
    auto action = p.create(*section, ac);
    if (!action.ok()) return Error{"actions." + p.name + ": " + action.error().message};
    if (action.value()) actions.push_back(std::move(action.value()));
  }
  // Replay without a configuration file keeps its audit records on standard error rather than
  // creating files under /var/lib.
  response::ResponseOptions ro;
  ro.dry_run = cfg.response.dry_run || !setup.live;
  ro.audit_log =
      (setup.mode == RunMode::kReplay && cfg.file.empty()) ? "-" : cfg.response.audit_log;
  auto response = response::ResponseActions::open(ro, std::move(actions), &metrics_);
  if (!response.ok()) return response.error();
  alerts_.set_detection_hook(nullptr);
  response_ = std::move(response.value());
  alerts_.set_detection_hook(response_.get());
  return {};
}

std::vector<const SourcePlugin*> Engine::enabled_sources(const config::Config& cfg) const {
  std::vector<const SourcePlugin*> out;
  for (const SourcePlugin& p : plugins_->sources()) {
    const PluginConfig* section = config::plugin_section(cfg.sources, p.name);
    if (!section || !p.create || (p.enabled && !p.enabled(*section))) continue;
    out.push_back(&p);
  }
  return out;
}

Result<std::vector<std::unique_ptr<EventSource>>> Engine::make_sources(
    const config::Config& cfg, RunMode mode, const std::vector<std::string>& only) {
  std::vector<std::unique_ptr<EventSource>> out;
  SourceContext ctx{.registry = registry_, .mode = mode, .report = options_.report};
  for (const SourcePlugin* p : enabled_sources(cfg)) {
    if (!only.empty() && std::find(only.begin(), only.end(), p->name) == only.end()) continue;
    auto source = p->create(*config::plugin_section(cfg.sources, p->name), ctx);
    if (!source.ok()) return Error{"sources." + p->name + ": " + source.error().message};
    out.push_back(std::move(source.value()));
  }
  return out;
}

}  // namespace wsn
