// A unified-style line diff for humans: what `wasm-sentinel test` prints when a test fails.
#pragma once

#include <string>
#include <vector>

namespace wsn::cli {

// Every line of `expected` and `actual` in order, prefixed "  " (both), "- " (expected only)
// or "+ " (actual only), after a "--- expected" / "+++ actual" header. Lines are matched by
// their longest common subsequence, so one wrong line shows as one '-' and one '+'.
std::string unified_line_diff(const std::vector<std::string>& expected,
                              const std::vector<std::string>& actual);

// Splits text into lines (no line terminators; a final newline ends the last line).
std::vector<std::string> split_lines(const std::string& text);

}  // namespace wsn::cli
