// Differential test of the matcher's selection (prefilter, shared guards, shared evaluations):
// every Elastic Linux rule (read in place from WSN_SHARED_DIR) plus the bundled rules — and
// with SigmaHQ's Linux rules beside them, in the same plan — run over the bundled sample log and
// over the benchmark's generated activity log, must raise exactly the same alerts, on the same
// events and in the same order, as the reference path that evaluates every predicate of the
// event's category in full (match::set_reference_matching).
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "activity_log.h"
#include "collect/replay/jsonl_replay_source.h"
#include "engine/engine.h"
#include "match/engine.h"
#include "wsn/detector.h"

namespace wsn {
namespace {

namespace fs = std::filesystem;

const fs::path kSample = fs::path(WSN_SOURCE_DIR) / "data/sample/linux-activity.jsonl";
const fs::path kBundled = fs::path(WSN_SOURCE_DIR) / "rules";
const fs::path kElastic =
    fs::path(WSN_SHARED_DIR) / "conformance/elastic-detection-rules/rules/linux";
const fs::path kSigma = fs::path(WSN_SHARED_DIR) / "conformance/sigma/rules/linux";

// Every alert as (rule index, then the time of each of its events), in emission order.
class RecordingSink final : public MatchSink {
 public:
  void on_match(uint32_t rule, std::span<const Event* const> events) override {
    alerts.emplace_back();
    alerts.back().push_back(rule);
    for (const Event* e : events) alerts.back().push_back(static_cast<uint64_t>(e->time_ns()));
  }
  std::vector<std::vector<uint64_t>> alerts;
};

struct Run {
  std::vector<std::vector<uint64_t>> alerts;
  uint64_t evaluations = 0;
};

std::unique_ptr<Engine> load(const std::vector<std::string>& paths, bool reference) {
  match::set_reference_matching(reference);
  auto engine = std::make_unique<Engine>(EngineOptions{.rule_paths = paths});
  std::vector<std::string> errors;
  engine->load_rules(errors);
  match::set_reference_matching(false);
  EXPECT_TRUE(errors.empty()) << errors.front();
  return engine;
}

Run detect(const Engine& engine, const std::vector<Event>& events) {
  const auto set = engine.rules();
  std::vector<std::unique_ptr<Matcher>> matchers;
  for (const auto& c : set->compiled) {
    if (c) matchers.push_back(c->make_matcher());
  }
  for (auto& m : matchers) m->set_live_events(false);
  RecordingSink sink;
  for (const Event& e : events) {
    for (auto& m : matchers) m->process(e, sink);
  }
  for (auto& m : matchers) m->finish(sink);
  Run run;
  run.alerts = std::move(sink.alerts);
  for (auto& m : matchers) run.evaluations += m->stats().evaluations;
  return run;
}

void compare(const std::vector<std::string>& rule_paths, const fs::path& log, size_t min_alerts) {
  auto optimized = load(rule_paths, false);
  auto reference = load(rule_paths, true);
  ASSERT_EQ(optimized->rules()->rules.size(), reference->rules()->rules.size());
  // Both registries resolve the same fields (the same rules loaded in the same order).
  auto events_o = read_jsonl_file(log.string(), optimized->registry());
  auto events_r = read_jsonl_file(log.string(), reference->registry());
  ASSERT_TRUE(events_o.ok());
  ASSERT_TRUE(events_r.ok());
  ASSERT_EQ(events_o.value().size(), events_r.value().size());
  const Run o = detect(*optimized, events_o.value());
  const Run r = detect(*reference, events_r.value());
  EXPECT_GE(o.alerts.size(), min_alerts);
  EXPECT_EQ(o.alerts.size(), r.alerts.size());
  EXPECT_TRUE(o.alerts == r.alerts) << "alerts differ over " << log;
  // The reference really is the unselective path.
  EXPECT_LT(o.evaluations, r.evaluations);
}

class PrefilterDifferential : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::is_directory(kElastic)) GTEST_SKIP() << "no rules checkout at " << kElastic;
    paths_ = {kElastic.string(), kBundled.string()};
  }
  std::vector<std::string> paths_;
};

TEST_F(PrefilterDifferential, SampleLogSameAlertsAsReference) {
  compare(paths_, kSample, 1);
}

fs::path generated_log(int events) {
  const fs::path log =
      fs::temp_directory_path() / ("wsn_prefilter_diff_" + std::to_string(::getpid()) + ".jsonl");
  {
    std::ofstream out(log, std::ios::binary);
    bench::eql::ActivityLog gen;
    std::string line;
    for (int k = 0; k < events; ++k) {
      line.clear();
      gen.append_next(line);
      line += '\n';
      out.write(line.data(), static_cast<std::streamsize>(line.size()));
    }
  }
  return log;
}

TEST_F(PrefilterDifferential, GeneratedActivitySameAlertsAsReference) {
  const fs::path log = generated_log(60000);
  compare(paths_, log, 100);
  fs::remove(log);
}

// Sigma rules are selected by the same prefilter (their `re` values as searches
// `(?s:.*)(?-s:RE)(?s:.*)`, keywords as wildcards over several fields, …).
TEST_F(PrefilterDifferential, SigmaWithEqlSameAlertsAsReference) {
  if (!fs::is_directory(kSigma)) GTEST_SKIP() << "no Sigma rules at " << kSigma;
  paths_.push_back(kSigma.string());
  compare(paths_, kSample, 1);
  const fs::path log = generated_log(60000);
  compare(paths_, log, 100);
  fs::remove(log);
}

}  // namespace
}  // namespace wsn
