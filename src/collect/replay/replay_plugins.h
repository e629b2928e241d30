// The `replay` and `stdin` event source plug-ins: a recorded JSON-lines event log read from a
// file (`sources.replay.path`) or from standard input (`sources.stdin.enabled: true`), beside
// any other source of `run`. `wasm-sentinel replay FILE` uses the same reader directly.
#pragma once

#include <string>

#include "wsn/plugins.h"

namespace wsn::plugins {

struct ReplaySourceConfig final : PluginConfig {
  std::string path;  // empty: off
};

struct StdinSourceConfig final : PluginConfig {
  bool enabled = false;
};

SourcePlugin replay_source_plugin();
SourcePlugin stdin_source_plugin();

}  // namespace wsn::plugins
