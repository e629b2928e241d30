// A source, a rule kind, a sink and an action defined entirely here, through the public headers
// (include/wsn/) only — this file and custom_plugins.cpp are compiled with nothing else on their
// include path. plugins_engine_test.cpp runs them end to end through the engine.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "wsn/plugins.h"

namespace wsn::plugin_test {

// What the test plug-ins saw, for the test to check. Thread safe.
struct Observations {
  std::mutex mu;
  std::vector<std::string> alerts;   // "<sink tag>:<rule id>:<process.name>"
  std::vector<std::string> actions;  // "<label>:<rule id>:<pid>:<dry_run>"
};

// Adds to `registry`:
//   source  "ticker"   sources.ticker: {count: N, name: NAME}  N process events, every third
//                      named NAME (the others "idle"), pid = sequence number; a live source
//   kind    "procname" body key `name:` — fires when process.name equals the body
//   sink    "memory"   sinks.memory: {tag: T}                  records alerts in `seen`
//   action  "mark"     actions.mark: {label: L}                records each run in `seen`
void add_test_plugins(PluginRegistry& registry, Observations& seen);

}  // namespace wsn::plugin_test
