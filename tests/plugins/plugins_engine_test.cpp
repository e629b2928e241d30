// Plug-ins defined outside src/ (custom_plugins.cpp, public headers only) run end to end through
// the engine from a configuration that names them: the configuration loader hands each its
// section, the rule loader knows the new rule kind and action, and the engine runs the new
// source beside a built-in one.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "config/config.h"
#include "custom_plugins.h"
#include "engine/engine.h"

namespace wsn::plugin_test {
namespace {

namespace fs = std::filesystem;

class PluginsEngine : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_ = PluginRegistry::builtin();
    add_test_plugins(registry_, seen_);
    dir_ = fs::temp_directory_path() / ("wsn_plugins_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }
  static std::string errors_of(const config::LoadResult& r) {
    std::string out;
    for (const auto& e : r.errors) out += e;
    return out;
  }

  PluginRegistry registry_;
  Observations seen_;
  fs::path dir_;
};

TEST_F(PluginsEngine, NewSourceKindSinkAndActionRunEndToEnd) {
  // A built-in source (replay of a log) beside the new one, and a built-in rule kind (EQL)
  // beside the new one: both kinds' alerts reach the new sink.
  const fs::path log = write("log.jsonl",
                             "{\"@timestamp\":\"2026-01-01T00:00:00Z\",\"event\":{\"category\":"
                             "[\"process\"],\"action\":\"exec\"},\"process\":{\"pid\":99,"
                             "\"name\":\"nc\"}}\n");
  write("rules.yml",
        "id: t.procname\nname: Named process\ntype: procname\nname_is: evil\n"
        "actions: [mark]\n---\n"
        "id: t.eql\nname: netcat\ntype: eql\nquery: process where process.name == \"nc\"\n"
        "actions: [mark]\n");
  const std::string text =
      "sources:\n"
      "  ebpf: {enabled: false}\n"
      "  ticker: {count: 9, name: evil}\n"
      "  replay: {path: " +
      log.string() +
      "}\n"
      "sinks:\n"
      "  stdout: {enabled: false}\n"
      "  memory: {tag: mem}\n"
      "actions:\n"
      "  mark: {label: seen}\n";
  const config::LoadResult cfg = config::load_config_text("t.yml", text, registry_);
  ASSERT_TRUE(cfg.ok()) << errors_of(cfg);

  EngineOptions options;
  options.plugins = &registry_;
  options.rule_paths = {(dir_ / "rules.yml").string()};
  Engine engine(options);
  std::vector<std::string> warnings;
  ASSERT_TRUE(engine.configure(cfg.config, {.mode = RunMode::kRun, .live = true}, warnings).ok());
  std::vector<std::string> errors;
  engine.load_rules(errors);
  ASSERT_TRUE(errors.empty()) << errors.front();

  auto sources = engine.make_sources(cfg.config, RunMode::kRun);
  ASSERT_TRUE(sources.ok()) << sources.error().message;
  std::vector<EventSource*> running;
  for (auto& s : sources.value()) running.push_back(s.get());
  ASSERT_EQ(running.size(), 2u);  // ebpf disabled; replay and ticker, in registration order
  EXPECT_EQ(running[1]->name(), "ticker");
  RunStats stats;
  ASSERT_TRUE(engine.run(running, stats).ok());

  EXPECT_EQ(stats.bus.processed, 10u);
  ASSERT_EQ(stats.sources.size(), 2u);
  EXPECT_EQ(stats.sources[0].writer.published, 1u);
  EXPECT_EQ(stats.sources[1].writer.published, 9u);
  std::vector<std::string> alerts = seen_.alerts;
  std::sort(alerts.begin(), alerts.end());
  EXPECT_EQ(alerts, (std::vector<std::string>{"mem:t.eql:nc", "mem:t.procname:evil",
                                              "mem:t.procname:evil", "mem:t.procname:evil"}));
  // The action runs for every detection of its rule: for real on the live source's events,
  // as a dry run on the log's (a recorded pid is not this host's process).
  std::vector<std::string> actions = seen_.actions;
  std::sort(actions.begin(), actions.end());
  EXPECT_EQ(actions,
            (std::vector<std::string>{"seen:t.eql:99:dry", "seen:t.procname:3:live",
                                      "seen:t.procname:6:live", "seen:t.procname:9:live"}));
  const std::string metrics = engine.metrics().render();
  EXPECT_NE(metrics.find("wsn_response_actions_total{action=\"mark\",result=\"marked\"} 3"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("wsn_events_received_total{source=\"ticker\"} 9"), std::string::npos)
      << metrics;
}

TEST_F(PluginsEngine, PluginsReportTheirOwnConfigurationErrorsByKeyPath) {
  const config::LoadResult r = config::load_config_text(
      "t.yml",
      "sources:\n  ticker: {count: lots, colour: red}\nsinks:\n  memory: {tag: \"\"}\n"
      "  memroy: {}\n",
      registry_);
  std::string all = errors_of(r);
  EXPECT_NE(all.find("t.yml:2:19: error: sources.ticker.count: expected an integer, got 'lots'"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("sources.ticker.colour: unknown key (known: count, name)"), std::string::npos)
      << all;
  EXPECT_NE(all.find("t.yml:4:17: error: sinks.memory.tag: must not be empty"), std::string::npos)
      << all;
  EXPECT_NE(all.find("sinks.memroy: unknown key (did you mean 'memory'?"), std::string::npos)
      << all;
}

TEST_F(PluginsEngine, RulesMayNameOnlyRegisteredKindsAndActions) {
  write("rules.yml", "id: a\nname: A\ntype: procname\nname_is: x\nactions: [mark, nuke]\n");
  {
    Engine engine(
        EngineOptions{.rule_paths = {(dir_ / "rules.yml").string()}, .plugins = &registry_});
    std::vector<std::string> errors;
    engine.load_rules(errors);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].find("unknown action 'nuke' (known: kill, block, mark)"), std::string::npos)
        << errors[0];
  }
  // The built-in registry alone does not know the test's kind.
  Engine engine(EngineOptions{.rule_paths = {(dir_ / "rules.yml").string()}});
  std::vector<std::string> errors;
  engine.load_rules(errors);
  std::string all;
  for (const auto& e : errors) all += e;
  EXPECT_NE(all.find("unknown rule type 'procname' (known: eql, sigma, wasm)"), std::string::npos)
      << all;
}

}  // namespace
}  // namespace wsn::plugin_test
