// Every .toml of Elastic's detection rules (read in place from WSN_SHARED_DIR, never copied into
// the repository; skipped when that checkout is absent) goes through the rule-file loader: every
// EQL rule loads and compiles in the Elasticsearch dialect, every other rule is skipped with its
// reason, and nothing is an error. Failures are printed with their diagnostics, and the skip
// reasons with their counts.
#include <gtest/gtest.h>

#include <cpptoml.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "detect/rule_compiler.h"
#include "detect/rule_file.h"

namespace wsn {
namespace {

namespace fs = std::filesystem;

// Measured when Elastic rule files were added (issue 12): the Linux EQL rules of the checkout.
constexpr size_t kLinuxEqlRules = 287;

TEST(ElasticRulesConformance, EveryRuleLoadsOrIsSkippedWithItsReason) {
  const fs::path root = fs::path(WSN_SHARED_DIR) / "conformance/elastic-detection-rules";
  if (!fs::is_directory(root)) GTEST_SKIP() << "no rules checkout at " << root;

  // What the files say, read independently of the loader.
  size_t files = 0;
  std::set<std::string> eql_ids;
  size_t linux_eql = 0;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.path().extension() != ".toml") continue;
    ++files;
    const auto toml = cpptoml::parse_file(e.path().string());
    const auto rule = toml->get_table("rule");
    const auto metadata = toml->get_table("metadata");
    if (!rule) continue;
    const bool deprecated =
        metadata && metadata->get_as<std::string>("maturity").value_or("") == "deprecated";
    if (!deprecated && rule->get_as<std::string>("type").value_or("") == "eql" &&
        rule->get_as<std::string>("language").value_or("") == "eql") {
      eql_ids.insert(*rule->get_as<std::string>("rule_id"));
      linux_eql += e.path().parent_path().filename() == "linux" ? 1 : 0;
    }
  }

  const RuleLoadResult loaded = load_rule_files({root.string()}, PluginRegistry::builtin());
  for (const std::string& e : loaded.errors()) std::printf("load error: %s", e.c_str());
  EXPECT_EQ(loaded.error_count(), 0u);
  EXPECT_EQ(loaded.files, files);
  std::set<std::string> loaded_ids;
  for (const RuleSource& r : loaded.rules) loaded_ids.insert(r.meta.id);
  EXPECT_EQ(loaded_ids, eql_ids);
  EXPECT_EQ(linux_eql, kLinuxEqlRules);

  // Every query is positioned on its own text in the file (diagnostics land on the right line).
  for (const RuleSource& r : loaded.rules) {
    std::ifstream in(r.meta.source, std::ios::binary);
    std::string line;
    const LineCol at = r.body->locate(0);
    for (uint32_t k = 0; k < at.line && std::getline(in, line); ++k) {
    }
    const std::string first = r.body->text().substr(0, r.body->text().find('\n'));
    EXPECT_EQ(line.substr(at.column - 1), first) << r.meta.source;
  }

  std::map<std::string, size_t> by_reason;
  for (const SkippedRule& s : loaded.skipped) ++by_reason[s.reason];
  EXPECT_EQ(loaded.rules.size() + loaded.skipped.size(), files);
  EXPECT_EQ(loaded.warning_count(), loaded.skipped.size());

  // Every loaded rule compiles (Elasticsearch dialect, as the loader asks).
  auto kind = PluginRegistry::builtin().rule_kind("eql")->create();
  const NamedRuleKind kinds[] = {{"eql", kind.get()}};
  FieldRegistry registry;
  const RuleSetBuild build = build_rule_set(loaded.rules, kinds, registry, 1);
  for (const std::string& e : build.report.errors()) std::printf("compile error: %s", e.c_str());
  EXPECT_TRUE(build.report.failed.empty());

  std::printf(
      "elastic rule files under %s: %zu files; %zu EQL rules loaded, %zu compiled, "
      "%zu skipped\n",
      root.c_str(), files, loaded.rules.size(), loaded.rules.size() - build.report.failed.size(),
      loaded.skipped.size());
  for (const auto& [reason, n] : by_reason) std::printf("  skipped (%s): %zu\n", reason.c_str(), n);
}

}  // namespace
}  // namespace wsn
