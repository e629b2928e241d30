#include "alert/sinks/file/file_plugin.h"

#include "alert/sinks/file/rotating_file_sink.h"
#include "common/path_checks.h"

namespace wsn::plugins {

SinkPlugin file_sink_plugin() {
  SinkPlugin p;
  p.name = "file";
  p.summary = "alerts appended to a file (ECS JSON or text lines), rotated by size";
  p.configure = [](ConfigSection& s) {
    auto c = std::make_shared<FileSinkConfig>();
    s.known_keys({"path", "max_size", "max_files", "format", "template"});
    s.read_path("path", c->path);
    s.read_size("max_size", c->max_bytes, 4096);
    s.read_uint("max_files", c->max_files, 1, 1000);
    read_alert_line_settings(s, c->line);
    return c;
  };
  p.check = [](const PluginConfig& pc, PluginCheck& out) {
    const auto& f = static_cast<const FileSinkConfig&>(pc);
    if (f.path.empty()) return;
    if (std::string why = cannot_write_file(f.path); !why.empty()) {
      out.errors.push_back("sinks.file.path: cannot open " + f.path + ": " + why +
                           "; create it or point the file sink elsewhere");
    }
  };
  p.create = [](const PluginConfig& pc, SinkContext&) -> Result<std::unique_ptr<AlertSink>> {
    const auto& c = static_cast<const FileSinkConfig&>(pc);
    if (c.path.empty()) return std::unique_ptr<AlertSink>();
    auto s = RotatingFileSink::open({.path = c.path,
                                     .max_bytes = c.max_bytes,
                                     .max_files = static_cast<uint32_t>(c.max_files),
                                     .line = c.line});
    if (!s.ok()) return Error{"sinks.file: " + s.error().message, s.error().sys_errno};
    return std::unique_ptr<AlertSink>(std::move(s.value()));
  };
  return p;
}

}  // namespace wsn::plugins
