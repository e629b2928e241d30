// The SDK's packet inspectors (docs/network.md "Inspection") on events shaped as the XDP
// source makes them (tests/wasm/data/inspected-packets.jsonl): each fires exactly on the
// packets labelled with its name (labels.expect) — at its threshold and not below — and on
// nothing an ordinary client sends. Every language version that was built (C always,
// AssemblyScript when its compiler is installed) gives exactly the same verdicts, with the
// same alert text.
#include <map>
#include <set>

#include "collect/replay/jsonl_replay_source.h"
#include "wasm_test_util.h"

namespace wsn::wasm::testing {
namespace {

// Event id -> "title | details" of the alerts one language version raised.
using Alerts = std::map<std::string, std::string>;

class PacketInspectorsTest : public WasmFixture {
 protected:
  void SetUp() override {
    WasmFixture::SetUp();
    auto log = read_jsonl_file(
        std::string(WSN_SOURCE_DIR) + "/tests/wasm/data/inspected-packets.jsonl", registry_);
    ASSERT_TRUE(log.ok()) << log.error().message;
    events_ = std::move(log.value());
    ASSERT_GT(events_.size(), 250u);
  }

  std::set<std::string> expected(const std::string& inspector) {
    std::set<std::string> ids;
    const FieldId expect = registry_.find("labels.expect");
    for (const Event& e : events_) {
      FieldView v, id;
      if (e.get(expect, v) && v.s == inspector && e.get(fields::kEventId, id))
        ids.insert(std::string(id.s));
    }
    return ids;
  }

  // The alerts of each built language version of `inspector` over `events`, by language.
  std::map<std::string, Alerts> run(const std::string& inspector, const std::vector<Event>& events,
                                    const std::string& config = {}) {
    std::map<std::string, Alerts> out;
    for (const char* lang : {"c", "as"}) {
      const std::string path = sdk_module(std::string(lang) + "_" + inspector);
      if (!std::filesystem::exists(path)) {
        EXPECT_STRNE(lang, "c") << "the C inspectors are always built";
        continue;
      }
      auto m = load(path, config);
      if (!m) continue;
      std::vector<WasmRule> rules = {rule(0, std::move(m))};
      WasmRules set(std::move(rules), options_);
      auto matcher = set.make_matcher();
      RecordingSink sink;
      for (const Event& e : events) matcher->process(e, sink);
      EXPECT_EQ(matcher->stats().errors, 0u) << path;
      Alerts& alerts = out[lang];
      for (const Detection& d : sink.all) {
        EXPECT_FALSE(d.title.empty()) << path << " alerts carry a title";
        EXPECT_TRUE(d.has_severity) << path;
        EXPECT_TRUE(alerts.emplace(d.event_id, d.title + " | " + d.details).second)
            << path << " fired twice on " << d.event_id;
      }
    }
    EXPECT_TRUE(out.count("c")) << inspector;
    return out;
  }

  static std::set<std::string> ids(const Alerts& alerts) {
    std::set<std::string> out;
    for (const auto& [id, text] : alerts) out.insert(id);
    return out;
  }

  // Every language version fires on exactly `want`, with the C version's alert text.
  void expect_verdicts(const std::map<std::string, Alerts>& by_lang,
                       const std::set<std::string>& want) {
    ASSERT_TRUE(by_lang.count("c"));
    const Alerts& reference = by_lang.at("c");
    for (const auto& [lang, alerts] : by_lang) {
      EXPECT_EQ(ids(alerts), want) << lang;
      EXPECT_EQ(alerts, reference) << lang << " disagrees with c";
    }
  }

  // Each built language version agrees with C, and the set differs from the default one (so
  // the configuration reached every module).
  void expect_config_reaches_all(const std::string& inspector, const std::string& config) {
    auto by_lang = run(inspector, events_, config);
    ASSERT_TRUE(by_lang.count("c"));
    const std::set<std::string> c_ids = ids(by_lang.at("c"));
    EXPECT_NE(c_ids, expected(inspector)) << config;
    expect_verdicts(by_lang, c_ids);
  }

