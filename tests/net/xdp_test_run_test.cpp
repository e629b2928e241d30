// The XDP filter loaded into this kernel, packets run through it with BPF_PROG_TEST_RUN:
// every rule shape from tests/net/data/xdp_cases.txt (IPv4/IPv6, overlapping CIDRs and
// priorities, ports and ranges, each protocol, the default action, VLANs, extension headers,
// fragments, truncated and malformed frames), then random rule sets against the reference
// semantics. Root only.
#include <gtest/gtest.h>
#include <unistd.h>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "case_file.h"
#include "net/rule_table.h"
#include "net/xdp_filter.h"
#include "random_rules.h"

namespace wsn::net {
namespace {

std::string skip_reason() {
  if (geteuid() != 0) return "needs root (loads an XDP program); run the suite as root";
  return "";
}

// A filter pinned in a directory of its own, removed afterwards.
class PinnedFilter {
 public:
  PinnedFilter() : dir_("/sys/fs/bpf/wsn-test-" + std::to_string(getpid())) {
    (void)XdpFilter::remove(dir_);
  }
  ~PinnedFilter() { (void)XdpFilter::remove(dir_); }
  Result<XdpFilter> open() { return XdpFilter::open(dir_, true); }

 private:
  std::string dir_;
};

std::string who(const XdpFilter& f, const TestVerdict& v) {
  switch (v.by) {
    case TestVerdict::By::kDefault:
      return "default";
    case TestVerdict::By::kMalformed:
      return "malformed";
    case TestVerdict::By::kNotIp:
      return "not-ip";
    case TestVerdict::By::kBlock:
      return "block";
    case TestVerdict::By::kRule:
      break;
  }
  auto rules = f.stored_rules();
  for (const StoredRule& s : rules.value())
    if (s.slot == v.slot) return std::to_string(s.rule.id);
  return "slot " + std::to_string(v.slot);
}

TEST(XdpTestRun, DeclarativeCases) {
  if (auto why = skip_reason(); !why.empty()) GTEST_SKIP() << why;
  auto cases = testing::read_cases(WSN_SOURCE_DIR "/tests/net/data/xdp_cases.txt");
  ASSERT_TRUE(cases.ok()) << cases.error().message;
  ASSERT_GE(cases->size(), 10u);
  PinnedFilter pinned;
  auto filter = pinned.open();
  ASSERT_TRUE(filter.ok()) << filter.error().message;
  RuleTable table(filter.value());
  for (const testing::XdpCase& c : cases.value()) {
    SCOPED_TRACE("case '" + c.name + "' (xdp_cases.txt:" + std::to_string(c.line) + ")");
    ASSERT_TRUE(table.clear().ok());  // fresh slots: each case's counters start at zero
    ASSERT_TRUE(table.replace(c.rules).ok());
    FilterSettings s;
    s.default_action = c.default_action;
    s.malformed_action = c.malformed_action;
    ASSERT_TRUE(filter->set_settings(s).ok());
    std::map<uint32_t, uint64_t> expected_hits;
    for (const testing::PacketCase& p : c.packets) {
      auto v = filter->test_run(p.frame);
      ASSERT_TRUE(v.ok()) << v.error().message;
      std::string verdict = v->xdp_action == 1 ? "drop" : v->xdp_action == 2 ? "pass" : "?";
      EXPECT_EQ(verdict + " by " + who(filter.value(), v.value()),
                p.verdict + " by " + p.decided_by)
          << "xdp_cases.txt:" << p.line << ": " << p.text;
      if (std::isdigit(static_cast<unsigned char>(p.decided_by[0])))
        ++expected_hits[static_cast<uint32_t>(std::stoul(p.decided_by))];
    }
    // Per-rule counters count exactly the packets each rule decided.
    auto stored = filter->stored_rules();
    for (const StoredRule& r : stored.value())
      EXPECT_EQ(filter->rule_counter(r.slot)->packets, expected_hits[r.rule.id])
          << "rule " << r.rule.id;
  }
}

TEST(XdpTestRun, KernelAgreesWithTheReferenceOnRandomRuleSets) {
  if (auto why = skip_reason(); !why.empty()) GTEST_SKIP() << why;
  PinnedFilter pinned;
  auto filter = pinned.open();
  ASSERT_TRUE(filter.ok()) << filter.error().message;
  RuleTable table(filter.value());
  testing::RandomNet gen(7);
  size_t decided = 0, checked = 0;
  for (int round = 0; round < 25; ++round) {
    std::vector<NetRule> rules = gen.rule_set(round, 10);
    if (!table.replace(rules).ok()) continue;  // too many shapes
    for (int k = 0; k < 120; ++k) {
      PacketSpec spec = gen.packet();
      const NetRule* want = first_match(rules, fields_of(spec));
      auto v = filter->test_run(build_frame(spec));
      ASSERT_TRUE(v.ok());
      ++checked;
      std::string got = who(filter.value(), v.value());
      ASSERT_EQ(got, want ? std::to_string(want->id) : "default")
          << "round " << round << " packet " << k << (want ? ": " + want->to_string() : "");
      if (want) {
        ++decided;
        EXPECT_EQ(v->xdp_action, want->action == Action::kDrop ? 1u : 2u);
      }
    }
  }
  EXPECT_GT(checked, 2000u);
  EXPECT_GT(decided, 500u);
}

TEST(XdpTestRun, RuleSetSwapKeepsCountersOfKeptRules) {
  if (auto why = skip_reason(); !why.empty()) GTEST_SKIP() << why;
  PinnedFilter pinned;
  auto filter = pinned.open();
  ASSERT_TRUE(filter.ok());
  RuleTable table(filter.value());
  NetRule drop;
  drop.src = parse_cidr("10.0.0.0/8").value();
  drop.action = Action::kDrop;
  auto id = table.add(drop);
  ASSERT_TRUE(id.ok());
  PacketSpec p;
  p.src = parse_address("10.2.3.4")->addr;
  p.dst = parse_address("10.9.9.9")->addr;
  p.dport = 80;
  for (int i = 0; i < 3; ++i) ASSERT_EQ(filter->test_run(build_frame(p))->xdp_action, 1u);
  NetRule other;
  other.dst = parse_cidr("192.168.0.0/16").value();
  other.action = Action::kDrop;
  ASSERT_TRUE(table.add(other).ok());  // a second whole set is compiled and swapped in
  auto rules = filter->stored_rules();
  ASSERT_EQ(rules->size(), 2u);
  for (const StoredRule& r : rules.value())
    EXPECT_EQ(filter->rule_counter(r.slot)->packets, r.rule.id == id.value() ? 3u : 0u);
  ASSERT_TRUE(table.remove(id.value()).ok());
  EXPECT_EQ(filter->test_run(build_frame(p))->by, TestVerdict::By::kDefault);
  auto missing = table.remove(id.value());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message,
            "no rule with id " + std::to_string(id.value()) + " (`net rule list`)");
}

}  // namespace
}  // namespace wsn::net

