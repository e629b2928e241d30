// The `kill` response action: terminates a process through a pidfd, so the signal reaches the
// process that was checked and never a later process that reused its pid.
//
// Steps: pidfd_open(pid) → read /proc/PID/comm and start time → confirm through the pidfd that
// the process is still alive (so what was read is about it) → compare with what the alert says
// (process.name, process.start) → pidfd_send_signal(SIGKILL). Pid 1, pid 0 and this process
// itself are refused.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace wsn::response {

struct KillTarget {
  int64_t pid = 0;
  std::string name;      // process.name from the event; "" skips the name check
  int64_t start_ns = 0;  // process.start from the event; 0 skips the start-time check
};

enum class KillResult : uint8_t {
  kKilled,   // signal delivered
  kDryRun,   // checks passed; not sent because of dry-run
  kRefused,  // target failed a check (pid 1, ourselves, different process)
  kGone,     // the process had already exited
  kFailed,   // system error (e.g. EPERM)
};
std::string_view kill_result_name(KillResult r);

struct KillOutcome {
  KillResult result = KillResult::kFailed;
  std::string detail;  // why, for refused/failed/gone
};

KillOutcome kill_process(const KillTarget& target, bool dry_run);

// Allowed difference between an event's process.start and /proc's start time (jiffies and
// the boot-time second make /proc coarse).
inline constexpr int64_t kStartTolerance = int64_t{2'000'000'000};

}  // namespace wsn::response