  std::vector<Event> events_;
};

TEST_F(PacketInspectorsTest, PortScanFiresOnTheTwentyFirstPortOnly) {
  expect_verdicts(run("port_scan", events_), expected("port_scan"));
  EXPECT_EQ(expected("port_scan").size(), 1u);
}

TEST_F(PacketInspectorsTest, SynFloodFiresWhenTheRatePassesTheLimit) {
  expect_verdicts(run("syn_flood", events_), expected("syn_flood"));
  EXPECT_EQ(expected("syn_flood").size(), 1u);
}

TEST_F(PacketInspectorsTest, PayloadSignaturesFindJndiAndJsonRpcShells) {
  expect_verdicts(run("payload_signature", events_), expected("payload_signature"));
  EXPECT_EQ(expected("payload_signature").size(), 3u);
}

TEST_F(PacketInspectorsTest, DnsTunnelFindsEncodedAndOverlongLabels) {
  expect_verdicts(run("dns_tunnel", events_), expected("dns_tunnel"));
  EXPECT_EQ(expected("dns_tunnel").size(), 2u);
}

TEST_F(PacketInspectorsTest, ConfigurationReachesEveryLanguageVersion) {
  expect_config_reaches_all("port_scan", "ports=5 window=10");
  expect_config_reaches_all("syn_flood", "rate=20");
  expect_config_reaches_all("dns_tunnel", "label=20 length=10 entropy=300");
}

TEST_F(PacketInspectorsTest, EveryLanguageVersionRefusesABadConfiguration) {
  for (const char* inspector : {"port_scan", "syn_flood", "dns_tunnel"}) {
    for (const char* lang : {"c", "as"}) {
      const std::string path = sdk_module(std::string(lang) + "_" + inspector);
      if (!std::filesystem::exists(path)) continue;
      load_error(path, "bogus=1");
      load_error(path, "window=");
    }
  }
}

// A port scan from an IPv6 source: the alert names the address in hex groups, identically in
// every language version.
TEST_F(PacketInspectorsTest, PortScanFromAnIpv6Source) {
  IpAddress src, dst;
  ASSERT_TRUE(IpAddress::parse("2001:db8::7", src));
  ASSERT_TRUE(IpAddress::parse("2001:db8::5", dst));
  const FieldId flags = registry_.find("wsn.packet.tcp_flags");
  std::vector<Event> scan;
  for (int k = 0; k < 30; ++k) {
    Event e;
    e.set_category(categories::kNetwork);
    e.set_string(fields::kEventId, "v6-" + std::to_string(k));
    e.set_timestamp(fields::kTimestamp, 1'700'000'000'000'000'000 + k * 1'000'000);
    e.set_ip(fields::kSourceIp, src);
    e.set_ip(fields::kDestinationIp, dst);
    e.set_int(fields::kDestinationPort, 1000 + k);
    e.set_string(fields::kNetworkTransport, "tcp");
    e.set_int(flags, 2);
    scan.push_back(std::move(e));
  }
  auto by_lang = run("port_scan", scan);
  expect_verdicts(by_lang, {"v6-20"});
  EXPECT_EQ(by_lang["c"]["v6-20"],
            "Port scan | TCP SYNs from 2001:0db8:0000:0000:0000:0000:0000:0007 to more than 20 "
            "ports");
}

// A DNS query (UDP to port 53) for `name` (dot-separated labels), as wsn.packet.payload.
Event dns_query(FieldRegistry& registry, const std::string& id, const std::string& name,
                bool response = false) {
  std::string p = {'\x12', '\x34', response ? '\x81' : '\x01', '\x00', 0, 1, 0, 0, 0, 0, 0, 0};
  size_t start = 0;
  for (;;) {
    const size_t dot = name.find('.', start);
    const std::string label = name.substr(start, dot == std::string::npos ? dot : dot - start);
    p += static_cast<char>(label.size());
    p += label;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  p += std::string("\0\0\x01\0\x01", 5);  // end of name, QTYPE A, QCLASS IN
  Event e;
  e.set_category(categories::kNetwork);
  e.set_string(fields::kEventId, id);
  e.set_timestamp(fields::kTimestamp, 1'700'000'000'000'000'000);
  e.set_string(fields::kNetworkTransport, "udp");
  e.set_int(fields::kDestinationPort, 53);
  e.set_string(registry.find("wsn.packet.payload"), p);
  return e;
}

// The entropy threshold on both sides of exact values: 32 distinct characters are 5.00 bits
// each; three characters ten times each are log2(3) = 1.585 bits, which the C version's
// repeated squaring (7 fraction bits) makes 1.57 — the AssemblyScript version must too, not
// Math.log2's 1.58.
TEST_F(PacketInspectorsTest, DnsTunnelEntropyThresholdsAreExact) {
  std::vector<Event> q;
  q.push_back(dns_query(registry_, "distinct32", "abcdefghijklmnopqrstuvwxyz012345.example.com"));
  q.push_back(dns_query(registry_, "three", "aaaaaaaaaabbbbbbbbbbcccccccccc.example.com"));
  q.push_back(dns_query(registry_, "long", std::string(41, 'w') + ".example.com"));
  q.push_back(dns_query(registry_, "reply", "abcdefghijklmnopqrstuvwxyz012345.example.com", true));
  q.push_back(dns_query(registry_, "words", "mail.example.com"));
  expect_verdicts(run("dns_tunnel", q), {"distinct32", "long"});
  expect_verdicts(run("dns_tunnel", q, "entropy=500"), {"distinct32", "long"});
  expect_verdicts(run("dns_tunnel", q, "entropy=501"), {"long"});
  expect_verdicts(run("dns_tunnel", q, "length=33"), {"long"});
  expect_verdicts(run("dns_tunnel", q, "entropy=157"), {"distinct32", "three", "long"});
  expect_verdicts(run("dns_tunnel", q, "entropy=158"), {"distinct32", "long"});
  expect_verdicts(run("dns_tunnel", q, "label=41"), {"distinct32"});
}

}  // namespace
}  // namespace wsn::wasm::testing
