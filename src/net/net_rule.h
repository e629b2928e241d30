// A network-edge rule (docs/network.md): source and destination CIDR, source and destination
// port ranges, protocol, an action (pass, drop, inspect) and a priority — the first matching
// rule by priority decides; ties go to the lower id. Parsing refuses bad CIDRs, ports and
// combinations with a message that says which and why.
//
// Plain values; no shared state.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wsn/result.h"

namespace wsn::net {

enum class Family : uint8_t { kV4 = 4, kV6 = 6 };

// An address prefix. Addresses are kept as 16 bytes in network order, IPv4 in the first 4.
struct Cidr {
  Family family = Family::kV4;
  std::array<uint8_t, 16> addr{};
  uint8_t len = 0;  // prefix length: ≤ 32 for IPv4, ≤ 128 for IPv6

  bool operator==(const Cidr&) const = default;
  bool contains(const Cidr& other) const;  // other's prefix lies inside this one
  std::string to_string() const;           // "10.0.0.0/8", "2001:db8::/32"; a host has no /len
};

struct PortRange {
  uint16_t lo = 0;
  uint16_t hi = 65535;
  bool operator==(const PortRange&) const = default;
  bool any() const { return lo == 0 && hi == 65535; }
  std::string to_string() const;  // "80", "1024-65535"
};

enum class Protocol : uint8_t { kAny = 0, kIcmp = 1, kTcp = 6, kUdp = 17, kIcmpv6 = 58 };
enum class Action : uint8_t { kPass = 0, kDrop = 1, kInspect = 2 };

std::string_view protocol_name(Protocol p);
std::string_view action_name(Action a);

struct NetRule {
  uint32_t id = 0;           // 1…; 0 asks the rule table to choose one
  uint32_t priority = 1000;  // lower wins
  std::optional<Cidr> src;
  std::optional<Cidr> dst;
  PortRange sport;
  PortRange dport;
  Protocol proto = Protocol::kAny;
  Action action = Action::kPass;

  bool operator==(const NetRule&) const = default;
  // The family the rule is limited to by its addresses or protocol; nullopt: both.
  std::optional<Family> family() const;
  std::string to_string() const;  // the `net rule add` arguments that recreate it
};

// Parsers: each error message names the input and says what is expected.
Result<Cidr> parse_cidr(std::string_view text);             // "10.0.0.0/8", "::1", "192.168.1.7"
Result<Cidr> parse_address(std::string_view text);          // a host address only
Result<PortRange> parse_port_range(std::string_view text);  // "80", "1000-2000"
Result<Protocol> parse_protocol(std::string_view text);     // tcp udp icmp icmpv6 any
Result<Action> parse_action(std::string_view text);         // pass drop inspect

// Checks a rule's combination: ports need tcp, udp or any protocol (any then matches tcp and
// udp only), the addresses and the protocol must agree on a family, a CIDR's host bits must be
// zero (10.0.0.1/8 is refused: say 10.0.0.0/8), id within limits.
Status validate_rule(const NetRule& rule);

// The reference semantics every compiled form must agree with (tests compare against it).
struct PacketFields {
  Family family = Family::kV4;
  std::array<uint8_t, 16> src{};
  std::array<uint8_t, 16> dst{};
  Protocol proto = Protocol::kTcp;
  uint8_t raw_proto = 6;  // the IP protocol number (for protocols without a name)
  bool has_ports = true;  // false for non-first fragments and protocols without ports
  uint16_t sport = 0;
  uint16_t dport = 0;
};
bool rule_matches(const NetRule& rule, const PacketFields& packet);
// The deciding rule: lowest priority, then lowest id; nullptr when none matches.
const NetRule* first_match(const std::vector<NetRule>& rules, const PacketFields& packet);

}  // namespace wsn::net
