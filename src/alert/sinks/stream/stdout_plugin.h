// The `stdout` alert sink plug-in: alerts on standard output, as ECS JSON lines (default) or
// one-line text summaries. On by default; `--output FILE` of the CLI replaces it with a file.
#pragma once

#include "alert/sinks/stream/stream_sink.h"
#include "wsn/plugins.h"

namespace wsn::plugins {

struct StdoutSinkConfig final : PluginConfig {
  bool enabled = true;
  AlertLineFormat format = AlertLineFormat::kJson;
  std::shared_ptr<const AlertTemplate> line_template;  // `template:` (text); nullptr: built-in
};

SinkPlugin stdout_sink_plugin();

}  // namespace wsn::plugins
