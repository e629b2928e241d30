// Expression-level conformance: the Endgame folding, string-function and optimizer suites,
// read in place from WSN_SHARED_DIR. Binder diagnostics as a user sees them are data:
// tests/rules/eql_binder_diagnostics.test (`wasm-sentinel test`).
#include <gtest/gtest.h>

#include <cpptoml.h>

#include <cmath>
#include <functional>
#include <memory>
#include <string>

#include "eql/compile/compiler.h"
#include "eql/parse.h"
#include "match/eval.h"

namespace wsn::eql {
namespace {

const std::string kDir = std::string(WSN_SHARED_DIR) + "/conformance/eql-endgame/";

struct Bound {
  match::Program prog;
  match::NodeRef root = match::kNoNode;
  std::string errors;
};

Bound bind_expr(const std::string& text, const CompileOptions& opt, FieldRegistry& reg) {
  Bound b;
  SourceText src("expr", text);
  Diagnostics diags;
  AstArena arena;
  Expr* e = parse_expression(src, arena, diags);
  if (e != nullptr) b.root = compile_expression(*e, reg, opt, b.prog, diags);
  if (diags.has_errors()) {
    b.root = match::kNoNode;
    b.errors = diags.render(src);
  }
  return b;
}

CompileOptions endgame(bool case_sensitive) {
  CompileOptions o;
  o.dialect = Dialect::kEndgame;
  o.case_sensitive = case_sensitive;
  o.warn_unknown_fields = false;
  return o;
}

// Which modes a TOML table's tests apply to.
std::vector<bool> modes_of(const cpptoml::table& t) {
  if (t.get_as<bool>("case_sensitive").value_or(false)) return {true};
  if (t.get_as<bool>("case_insensitive").value_or(false)) return {false};
  return {false, true};
}

std::string expected_text(const cpptoml::table& test) {
  if (!test.contains("expected")) return "null";
  auto v = test.get("expected");
  if (auto i = v->as<int64_t>()) return match::value_to_string(match::Value::integer(i->get()));
  if (auto d = v->as<double>()) return "float:" + std::to_string(d->get());
  if (auto b = v->as<bool>()) return b->get() ? "true" : "false";
  if (auto s = v->as<std::string>()) return match::value_to_string(match::Value::string(s->get()));
  return "?";
}

std::string actual_text(const Bound& b) {
  const match::Value& v = b.prog.const_value(b.root);
  if (v.kind == match::ValueKind::kFloat) return "float:" + std::to_string(v.f);
  return match::value_to_string(v);
}

struct Counts {
  int folds = 0;
  int failures = 0;
};

void run_fold_tests(const cpptoml::table_array& tests, const std::vector<bool>& modes,
                    const std::string& where, Counts& n,
                    const std::function<std::string(std::string)>& subst) {
  for (const auto& test : tests) {
    const auto expr = test->get_as<std::string>("expression");
    ASSERT_TRUE(expr) << where;
    const std::string text = subst(*expr);
    for (bool cs : modes) {
      FieldRegistry reg;
      const Bound b = bind_expr(text, endgame(cs), reg);
      ASSERT_NE(b.root, match::kNoNode) << where << ": " << text << "\n" << b.errors;
      ASSERT_TRUE(b.prog.is_const(b.root))
          << where << ": " << text << " did not fold: " << b.prog.dump(b.root);
      EXPECT_EQ(actual_text(b), expected_text(*test))
          << where << ": " << text << (cs ? " (case-sensitive)" : " (case-insensitive)");
      ++n.folds;
    }
  }
}

void run_suite(const std::string& file, Counts& n) {
  std::shared_ptr<cpptoml::table> root;
  ASSERT_NO_THROW(root = cpptoml::parse_file(kDir + file)) << kDir + file;
  for (const auto& [name, node] : *root) {
    if (!node->is_table()) continue;
    const auto t = node->as_table();
    const auto modes = modes_of(*t);
    const auto same = [](std::string s) { return s; };
    if (auto fold = t->get_table("fold")) {
      if (auto tests = fold->get_table_array("tests")) run_fold_tests(*tests, modes, name, n, same);
    }
    if (auto tests = t->get_table_array("tests")) run_fold_tests(*tests, modes, name, n, same);
    if (auto verifier = t->get_table("verifier")) {
      if (auto fails = verifier->get_table_array("failures")) {
        for (const auto& f : *fails) {
          const std::string text = *f->get_as<std::string>("expression");
          for (bool cs : modes) {
            FieldRegistry reg;
            const Bound b = bind_expr(text, endgame(cs), reg);
            EXPECT_EQ(b.root, match::kNoNode) << name << ": " << text << " should not compile";
            ++n.failures;
          }
        }
      }
    }
    if (auto loops = t->get_table_array("loop")) {
      for (const auto& loop : *loops) {
        const auto param = loop->get_table("param");
        const auto types = param->get_array_of<std::string>("type");
        const std::string var = "$" + *param->get_as<std::string>("name");
        const auto fold = loop->get_table("fold");
        const auto tests = fold ? fold->get_table_array("tests") : nullptr;
        ASSERT_TRUE(types && tests) << name;
        for (const std::string& ty : *types) {
          const std::string sample = ty == "bool"     ? "true"
                                     : ty == "int"    ? "1"
                                     : ty == "float"  ? "1.5"
                                     : ty == "string" ? "\"abc\""
                                                      : "null";
          run_fold_tests(*tests, modes, name + "[" + ty + "]", n, [&](std::string s) {
            for (size_t at; (at = s.find(var)) != std::string::npos;)
              s.replace(at, var.size(), sample);
            return s;
          });
        }
      }
    }
  }
}

TEST(EqlFolding, EndgameFoldingSuite) {
  Counts n;
  run_suite("test_folding.toml", n);
  EXPECT_GT(n.folds, 100);
}

TEST(EqlFolding, EndgameStringFunctionSuite) {
  Counts n;
  run_suite("test_string_functions.toml", n);
  EXPECT_GT(n.folds, 80);
  EXPECT_GE(n.failures, 8);
}

TEST(EqlOptimizer, EndgameOptimizerSuite) {
  std::shared_ptr<cpptoml::table> root;
  ASSERT_NO_THROW(root = cpptoml::parse_file(kDir + "test_optimizer.toml"));
  int checked = 0;
  for (const auto& [name, node] : *root) {
    if (!node->is_table()) continue;
    const auto t = node->as_table();
    for (const char* group : {"optimizer", "equivalent"}) {
      auto g = t->get_table(group);
      auto tests = g ? g->get_table_array("tests") : nullptr;
      if (!tests) continue;
      for (const auto& test : *tests) {
        const std::string expr = *test->get_as<std::string>("expression");
        const std::string other = *test->get_as<std::string>(
            std::string(group) == "optimizer" ? "optimized" : "alternate");
        FieldRegistry reg;
        const Bound a = bind_expr(expr, endgame(false), reg);
        const Bound b = bind_expr(other, endgame(false), reg);
        ASSERT_NE(a.root, match::kNoNode) << expr << "\n" << a.errors;
        ASSERT_NE(b.root, match::kNoNode) << other << "\n" << b.errors;
        EXPECT_EQ(a.prog.dump(a.root, &reg), b.prog.dump(b.root, &reg))
            << name << ": " << expr << "  vs  " << other;
        ++checked;
      }
    }
  }
  EXPECT_GE(checked, 20);
}

TEST(EqlBinder, EndgameFieldTypeMismatchIsAWarning) {
  FieldRegistry reg;
  Bound b = bind_expr("length(process.pid)", endgame(false), reg);
  EXPECT_NE(b.root, match::kNoNode) << b.errors;
  b = bind_expr("length(process.pid)", CompileOptions{}, reg);
  EXPECT_EQ(b.root, match::kNoNode);
  EXPECT_NE(b.errors.find("[EQL2003]"), std::string::npos) << b.errors;
}

TEST(EqlBinder, DialectsDifferOnCaseAndWildcards) {
  FieldRegistry reg;
  const Bound elastic = bind_expr("process.name == \"cmd*\"", CompileOptions{}, reg);
  EXPECT_EQ(elastic.prog.dump(elastic.root, &reg), "(exact [\"cmd*\"] (field process.name))");
  const Bound eg = bind_expr("process.name == \"cmd*\"", endgame(false), reg);
  EXPECT_EQ(eg.prog.dump(eg.root, &reg), "(starts~ [\"cmd\"] (field process.name))");
  const Bound colon = bind_expr("process.name : \"c?d*\"", CompileOptions{}, reg);
  EXPECT_EQ(colon.prog.dump(colon.root, &reg), "(wildcard~? [\"c?d*\"] (field process.name))");
}

}  // namespace
}  // namespace wsn::eql

