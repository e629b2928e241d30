// Process exit codes of wasm-sentinel (documented in docs/cli.md).
#pragma once

namespace wsn::cli {

inline constexpr int kExitOk = 0;           // success (malformed input lines are reported, not fatal)
inline constexpr int kExitRuntimeError = 1; // input unreadable, collector failed, output failed
inline constexpr int kExitUsage = 2;        // bad command line
inline constexpr int kExitInvalidRules = 3; // validate (or --strict) found rule/config errors
inline constexpr int kExitVerifyDiffers = 4; // replay --verify: the alerts differ from the recording
inline constexpr int kExitTestsFailed = 5;   // test: a rule test failed

}  // namespace wsn::cli
