// Finding (and if needed mounting) tracefs, where the syscall tracepoints' ids live.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "wsn/result.h"

namespace wsn::collect {

// The tracefs directory holding events/: /sys/kernel/tracing, or the debugfs automount at
// /sys/kernel/debug/tracing. When neither is there and `mount_if_missing` is set, mounts
// tracefs on /sys/kernel/tracing. The error says how to fix it when that fails.
Result<std::string> find_tracefs(bool mount_if_missing);

// Whether <tracefs>/events/<tracepoint> exists ("syscalls/sys_enter_openat").
bool tracepoint_exists(const std::string& tracefs, std::string_view tracepoint);

// The perf event id of a tracepoint, or nullopt when it does not exist.
std::optional<int> tracepoint_id(const std::string& tracefs, std::string_view tracepoint);

}  // namespace wsn::collect
