// The SDK's packet inspectors (docs/network.md "Inspection") on events shaped as the XDP
// source makes them (tests/wasm/data/inspected-packets.jsonl): each fires exactly on the
// packets labelled with its name (labels.expect) — at its threshold and not below — and on
// nothing an ordinary client sends.
#include <set>

#include "collect/replay/jsonl_replay_source.h"
#include "wasm_test_util.h"

namespace wsn::wasm::testing {
namespace {

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

  std::set<std::string> fired(const std::string& inspector) {
    auto m = load(sdk_module("c_" + inspector));
    EXPECT_TRUE(m) << inspector;
    if (!m) return {};
    std::vector<WasmRule> rules = {rule(0, std::move(m))};
    WasmRules set(std::move(rules), options_);
    auto matcher = set.make_matcher();
    RecordingSink sink;
    for (const Event& e : events_) matcher->process(e, sink);
    EXPECT_EQ(matcher->stats().errors, 0u) << inspector;
    std::set<std::string> ids;
    for (const Detection& d : sink.all) ids.insert(d.event_id);
    return ids;
  }

  std::vector<Event> events_;
};

TEST_F(PacketInspectorsTest, PortScanFiresOnTheTwentyFirstPortOnly) {
  EXPECT_EQ(fired("port_scan"), expected("port_scan"));
  EXPECT_EQ(expected("port_scan").size(), 1u);
}

TEST_F(PacketInspectorsTest, SynFloodFiresWhenTheRatePassesTheLimit) {
  EXPECT_EQ(fired("syn_flood"), expected("syn_flood"));
  EXPECT_EQ(expected("syn_flood").size(), 1u);
}

TEST_F(PacketInspectorsTest, PayloadSignaturesFindJndiAndJsonRpcShells) {
  EXPECT_EQ(fired("payload_signature"), expected("payload_signature"));
  EXPECT_EQ(expected("payload_signature").size(), 3u);
}

TEST_F(PacketInspectorsTest, DnsTunnelFindsEncodedAndOverlongLabels) {
  EXPECT_EQ(fired("dns_tunnel"), expected("dns_tunnel"));
  EXPECT_EQ(expected("dns_tunnel").size(), 2u);
}

}  // namespace
}  // namespace wsn::wasm::testing
