// Every rule kind that compiles to the predicate IR adds to one shared plan: however many rule
// files and IR kinds are loaded, the rule set holds one IR matcher and each event gets exactly
// one prefilter scan (wsn_prefilter_scans_total), while each kind's rules still fire.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "collect/replay/jsonl_replay_source.h"
#include "engine/engine.h"
#include "eql/eql_rule_kind.h"

namespace wsn {
namespace {

namespace fs = std::filesystem;

const fs::path kSample = fs::path(WSN_SOURCE_DIR) / "data/sample/linux-activity.jsonl";

// The value of an unlabelled counter in a Prometheus text rendering (-1 if absent).
double counter(const std::string& text, const std::string& name) {
  const std::string key = "\n" + name + " ";
  const size_t at = text.find(key);
  return at == std::string::npos ? -1 : std::stod(text.substr(at + key.size()));
}

struct Outcome {
  RunStats stats;
  size_t compiled = 0;
  std::string metrics;
  std::map<std::string, uint64_t> matches;  // by rule id
};

Outcome replay(const PluginRegistry& plugins, const std::vector<std::string>& rule_paths) {
  Outcome out;
  Engine engine(EngineOptions{.rule_paths = rule_paths, .plugins = &plugins});
  std::vector<std::string> errors;
  engine.load_rules(errors);
  EXPECT_TRUE(errors.empty()) << errors.front();
  out.compiled = engine.rules()->compiled.size();
  JsonlReplaySource source(kSample.string(), engine.registry());
  EXPECT_TRUE(engine.run(source, out.stats).ok());
  out.metrics = engine.metrics().render();
  return out;
}

class SharedPlan : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wsn_shared_plan_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // A second IR kind: EQL under another name (as Sigma will be: its own front end, the same
    // plan).
    plugins_ = PluginRegistry::builtin();
    RuleKindPlugin second = plugins::eql_rule_kind_plugin();
    second.name = "eql2";
    plugins_.add(std::move(second));
    write("a.yml", "id: a\nname: A\ntype: eql\nquery: process where process.name == \"sudo\"\n");
    write("b.yml",
          "id: b\nname: B\ntype: eql\nquery: |\n  file where file.path : \"/etc/shadow\"\n");
    write("c.yml",
          "id: c\nname: C\ntype: eql2\nquery: process where process.name in (\"vim\", "
          "\"logrotate\")\n");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }

  fs::path dir_;
  PluginRegistry plugins_;
};

TEST_F(SharedPlan, OnePrefilterScanPerEventWhateverTheFilesAndKinds) {
  const Outcome one = replay(plugins_, {(dir_ / "a.yml").string()});
  const Outcome all = replay(plugins_, {dir_.string()});
  ASSERT_GT(all.stats.bus.processed, 1000u);
  EXPECT_EQ(one.compiled, 1u);
  EXPECT_EQ(all.compiled, 1u) << "three files of two IR kinds share one matcher";
  EXPECT_EQ(counter(one.metrics, "wsn_prefilter_scans_total"),
            static_cast<double>(one.stats.bus.processed));
  EXPECT_EQ(counter(all.metrics, "wsn_prefilter_scans_total"),
            static_cast<double>(all.stats.bus.processed));
  // Both kinds' rules fire from the one plan.
  for (const char* id : {"a", "b", "c"}) {
    const std::string series = "wsn_rule_matches_total{rule=\"" + std::string(id) + "\"} ";
    const size_t at = all.metrics.find(series);
    ASSERT_NE(at, std::string::npos) << all.metrics;
    EXPECT_GT(std::stod(all.metrics.substr(at + series.size())), 0) << id;
  }
}

// SigmaHQ's Linux rules (read in place) beside EQL rules of two kinds: still one IR matcher and
// exactly one prefilter pass per event — the figure wsn_elastic_bench prints for the 210 Sigma
// and 287 Elastic rules (docs/benchmarks.md) — and rules of every kind fire from it.
TEST_F(SharedPlan, SigmaWithEqlOnePrefilterPassPerEvent) {
  const fs::path sigma = fs::path(WSN_SHARED_DIR) / "conformance/sigma/rules/linux";
  if (!fs::is_directory(sigma)) GTEST_SKIP() << "no Sigma rules at " << sigma;
  write("s.yml",
        "title: S\nid: s\nlogsource: {product: linux, category: process_creation}\n"
        "detection:\n  sel:\n    Image|endswith: /sudo\n  condition: sel\n");
  const Outcome all = replay(plugins_, {dir_.string(), sigma.string()});
  ASSERT_GT(all.stats.bus.processed, 1000u);
  EXPECT_EQ(all.compiled, 1u) << "Sigma and EQL rules share one matcher";
  EXPECT_EQ(counter(all.metrics, "wsn_prefilter_scans_total"),
            static_cast<double>(all.stats.bus.processed));
  EXPECT_EQ(all.stats.detection.matcher.prefilter_scans, all.stats.bus.processed);
  for (const char* id : {"a", "c", "s"}) {
    const std::string series = "wsn_rule_matches_total{rule=\"" + std::string(id) + "\"} ";
    const size_t at = all.metrics.find(series);
    ASSERT_NE(at, std::string::npos) << id;
    EXPECT_GT(std::stod(all.metrics.substr(at + series.size())), 0) << id;
  }
}

}  // namespace
}  // namespace wsn
