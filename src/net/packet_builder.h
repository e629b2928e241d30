// Builds Ethernet frames for BPF_PROG_TEST_RUN (`net inspect`, tests, benchmarks): IPv4 or
// IPv6, TCP, UDP, ICMP or ICMPv6, optional VLAN tags, IPv6 extension headers, fragments and
// a payload. Checksums are filled; the filter does not read them, but a frame that leaves a
// test should be a real one.
//
// Plain values; no shared state.
#pragma once

#include <cstdint>
#include <vector>

#include "net/net_rule.h"

namespace wsn::net {

struct PacketSpec {
  Family family = Family::kV4;
  std::array<uint8_t, 16> src{};
  std::array<uint8_t, 16> dst{};
  uint8_t proto = 6;  // IP protocol number
  uint16_t sport = 0;
  uint16_t dport = 0;
  uint8_t tcp_flags = 0x02;       // SYN
  std::vector<uint16_t> vlans;    // outermost first
  std::vector<uint8_t> ipv6_ext;  // extension header types before the transport (0, 43, 60)
  bool later_fragment = false;    // a non-first fragment (offset > 0): no transport header
  std::vector<uint8_t> payload;
};

std::vector<uint8_t> build_frame(const PacketSpec& spec);

// The fields the reference matcher reads, as the filter would parse them from this frame.
PacketFields fields_of(const PacketSpec& spec);

}  // namespace wsn::net
