// Random rule sets and packets for the differential tests: addresses drawn from a few small
// networks so that prefixes overlap and packets hit them, both families, every protocol, port
// ranges of every alignment, priorities with ties.
#pragma once

#include <random>
#include <vector>

#include "net/net_rule.h"
#include "net/packet_builder.h"

namespace wsn::net::testing {

class RandomNet {
 public:
  explicit RandomNet(uint32_t seed) : rng_(seed) {}

  std::array<uint8_t, 16> address(Family f) {
    std::array<uint8_t, 16> a{};
    if (f == Family::kV4) {
      a[0] = pick({10, 192});
      a[1] = pick({0, 1, 168});
      a[2] = static_cast<uint8_t>(below(4));
      a[3] = static_cast<uint8_t>(below(8));
    } else {
      a[0] = 0x20;
      a[1] = 0x01;
      a[2] = 0x0d;
      a[3] = 0xb8;
      a[4] = static_cast<uint8_t>(below(3));
      a[15] = static_cast<uint8_t>(below(8));
    }
    return a;
  }

  Cidr cidr(Family f) {
    Cidr c;
    c.family = f;
    unsigned width = f == Family::kV4 ? 32 : 128;
    const unsigned v4_lens[] = {0, 8, 16, 23, 24, 30, 32};
    const unsigned v6_lens[] = {0, 32, 40, 48, 126, 128};
    c.len = static_cast<uint8_t>(f == Family::kV4 ? v4_lens[below(7)] : v6_lens[below(6)]);
    auto a = address(f);
    for (unsigned bit = c.len; bit < width; ++bit)
      a[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
    c.addr = a;
    return c;
  }

  PortRange ports() {
    switch (below(5)) {
      case 0:
      case 1:
        return {};
      case 2: {
        uint16_t p = port();
        return {p, p};
      }
      default: {
        uint16_t a = port(), b = port();
        return {std::min(a, b), std::max(a, b)};
      }
    }
  }

  NetRule rule(uint32_t id) {
    NetRule r;
    r.id = id;
    r.priority = static_cast<uint32_t>(below(6)) * 10;  // ties on purpose
    Family f = below(3) == 0 ? Family::kV6 : Family::kV4;
    if (below(3)) r.src = cidr(f);
    if (below(3)) r.dst = cidr(f);
    const Protocol protos[] = {Protocol::kAny, Protocol::kTcp, Protocol::kUdp,
                               f == Family::kV4 ? Protocol::kIcmp : Protocol::kIcmpv6};
    r.proto = protos[below(4)];
    if (r.proto != Protocol::kIcmp && r.proto != Protocol::kIcmpv6 && below(2)) {
      r.sport = below(3) == 0 ? ports() : PortRange{};
      r.dport = ports();
    }
    const Action actions[] = {Action::kPass, Action::kDrop, Action::kInspect};
    r.action = actions[below(3)];
    return r;
  }

  // An address-only rule naming one host, source or destination: host blocklists are the
  // common case of the address tries (deep paths, many leaves under one prefix).
  NetRule host_rule(uint32_t id) {
    NetRule r;
    r.id = id;
    r.priority = static_cast<uint32_t>(below(6)) * 10;
    Family f = below(3) == 0 ? Family::kV6 : Family::kV4;
    Cidr c{f, address(f), static_cast<uint8_t>(f == Family::kV4 ? 32 : 128)};
    (below(2) ? r.src : r.dst) = c;
    const Action actions[] = {Action::kPass, Action::kDrop, Action::kInspect};
    r.action = actions[below(3)];
    return r;
  }

  // Rule sets for the differential tests: every other round, two thirds are host rules.
  std::vector<NetRule> rule_set(int round, uint32_t count) {
    std::vector<NetRule> rules;
    for (uint32_t id = 1; id <= count; ++id)
      rules.push_back(round % 2 && id <= count * 2 / 3 ? host_rule(id) : rule(id));
    return rules;
  }

  PacketSpec packet() {
    PacketSpec p;
    p.family = below(3) == 0 ? Family::kV6 : Family::kV4;
    p.src = address(p.family);
    p.dst = address(p.family);
    const uint8_t protos[] = {6, 17, uint8_t(p.family == Family::kV4 ? 1 : 58), 47 /* GRE */};
    p.proto = protos[below(4)];
    p.sport = port();
    p.dport = port();
    if (below(10) == 0) p.later_fragment = true;
    if (below(8) == 0) p.vlans = {static_cast<uint16_t>(below(4095) + 1)};
    if (p.family == Family::kV6 && below(6) == 0) p.ipv6_ext = {0, 60};
    return p;
  }

 private:
  uint16_t port() {
    const uint16_t common[] = {0, 22, 53, 80, 443, 1023, 1024, 8080, 65535};
    return below(2) ? common[below(9)] : static_cast<uint16_t>(below(65536));
  }
  uint8_t pick(std::initializer_list<uint8_t> v) { return *(v.begin() + below(v.size())); }
  size_t below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  std::mt19937 rng_;
};

}  // namespace wsn::net::testing
