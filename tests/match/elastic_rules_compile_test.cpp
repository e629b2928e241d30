// Counts how many of Elastic's Linux detection rules (language = "eql") compile in the
// Elasticsearch dialect. The rules are read in place from WSN_SHARED_DIR (never copied into the
// repository); the test is skipped when that checkout is absent. Every failure is printed with
// its first diagnostic, and the count may only go up: raise kMinCompiling when it does.
#include <gtest/gtest.h>

#include <cpptoml.h>

#include <algorithm>
#include <filesystem>

#include "eql/compile/compiler.h"

namespace wsn::eql {
namespace {

// Measured on the es-dialect branch (docs/eql-semantics.md, "Elasticsearch dialect").
constexpr size_t kRules = 287;
constexpr size_t kMinCompiling = 287;

TEST(EqlElasticRules, LinuxRulesCompile) {
  const std::filesystem::path dir =
      std::filesystem::path(WSN_SHARED_DIR) / "conformance/elastic-detection-rules/rules/linux";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "no rules checkout at " << dir;
  std::vector<std::filesystem::path> files;
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    if (f.path().extension() == ".toml") files.push_back(f.path());
  }
  std::sort(files.begin(), files.end());
  size_t eql = 0;
  size_t compiled = 0;
  std::string failures;
  for (const auto& path : files) {
    std::shared_ptr<cpptoml::table> root;
    ASSERT_NO_THROW(root = cpptoml::parse_file(path.string())) << path;
    const auto rule = root->get_table("rule");
    if (!rule || rule->get_as<std::string>("language").value_or("") != "eql") continue;
    ++eql;
    const std::string query = *rule->get_as<std::string>("query");
    FieldRegistry reg;
    CompileOptions opt;  // Elasticsearch dialect
    opt.warn_unknown_fields = false;
    SourceText src(path.filename().string(), query);
    Diagnostics diags;
    if (compile_eql_query(src, reg, opt, diags)) {
      ++compiled;
    } else {
      const std::string text = diags.render(src);
      failures += "  " + text.substr(0, text.find('\n', text.find('\n') + 1)) + "\n";
    }
  }
  std::printf("elastic linux rules: %zu/%zu compile (Elasticsearch dialect)\n", compiled, eql);
  if (!failures.empty()) std::printf("failures:\n%s", failures.c_str());
  EXPECT_EQ(eql, kRules);
  EXPECT_GE(compiled, kMinCompiling);
}

}  // namespace
}  // namespace wsn::eql
