// The rule sets the network-edge benchmark loads (docs/benchmarks.md "Network edge (XDP)"), the
// probe frames it times, and the same exact-match rules in xdp-filter's terms.
//
//  - exact: what xdp-filter can express — destination /32 hosts (even rules) and single
//    destination ports (odd rules, tcp and udp alternately);
//  - cidr: what only our filter can — source CIDRs (/16–/24, in the source trie), destination
//    /24s with a tcp destination-port range, udp destination-port ranges alone, and
//    destination CIDRs (/20–/28, in the destination trie).
//
// Plain values; deterministic for a rule count.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "net/net_rule.h"

namespace wsn::bench {

enum class Mix : uint8_t { kExact, kCidr };

// One exact-match rule as xdp-filter holds it: `xdp-filter ip ADDR --mode dst` or
// `xdp-filter port PORT --proto tcp|udp --mode dst`.
struct ExactRule {
  bool is_port = false;
  bool src = false;      // --mode src (an address rule on the source)
  uint32_t addr_be = 0;  // network order (is_port false)
  uint16_t port = 0;     // host order (is_port true)
  bool tcp = true;
};

struct Probe {
  std::string name;  // "drop: dst host", "pass: no rule", …
  std::vector<uint8_t> frame;
  uint32_t expect_xdp = 0;  // XDP_DROP (1) or XDP_PASS (2)
};

struct RuleMix {
  std::vector<net::NetRule> rules;  // ours
  std::vector<ExactRule> exact;     // xdp-filter's (kExact only)
  std::vector<Probe> probes;        // those whose rule kind exists at this count
};

RuleMix make_mix(Mix mix, size_t count);
std::string mix_name(Mix mix);

// IPv4 address (host order value) as 16 network-order bytes, IPv4 in the first 4.
std::array<uint8_t, 16> v4(uint32_t host_order);

}  // namespace wsn::bench
