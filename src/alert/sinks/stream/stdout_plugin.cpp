#include "alert/sinks/stream/stdout_plugin.h"

namespace wsn::plugins {

SinkPlugin stdout_sink_plugin() {
  SinkPlugin p;
  p.name = "stdout";
  p.summary = "alerts on standard output (ECS JSON lines or text)";
  p.configure = [](ConfigSection& s) {
    auto c = std::make_shared<StdoutSinkConfig>();
    s.known_keys({"enabled", "format", "template"});
    s.read_bool("enabled", c->enabled);
    AlertLineSettings line;
    read_alert_line_settings(s, line);
    c->format = line.text ? AlertLineFormat::kText : AlertLineFormat::kJson;
    c->line_template = line.line_template;
    return c;
  };
  p.create = [](const PluginConfig& pc, SinkContext&) -> Result<std::unique_ptr<AlertSink>> {
    const auto& c = static_cast<const StdoutSinkConfig&>(pc);
    if (!c.enabled) return std::unique_ptr<AlertSink>();
    return std::unique_ptr<AlertSink>(StreamSink::stdout_sink(c.format, c.line_template));
  };
  return p;
}

}  // namespace wsn::plugins
