#include "alert/sinks/sqlite/sqlite_plugin.h"

#include "alert/sinks/sqlite/sqlite_sink.h"

#include <filesystem>

#include "common/path_checks.h"

namespace wsn::plugins {

SinkPlugin sqlite_sink_plugin() {
  SinkPlugin p;
  p.name = "sqlite";
  p.summary = "the local alert store (SQLite) behind the JSON API's GET /alerts";
  p.configure = [](ConfigSection& s) {
    auto c = std::make_shared<SqliteSinkConfig>();
    s.known_keys({"enabled", "path", "max_age", "max_rows"});
    s.read_toggle("enabled", c->enabled);
    if (s.read_path("path", c->path) && (c->path.empty() || c->path == "-")) {
      s.error("path", "expected a file path");
    }
    s.read_duration("max_age", c->max_age_ns, 0);
    s.read_uint("max_rows", c->max_rows, 0, uint64_t{1} << 40);
    return c;
  };
  p.check = [](const PluginConfig& pc, PluginCheck& out) {
    const auto& s = static_cast<const SqliteSinkConfig&>(pc);
    if (!s.is_enabled(RunMode::kRun)) return;
    // The store creates its missing parent directories.
    std::error_code ec;
    const std::string why =
        std::filesystem::exists(s.path, ec)
            ? cannot_write_file(s.path)
            : cannot_use_dir(std::filesystem::path(s.path).parent_path().string());
    if (why.empty()) return;
    const std::string msg = "sinks.sqlite.path: cannot open " + s.path + ": " + why;
    if (s.enabled.has_value()) {
      out.errors.push_back(msg + "; create it or set another path");
    } else {  // auto: run starts without the store and says so
      out.warnings.push_back(msg +
                             "; `run` would start without the alert store (set "
                             "sinks.sqlite.enabled: false to say so, or fix the path)");
    }
  };
  p.create = [](const PluginConfig& pc, SinkContext& ctx) -> Result<std::unique_ptr<AlertSink>> {
    const auto& c = static_cast<const SqliteSinkConfig&>(pc);
    if (!c.is_enabled(ctx.mode)) return std::unique_ptr<AlertSink>();
    SqliteSinkOptions o;
    o.store = {.path = c.path, .max_age_ns = c.max_age_ns, .max_rows = c.max_rows};
    auto s = SqliteSink::open(std::move(o));
    if (s.ok()) return std::unique_ptr<AlertSink>(std::move(s.value()));
    if (c.enabled.has_value()) {
      return Error{"sinks.sqlite: " + s.error().message, s.error().sys_errno};
    }
    if (ctx.warnings) {
      ctx.warnings->push_back("the default alert store is off: " + s.error().message +
                              " (set sinks.sqlite in the configuration)");
    }
    return std::unique_ptr<AlertSink>();
  };
  return p;
}

}  // namespace wsn::plugins
