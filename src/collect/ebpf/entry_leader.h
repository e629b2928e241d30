// process.entry_leader: the process through which a session entered this host, as Elastic
// Defend for Linux defines it — the first process of a remote or terminal login (the shell
// sshd or login started), a container's first process, or a service init started directly.
// process.entry_leader.entry_meta.type says which: "sshd", "terminal", "container", "ssm",
// "kubelet", "teleport", "init", or "unknown" when the ancestry is not known.
//
// A process is an entry leader when its parent is an entry point (an sshd, login, a container
// runtime's shim …) or init itself; every other process inherits its parent's entry leader at
// fork and keeps it across exec, as the session it belongs to does.
//
// Thread safe: pure functions.
#pragma once

#include <string_view>

#include "collect/ebpf/process_table.h"

namespace wsn::collect {

// The entry_meta.type of sessions started by a process named `parent_name` with pid
// `parent_pid`; empty when that process is not an entry point.
std::string_view entry_point_type(int32_t parent_pid, std::string_view parent_name);

// Sets p.entry_pid / entry_entity_id / entry_type from its parent (nullptr: unknown).
void assign_entry_leader(ProcessInfo& p, const ProcessInfo* parent);

}  // namespace wsn::collect
