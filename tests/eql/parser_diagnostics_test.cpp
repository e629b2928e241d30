// Parser diagnostics, compared as the exact text a user sees (wsn::Diagnostics::render). The
// query-level cases are data: tests/rules/eql_parser_diagnostics.test (`wasm-sentinel test`).
#include <gtest/gtest.h>

#include <string>

#include "eql/parse.h"

namespace wsn::eql {
namespace {

// Parses `text` as a query that must fail and returns the rendered diagnostics.
std::string diagnose(const std::string& text, const ParseOptions& options = {}) {
  SourceText src("q.eql", text);
  Diagnostics diags;
  const auto parsed = parse_query(src, diags, options);
  EXPECT_FALSE(parsed.has_value()) << text;
  EXPECT_TRUE(diags.has_errors()) << text;
  return diags.render(src);
}

std::string diagnose_expression(const std::string& text) {
  SourceText src("e.eql", text);
  Diagnostics diags;
  AstArena arena;
  EXPECT_EQ(parse_expression(src, arena, diags), nullptr) << text;
  return diags.render(src);
}

// Independent mistakes in the operands of and/or and in list elements are all reported.
TEST(EqlParserDiagnostics, RecoveryReportsOneErrorPerComparison) {
  EXPECT_EQ(diagnose_expression("a == 1 and b >= and f(c ==, d <) or e in (\"x\", ==, \"y\")"),
            "e.eql:1:17: error: expected an expression after '>=' [EQL1001]\n"
            "  a == 1 and b >= and f(c ==, d <) or e in (\"x\", ==, \"y\")\n"
            "                  ^~~\n"
            "e.eql:1:27: error: expected an expression after '==' [EQL1001]\n"
            "  a == 1 and b >= and f(c ==, d <) or e in (\"x\", ==, \"y\")\n"
            "                            ^\n"
            "e.eql:1:32: error: expected an expression after '<' [EQL1001]\n"
            "  a == 1 and b >= and f(c ==, d <) or e in (\"x\", ==, \"y\")\n"
            "                                 ^\n"
            "e.eql:1:48: error: expected an expression after ',' [EQL1001]\n"
            "  a == 1 and b >= and f(c ==, d <) or e in (\"x\", ==, \"y\")\n"
            "                                                 ^~\n");
}

TEST(EqlParserDiagnostics, DepthLimitIsOneErrorWithoutRecursionOverflow) {
  const std::string prefix = "process where ";
  const std::string text = prefix + std::string(100000, '(') + "x";
  const size_t col0 = prefix.size() + 128;  // the 129th '(' exceeds the default limit
  const std::string expected = "q.eql:1:" + std::to_string(col0 + 1) +
                               ": error: query is nested too deeply (more than 128 levels of "
                               "brackets, operators or calls) [EQL1010]\n  " +
                               text + "\n  " + std::string(col0, ' ') + "^\n";
  EXPECT_EQ(diagnose(text), expected);
}

TEST(EqlParserDiagnostics, DepthLimitCoversOperatorsCallsAndSubqueries) {
  ParseOptions opts;
  opts.max_depth = 8;
  std::string text = "process where ";
  for (int i = 0; i < 9; ++i) text += "not ";
  text += "x";
  EXPECT_EQ(diagnose(text, opts),
            "q.eql:1:47: error: query is nested too deeply (more than 8 levels of brackets, "
            "operators or calls) [EQL1010]\n"
            "  " +
                text +
                "\n"
                "  " +
                std::string(46, ' ') + "^~~\n");
  std::string calls = "process where ";
  for (int i = 0; i < 20; ++i) calls += "f(";
  EXPECT_NE(diagnose(calls, opts).find("[EQL1010]"), std::string::npos);
  std::string sums = "process where 1";
  for (int i = 0; i < 20; ++i) sums += "+1";
  EXPECT_NE(diagnose(sums, opts).find("[EQL1010]"), std::string::npos);
  std::string lineage = "process where ";
  for (int i = 0; i < 20; ++i) lineage += "child of [a where ";
  EXPECT_NE(diagnose(lineage, opts).find("[EQL1010]"), std::string::npos);
}

TEST(EqlParserDiagnostics, EmbeddedQueryReportsPositionsOfTheEnclosingFile) {
  SourceText src("rules/x.yml", "process where\n  a == ");
  src.set_origin(7, 11, 4);
  Diagnostics diags;
  EXPECT_FALSE(parse_query(src, diags).has_value());
  EXPECT_EQ(diags.render(src),
            "rules/x.yml:8:11: error: expected an expression after '==' [EQL1001]\n"
            "    a == \n"
            "        ^\n");
}

}  // namespace
}  // namespace wsn::eql
