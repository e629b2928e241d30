// Builds the alert sinks a configuration asks for (config.sinks), in a fixed order: stdout,
// file, syslog, webhook, SQLite store.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "wsn/alert.h"
#include "wsn/result.h"

namespace wsn {

struct SinkBuild {
  std::vector<std::unique_ptr<AlertSink>> sinks;
  std::vector<std::string> warnings;  // sinks on by default ("auto") that could not open
};

// Fails on the first sink that was asked for explicitly and cannot be opened. A sink that is
// only on by default (the SQLite store of `run`) and cannot open (e.g. no write access to
// /var/lib/wasm-sentinel) is left out with a warning instead.
Result<SinkBuild> make_sinks(const config::SinksConfig& config, config::Mode mode);

}  // namespace wsn
