// Rules naming fields of the wider built-in schema (ECS, Elastic Defend) compile with the
// fields' declared types, and type mistakes still give the type diagnostic.
#include <gtest/gtest.h>

#include <string>

#include "eql/compile/compiler.h"

namespace wsn::eql {
namespace {

struct Compiled {
  bool ok = false;
  std::string diagnostics;
};

Compiled compile(const std::string& query) {
  FieldRegistry reg;
  SourceText src("rule", query);
  Diagnostics diags;
  const auto q = compile_eql_query(src, reg, CompileOptions{}, diags);
  return {q.has_value() && !diags.has_errors(), diags.render(src)};
}

TEST(SchemaFields, RulesNamingNewFieldsCompileWithTheirTypes) {
  for (const char* q : {
           R"(process where host.os.type == "linux")",
           "process where process.parent.args_count > 2",  // integer compare
           "process where process.interactive == true",    // boolean
           "process where process.entry_leader.entry_meta.type == \"sshd\" and "
           "process.session_leader.pid > 1 and process.Ext.memfd.flag_exec == false",
           R"(file where file.Ext.original.path : "/etc/*" and file.size >= 0)",
           R"(network where cidrMatch(client.ip, "10.0.0.0/8"))",
       }) {
    const Compiled c = compile(q);
    EXPECT_TRUE(c.ok) << q << "\n" << c.diagnostics;
    // Built-in fields are known: no "unknown field" warning.
    EXPECT_EQ(c.diagnostics.find("unknown field"), std::string::npos) << q << "\n" << c.diagnostics;
  }
}

TEST(SchemaFields, TypeMistakesStillGetTheTypeDiagnostic) {
  const Compiled c = compile(R"(process where process.interactive == "x")");
  EXPECT_FALSE(c.ok);
  EXPECT_NE(c.diagnostics.find("cannot compare boolean with string"), std::string::npos)
      << c.diagnostics;
  const Compiled n = compile(R"(process where process.parent.args_count == "many")");
  EXPECT_FALSE(n.ok);
  EXPECT_NE(n.diagnostics.find("cannot compare"), std::string::npos) << n.diagnostics;
}

}  // namespace
}  // namespace wsn::eql

namespace wsn::eql {
namespace {

// A category no source produces makes a rule that never fires: a near miss of an ECS category
// is a typo, an error naming the near one; another name may be a log's own category, warned;
// every ECS category is fine.
TEST(SchemaFields, AnUnknownCategoryIsWarnedWithTheNearOne) {
  const Compiled c = compile(R"(proces where process.name == "sh")");
  EXPECT_FALSE(c.ok);
  EXPECT_NE(c.diagnostics.find("error: unknown event category 'proces' (did you mean "
                               "'process'?)"),
            std::string::npos)
      << c.diagnostics;
  EXPECT_NE(c.diagnostics.find("[EQL2103]"), std::string::npos);
  const Compiled custom = compile(R"(billing where true)");
  EXPECT_TRUE(custom.ok) << custom.diagnostics;
  EXPECT_NE(custom.diagnostics.find("warning: unknown event category 'billing'"), std::string::npos)
      << custom.diagnostics;
  for (const char* ok : {"process", "file", "network", "authentication", "library", "any"}) {
    const Compiled k = compile(std::string(ok) + " where true");
    EXPECT_EQ(k.diagnostics.find("EQL2103"), std::string::npos) << ok << ": " << k.diagnostics;
  }
}

// A misspelled field is most likely a built-in one: the warning names it.
TEST(SchemaFields, AMisspelledFieldSuggestsTheBuiltInOne) {
  const Compiled c = compile(R"(process where process.nmae == "sh")");
  EXPECT_NE(c.diagnostics.find("unknown field 'process.nmae' (did you mean 'process.name'?)"),
            std::string::npos)
      << c.diagnostics;
}

}  // namespace
}  // namespace wsn::eql
