// The `file` alert sink plug-in: ECS JSON lines appended to a file, rotated by size.
#pragma once

#include <cstdint>
#include <string>

#include "wsn/plugins.h"

namespace wsn::plugins {

struct FileSinkConfig final : PluginConfig {
  std::string path;  // empty: off
  uint64_t max_bytes = uint64_t{100} << 20;
  uint64_t max_files = 5;
};

SinkPlugin file_sink_plugin();

}  // namespace wsn::plugins
