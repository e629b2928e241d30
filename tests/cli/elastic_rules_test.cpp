// Elastic rule files through the binary: `validate` and `list` over Elastic's Linux detection
// rules read in place (WSN_SHARED_DIR; skipped when the checkout is absent), and a replay of
// Elastic-Defend-shaped events that fires one of those rules by its rule_id.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli_test_util.h"

namespace {

namespace fs = std::filesystem;

using wsn::cli_test::Outcome;
using wsn::cli_test::rules_fired;
using wsn::cli_test::run_cli;

// "Linux init (PID 1) Secret Dump via GDB" of elastic/detection-rules (rules/linux) …
constexpr const char* kGdbRuleId = "d4ff2f53-c802-4d2e-9fb9-9ecc08356c3f";
// … and its sibling for any other pid, "Linux Process Hooking via GDB".
constexpr const char* kGdbOtherRuleId = "66c058f3-99f4-4d18-952b-43348f2577a0";

// The alert line of rule `id` ("" when none).
std::string alert_of(const std::string& alerts, const std::string& id) {
  const size_t at = alerts.find("\"rule\":{\"id\":\"" + id + "\"");
  if (at == std::string::npos) return "";
  const size_t begin = alerts.rfind('\n', at);
  const size_t b = begin == std::string::npos ? 0 : begin + 1;
  return alerts.substr(b, alerts.find('\n', at) - b);
}

class ElasticRulesCli : public ::testing::Test {
 protected:
  void SetUp() override {
    linux_rules_ = fs::path(WSN_SHARED_DIR) / "conformance/elastic-detection-rules/rules/linux";
    dir_ = fs::temp_directory_path() / ("wsn_cli_elastic_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  bool have_rules() const { return fs::is_directory(linux_rules_); }
  fs::path linux_rules_;
  fs::path dir_;
};

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

TEST_F(ElasticRulesCli, ValidateLoadsTheLinuxRulesAndCountsTheSkipped) {
  if (!have_rules()) GTEST_SKIP() << "no rules checkout at " << linux_rules_;
  const Outcome o = run_cli("validate -r " + linux_rules_.string());
  EXPECT_EQ(o.exit_code, 0) << o.err.substr(0, 4000);
  EXPECT_NE(o.out.find("validate: 363 file(s): 287 rule(s) loaded, 76 skipped (8 type esql, "
                       "language esql; 49 type new_terms, language kuery; 16 type query, "
                       "language kuery; 3 type threshold, language kuery), 0 failed\n"),
            std::string::npos)
      << o.out;
  EXPECT_NE(o.out.find("validate: 287 rule(s) OK (287 enabled)"), std::string::npos) << o.out;
  // One warning line per skipped rule, naming its file.
  EXPECT_EQ(count(o.err, "[RULE016]"), 76u) << o.err.substr(0, 4000);
  EXPECT_NE(o.err.find(linux_rules_.string() + "/"), std::string::npos);
  EXPECT_EQ(o.err.find(": error:"), std::string::npos) << o.err.substr(0, 4000);
}

TEST_F(ElasticRulesCli, ValidatePerFile) {
  write("r/a.toml",
        "[rule]\nrule_id = \"a\"\nname = \"A\"\ntype = \"eql\"\nlanguage = \"eql\"\n"
        "query = 'process where process.name == \"x\"'\n");
  write("r/b.toml",
        "[rule]\nrule_id = \"b\"\nname = \"B\"\ntype = \"new_terms\"\nlanguage = \"kuery\"\n"
        "query = 'process.name : x'\n");
  const Outcome o = run_cli("validate --per-file -r " + (dir_ / "r").string());
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find((dir_ / "r/a.toml").string() + ": 1 loaded, 0 skipped, 0 failed\n"),
            std::string::npos)
      << o.out;
  EXPECT_NE(o.out.find((dir_ / "r/b.toml").string() +
                       ": 0 loaded, 1 skipped (1 type new_terms, language kuery), 0 failed\n"),
            std::string::npos)
      << o.out;
  EXPECT_NE(o.err.find((dir_ / "r/b.toml").string() +
                       ":4:8: warning: rule 'B' (type new_terms, language kuery) is not run by "
                       "this engine"),
            std::string::npos)
      << o.err;
}

TEST_F(ElasticRulesCli, OnlySkippedRulesIsStillNoRules) {
  write("r/b.toml",
        "[rule]\nrule_id = \"b\"\nname = \"B\"\ntype = \"threshold\"\nlanguage = \"kuery\"\n"
        "query = 'process.name : x'\n");
  const Outcome o = run_cli("validate -r " + (dir_ / "r").string());
  EXPECT_EQ(o.exit_code, 3) << o.err;
  EXPECT_NE(o.err.find("[RULE016]"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("validate: error: no rules found"), std::string::npos) << o.err;
  EXPECT_NE(o.out.find("0 rule(s) loaded, 1 skipped (1 type threshold, language kuery)"),
            std::string::npos)
      << o.out;
}

TEST_F(ElasticRulesCli, QueryErrorPointsIntoTheTomlFile) {
  const fs::path f = write("r/bad.toml",
                           "[rule]\nrule_id = \"a\"\nname = \"A\"\ntype = \"eql\"\n"
                           "language = \"eql\"\nquery = '''\nprocess where\n"
                           "  process.name == \"x\" and and\n'''\n");
  const Outcome o = run_cli("validate -r " + f.string());
  EXPECT_EQ(o.exit_code, 3);
  EXPECT_NE(o.err.find(f.string() + ":8:"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("process.name == \"x\" and and\n"), std::string::npos) << o.err;
  EXPECT_NE(o.out.find("0 rule(s) loaded, 0 skipped, 1 failed"), std::string::npos) << o.out;
}

TEST_F(ElasticRulesCli, ListShowsSourceAndKind) {
  if (!have_rules()) GTEST_SKIP() << "no rules checkout at " << linux_rules_;
  const Outcome o = run_cli("list -r " + linux_rules_.string());
  EXPECT_EQ(o.exit_code, 0) << o.err.substr(0, 2000);
  EXPECT_NE(o.out.find("SOURCE"), std::string::npos);
  const size_t at = o.out.find(kGdbRuleId);
  ASSERT_NE(at, std::string::npos) << o.out.substr(0, 2000);
  const std::string line = o.out.substr(at, o.out.find('\n', at) - at);
  EXPECT_NE(line.find(" eql "), std::string::npos) << line;
  EXPECT_NE(line.find("Linux init (PID 1) Secret Dump via GDB"), std::string::npos) << line;
  EXPECT_NE(line.find("credential_access_gdb_init_process_hooking.toml"), std::string::npos)
      << line;
}

// Elastic Defend Linux events: gdb attaching to PID 1 fires the PID 1 rule, gdb attaching to
// another pid the sibling rule, each once.
TEST_F(ElasticRulesCli, ReplayFiresAnElasticRuleByItsRuleId) {
  if (!have_rules()) GTEST_SKIP() << "no rules checkout at " << linux_rules_;
  const std::string host = R"("host":{"name":"web-1","os":{"type":"linux"}})";
  const fs::path log = write(
      "defend.jsonl",
      std::string(R"({"@timestamp":"2026-01-05T10:00:00.000Z","event":{"category":["process"],)") +
          R"("type":["start"],"action":"exec","kind":"event"},)" + host +
          R"(,"process":{"pid":4242,"entity_id":"p-4242","name":"gdb","executable":"/usr/bin/gdb",)" +
          R"("args":["gdb","-p","1"],"command_line":"gdb -p 1","parent":{"pid":4000,"name":"bash"}}})" +
          "\n" + R"({"@timestamp":"2026-01-05T10:00:01.000Z","event":{"category":["process"],)" +
          R"("type":["start"],"action":"exec","kind":"event"},)" + host +
          R"(,"process":{"pid":4243,"entity_id":"p-4243","name":"gdb","executable":"/usr/bin/gdb",)" +
          R"("args":["gdb","-p","77"],"command_line":"gdb -p 77","parent":{"pid":4000,"name":"bash"}}})" +
          "\n");
  const Outcome o = run_cli("replay " + log.string() + " -r " + linux_rules_.string());
  EXPECT_EQ(o.exit_code, 0) << o.err.substr(0, 4000);
  EXPECT_EQ(rules_fired(o.out), (std::set<std::string>{kGdbRuleId, kGdbOtherRuleId})) << o.out;
  EXPECT_EQ(count(o.out, "\"rule\":{\"id\":\"" + std::string(kGdbRuleId)), 1u) << o.out;
  const std::string pid1 = alert_of(o.out, kGdbRuleId);
  EXPECT_NE(pid1.find("\"command_line\":\"gdb -p 1\""), std::string::npos) << pid1;
  EXPECT_NE(alert_of(o.out, kGdbOtherRuleId).find("\"command_line\":\"gdb -p 77\""),
            std::string::npos);
  // The alert carries the rule's severity and ATT&CK mapping from [[rule.threat]].
  EXPECT_NE(pid1.find("\"severity_label\":\"high\""), std::string::npos) << pid1;
  EXPECT_NE(pid1.find("\"tactic\":{\"name\":[\"Credential Access\",\"Collection\"]}"),
            std::string::npos)
      << pid1;
  EXPECT_NE(pid1.find("\"id\":[\"T1003\",\"T1003.007\",\"T1005\"]"), std::string::npos) << pid1;
}

// Events exported from other Elastic integrations keep their own fields through replay: an
// Auditbeat (auditd) account change, with auditd.* fields the schema does not define, fires the
// auditd rule that reads them, and the alert carries them as they were.
TEST_F(ElasticRulesCli, ReplayedAuditbeatEventsKeepTheirFields) {
  if (!have_rules()) GTEST_SKIP() << "no rules checkout at " << linux_rules_;
  const fs::path log = write(
      "auditbeat.jsonl",
      std::string(R"({"@timestamp":"2026-01-05T10:00:00.000Z","event":{"category":["iam"],)") +
          R"("type":["creation","user"],"action":"added-user-account","module":"auditd",)" +
          R"("outcome":"success"},"host":{"name":"db-1","os":{"type":"linux"}},)" +
          R"("auditd":{"result":"success","sequence":8812,"session":"4",)" +
          R"("summary":{"actor":{"primary":"root"},"object":{"type":"account","primary":"eve"}}},)" +
          R"("process":{"pid":911,"name":"useradd","executable":"/usr/sbin/useradd"},)" +
          R"("user":{"name":"eve"}})" + "\n");
  const Outcome o = run_cli("replay " + log.string() + " -r " + linux_rules_.string());
  EXPECT_EQ(o.exit_code, 0) << o.err.substr(0, 4000);
  // persistence_user_or_group_creation_or_modification.toml (auditd.result == "success").
  const std::string id = "fcf733d5-7801-4eb0-92ac-8ffacf3658f2";
  EXPECT_TRUE(rules_fired(o.out).count(id)) << o.out;
  const std::string alert = alert_of(o.out, id.c_str());
  EXPECT_NE(alert.find(R"("auditd":{)"), std::string::npos) << alert;
  // A number in a field no schema, configuration or --fields file types keeps its text (the
  // reader cannot know it is always a number: docs/event-format.md).
  EXPECT_NE(alert.find(R"("sequence":"8812")"), std::string::npos) << alert;
  EXPECT_NE(alert.find(R"("object":{"primary":"eve","type":"account"})"), std::string::npos)
      << alert;
}

}  // namespace
