// The `ebpf` event source plug-in: the live kernel collector (libbpf, CO-RE tracepoints), the
// default source of `run`. Its section `sources.ebpf` sets the ring buffer, the process table,
// the host name and which hooks attach (those the rules need, or all).
#pragma once

#include <cstdint>
#include <string>

#include <vector>

#include "collect/ebpf/env_vars.h"
#include "wsn/plugins.h"

namespace wsn::plugins {

struct EbpfSourceConfig final : PluginConfig {
  bool enabled = true;
  // 4 MiB: the kernel maps the data area twice into the agent, so this costs 8 MiB of RSS;
  // it is 64x the 64 KiB at which the reader is woken (docs/operations.md, "Memory").
  uint64_t ring_buffer_bytes = uint64_t{4} << 20;
  uint64_t process_table = 65536;
  std::string host_name;  // empty: gethostname()
  // Which hooks attach: those the loaded rules need (interest pushdown), or all of them (every
  // event kind and every file read: heavy, for recording everything).
  enum class Hooks : uint8_t { kRules, kAll };
  Hooks hooks = Hooks::kRules;
  // Environment variables reported in process.env_vars on exec (Elastic Defend's
  // linux.advanced.capture_env_vars); empty: the environment is not read at all.
  std::vector<std::string> env_vars = collect::default_env_vars();
};

SourcePlugin ebpf_source_plugin();

}  // namespace wsn::plugins
