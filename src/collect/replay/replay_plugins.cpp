#include "collect/replay/replay_plugins.h"

#include <unistd.h>

#include "collect/replay/jsonl_replay_source.h"
#include "collect/replay/wsnlog_replay_source.h"
#include "record/log_set.h"

namespace wsn::plugins {
namespace {

Result<std::unique_ptr<EventSource>> open_log(const std::string& path, SourceContext& ctx) {
  const std::string shown = path == "-" ? "<stdin>" : path;
  if (record::is_binary_log(path)) {  // a flight-recorder log, by its magic or .wsnlog
    std::function<void(const std::string&)> report;
    if (ctx.report) report = [r = ctx.report](const std::string& m) { r(m); };
    return std::unique_ptr<EventSource>(
        std::make_unique<WsnlogReplaySource>(path, ctx.registry, std::move(report)));
  }
  MalformedCallback on_malformed;
  if (ctx.report) {
    on_malformed = [report = ctx.report, shown](const MalformedLine& m) {
      report(shown + ":" + std::to_string(m.line) + ": malformed event: " + std::string(m.reason));
    };
  }
  return std::unique_ptr<EventSource>(std::make_unique<JsonlReplaySource>(
      path, ctx.registry, log_reader_options(path), std::move(on_malformed)));
}

}  // namespace

SourcePlugin replay_source_plugin() {
  SourcePlugin p;
  p.name = "replay";
  p.summary =
      "a recorded event log: binary .wsnlog (docs/flight-recorder.md) or JSON lines "
      "(docs/event-format.md)";
  p.configure = [](ConfigSection& s) {
    auto c = std::make_shared<ReplaySourceConfig>();
    s.known_keys({"path"});
    s.read_path("path", c->path);
    return c;
  };
  p.enabled = [](const PluginConfig& pc) {
    return !static_cast<const ReplaySourceConfig&>(pc).path.empty();
  };
  p.available = [] { return Status{}; };
  p.check = [](const PluginConfig& pc, PluginCheck& out) {
    const auto& c = static_cast<const ReplaySourceConfig&>(pc);
    if (!c.path.empty() && ::access(c.path.c_str(), R_OK) != 0)
      out.errors.push_back("sources.replay.path: cannot read " + c.path);
  };
  p.create = [](const PluginConfig& pc, SourceContext& ctx) {
    return open_log(static_cast<const ReplaySourceConfig&>(pc).path, ctx);
  };
  p.filled_fields = [] { return std::vector<std::string>{"*"}; };
  return p;
}

SourcePlugin stdin_source_plugin() {
  SourcePlugin p;
  p.name = "stdin";
  p.summary = "JSON-lines events on standard input";
  p.configure = [](ConfigSection& s) {
    auto c = std::make_shared<StdinSourceConfig>();
    s.known_keys({"enabled"});
    s.read_bool("enabled", c->enabled);
    return c;
  };
  p.enabled = [](const PluginConfig& pc) {
    return static_cast<const StdinSourceConfig&>(pc).enabled;
  };
  p.available = [] { return Status{}; };
  p.create = [](const PluginConfig&, SourceContext& ctx) { return open_log("-", ctx); };
  p.filled_fields = [] { return std::vector<std::string>{"*"}; };
  return p;
}

}  // namespace wsn::plugins
