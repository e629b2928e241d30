// The `syslog` alert sink plug-in: RFC 5424 messages to a local socket or a UDP collector.
#pragma once

#include <string>

#include "wsn/plugins.h"

namespace wsn::plugins {

struct SyslogSinkConfig final : PluginConfig {
  bool enabled = false;
  std::string address = "unix:/dev/log";  // unix:PATH or udp:HOST:PORT
  std::string facility = "local0";
  std::string app_name = "wasm-sentinel";
};

SinkPlugin syslog_sink_plugin();

}  // namespace wsn::plugins