namespace wsn::eql {
namespace {

// Odd but parseable input must give diagnostics or a program, never a crash.
TEST(EqlBinder, OddInputsAreHandled) {
  const char* queries[] = {
      "process where events[0].process.name == \"x\"",
      "process where arraySearch(process.args, a, arraySearch(process.args, b, a == b))",
      "process where arraySearch(process.args, a.b, true)",
      "process where arrayCount(process.args, a, a.b == 1) > 0",
      "process where process.args[0][1] == \"x\"",
      "process where top[0].middle == 1",
      "process where between(process.name, \"a\", \"b\", process.pid)",
      "process where concat()",
      "process where match(process.name, process.name)",
      "process where 1 / 0 == null and -9223372036854775808 * -1 == null",
      "process where number(\"99999999999999999999\") == null",
      "process where substring(process.name, -100, 100) == process.name",
      "sequence [process where true] by process.pid [process where true]",
      "sequence with maxspan=1s ![process where true] [process where true] [file where true]",
      "sequence [process where true] with runs=1000 [process where true]",
      "join [process where true] by process.pid [file where true] by file.path, process.pid",
      "process where descendant of [process where child of [file where event of "
      "[process where true]]]",
  };
  for (const char* q : queries) {
    for (Dialect d : {Dialect::kElastic, Dialect::kEndgame}) {
      FieldRegistry reg;
      CompileOptions opt;
      opt.dialect = d;
      SourceText src("q", q);
      Diagnostics diags;
      auto compiled = compile_eql_query(src, reg, opt, diags);
      EXPECT_TRUE(compiled.has_value() || diags.has_errors()) << q;
      if (compiled) {
        auto m = compiled->rules->make_matcher();
        struct : MatchSink {
          void on_match(uint32_t, std::span<const Event* const>) override {}
        } sink;
        Event e;
        e.set_category(categories::kProcess);
        e.set_string(fields::kProcessName, "x");
        m->process(e, sink);
        m->finish(sink);
      }
    }
  }
}

}  // namespace
}  // namespace wsn::eql