namespace wsn::net {
namespace {

std::string capture(const std::string& cmd, int& rc) {
  std::string out;
  FILE* p = popen((cmd + " 2>/dev/null").c_str(), "r");
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  rc = WEXITSTATUS(pclose(p));
  return out;
}

TEST(XdpCliInspect, PrintsTheDecidingRuleAndRunsInspectorsOnInspectVerdicts) {
  if (auto why = skip_reason(); !why.empty()) GTEST_SKIP() << why;
  const std::string pin = "--pin-dir /sys/fs/bpf/wsn-cli-" + std::to_string(getpid());
  const std::string cli = WSN_CLI;
  int rc = 0;
  EXPECT_EQ(
      capture(cli + " net rule add --id 4 --dport 8080 --proto tcp --action inspect " + pin, rc),
      "4\n");
  ASSERT_EQ(rc, 0);
  capture(cli + " net rule add --id 5 --src 192.0.2.0/24 --action drop --priority 1 " + pin, rc);
  const std::string dir = "/tmp/wsn-cli-inspect-" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/inspector.yml")
      << "id: inspector.payload\nname: Exploit payload\ntype: wasm\n"
         "severity: critical\nmodule: " WSN_SDK_OUT "/c_payload_signature.wasm\n";
  // "GET /?q=${jndi:x}" in hex
  std::string hex;
  for (unsigned char c : std::string("GET /?q=${jndi:x}")) {
    char b[3];
    std::snprintf(b, sizeof b, "%02x", c);
    hex += b;
  }
  std::string out =
      capture(cli +
                  " net inspect --src 10.7.7.7 --dst 10.0.0.5 --proto tcp --sport 4000 "
                  "--dport 8080 --payload " +
                  hex + " -r " + dir + " " + pin,
              rc);
  EXPECT_EQ(rc, 0);
  EXPECT_NE(out.find("verdict: pass (action inspect), decided by rule 4 (--id 4 --priority 1000 "
                     "--dport 8080 --proto tcp --action inspect)\ninspectors: 1 alert(s):\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("\"rule\":{\"id\":\"inspector.payload\""), std::string::npos) << out;
  out = capture(
      cli + " net inspect --src 192.0.2.9 --dst 10.0.0.5 --proto udp --dport 53 --json " + pin, rc);
  EXPECT_EQ(
      out,
      "{\"verdict\":\"drop\",\"action\":\"drop\",\"decided_by\":\"rule 5 (--id 5 --priority 1 "
      "--src 192.0.2.0/24 --action drop)\"}\n");
  out = capture(cli + " net inspect --src 10.0.0.1 --dst ::1 --proto tcp " + pin + " 2>&1", rc);
  EXPECT_EQ(rc, 2);
  capture(cli + " net unload " + pin, rc);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace wsn::net
