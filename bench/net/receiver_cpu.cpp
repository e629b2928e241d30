#include "receiver_cpu.h"

#include <dirent.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "veth_pair.h"

namespace wsn::bench {
namespace {

// One legacy ethtool switch (ETHTOOL_STSO, ETHTOOL_SGRO) on an interface of namespace `ns`;
// ethtool(8) itself is not a dependency.
Status set_offload(const std::string& ns, const std::string& iface, uint32_t cmd, bool on) {
  if (auto s = VethPair::enter(ns); !s.ok()) return s;
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int err = errno;
  int rc = -1;
  if (fd >= 0) {
    ethtool_value v{};
    v.cmd = cmd;
    v.data = on ? 1 : 0;
    ifreq req{};
    std::strncpy(req.ifr_name, iface.c_str(), IFNAMSIZ - 1);
    req.ifr_data = reinterpret_cast<char*>(&v);
    rc = ::ioctl(fd, SIOCETHTOOL, &req);
    err = errno;
    ::close(fd);
  }
  if (auto s = VethPair::leave(); !s.ok()) return s;
  if (rc != 0)
    return Error{"ethtool " + std::string(cmd == ETHTOOL_STSO ? "tso" : "gro") + " on " + iface +
                     ": " + std::strerror(err),
                 err};
  return {};
}

}  // namespace

Status use_threaded_receive(const VethPair& veth) {
  if (auto s = set_offload(veth.ns_a(), veth.if_a(), ETHTOOL_STSO, false); !s.ok()) return s;
  if (auto s = set_offload(veth.ns_b(), veth.if_b(), ETHTOOL_SGRO, true); !s.ok()) return s;
  // sysfs shows a namespace's devices only where it is mounted from inside it: ip netns exec.
  std::string out;
  if (VethPair::run_in(veth.ns_b(), "echo 1 > /sys/class/net/" + veth.if_b() + "/threaded", &out) !=
      0)
    return Error{"threaded NAPI on " + veth.if_b() + ": " + out, 0};
  return {};
}

Result<uint64_t> receive_thread_ns(const VethPair& veth) {
  // The thread's name is "napi/<dev>-<napi id>", cut to 15 characters (TASK_COMM_LEN).
  const std::string prefix = ("napi/" + veth.if_b() + "-").substr(0, 15);
  DIR* proc = ::opendir("/proc");
  if (!proc) return Error{std::string("open /proc: ") + std::strerror(errno), errno};
  uint64_t total = 0;
  int threads = 0;
  while (dirent* d = ::readdir(proc)) {
    if (d->d_name[0] < '0' || d->d_name[0] > '9') continue;
    const std::string dir = std::string("/proc/") + d->d_name;
    std::ifstream comm(dir + "/comm");
    std::string name;
    if (!std::getline(comm, name) || name.compare(0, prefix.size(), prefix) != 0) continue;
    std::ifstream stat(dir + "/schedstat");
    uint64_t on_cpu_ns = 0;
    if (!(stat >> on_cpu_ns)) continue;
    total += on_cpu_ns;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)) - 1), &set);
    (void)sched_setaffinity(std::atoi(d->d_name), sizeof set, &set);
    ++threads;
  }
  ::closedir(proc);
  if (threads == 0) return Error{"no NAPI thread of " + veth.if_b() + " (" + prefix + "*)", 0};
  return total;
}

}  // namespace wsn::bench
