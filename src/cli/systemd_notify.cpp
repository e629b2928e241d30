#include "cli/systemd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace wsn::cli {

bool sd_notify_send(const std::string& state, const std::string& socket_path) {
  std::string path = socket_path;
  if (path.empty()) {
    const char* env = std::getenv("NOTIFY_SOCKET");
    if (!env || !*env) return false;
    path = env;
  }
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path) || (path[0] != '/' && path[0] != '@')) return false;
  std::memcpy(addr.sun_path, path.data(), path.size());
  if (path[0] == '@') addr.sun_path[0] = '\0';  // abstract socket
  const socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());
  const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const ssize_t n = sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                           reinterpret_cast<const sockaddr*>(&addr), len);
  close(fd);
  return n == static_cast<ssize_t>(state.size());
}

std::chrono::microseconds sd_watchdog_interval() {
  const char* usec = std::getenv("WATCHDOG_USEC");
  if (!usec || !*usec) return std::chrono::microseconds(0);
  // A watchdog meant for another process (e.g. our parent, a shell) is not ours to feed.
  if (const char* pid = std::getenv("WATCHDOG_PID"); pid && *pid) {
    if (std::strtoll(pid, nullptr, 10) != static_cast<long long>(getpid()))
      return std::chrono::microseconds(0);
  }
  char* end = nullptr;
  const unsigned long long v = std::strtoull(usec, &end, 10);
  if (end == usec || *end != '\0') return std::chrono::microseconds(0);
  return std::chrono::microseconds(v);
}

ServiceWatchdog::ServiceWatchdog(std::function<bool()> alive, const std::string& status)
    : alive_(std::move(alive)) {
  sd_notify_send("READY=1\nSTATUS=" + status);
  const auto interval = sd_watchdog_interval();
  if (interval.count() == 0) return;
  sd_notify_send("WATCHDOG=1");
  // Half the interval, as sd_watchdog_enabled(3) advises: one late ping is not a restart.
  thread_ = std::thread([this, period = interval / 2] {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, period, [this] { return done_; })) {
      if (alive_()) sd_notify_send("WATCHDOG=1");
    }
  });
}

ServiceWatchdog::~ServiceWatchdog() {
  {
    std::lock_guard lock(mu_);
    done_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  sd_notify_send("STOPPING=1");
}

}  // namespace wsn::cli
