// The `file` alert sink plug-in: alerts appended to a file, rotated by size: ECS JSON lines, or
// text lines (`format: text`, with an optional `template`).
#pragma once

#include <cstdint>
#include <string>

#include "alert/alert_line_settings.h"
#include "wsn/plugins.h"

namespace wsn::plugins {

struct FileSinkConfig final : PluginConfig {
  std::string path;  // empty: off
  uint64_t max_bytes = uint64_t{100} << 20;
  uint64_t max_files = 5;
  AlertLineSettings line;  // `format` (json | text) and `template`
};

SinkPlugin file_sink_plugin();

}  // namespace wsn::plugins
