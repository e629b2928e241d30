// The systemd service protocol without libsystemd: datagrams to $NOTIFY_SOCKET (sd_notify(3)).
// The agent says READY=1 once live detection runs, WATCHDOG=1 every half of $WATCHDOG_USEC
// while the engine still runs (so a wedged agent is restarted by WatchdogSec=), and
// STOPPING=1 on the way out. Outside systemd ($NOTIFY_SOCKET unset) everything is a no-op.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace wsn::cli {

// Sends one notification ("READY=1", "STATUS=…"); false when there is no socket or the send
// failed. `socket_path` "" reads $NOTIFY_SOCKET ('@' at the start: the abstract namespace).
bool sd_notify_send(const std::string& state, const std::string& socket_path = "");

// The watchdog interval systemd asked for ($WATCHDOG_USEC, for this pid per $WATCHDOG_PID);
// zero when none.
std::chrono::microseconds sd_watchdog_interval();

class ServiceWatchdog {
 public:
  // `alive` is asked before each ping: no ping while it says false.
  explicit ServiceWatchdog(std::function<bool()> alive, const std::string& status);
  ~ServiceWatchdog();
  ServiceWatchdog(const ServiceWatchdog&) = delete;
  ServiceWatchdog& operator=(const ServiceWatchdog&) = delete;

 private:
  std::function<bool()> alive_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace wsn::cli
