// Positive parser tests: the AST shape (via the canonical dump) and the individual node fields.
#include <gtest/gtest.h>

#include <string>

#include "eql/parse.h"
#include "eql/parse/ast_dump.h"

namespace wsn::eql {
namespace {

// Parses a lone expression and returns its dump; a parse error fails the test with the
// rendered diagnostics.
std::string expr(const std::string& text) {
  SourceText src("t", text);
  Diagnostics diags;
  AstArena arena;
  const Expr* e = parse_expression(src, arena, diags);
  EXPECT_NE(e, nullptr) << text << "\n" << diags.render(src);
  EXPECT_FALSE(diags.has_errors()) << diags.render(src);
  return e == nullptr ? "<error>" : dump(*e);
}

std::string query(const std::string& text) {
  SourceText src("t", text);
  Diagnostics diags;
  const auto q = parse_query(src, diags);
  EXPECT_TRUE(q.has_value()) << text << "\n" << diags.render(src);
  EXPECT_FALSE(diags.has_errors()) << diags.render(src);
  return q ? dump(q->query) : "<error>";
}

struct Parsed {
  SourceText src;
  Diagnostics diags;
  std::optional<ParsedQuery> q;
};

std::unique_ptr<Parsed> parse(const std::string& text) {
  auto p = std::make_unique<Parsed>(Parsed{SourceText("t", text), {}, std::nullopt});
  p->q = parse_query(p->src, p->diags);
  EXPECT_TRUE(p->q.has_value()) << p->diags.render(p->src);
  return p;
}

TEST(EqlParserAst, BooleanPrecedenceNotBindsTighterThanAndThanOr) {
  EXPECT_EQ(expr("a or b and c"), "(or a (and b c))");
  EXPECT_EQ(expr("a and b or c and d"), "(or (and a b) (and c d))");
  EXPECT_EQ(expr("not a and b"), "(and (not a) b)");
  EXPECT_EQ(expr("not a == 1"), "(not (== a 1))");
  EXPECT_EQ(expr("not not a"), "(not (not a))");
  EXPECT_EQ(expr("(a or b) and c"), "(and (or a b) c)");
  EXPECT_EQ(expr("a and b and c and d"), "(and a b c d)");  // flat, not nested
}

TEST(EqlParserAst, ArithmeticPrecedenceAndAssociativity) {
  EXPECT_EQ(expr("1 + 2 * 3"), "(+ 1 (* 2 3))");
  EXPECT_EQ(expr("1 - 2 - 3"), "(- (- 1 2) 3)");
  EXPECT_EQ(expr("8 / 4 % 3 * 2"), "(* (% (/ 8 4) 3) 2)");
  EXPECT_EQ(expr("(1 + 2) * 3"), "(* (+ 1 2) 3)");
  EXPECT_EQ(expr("1 + 2 < 3 * 4"), "(< (+ 1 2) (* 3 4))");
  EXPECT_EQ(expr("-a * 3"), "(* (neg a) 3)");
  EXPECT_EQ(expr("7 - -3"), "(- 7 -3)");
  EXPECT_EQ(expr("-(7)"), "(neg 7)");
  EXPECT_EQ(expr("+a"), "a");
  EXPECT_EQ(expr("- - a"), "(neg (neg a))");
}

TEST(EqlParserAst, ComparisonOperators) {
  EXPECT_EQ(expr("a == 1"), "(== a 1)");
  EXPECT_EQ(expr("a = 1"), "(== a 1)");  // Endgame alias
  EXPECT_EQ(expr("a != 1"), "(!= a 1)");
  EXPECT_EQ(expr("a < 1"), "(< a 1)");
  EXPECT_EQ(expr("a <= 1"), "(<= a 1)");
  EXPECT_EQ(expr("a > 1"), "(> a 1)");
  EXPECT_EQ(expr("a >= 1"), "(>= a 1)");
}

TEST(EqlParserAst, Literals) {
  EXPECT_EQ(expr("null"), "null");
  EXPECT_EQ(expr("true or false"), "(or true false)");
  EXPECT_EQ(expr("9223372036854775807"), "9223372036854775807");
  EXPECT_EQ(expr("-9223372036854775808"), "-9223372036854775808");
  EXPECT_EQ(expr("4.5 + .5 + 1e3 + 2.5E-1"), "(+ (+ (+ 4.5 0.5) 1000.0) 0.25)");
  EXPECT_EQ(expr("'single' == \"double\""), "(== \"single\" \"double\")");
  EXPECT_EQ(expr("?\"raw\\d\" == \"\"\"tri\\ple\"\"\""), "(== \"raw\\\\d\" \"tri\\\\ple\")");
}

TEST(EqlParserAst, LiteralNodeValues) {
  SourceText src("t", "-42");
  Diagnostics diags;
  AstArena arena;
  const Expr* e = parse_expression(src, arena, diags);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->kind, ExprKind::kInt);
  EXPECT_EQ(e->i, -42);
  EXPECT_EQ(e->range.begin, 0u);
  EXPECT_EQ(e->range.end, 3u);
}

TEST(EqlParserAst, FieldPaths) {
  EXPECT_EQ(expr("process.parent.name"), "process.parent.name");
  EXPECT_EQ(expr("`my field`.`a``b`"), "`my field`.`a``b`");
  EXPECT_EQ(expr("events[1].serial_event_id"), "events[1].serial_event_id");
  EXPECT_EQ(expr("a[0][2].b"), "a[0][2].b");
  EXPECT_EQ(expr("?user.id"), "?user.id");
  EXPECT_EQ(expr("event.sequence"), "event.sequence");  // keywords allowed after a dot
  EXPECT_EQ(expr("@timestamp"), "@timestamp");
}

TEST(EqlParserAst, FieldNodeDetails) {
  SourceText src("t", "?events[1].`x y`");
  Diagnostics diags;
  AstArena arena;
  const Expr* e = parse_expression(src, arena, diags);
  ASSERT_NE(e, nullptr) << diags.render(src);
  ASSERT_EQ(e->kind, ExprKind::kField);
  EXPECT_TRUE(e->optional);
  ASSERT_EQ(e->path.size(), 3u);
  EXPECT_EQ(e->path[0].name, "events");
  EXPECT_EQ(e->path[1].name, "");
  EXPECT_EQ(e->path[1].index, 1);
  EXPECT_EQ(e->path[2].name, "x y");
  EXPECT_EQ(e->range.begin, 0u);
  EXPECT_EQ(e->range.end, 16u);
}

TEST(EqlParserAst, SetMembershipAndCaseInsensitivity) {
  EXPECT_EQ(expr("a in (1, 2)"), "(in a 1 2)");
  EXPECT_EQ(expr("a in~ (\"x\")"), "(in~ a \"x\")");
  EXPECT_EQ(expr("a not in (1, 2,)"), "(not-in a 1 2)");
  EXPECT_EQ(expr("a not in~ (\"x\", b)"), "(not-in~ a \"x\" b)");
  EXPECT_EQ(expr("a in (b + 1)"), "(in a (+ b 1))");

  SourceText src("t", "a not in~ (\"x\")");
  Diagnostics diags;
  AstArena arena;
  const Expr* e = parse_expression(src, arena, diags);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->kind, ExprKind::kIn);
  EXPECT_TRUE(e->negated);
  EXPECT_TRUE(e->case_insensitive);
}

