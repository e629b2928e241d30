#include "collect/ebpf/dns_message.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace wsn::collect {
namespace {

using Bytes = std::vector<uint8_t>;

// A response to `name` (labels), type `qtype`, with `answers` (each a complete RR).
Bytes response(std::initializer_list<const char*> labels, uint16_t qtype, uint16_t ancount,
               const Bytes& answers, uint16_t flags = 0x8180) {
  Bytes m = {0x12, 0x34, static_cast<uint8_t>(flags >> 8), static_cast<uint8_t>(flags), 0, 1,
             static_cast<uint8_t>(ancount >> 8), static_cast<uint8_t>(ancount), 0, 0, 0, 0};
  for (const char* l : labels) {
    m.push_back(static_cast<uint8_t>(std::strlen(l)));
    m.insert(m.end(), l, l + std::strlen(l));
  }
  m.push_back(0);
  m.insert(m.end(), {static_cast<uint8_t>(qtype >> 8), static_cast<uint8_t>(qtype), 0, 1});
  m.insert(m.end(), answers.begin(), answers.end());
  return m;
}

// An A record whose owner is a pointer to the question (offset 12), RFC 1035 §4.1.4.
Bytes a_record(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return {0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, a, b, c, d};
}

TEST(DnsMessage, QuestionAndAddressAnswersThroughCompressionPointers) {
  Bytes ans = a_record(10, 9, 8, 7);
  const Bytes cname = {0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 2, 0xc0, 12};  // skipped
  ans.insert(ans.end(), cname.begin(), cname.end());
  const Bytes second = a_record(192, 0, 2, 1);
  ans.insert(ans.end(), second.begin(), second.end());
  DnsResponse r;
  std::string why;
  ASSERT_TRUE(parse_dns_response(response({"wsn", "example", "xyz"}, 1, 3, ans), r, why)) << why;
  EXPECT_EQ(r.question, "wsn.example.xyz");
  EXPECT_EQ(r.qtype, "A");
  EXPECT_EQ(r.rcode, "NOERROR");
  EXPECT_EQ(r.resolved_ips, (std::vector<std::string>{"10.9.8.7", "192.0.2.1"}));
}

TEST(DnsMessage, AaaaNxdomainAndUnknownTypes) {
  const Bytes aaaa = {0xc0, 12, 0, 28, 0, 1, 0, 0, 0, 60, 0, 16, 0x20, 0x01, 0x0d, 0xb8,
                      0,    0,  0, 0,  0, 0, 0, 0, 0, 0,  0, 1};
  DnsResponse r;
  std::string why;
  ASSERT_TRUE(parse_dns_response(response({"v6", "test"}, 28, 1, aaaa), r, why)) << why;
  EXPECT_EQ(r.resolved_ips, (std::vector<std::string>{"2001:db8::1"}));
  ASSERT_TRUE(parse_dns_response(response({"nope", "test"}, 1, 0, {}, 0x8183), r, why));
  EXPECT_EQ(r.rcode, "NXDOMAIN");
  EXPECT_TRUE(r.resolved_ips.empty());
  ASSERT_TRUE(parse_dns_response(response({"x"}, 4242, 0, {}), r, why));
  EXPECT_TRUE(r.qtype.empty());
  EXPECT_EQ(r.qtype_text, "4242");
}

TEST(DnsMessage, HostileMessagesAreRefusedNeverOverread) {
  DnsResponse r;
  std::string why;
  EXPECT_FALSE(parse_dns_response(Bytes{1, 2, 3}, r, why));
  EXPECT_EQ(why, "shorter than a DNS header");
  EXPECT_FALSE(parse_dns_response(response({"q"}, 1, 0, {}, 0x0100), r, why));  // a query
  EXPECT_EQ(why, "a query, not a response");
  // A pointer to itself (a loop), a forward pointer, a label running off the end.
  Bytes loop = {0, 0, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1};
  EXPECT_FALSE(parse_dns_response(loop, r, why));
  Bytes forward = {0, 0, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 20, 0, 1, 0, 1};
  EXPECT_FALSE(parse_dns_response(forward, r, why));
  Bytes overrun = {0, 0, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 60, 'a', 'b'};
  EXPECT_FALSE(parse_dns_response(overrun, r, why));
  EXPECT_EQ(why, "malformed question name");
  // An answer cut by the capture limit: the complete answers before it are kept.
  Bytes ans = a_record(10, 0, 0, 1);
  const Bytes cut = {0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10};
  ans.insert(ans.end(), cut.begin(), cut.end());
  ASSERT_TRUE(parse_dns_response(response({"cut"}, 1, 2, ans), r, why)) << why;
  EXPECT_EQ(r.resolved_ips, (std::vector<std::string>{"10.0.0.1"}));
  // Every prefix of a valid message: refused or parsed, never a crash (ASan checks reads).
  const Bytes full = response({"a", "b", "c"}, 1, 1, a_record(1, 2, 3, 4));
  for (size_t n = 0; n <= full.size(); ++n) {
    parse_dns_response(std::span<const uint8_t>(full.data(), n), r, why);
  }
}

}  // namespace
}  // namespace wsn::collect
