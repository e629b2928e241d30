// What the parts of wsn_xdp_bench share: its options, failing loudly (after cleanup.h's undo
// list ran), medians, and our filter pinned in a directory of its own for the run.
//
// One OurFilter per process.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "cleanup.h"
#include "net/xdp_filter.h"
#include "rule_mix.h"
#include "wsn/result.h"

namespace wsn::bench {

using Clock = std::chrono::steady_clock;

struct Options {
  uint32_t repeat = 1000000;
  int rounds = 7;
  std::vector<size_t> counts = {1, 1000, 60000};
  bool prog = true, wire = true;
  size_t wire_rules = 1000;
  double seconds = 3;
  int wire_rounds = 3;
  int senders = 1;
  // The wire test's receive path in a NAPI thread of its own, charged by CPU time (receiver_cpu.h).
  bool threaded_receive = true;
  std::vector<Mix> mixes = {Mix::kExact, Mix::kCidr};
};

[[noreturn]] inline void die(const std::string& what) {
  std::fprintf(stderr, "wsn_xdp_bench: %s\n", what.c_str());
  run_cleanup();
  std::exit(1);
}

template <typename T>
T must(Result<T> r, const char* what) {
  if (!r.ok()) die(std::string(what) + ": " + r.error().message);
  return std::move(r.value());
}
inline void must(const Status& s, const char* what) {
  if (!s.ok()) die(std::string(what) + ": " + s.error().message);
}

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty()      ? 0
         : v.size() % 2 ? v[v.size() / 2]
                        : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

inline double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Our filter, pinned under /sys/fs/bpf/wsn-xdp-bench-PID for the run and unpinned after (also
// on failure, through cleanup.h).
class OurFilter {
 public:
  OurFilter();
  ~OurFilter();
  OurFilter(const OurFilter&) = delete;
  OurFilter& operator=(const OurFilter&) = delete;

  net::XdpFilter& filter() { return *filter_; }
  // Replaces the rule set (RuleTable::replace: compile, store, fill the idle half, flip);
  // returns the seconds it took.
  double replace(const std::vector<net::NetRule>& rules);
  // Match shapes the tuple walk visits (at most) for the active rule set.
  uint32_t shapes() const;

 private:
  std::string pin_;
  std::optional<net::XdpFilter> filter_;
  int cleanup_ = -1;
};

}  // namespace wsn::bench
