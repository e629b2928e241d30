// The open schema through the engine: custom fields declared in the configuration
// (schema.fields) are typed before rules load, so a rule compares them as declared; values of
// another type are counted per field in wsn_field_type_mismatches_total.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "collect/replay/jsonl_replay_source.h"
#include "config/config.h"
#include "engine/engine.h"

namespace wsn {
namespace {

namespace fs = std::filesystem;

TEST(SchemaConfig, CustomFieldsAreTypedAndMismatchesCountedPerField) {
  const fs::path dir = fs::temp_directory_path() / ("wsn_schema_cfg_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "r.yml")
      << "id: tier\nname: T\ntype: eql\nquery: process where app.tier > 2\n";
  std::ofstream(dir / "log.jsonl")
      << R"({"@timestamp":"2026-01-01T00:00:00Z","event":{"category":["process"]},"app":{"tier":3}})"
      << "\n"
      << R"({"@timestamp":"2026-01-01T00:00:01Z","event":{"category":["process"]},"app":{"tier":"7"}})"
      << "\n"
      << R"({"@timestamp":"2026-01-01T00:00:02Z","event":{"category":["process"]},"app":{"tier":"high"}})"
      << "\n";
  const config::LoadResult cfg = config::load_config_text(
      "c.yml", "schema:\n  fields:\n    app.tier: int\n", PluginRegistry::builtin());
  ASSERT_TRUE(cfg.ok()) << cfg.errors.front();
  Engine engine(EngineOptions{.rule_paths = {(dir / "r.yml").string()}});
  std::vector<std::string> warnings, errors;
  ASSERT_TRUE(engine.configure(cfg.config, {}, warnings).ok());
  engine.load_rules(errors);
  ASSERT_TRUE(errors.empty()) << errors.front();
  JsonlReplaySource source((dir / "log.jsonl").string(), engine.registry());
  RunStats stats;
  ASSERT_TRUE(engine.run(source, stats).ok());
  // 3 and "7" (converted losslessly) fire; "high" is refused and counted for its field.
  EXPECT_EQ(stats.detection.matches, 2u);
  EXPECT_EQ(stats.source.malformed, 1u);
  const std::string m = engine.metrics().render();
  EXPECT_NE(m.find("wsn_field_type_mismatches_total{field=\"app.tier\"} 1\n"), std::string::npos)
      << m;
  fs::remove_all(dir);
}

TEST(SchemaConfig, BadDeclarationsAreReportedByKeyPath) {
  const config::LoadResult r = config::load_config_text(
      "c.yml", "schema:\n  fields:\n    app.tier: integer\n", PluginRegistry::builtin());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(
      r.errors[0],
      "c.yml:3:15: error: schema.fields.app.tier: unknown type 'integer' (known: string, int, "
      "uint, bool, ip, timestamp, string_list)\n");
  // A built-in field keeps its ECS type.
  const config::LoadResult clash = config::load_config_text(
      "c.yml", "schema:\n  fields:\n    process.pid: string\n", PluginRegistry::builtin());
  ASSERT_TRUE(clash.ok());
  Engine engine(EngineOptions{});
  std::vector<std::string> warnings;
  const Status st = engine.configure(clash.config, {}, warnings);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("schema.fields.process.pid"), std::string::npos);
}

}  // namespace
}  // namespace wsn
