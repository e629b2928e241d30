// `wasm-sentinel test`: a test file made to fail fails with a readable diff; invalid test files
// and missing paths are errors with their own exit codes (docs/cli.md, docs/rule-tests.md).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli_test_util.h"

namespace wsn {
namespace {

using cli_test::run_cli;
namespace fs = std::filesystem;

const std::string kFailing = std::string(WSN_SOURCE_DIR) + "/tests/cli/data/failing_rule.test";

TEST(RuleTestCommand, AFailingTestFailsWithADiffOfExpectedAndActual) {
  const auto r = run_cli("test " + kFailing);
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_EQ(r.out, "ok   " + kFailing + ":3: passes\n" + "FAIL " + kFailing +
                       ":14: wrong pid and a missing alert\n" +
                       "    alerts differ:\n"
                       "    --- expected\n"
                       "    +++ actual\n"
                       "    - t.shell  process.pid=8\n"
                       "    - t.shell\n"
                       "    + t.shell  process.pid=7\n" +
                       "FAIL " + kFailing + ":26: wrong diagnostic\n" +
                       "    diagnostics differ:\n"
                       "    --- expected\n"
                       "    +++ actual\n"
                       "    - rule.yml:4:16: error: expected 'where' after event category "
                       "'process' [EQL1001]\n"
                       "    + rule.yml:4:16: error: expected 'where' after event category "
                       "'process' [EQL1003]\n"
                       "        process whre process.name == \"bash\"\n"
                       "                ^~~~\n"
                       "test: 1 passed, 2 failed, 0 invalid file(s) (1 file(s))\n");
}

TEST(RuleTestCommand, QuietPrintsOnlyFailures) {
  const auto r = run_cli("test -q " + kFailing);
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_EQ(r.out.find("ok "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("FAIL " + kFailing + ":14:"), std::string::npos) << r.out;
}

class RuleTestFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wsn_rule_test_cli." + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  fs::path dir_;
};

TEST_F(RuleTestFiles, AnInvalidTestFileIsExit3WithFileAndLine) {
  const std::string f = write("bad.test",
                              "name: typo in a key\n"
                              "rule: 'id: a'\n"
                              "expect_alert: []\n");
  const auto r = run_cli("test " + f);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(
      r.out.find(f + ":3:1: error: unknown key 'expect_alert' (did you mean 'expect_alerts'? "),
      std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(f + ":1:1: error: test 'typo in a key' expects nothing"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("INVALID " + f + " (no test of it ran)"), std::string::npos) << r.out;
}

TEST_F(RuleTestFiles, BadYamlIsExit3WithItsPosition) {
  const std::string f = write("yaml.test", "name: x\nrule: [unclosed\n");
  const auto r = run_cli("test " + f);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.out.find(f + ":3:1: error: invalid YAML: "), std::string::npos) << r.out;
}

TEST_F(RuleTestFiles, AMissingPathOrAnEmptyDirectoryIsExit1) {
  auto r = run_cli("test " + (dir_ / "nope.test").string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("nope.test: no such file or directory"), std::string::npos) << r.err;
  r = run_cli("test " + dir_.string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no *.test files in this directory"), std::string::npos) << r.err;
}

TEST_F(RuleTestFiles, ADirectoryRunsItsTestFilesInOrderAndPasses) {
  const std::string rule =
      "rule: |\n  id: t.nc\n  name: NC\n  type: eql\n  query: process where process.name == "
      "\"nc\"\n";
  const std::string events =
      "events: |\n  {\"@timestamp\":\"2026-01-01T00:00:00Z\",\"event\":{\"category\":"
      "[\"process\"]},\"process\":{\"name\":\"nc\"}}\n";
  write("b.test", "name: second\n" + rule + events + "expect_alerts: [t.nc]\n");
  write("a.test",
        "name: first\n" + rule + events + "expect_alerts:\n  - {rule: t.nc, process.name: nc}\n");
  const auto r = run_cli("test " + dir_.string());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const size_t first = r.out.find("ok   " + (dir_ / "a.test").string() + ":1: first");
  const size_t second = r.out.find("ok   " + (dir_ / "b.test").string() + ":1: second");
  ASSERT_NE(first, std::string::npos) << r.out;
  ASSERT_NE(second, std::string::npos) << r.out;
  EXPECT_LT(first, second);
  EXPECT_NE(r.out.find("test: 2 passed, 0 failed, 0 invalid file(s) (2 file(s))"),
            std::string::npos);
}

}  // namespace
}  // namespace wsn
