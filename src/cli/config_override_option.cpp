#include "cli/config_override_option.h"

#include <fmt/core.h>
#include <CLI/CLI.hpp>

namespace wsn::cli {

void add_config_override_option(CLI::App* cmd, std::vector<std::string>& raw) {
  cmd->add_option("-o", raw,
                  "Override a configuration key, after the configuration file (repeatable): "
                  "-o sinks.stdout.format=text -o alerts.dedupe.window=30s. Checked like the "
                  "file: an unknown key or a bad value is an error (exit 3).")
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");
}

bool parse_config_overrides(const std::vector<std::string>& raw,
                            std::vector<config::ConfigOverride>& overrides, std::string* output,
                            const std::string& unset) {
  for (const std::string& text : raw) {
    if (text.find('=') == std::string::npos) {
      if (output == nullptr) {
        fmt::print(stderr,
                   "wasm-sentinel: -o {}: expected KEY=VALUE (a configuration override such as "
                   "-o sinks.stdout.format=text)\n",
                   text);
        return false;
      }
      if (*output != unset) {
        fmt::print(stderr,
                   "wasm-sentinel: -o {}: expected KEY=VALUE; the output file is already given "
                   "with --output\n",
                   text);
        return false;
      }
      fmt::print(stderr,
                 "wasm-sentinel: warning: '-o {0}' as the output file is deprecated; write "
                 "'--output {0}' (-o now takes KEY=VALUE configuration overrides)\n",
                 text);
      *output = text;
      continue;
    }
    config::ConfigOverride o;
    std::string why;
    if (!config::parse_override(text, o, why)) {
      fmt::print(stderr, "wasm-sentinel: -o {}: {}\n", text, why);
      return false;
    }
    overrides.push_back(std::move(o));
  }
  return true;
}

}  // namespace wsn::cli
