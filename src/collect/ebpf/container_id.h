// Container id from cgroup names.
//
// Container runtimes name the leaf cgroup of a container after its 64-hex-digit id:
// "docker-<id>.scope" (systemd driver), "<id>" (cgroupfs driver, Kubernetes),
// "cri-containerd-<id>.scope", "crio-<id>.scope", "libpod-<id>.scope". The id is the full 64
// digits (ECS container.id); anything else (a 32-digit systemd unit hash, a slice) is not a
// container.
#pragma once

#include <string>
#include <string_view>

namespace wsn::collect {

// From one cgroup name or path (only the last component is examined). Empty when none.
std::string container_id_from_cgroup(std::string_view cgroup);

// From the text of /proc/<pid>/cgroup: the first hierarchy whose leaf names a container.
std::string container_id_from_proc_cgroup(std::string_view text);

}  // namespace wsn::collect
