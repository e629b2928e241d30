// The SDK's example detectors, in every language they are written in (C, C++, hand-written
// WAT, AssemblyScript), on the bundled sample log: each fires on the intrusion and on nothing
// else, and all language versions of a detector agree.
#include <fstream>
#include <set>

#include "collect/replay/jsonl_replay_source.h"
#include "wasm_test_util.h"

namespace wsn::wasm::testing {
namespace {

std::set<std::string> attack_ids() {
  std::set<std::string> ids;
  std::ifstream in(std::string(WSN_SOURCE_DIR) + "/data/sample/attack-event-ids.txt");
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) ids.insert(line);
  }
  return ids;
}

class SdkExamplesTest : public WasmFixture {
 protected:
  void SetUp() override {
    WasmFixture::SetUp();
    auto sample = read_jsonl_file(std::string(WSN_SOURCE_DIR) + "/data/sample/linux-activity.jsonl",
                                  registry_);
    ASSERT_TRUE(sample.ok()) << sample.error().message;
    events_ = std::move(sample.value());
    attack_ = attack_ids();
    ASSERT_GT(attack_.size(), 100u);
  }

  // Event ids each language version of `rule` alerts on, keyed by language.
  std::map<std::string, std::set<std::string>> run(const std::string& rule,
                                                   const std::vector<Event>& events,
                                                   const std::string& config = {}) {
    std::map<std::string, std::set<std::string>> out;
    for (const char* lang : {"c", "cpp", "wat", "as"}) {
      const std::string path = sdk_module(std::string(lang) + "_" + rule);
      if (!std::filesystem::exists(path)) {
        EXPECT_STRNE(lang, "c") << "the C examples are always built";
        continue;
      }
      // The WAT threshold rule has its settings built in (no wsn_init).
      const bool takes_config = std::string(lang) != "wat";
      auto m = load(path, takes_config ? config : std::string());
      if (!m) continue;
      std::vector<WasmRule> rules = {rule_for(m)};
      WasmRules set(std::move(rules), options_);
      auto matcher = set.make_matcher();
      RecordingSink sink;
      for (const Event& e : events) matcher->process(e, sink);
      EXPECT_EQ(matcher->stats().errors, 0u) << path;
      std::set<std::string>& ids = out[lang];
      for (const Detection& d : sink.all) {
        ids.insert(d.event_id);
        EXPECT_FALSE(d.title.empty()) << path << " alerts carry a title";
        EXPECT_TRUE(d.has_severity) << path;
      }
    }
    return out;
  }
  WasmRule rule_for(std::shared_ptr<LoadedModule> m) { return rule(0, std::move(m)); }

  void expect_all_equal(const std::map<std::string, std::set<std::string>>& by_lang) {
    ASSERT_FALSE(by_lang.empty());
    const auto& reference = by_lang.begin()->second;
    for (const auto& [lang, ids] : by_lang) {
      EXPECT_EQ(ids, reference) << lang << " disagrees with " << by_lang.begin()->first;
    }
  }

  std::vector<Event> events_;
  std::set<std::string> attack_;
};

TEST_F(SdkExamplesTest, ReverseShellFiresOnTheIntrusionOnly) {
  auto by_lang = run("reverse_shell", events_);
  for (const auto& [lang, ids] : by_lang) {
    SCOPED_TRACE(lang);
    EXPECT_TRUE(ids.count("evt-001416"));  // nohup bash -c 'bash -i >& /dev/tcp/...'
    EXPECT_TRUE(ids.count("evt-001417"));
    for (const auto& id : ids) EXPECT_TRUE(attack_.count(id)) << "false positive " << id;
  }
  expect_all_equal(by_lang);
}

TEST_F(SdkExamplesTest, FailedSudoThresholdFiresOnceOnPasswordGuessing) {
  // www-data fails sudo five times in 16 s (the attack); admin once and maria twice (benign).
  auto by_lang = run("failed_sudo", events_, "threshold=3 window=60");
  for (const auto& [lang, ids] : by_lang) {
    SCOPED_TRACE(lang);
    EXPECT_EQ(ids, std::set<std::string>{"evt-001472"});  // the third failure within 60 s
    for (const auto& id : ids) EXPECT_TRUE(attack_.count(id)) << "false positive " << id;
  }
  expect_all_equal(by_lang);
  // A lower threshold also catches maria's two mistyped passwords (benign: the rule is only
  // as good as its setting), which shows the config reaches the C/C++/AssemblyScript modules.
  auto lower = run("failed_sudo", events_, "threshold=2 window=60");
  for (const auto& [lang, ids] : lower) {
    if (lang == "wat") continue;
    EXPECT_EQ(ids, (std::set<std::string>{"evt-001467", "evt-002044"})) << lang;
  }
}

TEST_F(SdkExamplesTest, CryptoMinerIsQuietOnTheSampleAndCatchesMiners) {
  auto quiet = run("crypto_miner", events_);
  for (const auto& [lang, ids] : quiet) EXPECT_TRUE(ids.empty()) << lang;

  std::vector<Event> miners;
  miners.push_back(process_event("m1", "exec", "xmrig",
                                 "./xmrig -o stratum+tcp://pool.minexmr.com:4444 -u 4A..."));
  miners.push_back(process_event("m2", "exec", "kworker",
                                 "/tmp/.x/kworker --donate-level 1 -o stratum+ssl://x:3333"));
  miners.push_back(process_event("benign", "exec", "python3", "python3 -m http.server 3333"));
  Event c = process_event("m3", "connection_attempted", "xmrig", "./xmrig --config=c.json");
  c.set_category(categories::kNetwork);
  c.set_int(fields::kDestinationPort, 3333);
  miners.push_back(std::move(c));
  auto caught = run("crypto_miner", miners);
  for (const auto& [lang, ids] : caught) {
    EXPECT_EQ(ids, (std::set<std::string>{"m1", "m2", "m3"})) << lang;
  }
}

}  // namespace
}  // namespace wsn::wasm::testing
