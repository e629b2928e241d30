#include "engine/engine.h"

#include <chrono>
#include <thread>

namespace wsn {

Engine::Engine(EngineOptions options)
    : options_(std::move(options)), alerts_(registry_), compilers_(make_rule_compilers()) {
  holder_.publish(std::make_shared<const RuleSet>());
}

Engine::~Engine() = default;

namespace {

RuleSetBuild compile_rules(const std::vector<std::string>& paths,
                           std::vector<std::unique_ptr<RuleKindCompiler>>& owned,
                           FieldRegistry& registry, uint64_t generation,
                           std::vector<std::string>& errors, std::vector<std::string>* warnings) {
  RuleLoadResult loaded = load_rule_files(paths);
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

}  // namespace

bool Engine::reload_rules(std::vector<std::string>& errors, std::vector<std::string>* warnings) {
  std::lock_guard lock(load_mu_);
  const size_t before = errors.size();
  RuleSetBuild build =
      compile_rules(options_.rule_paths, compilers_, registry_, generation_ + 1, errors, warnings);
  if (errors.size() != before) return false;
  ++generation_;
  holder_.publish(std::move(build.rule_set));
  return true;
}

void Engine::load_rules(std::vector<std::string>& errors, std::vector<std::string>* warnings) {
  std::lock_guard lock(load_mu_);
  RuleSetBuild build =
      compile_rules(options_.rule_paths, compilers_, registry_, ++generation_, errors, warnings);
  holder_.publish(std::move(build.rule_set));
}

Status Engine::run(EventSource& source, RunStats& stats) {
  const auto start = std::chrono::steady_clock::now();
  EventBus bus(options_.bus_batches, options_.batch_size, options_.policy);
  DetectionStage detection(holder_, [this](const RuleSet& set, uint32_t rule,
                                           std::span<const Event* const> events) {
    alerts_.on_detection(set, rule, events);
  });

  Status source_status;
  running_.store(&source);
  std::thread producer([&] {
    BatchWriter writer(bus);
    source_status = source.run(writer);
    writer.flush();
    bus.close();
  });
  while (auto batch = bus.pop()) {
    detection.process(*batch);
    bus.release(std::move(batch));
    // Alerts leave at every batch boundary: a live stream must not hold them in a buffer.
    alerts_.flush();
  }
  producer.join();
  running_.store(nullptr);
  detection.finish();
  alerts_.flush();

  stats.bus = bus.counters();
  stats.source = source.stats();
  stats.detection = detection.stats();
  stats.alerts = alerts_.stats();
  stats.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return source_status;
}

void Engine::stop() {
  if (EventSource* s = running_.load()) s->stop();
}

}  // namespace wsn
