// Declarative XDP cases (tests/net/data/*.cases): a case is a rule set, settings and packets
// with the verdict each must get and what must decide it. Format (docs/network.md "Tests"):
//   == NAME
//   default drop|pass            malformed drop|pass
//   rule  <the arguments of `net rule add`>
//   packet <--src A --dst B --proto P [--sport N] [--dport N] [--vlan ID]… [--ext 0,43,60]
//          [--fragment] [--truncate BYTES] | --raw HEX>  =>  pass|drop by RULE_ID|default|
//          malformed|not-ip
#pragma once

#include <string>
#include <vector>

#include "net/net_rule.h"
#include "net/packet_builder.h"

namespace wsn::net::testing {

struct PacketCase {
  int line = 0;
  std::string text;
  std::vector<uint8_t> frame;
  std::string verdict;     // pass | drop
  std::string decided_by;  // a rule id, default, malformed, not-ip
};

struct XdpCase {
  std::string name;
  int line = 0;
  Action default_action = Action::kPass;
  Action malformed_action = Action::kPass;
  std::vector<NetRule> rules;
  std::vector<PacketCase> packets;
};

// Reads a case file; a line it cannot read fails the read with FILE:LINE: why.
Result<std::vector<XdpCase>> read_cases(const std::string& path);

}  // namespace wsn::net::testing
