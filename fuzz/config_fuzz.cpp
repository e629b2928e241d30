// libFuzzer target: arbitrary bytes as the YAML configuration file, read with the built-in
// plug-ins (each parses its own section). Invariants: never a crash; a file with problems has
// an error that names a position or a key path; a file without any gives every registered
// plug-in its settings.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "config/config.h"
#include "wsn/plugins.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const wsn::PluginRegistry& plugins = wsn::PluginRegistry::builtin();
  const wsn::config::LoadResult r = wsn::config::load_config_text("f.yml", text, plugins, "/x");
  if (!r.ok()) {
    for (const std::string& e : r.errors) {
      if (e.rfind("f.yml", 0) != 0 || e.find(": error: ") == std::string::npos) std::abort();
    }
    return 0;
  }
  for (const auto& p : plugins.sinks()) {
    if (!r.config.sinks.count(p.name) || !r.config.sinks.at(p.name)) std::abort();
  }
  for (const auto& p : plugins.sources()) {
    if (!r.config.sources.count(p.name) || !r.config.sources.at(p.name)) std::abort();
  }
  return 0;
}
