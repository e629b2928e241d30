#include "detect/rule_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace wsn {
namespace {

RuleLoadResult load(const std::string& text) {
  RuleLoadResult r;
  load_rule_text("rules/x.yml", text, r, PluginRegistry::builtin());
  return r;
}

TEST(RuleFile, LoadsMetadataAndPositionsTheQuery) {
  const auto r = load(
      "id: wsn.test.one\n"
      "name: Test rule\n"
      "description: Something happened.\n"
      "severity: high\n"
      "tags: [linux, attack.execution, attack.t1059.004]\n"
      "mitre: [T1105]\n"
      "type: eql\n"
      "actions: [kill]\n"
      "query: |\n"
      "  process where\n"
      "    process.name == \"nc\"\n");
  ASSERT_TRUE(r.errors().empty()) << r.errors()[0];
  ASSERT_EQ(r.rules.size(), 1u);
  const RuleSource& s = r.rules[0];
  EXPECT_EQ(s.meta.id, "wsn.test.one");
  EXPECT_EQ(s.meta.severity, Severity::kHigh);
  EXPECT_EQ(s.meta.kind, "eql");
  EXPECT_EQ(s.meta.mitre, (std::vector<std::string>{"T1105", "T1059.004"}));
  EXPECT_EQ(s.meta.actions, (std::vector<std::string>{"kill"}));
  EXPECT_TRUE(s.meta.enabled);
  EXPECT_EQ(s.body->text(), "process where\n  process.name == \"nc\"\n");
  // "process.name" is on file line 11, column 5.
  const uint32_t off = static_cast<uint32_t>(s.body->text().find("process.name"));
  EXPECT_EQ(s.body->locate(off).line, 11u);
  EXPECT_EQ(s.body->locate(off).column, 5u);
  EXPECT_EQ(s.body->locate(0).line, 10u);
  EXPECT_EQ(s.body->locate(0).column, 3u);
}

TEST(RuleFile, InlineQueryPosition) {
  const auto r = load("id: a\nname: A\ntype: eql\nquery: \"process where true\"\n");
  ASSERT_TRUE(r.errors().empty());
  EXPECT_EQ(r.rules[0].body->locate(0).line, 4u);
  EXPECT_EQ(r.rules[0].body->locate(0).column, 9u);
}

TEST(RuleFile, ReportsEveryProblemWithCaret) {
  const auto r = load(
      "id: bad id\n"
      "name: X\n"
      "severity: urgent\n"
      "type: eql\n"
      "colour: red\n"
      "query: process where true\n");
  ASSERT_EQ(r.errors().size(), 3u);
  EXPECT_EQ(r.errors()[0],
            "rules/x.yml:5:1: error: unknown key 'colour' [RULE002]\n"
            "  colour: red\n"
            "  ^~~~~~\n");
  EXPECT_EQ(r.errors()[1],
            "rules/x.yml:1:5: error: rule id 'bad id' may only use letters, digits, '.', '_', "
            "'-' [RULE005]\n"
            "  id: bad id\n"
            "      ^~~~~~\n");
  EXPECT_EQ(r.errors()[2],
            "rules/x.yml:3:11: error: severity must be one of low, medium, high, critical "
            "[RULE008]\n"
            "  severity: urgent\n"
            "            ^\n");
  EXPECT_TRUE(r.rules.empty());
}

TEST(RuleFile, MissingKeysAndUnknownType) {
  // A type no plug-in registered has no body key to ask for: two errors, not three.
  const auto r = load("name: X\ntype: lua\n");
  ASSERT_EQ(r.errors().size(), 2u);
  EXPECT_NE(r.errors()[0].find("missing required key 'id' [RULE003]"), std::string::npos);
  EXPECT_NE(r.errors()[1].find("unknown rule type 'lua' (known: eql, sigma, wasm) [RULE012]"),
            std::string::npos);
  // A registered kind's own body key is required.
  const auto w = load("id: w\nname: W\ntype: wasm\n");
  ASSERT_EQ(w.errors().size(), 1u);
  EXPECT_NE(w.errors()[0].find("missing required key 'module' for a rule of type 'wasm'"),
            std::string::npos);
}

TEST(RuleFile, InvalidYamlIsAnErrorNotACrash) {
  const auto r = load("id: [unclosed\nname: x\n");
  ASSERT_EQ(r.errors().size(), 1u);
  EXPECT_NE(r.errors()[0].find("invalid YAML"), std::string::npos);
  EXPECT_NE(r.errors()[0].find("[RULE000]"), std::string::npos);
}

TEST(RuleFile, SeveralDocumentsAndDuplicateIds) {
  const auto r = load(
      "id: a\nname: A\ntype: eql\nquery: any where true\n---\n"
      "id: b\nname: B\ntype: eql\nenabled: false\nquery: any where true\n---\n"
      "id: a\nname: A2\ntype: eql\nquery: any where true\n");
  ASSERT_EQ(r.rules.size(), 2u);
  EXPECT_FALSE(r.rules[1].meta.enabled);
  ASSERT_EQ(r.errors().size(), 1u);
  EXPECT_NE(r.errors()[0].find("rules/x.yml:12:5: error: duplicate rule id 'a' [RULE007]"),
            std::string::npos);
}

TEST(RuleFile, DirectoriesLoadInSortedOrderAndMissingPathsAreErrors) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "wsn_rule_file_test";
  fs::remove_all(dir);
  fs::create_directories(dir / "sub");
  std::ofstream(dir / "b.yml") << "id: b\nname: B\ntype: eql\nquery: any where true\n";
  std::ofstream(dir / "sub" / "a.yaml") << "id: a\nname: A\ntype: eql\nquery: any where true\n";
  std::ofstream(dir / "notes.txt") << "not a rule";
  const auto r =
      load_rule_files({dir.string(), (dir / "missing").string()}, PluginRegistry::builtin());
  ASSERT_EQ(r.rules.size(), 2u);
  EXPECT_EQ(r.rules[0].meta.id, "b");  // "b.yml" sorts before "sub/a.yaml"
  EXPECT_EQ(r.rules[1].meta.id, "a");
  EXPECT_EQ(r.files, 2u);
  ASSERT_EQ(r.errors().size(), 1u);
  EXPECT_NE(r.errors()[0].find("no such rule file or directory"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace wsn

namespace wsn {
namespace {

TEST(RuleFile, UnknownKeysSuggestTheNearKnownOne) {
  RuleLoadResult r;
  load_rule_text("x.yml", "id: a\nname: A\nseverty: high\ntype: eql\nquery: process where true\n",
                 r, PluginRegistry::builtin());
  ASSERT_EQ(r.errors().size(), 1u);
  EXPECT_NE(r.errors()[0].find("unknown key 'severty' (did you mean 'severity'?) [RULE002]"),
            std::string::npos)
      << r.errors()[0];
}

}  // namespace
}  // namespace wsn
