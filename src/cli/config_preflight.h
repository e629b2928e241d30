// `validate --config`: after the file parses, checks what `run` would open with it — each
// configured sink and source checks what it names (PluginCheck), and the audit log's
// directory — so that a configuration `validate` accepts does not fail at start.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"

namespace wsn::cli {

struct PreflightReport {
  std::vector<std::string> errors;    // `run` would refuse to start
  std::vector<std::string> warnings;  // `run` would start without it, or it may appear later
};

// Messages are "KEY.PATH: problem; hint" (the caller prefixes the file name).
PreflightReport preflight_config(const config::Config& cfg);

}  // namespace wsn::cli
