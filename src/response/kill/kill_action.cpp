#include "response/kill/kill_action.h"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace wsn::response {
namespace {

int pidfd_open(pid_t pid) {
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
}

int pidfd_send_signal(int pidfd, int sig) {
  return static_cast<int>(::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0));
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

bool read_comm(pid_t pid, std::string& out) {
  const std::string path = "/proc/" + std::to_string(pid) + "/comm";
  std::FILE* f = std::fopen(path.c_str(), "re");
  if (!f) return false;
  char buf[64] = {};
  const bool ok = std::fgets(buf, sizeof buf, f) != nullptr;
  std::fclose(f);
  out = buf;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return ok;
}

// Start time of `pid` in ns since the epoch: boot time + starttime ticks.
bool read_start_ns(pid_t pid, int64_t& out) {
  const std::string path = "/proc/" + std::to_string(pid) + "/stat";
  std::FILE* f = std::fopen(path.c_str(), "re");
  if (!f) return false;
  char buf[1024];
  const size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  buf[n] = '\0';
  const char* close = std::strrchr(buf, ')');
  if (!close) return false;
  unsigned long long start_ticks = 0;
  // Field 22 (starttime) is the 20th after the command name.
  if (std::sscanf(close + 2,
                  "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d "
                  "%llu",
                  &start_ticks) != 1) {
    return false;
  }
  long long btime = 0;
  if (std::FILE* s = std::fopen("/proc/stat", "re")) {
    char line[256];
    while (std::fgets(line, sizeof line, s)) {
      if (std::sscanf(line, "btime %lld", &btime) == 1) break;
    }
    std::fclose(s);
  }
  if (btime == 0) return false;
  const long ticks = ::sysconf(_SC_CLK_TCK);
  out = static_cast<int64_t>(btime) * 1'000'000'000 +
        static_cast<int64_t>(start_ticks) * (1'000'000'000 / ticks);
  return true;
}

}  // namespace

std::string_view kill_result_name(KillResult r) {
  switch (r) {
    case KillResult::kKilled:
      return "killed";
    case KillResult::kDryRun:
      return "dry_run";
    case KillResult::kRefused:
      return "refused";
    case KillResult::kGone:
      return "gone";
    case KillResult::kFailed:
      return "failed";
  }
  return "failed";
}

KillOutcome kill_process(const KillTarget& target, bool dry_run) {
  if (target.pid <= 1 || target.pid > 0x3fffffff) {
    return {KillResult::kRefused, "pid " + std::to_string(target.pid) + " is never a target"};
  }
  const pid_t pid = static_cast<pid_t>(target.pid);
  if (pid == ::getpid())
    return {KillResult::kRefused, "pid " + std::to_string(pid) + " is this agent"};
  const Fd pidfd(pidfd_open(pid));
  if (pidfd.get() < 0) {
    const int err = errno;
    if (err == ESRCH) return {KillResult::kGone, "no process " + std::to_string(pid)};
    return {KillResult::kFailed, std::string("pidfd_open: ") + std::strerror(err)};
  }
  std::string comm;
  int64_t start_ns = 0;
  const bool have_comm = read_comm(pid, comm);
  const bool have_start = read_start_ns(pid, start_ns);
  // Alive now ⇒ the /proc entries just read were this process's, not a successor's.
  if (pidfd_send_signal(pidfd.get(), 0) != 0) {
    const int err = errno;
    if (err == ESRCH) return {KillResult::kGone, "process " + std::to_string(pid) + " exited"};
    return {KillResult::kFailed, std::string("pidfd_send_signal: ") + std::strerror(err)};
  }
  if (!target.name.empty()) {
    // The kernel keeps the first 15 bytes of the name (TASK_COMM_LEN - 1).
    const std::string expected = target.name.substr(0, 15);
    if (!have_comm || comm != expected) {
      return {KillResult::kRefused, "pid " + std::to_string(pid) + " is '" + comm + "', not '" +
                                        expected + "' (pid reused?)"};
    }
  }
  if (target.start_ns != 0 && have_start &&
      std::llabs(static_cast<long long>(start_ns - target.start_ns)) > kStartTolerance) {
    return {KillResult::kRefused,
            "pid " + std::to_string(pid) + " started at a different time (pid reused?)"};
  }
  if (dry_run) return {KillResult::kDryRun, "dry-run: SIGKILL not sent"};
  if (pidfd_send_signal(pidfd.get(), SIGKILL) != 0) {
    const int err = errno;
    if (err == ESRCH) return {KillResult::kGone, "process " + std::to_string(pid) + " exited"};
    return {KillResult::kFailed, std::string("pidfd_send_signal: ") + std::strerror(err)};
  }
  return {KillResult::kKilled, ""};
}

}  // namespace wsn::response
