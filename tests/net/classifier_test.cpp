// The compiled classifier (LPM tries + tuple space) against the reference semantics
// (first_match: lowest priority, then lowest id) — the same algorithm the XDP program runs.
#include "net/classifier.h"

#include <gtest/gtest.h>

#include "random_rules.h"

namespace wsn::net {
namespace {

TEST(PortBlocks, CoverExactlyTheRange) {
  const PortRange ranges[] = {{80, 80},   {80, 90},   {0, 1023},      {1024, 65535},
                              {1, 65534}, {0, 65535}, {65535, 65535}, {3, 4}};
  for (PortRange r : ranges) {
    std::vector<int> hits(65536, 0);
    for (auto [value, mask] : port_blocks(r)) {
      EXPECT_EQ(value & ~mask & 0xffff, 0) << r.to_string();
      for (uint32_t p = 0; p < 65536; ++p)
        if ((p & mask) == value) ++hits[p];
    }
    for (uint32_t p = 0; p < 65536; ++p)
      ASSERT_EQ(hits[p], (p >= r.lo && p <= r.hi) ? 1 : 0) << r.to_string() << " port " << p;
  }
  EXPECT_EQ(port_blocks({1024, 65535}).size(), 6u);
  EXPECT_EQ(port_blocks({1, 65534}).size(), 30u);
}

std::vector<SlottedRule> slotted(const std::vector<NetRule>& rules) {
  std::vector<SlottedRule> out;
  for (uint32_t i = 0; i < rules.size(); ++i) out.push_back({rules[i], i});
  return out;
}

NetRule make(uint32_t id, uint32_t priority, const char* src, Action a) {
  NetRule r;
  r.id = id;
  r.priority = priority;
  r.src = parse_cidr(src).value();
  r.action = a;
  return r;
}

TEST(Classifier, ShorterPrefixWithBetterPriorityWinsOverLongestMatch) {
  // 10.1.0.0/16 is the longest match for 10.1.2.3, but the /8 rule has the better priority:
  // the trie entry of the /16 must carry the /8's verdict.
  std::vector<NetRule> rules = {make(1, 5, "10.0.0.0/8", Action::kDrop),
                                make(2, 50, "10.1.0.0/16", Action::kPass)};
  auto c = compile_rules(slotted(rules));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->tuples.empty());
  PacketFields p;
  p.src = parse_address("10.1.2.3")->addr;
  auto v = classify(c.value(), p);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->slot, 0u);
  EXPECT_EQ(v->action, Action::kDrop);
}

TEST(Classifier, PriorityTiesGoToTheLowerId) {
  std::vector<NetRule> rules = {make(7, 10, "10.0.0.0/8", Action::kPass),
                                make(3, 10, "10.0.0.0/8", Action::kDrop)};
  auto c = compile_rules(slotted(rules));
  PacketFields p;
  p.src = parse_address("10.9.9.9")->addr;
  EXPECT_EQ(classify(c.value(), p)->action, Action::kDrop);
}

TEST(Classifier, RefusesMoreShapesThanTheFilterWalks) {
  std::vector<NetRule> rules;
  // 1…65534 splits into 30 blocks per range; three ranges on both ports exceed 64 shapes.
  for (uint32_t i = 0; i < 3; ++i) {
    NetRule r;
    r.id = i + 1;
    r.proto = Protocol::kTcp;
    r.sport = {static_cast<uint16_t>(1 + i), 65534};
    r.dport = {1, static_cast<uint16_t>(65534 - i)};
    r.action = Action::kDrop;
    rules.push_back(r);
  }
  auto c = compile_rules(slotted(rules));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("match shapes"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("at most 64"), std::string::npos);
}

TEST(Classifier, AgreesWithTheReferenceOnRandomRuleSets) {
  testing::RandomNet gen(20261207);
  size_t decided = 0;
  for (int round = 0; round < 200; ++round) {
    std::vector<NetRule> rules = gen.rule_set(round, 12);
    auto c = compile_rules(slotted(rules));
    if (!c.ok()) continue;  // too many shapes: covered above
    for (int k = 0; k < 200; ++k) {
      PacketSpec spec = gen.packet();
      PacketFields p = fields_of(spec);
      const NetRule* want = first_match(rules, p);
      auto got = classify(c.value(), p);
      ASSERT_EQ(got.has_value(), want != nullptr) << "round " << round << " packet " << k;
      if (!want) continue;
      ++decided;
      EXPECT_EQ(rules[got->slot].id, want->id) << want->to_string();
      EXPECT_EQ(got->action, want->action);
    }
  }
  EXPECT_GT(decided, 5000u);  // the generator must make rules that match
}

}  // namespace
}  // namespace wsn::net
