// The operator's failure cases of issue 16 as data (tests/cli/data/failure_cases.tsv): each runs
// the wasm-sentinel binary and checks its exit code and the exact text of its message.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli_test_util.h"

namespace {

struct FailureCase {
  std::string name;
  int exit_code = 0;
  std::string args;
  std::string stream;  // "err" or "out"
  std::string expected;
};

// gtest names the case by its line, not its bytes.
void PrintTo(const FailureCase& c, std::ostream* os) {
  *os << c.name << ": " << c.args;
}

std::string expand(std::string text) {
  const std::string data = std::string(WSN_SOURCE_DIR) + "/tests/cli/data/failures";
  for (const auto& [key, value] :
       {std::pair<std::string, std::string>{"{data}", data}, {"{src}", WSN_SOURCE_DIR}}) {
    for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at)) {
      text.replace(at, key.size(), value);
      at += value.size();
    }
  }
  return text;
}

std::vector<FailureCase> load_cases() {
  std::vector<FailureCase> cases;
  std::ifstream in(std::string(WSN_SOURCE_DIR) + "/tests/cli/data/failure_cases.tsv");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::istringstream fields(line);
    std::string col;
    while (std::getline(fields, col, '\t')) cols.push_back(col);
    if (cols.size() != 5) {
      ADD_FAILURE() << "failure_cases.tsv: expected 5 tab-separated columns: " << line;
      continue;
    }
    cases.push_back({cols[0], std::stoi(cols[1]), expand(cols[2]), cols[3], expand(cols[4])});
  }
  return cases;
}

class FailureCases : public ::testing::TestWithParam<FailureCase> {};

TEST_P(FailureCases, ExitCodeAndMessage) {
  const FailureCase& c = GetParam();
  const wsn::cli_test::Outcome o = wsn::cli_test::run_cli(c.args);
  EXPECT_EQ(o.exit_code, c.exit_code) << c.args << "\nstderr:\n" << o.err;
  const std::string& text = c.stream == "out" ? o.out : o.err;
  EXPECT_NE(text.find(c.expected), std::string::npos)
      << c.args << "\nexpected on std" << c.stream << ":\n  " << c.expected << "\ngot:\n"
      << text.substr(0, 4000);
}

INSTANTIATE_TEST_SUITE_P(Issue16, FailureCases, ::testing::ValuesIn(load_cases()),
                         [](const ::testing::TestParamInfo<FailureCase>& param) {
                           std::string name = param.param.name;
                           for (char& ch : name)
                             ch = std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
                           return name;
                         });

TEST(FailureCasesFile, HasCases) {
  EXPECT_GE(load_cases().size(), 30u);
}

}  // namespace
