// The must-show test of rule exceptions: an alert suppressed by an exception, then the same
// event alerting once the exception is removed — through the engine's real hot-reload path
// (Engine::reload_rules, as SIGHUP and the rules-directory watcher call it), with the
// exception in its own file beside the rule (docs/rule-files.md "Exceptions").
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "collect/replay/jsonl_replay_source.h"
#include "engine/engine.h"

namespace wsn {
namespace {

namespace fs = std::filesystem;

class ExceptionsReload : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wsn_exceptions_reload_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "rules");
    write("rules/shell.yml",
          "id: t.shell\nname: Shell started\ntype: eql\nseverity: high\n"
          "query: process where event.type == \"start\" and process.name == \"bash\"\n");
    write(
        "events.jsonl",
        R"({"@timestamp":"2026-01-01T00:00:00Z","event":{"category":["process"],"type":["start"]},"process":{"name":"bash","pid":7,"parent":{"name":"ansible"}}})"
        "\n");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  // Alerts the engine raises on the event file.
  uint64_t run(Engine& engine) {
    JsonlReplaySource source((dir_ / "events.jsonl").string(), engine.registry());
    RunStats stats;
    EXPECT_TRUE(engine.run(source, stats).ok());
    EXPECT_EQ(stats.bus.processed, 1u);
    return stats.detection.matches;
  }

  fs::path dir_;
};

TEST_F(ExceptionsReload, SuppressedThenAlertsAfterTheExceptionIsRemovedByHotReload) {
  // The tuning lives in an exception-list file in the rules directory, attached by rule id.
  write("rules/tuning.exceptions.yml",
        "exception_lists:\n  - list_id: ansible\n    rules: [t.shell]\n    items:\n"
        "      - item_id: ansible-shells\n        entries:\n"
        "          - {field: process.parent.name, operator: included, type: match, "
        "value: ansible}\n");
  Engine engine(EngineOptions{.rule_paths = {(dir_ / "rules").string()}});
  std::vector<std::string> errors, warnings;
  engine.load_rules(errors, &warnings);
  ASSERT_TRUE(errors.empty()) << errors.front();
  ASSERT_EQ(engine.rules()->rules.size(), 1u);
  ASSERT_EQ(engine.rules()->rules[0].exceptions.size(), 1u);
  EXPECT_EQ(run(engine), 0u) << "the exception suppresses the alert";

  // Remove the exception (the rule file is untouched) and reload as SIGHUP does.
  fs::remove(dir_ / "rules/tuning.exceptions.yml");
  ASSERT_TRUE(engine.reload_rules(errors, &warnings)) << (errors.empty() ? "" : errors.front());
  EXPECT_TRUE(engine.rules()->rules[0].exceptions.empty());
  EXPECT_EQ(run(engine), 1u) << "the same event alerts once the exception is gone";

  // And back: an overlay adding the exception again suppresses it again.
  write("rules/overlay.yml",
        "overlay:\n  - id: t.shell\n    exceptions:\n      - {name: ansible, fields: "
        "[process.parent.name], values: [[ansible]]}\n");
  ASSERT_TRUE(engine.reload_rules(errors, &warnings)) << (errors.empty() ? "" : errors.front());
  EXPECT_EQ(run(engine), 0u);
}

TEST_F(ExceptionsReload, ABrokenExceptionRejectsTheReloadAndKeepsTheRules) {
  Engine engine(EngineOptions{.rule_paths = {(dir_ / "rules").string()}});
  std::vector<std::string> errors;
  engine.load_rules(errors);
  ASSERT_TRUE(errors.empty());
  write("rules/bad.yml", "overlay:\n  - id: t.shell\n    exceptions: [{entries: [{field: x}]}]\n");
  EXPECT_FALSE(engine.reload_rules(errors));
  ASSERT_FALSE(errors.empty());
  EXPECT_NE(errors.front().find("bad.yml:3:"), std::string::npos) << errors.front();
  EXPECT_EQ(run(engine), 1u);
}

}  // namespace
}  // namespace wsn
