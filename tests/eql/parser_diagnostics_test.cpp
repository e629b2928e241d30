// Parser diagnostics, compared as the exact text a user sees (wsn::Diagnostics::render).
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

TEST(EqlParserDiagnostics, MisspelledWhere) {
  EXPECT_EQ(diagnose("process whre name == \"x\""),
            "q.eql:1:9: error: expected 'where' after event category 'process' [EQL1003]\n"
            "  process whre name == \"x\"\n"
            "          ^~~~\n");
}

TEST(EqlParserDiagnostics, MissingWhereStillChecksTheCondition) {
  EXPECT_EQ(diagnose("file path == and x"),
            "q.eql:1:6: error: expected 'where' after event category 'file' [EQL1003]\n"
            "  file path == and x\n"
            "       ^~~~\n"
            "q.eql:1:14: error: expected an expression after '==' [EQL1001]\n"
            "  file path == and x\n"
            "               ^~~\n");
}

TEST(EqlParserDiagnostics, UpperCaseKeyword) {
  EXPECT_EQ(diagnose("process WHERE x == 1 AND y"),
            "q.eql:1:9: error: keyword 'WHERE' must be written in lower case ('where') "
            "[EQL1021]\n"
            "  process WHERE x == 1 AND y\n"
            "          ^~~~~\n"
            "q.eql:1:22: error: keyword 'AND' must be written in lower case ('and') [EQL1021]\n"
            "  process WHERE x == 1 AND y\n"
            "                       ^~~\n");
}

TEST(EqlParserDiagnostics, UnterminatedString) {
  EXPECT_EQ(diagnose("process where process.name == \"cmd.exe\n  and x == 1"),
            "q.eql:1:31: error: unterminated string literal [EQL1004]\n"
            "  process where process.name == \"cmd.exe\n"
            "                                ^~~~~~~~\n");
}

TEST(EqlParserDiagnostics, InvalidEscapes) {
  EXPECT_EQ(diagnose(R"(process where x == "a\qb" or y == "\u{110000}" or z == "\u12")"),
            "q.eql:1:22: error: invalid escape '\\q' in string literal (valid escapes: \\n \\r "
            "\\t \\b \\f \\\\ \\\" \\' \\u{XXXX}) [EQL1005]\n"
            "  process where x == \"a\\qb\" or y == \"\\u{110000}\" or z == \"\\u12\"\n"
            "                       ^~\n"
            "q.eql:1:36: error: unicode escape is not a valid code point [EQL1005]\n"
            "  process where x == \"a\\qb\" or y == \"\\u{110000}\" or z == \"\\u12\"\n"
            "                                     ^~~~~~~~~~\n"
            "q.eql:1:57: error: invalid unicode escape (expected \\u{XXXX} with 2 to 8 hex "
            "digits) [EQL1005]\n"
            "  process where x == \"a\\qb\" or y == \"\\u{110000}\" or z == \"\\u12\"\n"
            "                                                          ^~\n");
}

TEST(EqlParserDiagnostics, UnclosedSubqueryPointsAtTheOpener) {
  EXPECT_EQ(diagnose("sequence\n  [process where a == 1\n  [file where true]\n| head 1"),
            "q.eql:3:3: error: expected ']' to close the subquery [EQL1009]\n"
            "    [file where true]\n"
            "    ^\n"
            "q.eql:2:3: note: subquery opened here\n"
            "    [process where a == 1\n"
            "    ^\n");
}

TEST(EqlParserDiagnostics, UnclosedParenthesis) {
  EXPECT_EQ(diagnose("process where (a == 1 | head 5"),
            "q.eql:1:23: error: expected ')' to close the parenthesis [EQL1009]\n"
            "  process where (a == 1 | head 5\n"
            "                        ^\n"
            "q.eql:1:15: note: '(' opened here\n"
            "  process where (a == 1 | head 5\n"
            "                ^\n");
}

TEST(EqlParserDiagnostics, UnknownTimeUnit) {
  EXPECT_EQ(diagnose("sequence with maxspan=5x [a where true] [b where true]"),
            "q.eql:1:24: error: unknown time unit 'x' in maxspan (expected ms, s, m, h or d) "
            "[EQL1012]\n"
            "  sequence with maxspan=5x [a where true] [b where true]\n"
            "                         ^\n");
}

