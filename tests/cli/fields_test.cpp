// `wasm-sentinel fields`: the built-in schema listed as text and as JSON.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <algorithm>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli_test_util.h"

namespace {

using wsn::cli_test::run_cli;

TEST(FieldsCommand, TextListsEveryFieldInAlignedColumns) {
  const auto o = run_cli("fields");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  std::istringstream in(o.out);
  std::string header;
  ASSERT_TRUE(std::getline(in, header));
  ASSERT_EQ(header.rfind("FIELD", 0), 0u) << header;
  const size_t type_col = header.find("TYPE");
  const size_t sources_col = header.find("SOURCES");
  ASSERT_NE(type_col, std::string::npos);
  ASSERT_NE(sources_col, std::string::npos);
  size_t rows = 0;
  bool saw_pid = false;
  for (std::string line; std::getline(in, line); ++rows) {
    ASSERT_GT(line.size(), sources_col) << line;
    EXPECT_NE(line[type_col], ' ') << line;
    EXPECT_EQ(line[type_col - 1], ' ') << line;
    EXPECT_NE(line[sources_col], ' ') << line;
    if (line.rfind("process.pid ", 0) == 0) {
      saw_pid = true;
      EXPECT_NE(line.find(" int "), std::string::npos) << line;
      EXPECT_NE(line.find("ebpf,logs,replay,stdin"), std::string::npos) << line;
    }
  }
  EXPECT_GE(rows, 600u);
  EXPECT_TRUE(saw_pid);
  EXPECT_EQ(o.err, std::to_string(rows) + " built-in fields\n");
}

TEST(FieldsCommand, JsonIsOneArrayOfNameTypeSources) {
  const auto o = run_cli("fields --json");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(o.out).get(doc), simdjson::SUCCESS) << o.out.substr(0, 200);
  simdjson::dom::array arr;
  ASSERT_EQ(doc.get_array().get(arr), simdjson::SUCCESS);
  EXPECT_GE(arr.size(), 600u);
  std::set<std::string> names;
  std::vector<std::string> pid_sources, ext_sources;
  std::string interactive_type;
  for (simdjson::dom::element row : arr) {
    std::string_view name, type;
    simdjson::dom::array sources;
    ASSERT_EQ(row["name"].get(name), simdjson::SUCCESS);
    ASSERT_EQ(row["type"].get(type), simdjson::SUCCESS);
    ASSERT_EQ(row["sources"].get(sources), simdjson::SUCCESS);
    EXPECT_TRUE(names.emplace(name).second) << name;
    std::vector<std::string> s;
    for (simdjson::dom::element x : sources) s.emplace_back(std::string_view(x));
    // Logs can hold any field.
    EXPECT_GE(s.size(), 2u) << name;
    EXPECT_NE(std::find(s.begin(), s.end(), "replay"), s.end()) << name;
    EXPECT_NE(std::find(s.begin(), s.end(), "stdin"), s.end()) << name;
    if (name == "process.pid") pid_sources = s;
    if (name == "process.Ext.memfd.name") ext_sources = s;
    if (name == "process.interactive") interactive_type = type;
  }
  // The live collector sets process.pid, not the Defend extension fields.
  EXPECT_EQ(pid_sources, (std::vector<std::string>{"ebpf", "logs", "replay", "stdin"}));
  EXPECT_EQ(ext_sources, (std::vector<std::string>{"replay", "stdin"}));
  EXPECT_EQ(interactive_type, "bool");
  EXPECT_EQ(o.err, "");
}

}  // namespace
