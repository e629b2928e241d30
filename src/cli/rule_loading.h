// Shared by the commands that load rules: load them into the engine and print every warning and
// error (rendered diagnostics) on standard error.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "engine/engine.h"

namespace wsn::cli {

struct LoadOutcome {
  size_t errors = 0;
  size_t warnings = 0;
};

// `print` false: count only (the same rules were already reported once).
inline LoadOutcome load_rules_reporting(Engine& engine, bool print = true) {
  std::vector<std::string> errors, warnings;
  engine.load_rules(errors, &warnings);
  if (print) {
    for (const auto& w : warnings) std::fputs(w.c_str(), stderr);
    for (const auto& e : errors) std::fputs(e.c_str(), stderr);
  }
  return {errors.size(), warnings.size()};
}

}  // namespace wsn::cli