TEST(EqlParserDiagnostics, MaxspanWithoutUnitOrFractional) {
  EXPECT_EQ(diagnose("sequence with maxspan=5\n  [a where true]\n  [b where true]"),
            "q.eql:1:23: error: maxspan needs a time unit (did you mean '5s'?) [EQL1013]\n"
            "  sequence with maxspan=5\n"
            "                        ^\n");
  EXPECT_EQ(diagnose("sequence with maxspan=1.5s [a where true] [b where true]"),
            "q.eql:1:23: error: maxspan must be a whole number (use a smaller unit, e.g. "
            "1500ms for 1.5s) [EQL1013]\n"
            "  sequence with maxspan=1.5s [a where true] [b where true]\n"
            "                        ^~~\n");
}

TEST(EqlParserDiagnostics, ChainedComparison) {
  EXPECT_EQ(diagnose("process where a < b < c"),
            "q.eql:1:21: error: comparisons cannot be chained; combine them with 'and' (or add "
            "parentheses) [EQL1017]\n"
            "  process where a < b < c\n"
            "                      ^\n");
}

TEST(EqlParserDiagnostics, ExpectedExpressionAtEnd) {
  EXPECT_EQ(diagnose("process where"),
            "q.eql:1:14: error: expected an expression after 'where' [EQL1001]\n"
            "  process where\n"
            "               ^\n");
}

TEST(EqlParserDiagnostics, UnknownRelationship) {
  EXPECT_EQ(diagnose("process where parent of [process where true]"),
            "q.eql:1:15: error: unknown relationship 'parent' (expected 'child', 'descendant' "
            "or 'event' before 'of') [EQL1016]\n"
            "  process where parent of [process where true]\n"
            "                ^~~~~~\n");
}

TEST(EqlParserDiagnostics, SequenceStepRules) {
  EXPECT_EQ(diagnose("sequence [a where true]"),
            "q.eql:1:1: error: a sequence needs at least two steps (it has 1) [EQL1018]\n"
            "  sequence [a where true]\n"
            "  ^~~~~~~~\n");
  EXPECT_EQ(diagnose("sequence [a where true] ![b where true]"),
            "q.eql:1:25: error: a sequence with missing-event steps needs 'with maxspan=...' "
            "[EQL1019]\n"
            "  sequence [a where true] ![b where true]\n"
            "                          ^\n");
  EXPECT_EQ(diagnose("join [a where true] ![b where true]"),
            "q.eql:1:21: error: missing-event steps ('![...]') are only allowed in sequences "
            "[EQL1019]\n"
            "  join [a where true] ![b where true]\n"
            "                      ^\n");
  EXPECT_EQ(diagnose("sequence [a where true] with runs=500 [b where true]"),
            "q.eql:1:35: error: runs must be between 1 and 100 [EQL1020]\n"
            "  sequence [a where true] with runs=500 [b where true]\n"
            "                                    ^~~\n");
  EXPECT_EQ(diagnose("sequence [a where x] until [b where y] [c where z]"),
            "q.eql:1:40: error: no step may follow the 'until' step [EQL1002]\n"
            "  sequence [a where x] until [b where y] [c where z]\n"
            "                                         ^\n");
}

TEST(EqlParserDiagnostics, PipeErrors) {
  EXPECT_EQ(diagnose("process where true | frob 3 | head -1 | unique"),
            "q.eql:1:22: error: unknown pipe 'frob' (expected head, tail, count, unique, "
            "unique_count, filter or sort) [EQL1014]\n"
            "  process where true | frob 3 | head -1 | unique\n"
            "                       ^~~~\n"
            "q.eql:1:36: error: 'head' takes one positive whole number (e.g. '| head 10') "
            "[EQL1015]\n"
            "  process where true | frob 3 | head -1 | unique\n"
            "                                     ^~\n"
            "q.eql:1:39: error: 'unique' needs at least one field or expression [EQL1015]\n"
            "  process where true | frob 3 | head -1 | unique\n"
            "                                        ^~~~~~~~\n");
}

TEST(EqlParserDiagnostics, TrailingInputAfterCondition) {
  EXPECT_EQ(diagnose("process where a == 1 b"),
            "q.eql:1:22: error: unexpected 'b' after the condition (expected 'and', 'or', '|' "
            "or the end of the query) [EQL1022]\n"
            "  process where a == 1 b\n"
            "                       ^\n");
}

