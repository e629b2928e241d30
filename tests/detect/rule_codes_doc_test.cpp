// docs/diagnostics.md stays true for rule files: every RULE code the loaders and the EQL rule
// kind emit is listed in its "RULE0xx" table, and nothing else is.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(RuleCodesDoc, EveryEmittedCodeIsDocumented) {
  std::set<std::string> emitted;
  for (const char* file :
       {"/src/detect/rule_file.cpp", "/src/detect/elastic_rule_file.cpp", "/src/detect/tuning.cpp",
        "/src/detect/rule_compiler.cpp", "/src/eql/eql_rule_kind.cpp"}) {
    const std::string text = read(std::string(WSN_SOURCE_DIR) + file);
    for (size_t p = text.find("\"RULE"); p != std::string::npos; p = text.find("\"RULE", p + 1)) {
      emitted.insert(text.substr(p + 1, 7));
    }
  }
  ASSERT_GE(emitted.size(), 19u);
  std::set<std::string> documented;
  std::istringstream doc(read(std::string(WSN_SOURCE_DIR) + "/docs/diagnostics.md"));
  for (std::string line; std::getline(doc, line);) {
    if (line.rfind("| RULE", 0) != 0) continue;
    EXPECT_TRUE(documented.insert(line.substr(2, 7)).second) << "listed twice: " << line;
  }
  EXPECT_EQ(documented, emitted);
}

}  // namespace
