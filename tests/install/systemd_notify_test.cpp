// The sd_notify protocol spoken without libsystemd (src/cli/systemd_notify.h): what reaches a
// NOTIFY_SOCKET, and the watchdog's pace.
#include "cli/systemd_notify.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

// A datagram socket standing in for systemd's notification socket.
class NotifySocket {
 public:
  explicit NotifySocket(bool abstract) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string name = "/tmp/wsn-notify-" + std::to_string(getpid()) + (abstract ? "a" : "p");
    ::unlink(name.c_str());
    std::memcpy(addr.sun_path, name.data(), name.size());
    if (abstract) addr.sun_path[0] = '\0';
    path_ = abstract ? "@" + name.substr(1) : name;
    const socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), len), 0) << std::strerror(errno);
    timeval tv{0, 100000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (!abstract) file_ = name;
  }
  ~NotifySocket() {
    close(fd_);
    if (!file_.empty()) ::unlink(file_.c_str());
  }
  const std::string& path() const { return path_; }
  std::vector<std::string> drain() {
    std::vector<std::string> out;
    char buf[512];
    for (ssize_t n; (n = recv(fd_, buf, sizeof buf, 0)) > 0;) out.emplace_back(buf, n);
    return out;
  }

 private:
  int fd_ = -1;
  std::string path_, file_;
};

class SystemdNotifyTest : public ::testing::Test {
 protected:
  void TearDown() override {
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
    ::unsetenv("WATCHDOG_PID");
  }
};

TEST_F(SystemdNotifyTest, SendsToPathAndAbstractSockets) {
  for (bool abstract : {false, true}) {
    NotifySocket s(abstract);
    ::setenv("NOTIFY_SOCKET", s.path().c_str(), 1);
    EXPECT_TRUE(wsn::cli::sd_notify_send("READY=1"));
    EXPECT_EQ(s.drain(), std::vector<std::string>{"READY=1"}) << s.path();
  }
}

TEST_F(SystemdNotifyTest, NoSocketIsANoOp) {
  ::unsetenv("NOTIFY_SOCKET");
  EXPECT_FALSE(wsn::cli::sd_notify_send("READY=1"));
  ::setenv("NOTIFY_SOCKET", "relative/path", 1);  // neither a path nor abstract: refused
  EXPECT_FALSE(wsn::cli::sd_notify_send("READY=1"));
}

TEST_F(SystemdNotifyTest, WatchdogIntervalIsOnlyOurs) {
  ::setenv("WATCHDOG_USEC", "30000000", 1);
  EXPECT_EQ(wsn::cli::sd_watchdog_interval().count(), 30000000);
  ::setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), 1);
  EXPECT_EQ(wsn::cli::sd_watchdog_interval().count(), 30000000);
  ::setenv("WATCHDOG_PID", "1", 1);  // meant for another process
  EXPECT_EQ(wsn::cli::sd_watchdog_interval().count(), 0);
  ::unsetenv("WATCHDOG_PID");
  ::setenv("WATCHDOG_USEC", "soon", 1);
  EXPECT_EQ(wsn::cli::sd_watchdog_interval().count(), 0);
}

TEST_F(SystemdNotifyTest, WatchdogPingsAtHalfTheIntervalWhileAlive) {
  NotifySocket s(false);
  ::setenv("NOTIFY_SOCKET", s.path().c_str(), 1);
  ::setenv("WATCHDOG_USEC", "100000", 1);  // 100 ms: a ping every 50 ms
  {
    wsn::cli::ServiceWatchdog w([] { return true; }, "live detection");
    usleep(280000);
  }
  const auto got = s.drain();
  ASSERT_GE(got.size(), 5u);
  EXPECT_EQ(got.front(), "READY=1\nSTATUS=live detection");
  EXPECT_EQ(got.back(), "STOPPING=1");
  size_t pings = 0;
  for (const auto& m : got) pings += m == "WATCHDOG=1";
  EXPECT_GE(pings, 4u);  // one at start, then ~every 50 ms for 280 ms
  EXPECT_LE(pings, 7u);
}

TEST_F(SystemdNotifyTest, NoPingWhileTheEngineIsNotAlive) {
  NotifySocket s(false);
  ::setenv("NOTIFY_SOCKET", s.path().c_str(), 1);
  ::setenv("WATCHDOG_USEC", "100000", 1);
  {
    wsn::cli::ServiceWatchdog w([] { return false; }, "stuck");
    usleep(200000);
  }
  const auto got = s.drain();
  size_t pings = 0;
  for (const auto& m : got) pings += m == "WATCHDOG=1";
  EXPECT_EQ(pings, 1u);  // only the one sent at start; systemd would now restart us
}

}  // namespace
