// The `sqlite` alert sink plug-in: the local alert store behind the JSON API's GET /alerts.
// On by default for `run`, off for `replay` ("auto").
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "wsn/plugins.h"
#include "wsn_install_paths.h"  // the state directory of the defaults

namespace wsn::plugins {

struct SqliteSinkConfig final : PluginConfig {
  std::optional<bool> enabled;  // nullopt: auto (on for run, off for replay)
  std::string path = WSN_INSTALL_FULL_STATEDIR "/alerts.db";
  int64_t max_age_ns = int64_t{30} * 86400 * 1'000'000'000;
  uint64_t max_rows = 1'000'000;

  bool is_enabled(RunMode m) const { return enabled.value_or(m == RunMode::kRun); }
};

SinkPlugin sqlite_sink_plugin();

}  // namespace wsn::plugins
