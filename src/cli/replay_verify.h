// `replay --verify`: replays a binary recording made by `run --record FILE.wsnlog` and compares
// the alerts raised now with those the live run stored in the recording, byte for byte and in
// order. Differences are listed on standard error; the exit code says whether there were any
// (docs/cli.md).
#pragma once

#include <string>
#include <vector>

#include "config/config_overrides.h"

namespace wsn::cli {

struct VerifyOptions {
  std::vector<std::string> rules;  // -r; empty: the bundled rules
  std::string config;              // -c; "" = built-in defaults
  bool quiet = false;
  std::string fields;                             // --fields FILE; "" = none
  std::vector<config::ConfigOverride> overrides;  // -o KEY=VALUE
};

// Exit code: kExitOk (identical), kExitVerifyDiffers, or another code for errors (not a binary
// recording, unreadable, no rules).
int replay_verify(const std::string& path, const VerifyOptions& options);

}  // namespace wsn::cli
