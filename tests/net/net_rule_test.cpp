// Parsing and validation of network rules: every refusal says what is wrong and what is
// expected (docs/network.md "Rules").
#include <gtest/gtest.h>

#include "net/net_rule.h"

namespace wsn::net {
namespace {

TEST(NetRuleParse, CidrsAndAddresses) {
  auto v4 = parse_cidr("192.168.1.0/24");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->family, Family::kV4);
  EXPECT_EQ(v4->len, 24);
  EXPECT_EQ(v4->to_string(), "192.168.1.0/24");
  auto host = parse_cidr("::1");  // a bare address is a host prefix
  ASSERT_TRUE(host.ok());
  EXPECT_EQ(host->family, Family::kV6);
  EXPECT_EQ(host->len, 128);
  EXPECT_EQ(host->to_string(), "::1");
  EXPECT_TRUE(parse_cidr("0.0.0.0/0").ok());
  EXPECT_TRUE(parse_cidr("2001:db8::/32")->contains(parse_cidr("2001:db8:1::/48").value()));
  EXPECT_FALSE(parse_cidr("2001:db8::/32")->contains(parse_cidr("10.0.0.0/8").value()));
}

struct Refusal {
  const char* input;
  const char* message;
};

TEST(NetRuleParse, RefusesBadCidrsWithTheReason) {
  const Refusal cases[] = {
      {"10.0.0.1/8",
       "bad CIDR '10.0.0.1/8': bits are set past the /8 prefix; did you mean 10.0.0.0/8?"},
      {"10.0.0.0/33", "bad CIDR '10.0.0.0/33': the prefix length must be 0-32 for an IPv4 address"},
      {"::/129", "bad CIDR '::/129': the prefix length must be 0-128 for an IPv6 address"},
      {"10.0.0/8",
       "bad CIDR '10.0.0/8': '10.0.0' is not an IPv4 or IPv6 address (expected "
       "ADDRESS or ADDRESS/LEN, e.g. 10.0.0.0/8 or 2001:db8::/32)"},
      {"10.0.0.0/", "bad CIDR '10.0.0.0/': the prefix length must be 0-32 for an IPv4 address"},
  };
  for (const Refusal& c : cases) {
    auto r = parse_cidr(c.input);
    ASSERT_FALSE(r.ok()) << c.input;
    EXPECT_EQ(r.error().message, c.message);
  }
}

TEST(NetRuleParse, PortsProtocolsActions) {
  EXPECT_EQ(parse_port_range("80").value(), (PortRange{80, 80}));
  EXPECT_EQ(parse_port_range("1024-65535").value(), (PortRange{1024, 65535}));
  EXPECT_EQ(parse_port_range("65536").error().message,
            "bad port '65536': not a port number (expected a port 0-65535 or a range LO-HI, e.g. "
            "80 or 1024-65535)");
  EXPECT_EQ(parse_port_range("90-80").error().message,
            "bad port '90-80': the range is reversed (expected a port 0-65535 or a range LO-HI, "
            "e.g. 80 or 1024-65535)");
  EXPECT_FALSE(parse_port_range("-5").ok());
  EXPECT_FALSE(parse_port_range("8o").ok());
  EXPECT_EQ(parse_protocol("icmpv6").value(), Protocol::kIcmpv6);
  EXPECT_EQ(parse_protocol("sctp").error().message,
            "unknown protocol 'sctp' (expected tcp, udp, icmp, icmpv6 or any)");
  EXPECT_EQ(parse_action("inspect").value(), Action::kInspect);
  EXPECT_EQ(parse_action("reject").error().message,
            "unknown action 'reject' (expected pass, drop or inspect)");
}

TEST(NetRuleValidate, RefusesCombinationsNoPacketCanMatch) {
  NetRule mixed;
  mixed.src = parse_cidr("10.0.0.0/8").value();
  mixed.dst = parse_cidr("2001:db8::/32").value();
  EXPECT_EQ(validate_rule(mixed).error().message,
            "--src 10.0.0.0/8 and --dst 2001:db8::/32 are of different address families; a "
            "packet cannot match both");
  NetRule icmp_ports;
  icmp_ports.proto = Protocol::kIcmp;
  icmp_ports.dport = {22, 22};
  EXPECT_EQ(validate_rule(icmp_ports).error().message,
            "--sport/--dport need --proto tcp, udp or any; icmp has no ports");
  NetRule icmp6_v4;
  icmp6_v4.proto = Protocol::kIcmpv6;
  icmp6_v4.src = parse_cidr("10.0.0.0/8").value();
  EXPECT_EQ(validate_rule(icmp6_v4).error().message,
            "--proto icmpv6 is IPv6's; an IPv4 address needs --proto icmp");
  NetRule ok;
  ok.dst = parse_cidr("2001:db8::/32").value();
  ok.dport = {443, 443};
  EXPECT_TRUE(validate_rule(ok).ok());
}

}  // namespace
}  // namespace wsn::net
