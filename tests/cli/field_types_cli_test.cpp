// Types for fields the schema does not know, through the binary: `--fields FILE` (flat map or
// Elasticsearch index mapping) on replay / validate / query, and `query --events FILE`
// inferring them from the data with a warning for ambiguous fields.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli_test_util.h"

namespace {

namespace fs = std::filesystem;

using wsn::cli_test::Outcome;
using wsn::cli_test::run_cli;

size_t count_lines(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += c == '\n' ? 1 : 0;
  return n;
}

class FieldTypesCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wsn_field_types_cli_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(path("log.jsonl"))
        << R"({"@timestamp":"2026-01-01T00:00:00Z","event":{"category":["process"]},"app":{"tier":1,"code":1,"peer":"10.0.0.1"}})"
        << "\n"
        << R"({"@timestamp":"2026-01-01T00:00:01Z","event":{"category":["process"]},"app":{"tier":3,"code":"a","peer":"10.0.0.9"}})"
        << "\n"
        << R"({"@timestamp":"2026-01-01T00:00:02Z","event":{"category":["process"]},"app":{"tier":12,"code":2,"peer":"192.168.1.1"}})"
        << "\n";
    std::ofstream(path("rule.yml")) << "id: tier\nname: Tier above two\ntype: eql\nseverity: low\n"
                                       "query: process where app.tier > 2\n";
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name)) << text;
  }
  fs::path dir_;
};

TEST_F(FieldTypesCli, QueryInfersIntegerAndIpFieldsFromTheEvents) {
  const Outcome o =
      run_cli("query 'process where app.tier > 2' --events " + path("log.jsonl"), dir_);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(count_lines(o.out), 2u) << o.out;
  const Outcome ip = run_cli(
      "query 'process where cidrmatch(app.peer, \"10.0.0.0/8\")' --events " + path("log.jsonl"),
      dir_);
  ASSERT_EQ(ip.exit_code, 0) << ip.err;
  EXPECT_EQ(count_lines(ip.out), 2u) << ip.out;
}

TEST_F(FieldTypesCli, QueryWarnsOfAFieldWhoseValuesDisagree) {
  const Outcome o =
      run_cli("query 'process where app.code == \"a\"' --events " + path("log.jsonl"), dir_);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(count_lines(o.out), 1u) << o.out;
  EXPECT_NE(o.err.find("wasm-sentinel: warning: field 'app.code' has values of more than one "
                       "type (integer, string) in " +
                       path("log.jsonl") + "; typed string\n"),
            std::string::npos)
      << o.err;
}

TEST_F(FieldTypesCli, QueryFromStandardInputInfersToo) {
  const std::string out = path("stdin.out");
  const std::string cmd = std::string(WSN_CLI_PATH) +
                          " query 'process where app.tier > 2' --events - < " + path("log.jsonl") +
                          " > " + out + " 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_EQ(count_lines(wsn::cli_test::slurp(out)), 2u);
}

TEST_F(FieldTypesCli, QueryOverEmptyStandardInputPrintsNothing) {
  const Outcome o =
      run_cli("query 'process where process.name == \"sh\"' --events -", dir_);  // /dev/null
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(o.out, "");
}

TEST_F(FieldTypesCli, AnUnreadableFieldsFileIsAnError) {
  const Outcome o = run_cli("query 'process where app.tier > 2' --events " + path("log.jsonl") +
                                " --fields " + path("none.json"),
                            dir_);
  EXPECT_EQ(o.exit_code, 3) << o.err;
  EXPECT_NE(o.err.find(path("none.json") + ": error: cannot open the field-type file"),
            std::string::npos)
      << o.err;
}

TEST_F(FieldTypesCli, ReplayTypesFieldsFromAnElasticsearchMapping) {
  write("mapping.json",
        R"({"logs":{"mappings":{"properties":{"app":{"properties":{"tier":{"type":"long"},)"
        R"("where":{"type":"geo_point"}}}}}}})");
  const Outcome o = run_cli("replay -q -r " + path("rule.yml") + " --fields " +
                                path("mapping.json") + " " + path("log.jsonl"),
                            dir_);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(count_lines(o.out), 2u) << o.out;
  EXPECT_NE(o.err.find(path("mapping.json") +
                       ": warning: field 'app.where': Elasticsearch type 'geo_point' has no "
                       "counterpart here; left untyped\n"),
            std::string::npos)
      << o.err;
}

TEST_F(FieldTypesCli, ReplayTypesFieldsFromASimpleFile) {
  write("fields.json", R"({"app.tier": "int"})");
  const Outcome o = run_cli("replay -q -r " + path("rule.yml") + " --fields " +
                                path("fields.json") + " " + path("log.jsonl"),
                            dir_);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(count_lines(o.out), 2u) << o.out;
  EXPECT_EQ(o.err, "");
}

TEST_F(FieldTypesCli, ValidateRefusesAConflictWithABuiltinType) {
  write("mapping.json", R"({"mappings":{"properties":{"process":{"properties":)"
                        R"({"pid":{"type":"keyword"}}}}}})");
  const Outcome o =
      run_cli("validate -r " + path("rule.yml") + " --fields " + path("mapping.json"), dir_);
  EXPECT_EQ(o.exit_code, 3) << o.err;
  EXPECT_NE(o.err.find(path("mapping.json") +
                       ": error: field 'process.pid' is declared keyword (string) but its "
                       "built-in type is int\n"),
            std::string::npos)
      << o.err;
}

TEST_F(FieldTypesCli, ValidateAcceptsTheRuleOnceTheFieldIsTyped) {
  write("fields.json", R"({"app.tier": "long"})");
  const Outcome o =
      run_cli("validate -r " + path("rule.yml") + " --fields " + path("fields.json"), dir_);
  EXPECT_EQ(o.exit_code, 0) << o.err << o.out;
  EXPECT_NE(o.out.find("validate: 1 rule(s) OK"), std::string::npos) << o.out;
}

}  // namespace
