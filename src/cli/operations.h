// What `run` and `replay` set up around the engine from the configuration file: the engine's
// own setup (alert handling, sink and action plug-ins: Engine::configure), the --output file, the
// rules-directory watcher and the HTTP endpoint.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "engine/engine.h"
#include "wsn/result.h"

namespace wsn::http {
class Server;
}
namespace wsn::wasm {
class RuleReloader;
}

namespace wsn::cli {

// Reads `path` ("" = the built-in defaults) with the built-in plug-ins, then the -o `overrides`;
// prints every error on standard error and returns false when there is any.
bool load_config_reporting(const std::string& path, config::Config& out,
                           const std::vector<config::ConfigOverride>& overrides = {});

// Reloads the engine's rules, prints warnings and errors on standard error and one line saying
// whether the new rules were published (`trigger`: why, e.g. "SIGHUP"). Thread safe.
bool reload_rules_reporting(Engine& engine, std::string_view trigger);

// Engine options from the configuration; rule paths given on the command line win.
EngineOptions engine_options(const config::Config& cfg, const std::vector<std::string>& cli_rules,
                             const std::string& default_rules_dir);

class Operations {
 public:
  // `output`: the --output option ("-" keeps the configured sinks; a path replaces standard output
  // with that file). `live`: events come from this host (otherwise response actions only
  // ever dry-run: pids in a recorded log are not this host's processes).
  static Result<std::unique_ptr<Operations>> start(Engine& engine, const config::Config& cfg,
                                                   config::Mode mode, const std::string& output,
                                                   bool live);
  ~Operations();  // stops the rules watcher and the HTTP server; call before the engine goes

  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  Operations() = default;
  std::unique_ptr<http::Server> http_;
  std::unique_ptr<wasm::RuleReloader> watcher_;  // rules.watch: hot reload on file changes
  std::vector<std::string> warnings_;
};

}  // namespace wsn::cli