TEST(EqlParserAst, StringMatchOperators) {
  EXPECT_EQ(expr("a : \"x*\""), "(: a \"x*\")");
  EXPECT_EQ(expr("a : (\"x\", \"y\")"), "(: a \"x\" \"y\")");
  EXPECT_EQ(expr("a like \"x*\""), "(like a \"x*\")");
  EXPECT_EQ(expr("a like~ (\"x*\", \"y?\")"), "(like~ a \"x*\" \"y?\")");
  EXPECT_EQ(expr("a regex \"[a-z]+\""), "(regex a \"[a-z]+\")");
  EXPECT_EQ(expr("a regex~ \"x\" and b"), "(and (regex~ a \"x\") b)");

  SourceText src("t", "a : \"x\"");
  Diagnostics diags;
  AstArena arena;
  const Expr* e = parse_expression(src, arena, diags);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->kind, ExprKind::kStringMatch);
  EXPECT_EQ(e->match, MatchOp::kColon);
  EXPECT_TRUE(e->case_insensitive);  // ':' is always case-insensitive
}

TEST(EqlParserAst, FunctionCallsAndMethods) {
  EXPECT_EQ(expr("length(a)"), "(call length a)");
  EXPECT_EQ(expr("number()"), "(call number)");
  EXPECT_EQ(expr("endsWith~(a, \".exe\")"), "(call endsWith~ a \".exe\")");
  EXPECT_EQ(expr("concat(a, f(b, c),)"), "(call concat a (call f b c))");
  EXPECT_EQ(expr("\"hello\":length()"), "(call length \"hello\")");
  EXPECT_EQ(expr("a:substring(1, 2):length() > 0"), "(> (call length (call substring a 1 2)) 0)");
  EXPECT_EQ(expr("arraySearch(l, x, x.a == 1)"), "(call arraySearch l x (== x.a 1))");
}

