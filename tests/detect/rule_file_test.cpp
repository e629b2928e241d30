// Rule files: metadata, query positions, documents, directories. The diagnostics of broken rule
// files are data: tests/rules/rule_file_diagnostics.test (`wasm-sentinel test`).
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

TEST(RuleFile, SeveralDocumentsAndDuplicateIds) {
  const auto r = load(
      "id: a\nname: A\ntype: eql\nquery: any where true\n---\n"
      "id: b\nname: B\ntype: eql\nenabled: false\nquery: any where true\n---\n"
      "id: a\nname: A2\ntype: eql\nquery: any where true\n");
  ASSERT_EQ(r.rules.size(), 2u);
  EXPECT_FALSE(r.rules[1].meta.enabled);
  EXPECT_EQ(r.errors().size(), 1u);  // its text: tests/rules/rule_file_diagnostics.test
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
