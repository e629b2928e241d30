// Declarative rule test files (`*.test`, docs/rule-tests.md): YAML documents, one test each,
// naming rules (inline text or paths), input events and the expected alerts or the exact
// expected diagnostics. This file only reads them; rule_test_runner.h runs them.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wsn::cli {

// One expected alert: its rule id and selected fields with their expected values, as text.
struct ExpectedAlert {
  std::string rule;
  std::vector<std::pair<std::string, std::string>> fields;  // in the order written
};

struct RuleTest {
  std::string file;  // the .test file, as given
  int line = 0;      // 1-based line where the test's document starts
  std::string dir;   // the directory of the .test file: relative paths resolve against it
  std::string name;
  // Rules: an inline rule file (`rule:`), written as `rule_file` (default rule.yml) into a
  // scratch directory, and/or rule files or directories (`rules:`) relative to `dir`.
  std::string rule_text;
  std::string rule_file = "rule.yml";
  std::vector<std::string> rule_paths;
  std::string config_text;  // YAML of a configuration file ("" = the defaults)
  std::string events_text;  // JSON lines (`events:`)
  std::string events_file;  // or a JSON-lines file relative to `dir` (`events_file:`)
  std::optional<std::vector<ExpectedAlert>> expect_alerts;
  std::optional<std::string> expect_diagnostics;
};

struct RuleTestFile {
  std::vector<RuleTest> tests;
  // "FILE:LINE:COL: error: MESSAGE" for every problem of the file itself (bad YAML, unknown or
  // missing keys); a file with errors runs none of its tests.
  std::vector<std::string> errors;
};

RuleTestFile read_rule_test_file(const std::string& path);

}  // namespace wsn::cli
