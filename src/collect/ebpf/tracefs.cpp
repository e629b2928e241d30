#include "collect/ebpf/tracefs.h"

#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace wsn::collect {
namespace {

bool has_events(const std::string& dir) {
  struct stat st {};
  return ::stat((dir + "/events").c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

Result<std::string> find_tracefs(bool mount_if_missing) {
  for (const char* dir : {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"}) {
    if (has_events(dir)) return std::string(dir);
  }
  const std::string target = "/sys/kernel/tracing";
  const std::string how = "mount it with 'mount -t tracefs nodev " + target + "'";
  if (!mount_if_missing) {
    return Error{"tracefs is not mounted (syscall hooks need it); " + how};
  }
  if (::mount("nodev", target.c_str(), "tracefs", 0, nullptr) != 0) {
    const int err = errno;
    return Error{"tracefs is not mounted and mounting it on " + target +
                     " failed: " + std::strerror(err) + "; " + how +
                     ", or load only process rules, which need no tracefs",
                 err};
  }
  if (!has_events(target)) {
    return Error{"mounted tracefs on " + target + " but it has no events/ directory"};
  }
  return target;
}

bool tracepoint_exists(const std::string& tracefs, std::string_view tracepoint) {
  struct stat st {};
  const std::string path = tracefs + "/events/" + std::string(tracepoint);
  return ::stat(path.c_str(), &st) == 0;
}

std::optional<int> tracepoint_id(const std::string& tracefs, std::string_view tracepoint) {
  std::ifstream in(tracefs + "/events/" + std::string(tracepoint) + "/id");
  int id = -1;
  if (!(in >> id) || id < 0) return std::nullopt;
  return id;
}

}  // namespace wsn::collect