TEST(EqlParserDiagnostics, PatternMustBeLiteralAndTildeOnlyOnCalls) {
  EXPECT_EQ(diagnose("process where x like~ (\"a\", b) or endsWith~(a, \"x\") and c~ == 1"),
            "q.eql:1:29: error: the right side of 'like~' must be a literal (or a parenthesised "
            "list of literals) [EQL1023]\n"
            "  process where x like~ (\"a\", b) or endsWith~(a, \"x\") and c~ == 1\n"
            "                              ^\n"
            "q.eql:1:57: error: '~' after a name is only allowed on a function call (as in "
            "'endsWith~(...)') [EQL1024]\n"
            "  process where x like~ (\"a\", b) or endsWith~(a, \"x\") and c~ == 1\n"
            "                                                          ^~\n");
}

TEST(EqlParserDiagnostics, LexicalErrors) {
  EXPECT_EQ(diagnose("process where $x == `open"),
            "q.eql:1:15: error: invalid character '$' [EQL1006]\n"
            "  process where $x == `open\n"
            "                ^\n"
            "q.eql:1:21: error: unterminated escaped field name (missing closing '`') "
            "[EQL1008]\n"
            "  process where $x == `open\n"
            "                      ^~~~~\n");
  EXPECT_EQ(diagnose("process where x == 1 /* open"),
            "q.eql:1:22: error: unterminated block comment [EQL1007]\n"
            "  process where x == 1 /* open\n"
            "                       ^~\n");
  EXPECT_EQ(diagnose("process where x == 99999999999999999999"),
            "q.eql:1:20: error: integer literal is out of range (the limit is "
            "9223372036854775807) [EQL1011]\n"
            "  process where x == 99999999999999999999\n"
            "                     ^~~~~~~~~~~~~~~~~~~~\n");
}

TEST(EqlParserDiagnostics, QueryShapeErrors) {
  EXPECT_EQ(diagnose(""),
            "q.eql:1:1: error: empty query: expected an event query, 'sequence' or 'join' "
            "[EQL1026]\n"
            "  \n"
            "  ^\n");
  EXPECT_EQ(diagnose("where a == 1"),
            "q.eql:1:1: error: expected an event category before 'where' (use 'any' to match "
            "every event) [EQL1027]\n"
            "  where a == 1\n"
            "  ^~~~~\n");
  // Elasticsearch samples have join keys and at most five filters ([EQLDOC] "Samples").
  EXPECT_EQ(diagnose("sample [a where true] [b where true]"),
            "q.eql:1:1: error: a sample needs join keys ('sample by k …' or '[…] by k' on the "
            "filters) [EQL1028]\n"
            "  sample [a where true] [b where true]\n"
            "  ^~~~~~\n");
  EXPECT_EQ(diagnose("sample by x [a where true] [b where true] until [c where true]"),
            "q.eql:1:49: error: a sample has no 'until' step [EQL1028]\n"
            "  sample by x [a where true] [b where true] until [c where true]\n"
            "                                                  ^~~~~~~~~~~~~~\n");
  EXPECT_EQ(diagnose("process where where == 1"),
            "q.eql:1:15: error: 'where' is a keyword; write it in backticks to use it as a name "
            "(`where`) [EQL1021]\n"
            "  process where where == 1\n"
            "                ^~~~~\n");
}

// One mistake per step and per pipe: every one is reported, nothing in between.
TEST(EqlParserDiagnostics, RecoveryReportsOneErrorPerStepAndPipe) {
  EXPECT_EQ(diagnose("sequence by user.name\n"
                     "  [process where process.name == ] by pid\n"
                     "  [file whre file.path : \"x\"]\n"
                     "  [network where destination.port in (80, 443]\n"
                     "| head x\n"
                     "| frob\n"
                     "| tail 2"),
            "q.eql:2:34: error: expected an expression after '==' [EQL1001]\n"
            "    [process where process.name == ] by pid\n"
            "                                   ^\n"
            "q.eql:3:9: error: expected 'where' after event category 'file' [EQL1003]\n"
            "    [file whre file.path : \"x\"]\n"
            "          ^~~~\n"
            "q.eql:4:46: error: expected ',' or ')' to close the 'in' list [EQL1009]\n"
            "    [network where destination.port in (80, 443]\n"
            "                                               ^\n"
            "q.eql:4:38: note: 'in' list opened here\n"
            "    [network where destination.port in (80, 443]\n"
            "                                       ^\n"
            "q.eql:5:8: error: 'head' takes one positive whole number (e.g. '| head 10') "
            "[EQL1015]\n"
            "  | head x\n"
            "         ^\n"
            "q.eql:6:3: error: unknown pipe 'frob' (expected head, tail, count, unique, "
            "unique_count, filter or sort) [EQL1014]\n"
            "  | frob\n"
            "    ^~~~\n");
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