TEST(EqlParserAst, LineageOperators) {
  EXPECT_EQ(expr("child of [process where true]"), "(child-of [process where true])");
  EXPECT_EQ(expr("not descendant of [file where a == 1] and b"),
            "(and (not (descendant-of [file where (== a 1)])) b)");
  EXPECT_EQ(expr("event of [any where true]"), "(event-of [any where true])");
}

TEST(EqlParserAst, EventQueries) {
  EXPECT_EQ(query("process where true"), "process where true");
  EXPECT_EQ(query("any where a == 1"), "any where (== a 1)");
  EXPECT_EQ(query("\"my-category\" where x"), "\"my-category\" where x");
  EXPECT_EQ(query("// leading comment\nprocess /* inline */ where\n  a == 1 // trailing"),
            "process where (== a 1)");
  auto p = parse("network where true");
  ASSERT_TRUE(p->q);
  EXPECT_EQ(p->q->query.kind, QueryKind::kEvent);
  EXPECT_EQ(p->q->query.event->category, "network");
  EXPECT_EQ(p->q->query.event->category_range.begin, 0u);
  EXPECT_EQ(p->q->query.event->category_range.end, 7u);
}

TEST(EqlParserAst, SequenceStructure) {
  auto p = parse(
      "sequence by host.id, user.name with maxspan=5m\n"
      "  [process where a == 1] by pid\n"
      "  ![file where true]\n"
      "  [network where true] with runs=3 by ppid\n"
      "until [process where b] by pid");
  ASSERT_TRUE(p->q);
  const Query& q = p->q->query;
  ASSERT_EQ(q.kind, QueryKind::kSequence);
  const Sequence& s = q.sequence;
  ASSERT_EQ(s.by.size(), 2u);
  EXPECT_EQ(dump(*s.by[1]), "user.name");
  ASSERT_TRUE(s.maxspan_ns.has_value());
  EXPECT_EQ(*s.maxspan_ns, 5LL * 60 * 1000 * 1000 * 1000);
  ASSERT_EQ(s.steps.size(), 3u);
  EXPECT_EQ(s.steps[0].query->category, "process");
  ASSERT_EQ(s.steps[0].by.size(), 1u);
  EXPECT_FALSE(s.steps[0].missing);
  EXPECT_TRUE(s.steps[1].missing);
  EXPECT_TRUE(s.steps[1].by.empty());
  EXPECT_EQ(s.steps[2].runs, 3);
  EXPECT_EQ(dump(*s.steps[2].by[0]), "ppid");
  ASSERT_TRUE(s.until.has_value());
  EXPECT_EQ(s.until->query->category, "process");
  EXPECT_EQ(dump(q),
            "sequence by host.id, user.name maxspan=300000000000ns [process where (== a 1)] by "
            "pid ![file where true] [network where true] by ppid runs=3 until [process where b] "
            "by pid");
}

