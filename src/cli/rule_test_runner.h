// Runs one declarative rule test (rule_test_file.h) through the real engine: the rule loader of
// `validate` and the replay path of `replay` (deterministic alerts), then compares with what
// the test expects.
#pragma once

#include <string>

#include "cli/rule_test_file.h"

namespace wsn::cli {

struct RuleTestOutcome {
  bool passed = false;
  // When failed: a readable account, e.g. "alerts differ:\n" and a unified line diff.
  std::string report;
};

RuleTestOutcome run_rule_test(const RuleTest& test);

}  // namespace wsn::cli
