// The peer: Debian's xdp-filter (xdp-tools 1.3.1), its BPF object loaded as it ships
// (/usr/lib/<arch>/bpf/xdpfilt_alw_all.o: the program `xdp-filter load` picks for the default
// allow policy with ip, tcp and udp rules) with libbpf into private, unpinned maps, which are
// filled directly in the format xdp-filter's own `ip` and `port` commands write (its
// common_kern_user.h): filter_ipv4 is a per-CPU hash, network-order address → flags
// (MAP_FLAG_SRC = 1, MAP_FLAG_DST = 2) plus a hit counter from bit 6 up; filter_ports a per-CPU
// array indexed by the network-order port, flags DST | TCP (4) | UDP (8). xdp_stats_map counts
// verdicts.
//
// Not loaded through libxdp, so there is no dispatcher in front of it: the same shape as our
// program, one XDP program per interface.
//
// One instance per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rule_mix.h"
#include "wsn/result.h"

namespace wsn::bench {

class XdpFilterPeer {
 public:
  // Where Debian puts the object; empty when xdp-tools is not installed.
  static std::string object_path();
  // Loads the object. filter_ipv4 ships with room for 10,000 addresses; `addresses` above
  // that raises its max_entries before load (the program's code is unchanged).
  static Result<XdpFilterPeer> load(const std::string& object, size_t addresses);

  XdpFilterPeer(XdpFilterPeer&&) noexcept;
  XdpFilterPeer& operator=(XdpFilterPeer&&) noexcept;
  ~XdpFilterPeer();

  Status fill(const std::vector<ExactRule>& rules);
  // One run: the XDP action it returned.
  Result<uint32_t> test_run(const std::vector<uint8_t>& frame) const;
  // ns per packet over `repeat` runs (the kernel's own timing).
  Result<uint32_t> test_run_duration(const std::vector<uint8_t>& frame, uint32_t repeat) const;

  int program_fd() const;
  // Packets it returned XDP_DROP for, summed over CPUs (its xdp_stats_map).
  Result<uint64_t> dropped() const;
  // Hits on address rules (the counter bits of every filter_ipv4 value), summed.
  Result<uint64_t> address_hits() const;

 private:
  struct State;
  explicit XdpFilterPeer(std::unique_ptr<State> s);
  std::unique_ptr<State> s_;
};

}  // namespace wsn::bench
