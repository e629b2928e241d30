#include "engine/engine.h"

#include <chrono>
#include <thread>

namespace wsn {

Engine::Engine(EngineOptions options)
    : options_(std::move(options)), alerts_(registry_), compilers_(make_rule_compilers()) {
  holder_.publish(std::make_shared<const RuleSet>());
}

Engine::~Engine() = default;

void Engine::load_rules(std::vector<std::string>& errors, std::vector<std::string>* warnings) {
  RuleLoadResult loaded = load_rule_files(options_.rule_paths);
  errors.insert(errors.end(), loaded.errors.begin(), loaded.errors.end());
  std::vector<RuleKindCompiler*> compilers;
  for (auto& c : compilers_) compilers.push_back(c.get());
  RuleSetBuild build = build_rule_set(loaded.rules, compilers, registry_, ++generation_);
  errors.insert(errors.end(), build.report.errors.begin(), build.report.errors.end());
  if (warnings) {
    warnings->insert(warnings->end(), build.report.warnings.begin(), build.report.warnings.end());
  }
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
