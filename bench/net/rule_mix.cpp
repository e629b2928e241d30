#include "rule_mix.h"

#include <arpa/inet.h>

#include "net/packet_builder.h"

namespace wsn::bench {
namespace {

using net::Cidr;
using net::Family;
using net::NetRule;
using net::PacketSpec;
using net::PortRange;
using net::Protocol;

constexpr uint32_t kOutsider = 0xc0000201;  // 192.0.2.1: no rule names it
constexpr uint32_t kNobody = 0x0ac80001;    // 10.200.0.1: no rule covers it
constexpr uint16_t kFreePort = 80;          // below every rule's ports
constexpr uint16_t kFreeSport = 40000;

Cidr cidr(uint32_t host_order, uint8_t len) {
  Cidr c;
  c.family = Family::kV4;
  c.addr = v4(host_order);
  c.len = len;
  return c;
}

Probe probe(std::string name, uint32_t src, uint32_t dst, uint8_t proto, uint16_t dport,
            uint32_t expect) {
  PacketSpec s;
  s.family = Family::kV4;
  s.src = v4(src);
  s.dst = v4(dst);
  s.proto = proto;
  s.sport = kFreeSport;
  s.dport = dport;
  s.payload.assign(18, 0x5a);  // 64-byte TCP frames, like the wire test's
  return {std::move(name), net::build_frame(s), expect};
}

constexpr uint32_t kDrop = 1, kPass = 2;

RuleMix exact_mix(size_t count) {
  RuleMix m;
  uint32_t last_host = 0, last_tcp_port = 0;
  for (size_t i = 0; i < count; ++i) {
    NetRule r;
    r.id = static_cast<uint32_t>(i + 1);
    r.action = net::Action::kDrop;
    const uint32_t k = static_cast<uint32_t>(i / 2);
    ExactRule e;
    if (i % 2 == 0) {  // destination host: 10.100.0.1 …
      const uint32_t host = 0x0a640001 + k;
      r.dst = cidr(host, 32);
      e.addr_be = htonl(host);
      last_host = host;
    } else {  // destination port 2000 …, tcp and udp alternately
      const uint16_t port = static_cast<uint16_t>(2000 + k / 2);
      e.is_port = true;
      e.port = port;
      e.tcp = k % 2 == 0;
      r.proto = e.tcp ? Protocol::kTcp : Protocol::kUdp;
      r.dport = PortRange{port, port};
      if (e.tcp) last_tcp_port = port;
    }
    m.rules.push_back(r);
    m.exact.push_back(e);
  }
  if (last_host)
    m.probes.push_back(probe("drop: dst host", kOutsider, last_host, 6, kFreePort, kDrop));
  if (last_tcp_port) {
    m.probes.push_back(probe("drop: dst port", kOutsider, kNobody, 6,
                             static_cast<uint16_t>(last_tcp_port), kDrop));
  }
  m.probes.push_back(probe("pass: no rule (tcp)", kOutsider, kNobody, 6, kFreePort, kPass));
  m.probes.push_back(probe("pass: no rule (udp)", kOutsider, kNobody, 17, kFreePort, kPass));
  return m;
}

RuleMix cidr_mix(size_t count) {
  RuleMix m;
  uint32_t src_net = 0, dst24 = 0, dst_net = 0;
  uint16_t range_lo = 0;
  for (size_t i = 0; i < count; ++i) {
    NetRule r;
    r.id = static_cast<uint32_t>(i + 1);
    r.action = net::Action::kDrop;
    const uint32_t k = static_cast<uint32_t>(i / 4);
    switch (i % 4) {
      case 0: {  // source CIDR /20, /22 or /24 from 100.64.0.0
        src_net = 0x64400000 + (k << 12);
        r.src = cidr(src_net, static_cast<uint8_t>(20 + (k % 3) * 2));
        break;
      }
      case 1: {  // destination /24 from 10.0.0.0 and a tcp port range of 16–80 ports
        static constexpr uint16_t kWidth[] = {16, 48, 64, 80};
        dst24 = 0x0a000000 + (k << 8);
        range_lo = static_cast<uint16_t>(1024 + 16 * (k % 2000));
        r.dst = cidr(dst24, 24);
        r.proto = Protocol::kTcp;
        r.dport = PortRange{range_lo, static_cast<uint16_t>(range_lo + kWidth[k % 4] - 1)};
        break;
      }
      case 2: {  // a udp destination port range alone (IPv4 and IPv6)
        const uint16_t lo = static_cast<uint16_t>(40000 + 32 * (k % 500));
        r.proto = Protocol::kUdp;
        r.dport = PortRange{lo, static_cast<uint16_t>(lo + 99)};
        break;
      }
      default: {  // destination CIDR /24, /26 or /28 from 11.0.0.0
        dst_net = 0x0b000000 + (k << 8);
        r.dst = cidr(dst_net, static_cast<uint8_t>(24 + (k % 3) * 2));
        break;
      }
    }
    m.rules.push_back(r);
  }
  if (src_net)
    m.probes.push_back(probe("drop: src CIDR", src_net + 5, kNobody, 6, kFreePort, kDrop));
  if (dst24) {
    m.probes.push_back(probe("drop: dst /24 + port range", kOutsider, dst24 + 9, 6,
                             static_cast<uint16_t>(range_lo + 3), kDrop));
  }
  if (dst_net)
    m.probes.push_back(probe("drop: dst CIDR", kOutsider, dst_net + 1, 6, kFreePort, kDrop));
  m.probes.push_back(probe("pass: no rule (tcp)", kOutsider, kNobody, 6, kFreePort, kPass));
  m.probes.push_back(probe("pass: no rule (udp)", kOutsider, kNobody, 17, kFreePort, kPass));
  return m;
}

}  // namespace

std::array<uint8_t, 16> v4(uint32_t host_order) {
  std::array<uint8_t, 16> a{};
  a[0] = static_cast<uint8_t>(host_order >> 24);
  a[1] = static_cast<uint8_t>(host_order >> 16);
  a[2] = static_cast<uint8_t>(host_order >> 8);
  a[3] = static_cast<uint8_t>(host_order);
  return a;
}

RuleMix make_mix(Mix mix, size_t count) {
  return mix == Mix::kExact ? exact_mix(count) : cidr_mix(count);
}

std::string mix_name(Mix mix) {
  return mix == Mix::kExact ? "exact" : "cidr+ranges";
}

}  // namespace wsn::bench
