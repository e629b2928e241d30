// The `webhook` alert sink plug-in: batches of alerts POSTed to an HTTP(S) endpoint, with retry
// and a disk spool.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "wsn/plugins.h"
#include "wsn_install_paths.h"  // the state directory of the defaults

namespace wsn::plugins {

struct WebhookSinkConfig final : PluginConfig {
  static constexpr int64_t kSecond = 1'000'000'000;
  std::string url;  // empty: off
  uint64_t batch_size = 100;
  int64_t flush_interval_ns = kSecond;
  int64_t timeout_ns = 5 * kSecond;
  int64_t retry_initial_ns = kSecond / 2;
  int64_t retry_max_ns = 30 * kSecond;
  uint64_t queue_size = 10000;
  std::string spool_dir = WSN_INSTALL_FULL_STATEDIR "/webhook-spool";
  uint64_t spool_max_bytes = uint64_t{1} << 30;
  std::map<std::string, std::string> headers;
};

SinkPlugin webhook_sink_plugin();

}  // namespace wsn::plugins
