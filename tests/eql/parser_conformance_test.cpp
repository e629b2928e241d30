// Every query and expression of the Endgame EQL conformance suite must parse without a single
// diagnostic. The files are read in place from WSN_SHARED_DIR (never copied).
#include <cpptoml.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "eql/parse.h"

namespace wsn::eql {
namespace {

const std::string kDir = std::string(WSN_SHARED_DIR) + "/conformance/eql-endgame/";

// A literal of each parameter type the Endgame harness substitutes for `$name`.
std::string sample_literal(const std::string& type) {
  if (type == "bool") return "true";
  if (type == "int") return "42";
  if (type == "float") return "4.5";
  if (type == "string") return "\"text\"";
  return "null";
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) {
    s.replace(p, from.size(), to);
  }
  return s;
}

struct Param {
  std::string name;
  std::vector<std::string> types;
};

// Collects the strings under the keys `expression`, `alternate` and `optimized`, expanding the
// `$name` placeholders of enclosing `[[x.loop]]` tables (their `param` table names the types).
void collect(const std::shared_ptr<cpptoml::base>& node, std::vector<Param> params,
             std::vector<std::string>& out, const std::string& key = "") {
  if (node->is_table()) {
    const auto table = node->as_table();
    if (auto param = table->get_table("param")) {
      Param p;
      p.name = param->get_as<std::string>("name").value_or("");
      if (auto types = param->get_array_of<std::string>("type")) p.types = *types;
      params.push_back(std::move(p));
    }
    for (const auto& [k, v] : *table) collect(v, params, out, k);
  } else if (node->is_table_array()) {
    for (const auto& t : *node->as_table_array()) collect(t, params, out, key);
  } else if (node->is_array()) {
    for (const auto& v : *node->as_array()) collect(v, params, out, key);
  } else if (key == "expression" || key == "alternate" || key == "optimized") {
    const auto value = node->as<std::string>();
    if (!value) return;
    std::vector<std::string> texts{value->get()};
    for (const Param& p : params) {
      if (p.name.empty() || texts.front().find("$" + p.name) == std::string::npos) continue;
      std::vector<std::string> expanded;
      for (const std::string& t : texts) {
        for (const std::string& type : p.types) {
          expanded.push_back(replace_all(t, "$" + p.name, sample_literal(type)));
        }
      }
      texts = std::move(expanded);
    }
    for (std::string& t : texts) out.push_back(std::move(t));
  }
}

TEST(EqlConformance, AllEndgameQueriesParseWithoutDiagnostics) {
  const auto root = cpptoml::parse_file(kDir + "test_queries.toml");
  const auto queries = root->get_table_array("queries");
  ASSERT_TRUE(queries);
  size_t count = 0;
  for (const auto& q : *queries) {
    const auto text = q->get_as<std::string>("query");
    ASSERT_TRUE(text);
    ++count;
    SourceText src("query#" + std::to_string(count), *text);
    Diagnostics diags;
    const auto parsed = parse_query(src, diags);
    EXPECT_TRUE(parsed.has_value()) << *text << "\n" << diags.render(src);
    EXPECT_EQ(diags.items().size(), 0u) << diags.render(src);
  }
  EXPECT_EQ(count, 241u);
}

class EqlExpressionFile : public testing::TestWithParam<std::pair<const char*, size_t>> {};

TEST_P(EqlExpressionFile, EveryExpressionParsesWithoutDiagnostics) {
  const auto [file, min_count] = GetParam();
  const auto root = cpptoml::parse_file(kDir + file);
  std::vector<std::string> exprs;
  collect(root, {}, exprs);
  EXPECT_GE(exprs.size(), min_count);
  for (const std::string& text : exprs) {
    EXPECT_EQ(text.find('$'), std::string::npos) << "unexpanded placeholder: " << text;
    SourceText src(file, text);
    Diagnostics diags;
    AstArena arena;
    const Expr* e = parse_expression(src, arena, diags);
    EXPECT_NE(e, nullptr) << text << "\n" << diags.render(src);
    EXPECT_EQ(diags.items().size(), 0u) << diags.render(src);
  }
}

// Minimum counts are the number of expression strings in each file (loops expand to more).
INSTANTIATE_TEST_SUITE_P(Files, EqlExpressionFile,
                         testing::Values(std::make_pair("test_folding.toml", size_t{118}),
                                         std::make_pair("test_string_functions.toml", size_t{114}),
                                         std::make_pair("test_optimizer.toml", size_t{40})));

}  // namespace
}  // namespace wsn::eql
