#include "collect/ebpf/entry_leader.h"

namespace wsn::collect {

std::string_view entry_point_type(int32_t parent_pid, std::string_view parent_name) {
  // The kernel's comm (15 bytes at most), as the process table names processes.
  if (parent_name == "sshd" || parent_name == "sshd-session" || parent_name == "sshd-auth") {
    return "sshd";
  }
  if (parent_name == "login" || parent_name == "agetty" || parent_name == "getty") {
    return "terminal";
  }
  if (parent_name.starts_with("containerd-shim") || parent_name == "runc" ||
      parent_name == "crun" || parent_name == "conmon" || parent_name == "runc:[2:INIT]") {
    return "container";
  }
  if (parent_name == "ssm-session-wor" || parent_name == "ssm-agent-worke") return "ssm";
  if (parent_name == "kubelet") return "kubelet";
  if (parent_name == "teleport") return "teleport";
  if (parent_pid == 1 || parent_pid == 0) return "init";
  return {};
}

void assign_entry_leader(ProcessInfo& p, const ProcessInfo* parent) {
  std::string_view type;
  if (p.pid == 1) {
    type = "init";
  } else if (parent != nullptr) {
    type = entry_point_type(parent->pid, parent->name);
    if (type.empty() && parent->entry_pid != 0) {
      p.entry_pid = parent->entry_pid;
      p.entry_entity_id = parent->entry_entity_id;
      p.entry_type = parent->entry_type;
      return;
    }
  } else {
    type = entry_point_type(p.ppid, {});
  }
  p.entry_pid = p.pid;
  p.entry_entity_id = p.entity_id;
  p.entry_type = type.empty() ? std::string_view("unknown") : type;
}

}  // namespace wsn::collect
