// `-o KEY=VALUE` on run, replay, record and validate: overrides of any configuration key,
// applied after the configuration file and checked exactly like it (config_overrides.h).
//
// `-o` used to be the short form of `--output FILE`. A value without '=' is still taken as the
// output file where the command writes one, with a warning that this spelling is deprecated;
// a value with '=' is always an override, so `-o json_output=true` is an unknown key, never a
// file of that name.
#pragma once

#include <string>
#include <vector>

#include "config/config_overrides.h"

namespace CLI {
class App;
}

namespace wsn::cli {

// Adds the repeatable `-o KEY=VALUE` to `cmd`, collected as written into `raw`.
void add_config_override_option(CLI::App* cmd, std::vector<std::string>& raw);

// Splits the raw -o values into overrides. `output`: the command's --output value, or nullptr
// when it writes no output file; a value without '=' becomes it (when it is still `unset`).
// Prints the problem and returns false on a usage error.
bool parse_config_overrides(const std::vector<std::string>& raw,
                            std::vector<config::ConfigOverride>& overrides, std::string* output,
                            const std::string& unset = "-");

}  // namespace wsn::cli