TEST(EqlParserAst, MaxspanUnitsInNanoseconds) {
  const char* steps = " [a where true] [b where true]";
  auto ns = [&](const std::string& span) {
    auto p = parse("sequence with maxspan" + span + steps);
    return p->q ? p->q->query.sequence.maxspan_ns.value_or(-1) : -2;
  };
  EXPECT_EQ(ns("=250ms"), 250'000'000LL);
  EXPECT_EQ(ns("=30s"), 30'000'000'000LL);
  EXPECT_EQ(ns("=2m"), 120'000'000'000LL);
  EXPECT_EQ(ns("=1h"), 3'600'000'000'000LL);
  EXPECT_EQ(ns("=1d"), 86'400'000'000'000LL);
  EXPECT_EQ(ns("== 10 s"), 10'000'000'000LL);  // Endgame allows '==' and a space
}

TEST(EqlParserAst, SequenceHeaderInEitherOrderAndForkParameter) {
  EXPECT_EQ(query("sequence with maxspan=1s by k [a where true] [b where true] fork=false"),
            "sequence by k maxspan=1000000000ns [a where true] [b where true]");
  EXPECT_EQ(query("sequence [a where true] fork [b where true] fork=true by x"),
            "sequence [a where true] fork [b where true] by x fork");
}

TEST(EqlParserAst, JoinStructure) {
  auto p = parse("join by user [a where true] by x [b where true] until [c where true] by z");
  ASSERT_TRUE(p->q);
  const Query& q = p->q->query;
  ASSERT_EQ(q.kind, QueryKind::kJoin);
  EXPECT_EQ(q.join.by.size(), 1u);
  ASSERT_EQ(q.join.steps.size(), 2u);
  ASSERT_EQ(q.join.steps[0].by.size(), 1u);
  EXPECT_EQ(dump(*q.join.steps[0].by[0]), "x");
  EXPECT_TRUE(q.join.steps[1].by.empty());
  ASSERT_TRUE(q.join.until.has_value());
  EXPECT_EQ(q.join.until->query->category, "c");
}

TEST(EqlParserAst, PipesAndTheirArguments) {
  EXPECT_EQ(query("process where true | head 5 | tail | count"),
            "process where true | head 5 | tail | count");
  EXPECT_EQ(query("any where true | unique a b | unique_count a, length(b)"),
            "any where true | unique a, b | unique_count a, (call length b)");
  EXPECT_EQ(query("any where true | sort a, b | filter events[0].x == 1 and count > 2"),
            "any where true | sort a, b | filter (and (== events[0].x 1) (> count 2))");
  auto p = parse("process where true | head 7");
  ASSERT_TRUE(p->q);
  ASSERT_EQ(p->q->query.pipes.size(), 1u);
  const Pipe& head = p->q->query.pipes[0];
  EXPECT_EQ(head.name, "head");
  ASSERT_EQ(head.args.size(), 1u);
  EXPECT_EQ(head.args[0]->kind, ExprKind::kInt);
  EXPECT_EQ(head.args[0]->i, 7);
  EXPECT_EQ(head.range.begin, 19u);
  EXPECT_EQ(head.range.end, 27u);
}

TEST(EqlParserAst, SubquerySourceRanges) {
  auto p = parse("sequence [a where x == 1] [b where y]");
  ASSERT_TRUE(p->q);
  const SequenceStep& s0 = p->q->query.sequence.steps[0];
  EXPECT_EQ(s0.range.begin, 9u);
  EXPECT_EQ(s0.range.end, 25u);
  EXPECT_EQ(s0.query->range.begin, 10u);
  EXPECT_EQ(s0.query->range.end, 24u);
  EXPECT_EQ(s0.query->where->range.begin, 18u);
  EXPECT_EQ(p->q->query.range.end, 37u);
}

TEST(EqlParserAst, DeepButAllowedNesting) {
  ParseOptions opts;
  opts.max_depth = 200;
  std::string text = std::string(150, '(') + "a" + std::string(150, ')');
  SourceText src("t", text);
  Diagnostics diags;
  AstArena arena;
  const Expr* e = parse_expression(src, arena, diags, opts);
  ASSERT_NE(e, nullptr) << diags.render(src);
  EXPECT_EQ(dump(*e), "a");
}

}  // namespace
}  // namespace wsn::eql
