// `test`: runs declarative rule test files (*.test, docs/rule-tests.md) through the real engine.
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <filesystem>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/rule_test_file.h"
#include "cli/rule_test_runner.h"

namespace wsn::cli {
namespace {

namespace fs = std::filesystem;

// The *.test files of `paths`: files as given, directories searched recursively (sorted, so
// the order and the output are stable). A path that does not exist is reported in `missing`.
std::vector<std::string> test_files(const std::vector<std::string>& paths,
                                    std::vector<std::string>& missing) {
  std::vector<std::string> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(p, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec) && it->path().extension() == ".test") {
          found.push_back(it->path().string());
        }
      }
      if (ec) missing.push_back(p + ": " + ec.message());
      std::sort(found.begin(), found.end());
      if (found.empty()) missing.push_back(p + ": no *.test files in this directory");
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      files.push_back(p);
    } else {
      missing.push_back(p + ": no such file or directory");
    }
  }
  return files;
}

int run_tests(const std::vector<std::string>& paths, bool quiet) {
  std::vector<std::string> missing;
  const std::vector<std::string> files = test_files(paths, missing);
  size_t passed = 0, failed = 0, invalid_files = 0;
  for (const auto& m : missing) fmt::print(stderr, "wasm-sentinel: error: {}\n", m);
  for (const auto& file : files) {
    const RuleTestFile tests = read_rule_test_file(file);
    if (!tests.errors.empty()) {
      ++invalid_files;
      for (const auto& e : tests.errors) fmt::print("{}\n", e);
      fmt::print("INVALID {} (no test of it ran)\n", file);
      continue;
    }
    for (const RuleTest& t : tests.tests) {
      const RuleTestOutcome r = run_rule_test(t);
      if (r.passed) {
        ++passed;
        if (!quiet) fmt::print("ok   {}:{}: {}\n", t.file, t.line, t.name);
        continue;
      }
      ++failed;
      fmt::print("FAIL {}:{}: {}\n", t.file, t.line, t.name);
      std::string report = r.report;
      if (!report.empty() && report.back() != '\n') report += '\n';
      // Indented under its FAIL line, so a long run stays easy to scan.
      for (size_t at = 0; at < report.size();) {
        const size_t end = report.find('\n', at);
        fmt::print("    {}\n", report.substr(at, end - at));
        at = end + 1;
      }
    }
  }
  fmt::print("test: {} passed, {} failed, {} invalid file(s) ({} file(s))\n", passed, failed,
             invalid_files, files.size());
  if (!missing.empty()) return kExitRuntimeError;
  if (invalid_files > 0) return kExitInvalidRules;
  if (failed > 0) return kExitTestsFailed;
  if (passed == 0) {
    fmt::print(stderr, "wasm-sentinel: error: no tests ran\n");
    return kExitRuntimeError;
  }
  return kExitOk;
}

}  // namespace

void register_test(CLI::App& app, int& exit_code) {
  auto paths = std::make_shared<std::vector<std::string>>();
  auto quiet = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "test",
      "Run declarative rule tests (*.test files: rules, input events as JSON lines, and the\n"
      "expected alerts or the exact expected diagnostics; docs/rule-tests.md) through the\n"
      "real rule loader and replay. One line per test (ok / FAIL, with a diff of expected and\n"
      "actual). Exit 0 when all pass, 5 when a test fails, 3 when a test file is invalid,\n"
      "1 when a path cannot be read.\n"
      "Example: wasm-sentinel test tests/rules");
  cmd->add_option("PATH", *paths, "Test files or directories (searched for *.test)")->required();
  cmd->add_flag("-q,--quiet", *quiet, "Print only failures and the summary.");
  cmd->callback([paths, quiet, &exit_code] { exit_code = run_tests(*paths, *quiet); });
}

}  // namespace wsn::cli
