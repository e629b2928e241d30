// Wasm rules through the whole engine (rule files → detection → alert manager → sink): a
// module's own alert title, details and severity reach the alert JSON, and the per-rule
// evaluation and per-module trap/quarantine counters reach the metrics registry.
#include <simdjson.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "collect/replay/jsonl_replay_source.h"
#include "engine/engine.h"
#include "event/json_writer.h"
#include "wasm_test_util.h"

namespace wsn::wasm::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSample = WSN_SOURCE_DIR "/data/sample/linux-activity.jsonl";

class JsonCapture final : public AlertSink {
 public:
  explicit JsonCapture(std::vector<std::string>& out) : out_(out) {}
  std::string_view name() const override { return "capture"; }
  bool write(const Alert&, std::string_view json) override {
    out_.emplace_back(json);
    return true;
  }

 private:
  std::vector<std::string>& out_;
};

class EngineWasmTest : public WasmFixture {
 protected:
  void SetUp() override {
    WasmFixture::SetUp();
    dir_ = cache_dir_ / "rules";
    fs::create_directories(dir_);
    // The engine builds its Wasm rule kind from the default options, which read these.
    ::setenv("WSN_WASM_HELPER", WSN_WASM_HELPER_PATH, 1);
    ::setenv("WSN_WASM_CACHE_DIR", (cache_dir_ / "cache").c_str(), 1);
    ::setenv("WSN_WASM_TIER", "interp", 1);
  }
  void TearDown() override {
    ::unsetenv("WSN_WASM_HELPER");
    ::unsetenv("WSN_WASM_CACHE_DIR");
    ::unsetenv("WSN_WASM_TIER");
    WasmFixture::TearDown();
  }

  void write_rule(const std::string& file, const std::string& id, const std::string& module,
                  const std::string& severity) {
    std::ofstream(dir_ / file) << "id: " << id << "\nname: " << id
                               << " rule\nseverity: " << severity
                               << "\ntype: wasm\nmodule: " << module << "\n";
  }

  fs::path dir_;
};

uint64_t counter(Engine& engine, const char* name, const std::string& rule) {
  return engine.metrics().counter(name, "", {"rule"}).with({rule}).value();
}

TEST_F(EngineWasmTest, ModuleTitleDetailsSeverityAndCountersReachAlertsAndMetrics) {
  write_rule("shell.yml", "t.shell", sdk_module("c_reverse_shell"), "low");
  write_rule("loop.yml", "t.loop", std::string(WSN_WASM_TEST_MODULES) + "/loop.wasm", "medium");

  EngineOptions options;
  options.rule_paths = {dir_.string()};
  Engine engine(options);
  std::vector<std::string> errors;
  engine.load_rules(errors);
  ASSERT_TRUE(errors.empty()) << errors.front();
  std::vector<std::string> alerts;
  engine.alerts().add_sink(std::make_unique<JsonCapture>(alerts));
  JsonlReplaySource source(kSample, engine.registry());
  RunStats stats;
  ASSERT_TRUE(engine.run(source, stats).ok());

  // The reverse-shell module fires on the three reverse shells of the sample, with its own
  // title, its own reason as details and its own severity (high; the rule file says low).
  simdjson::dom::parser parser;
  std::vector<std::string> details;
  for (const auto& json : alerts) {
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
    ASSERT_EQ(std::string_view(doc["rule"]["id"]), "t.shell") << json;
    EXPECT_EQ(std::string_view(doc["message"]), "Reverse shell command line");
    EXPECT_EQ(std::string_view(doc["event"]["severity_label"]), "high");
    EXPECT_EQ(int64_t(doc["event"]["severity"]), 73);
    details.emplace_back(std::string_view(doc["alert"]["details"]));
  }
  ASSERT_EQ(alerts.size(), 3u);
  for (const auto& d : details) EXPECT_FALSE(d.empty());
  EXPECT_EQ(engine.metrics()
                .counter("wsn_alerts_total", "", {"rule", "severity"})
                .with({"t.shell", "high"})
                .value(),
            3u);

  // Evaluations per rule: the module declares the process category, so it was called once
  // for every process event of the log.
  auto events = read_jsonl_file(kSample, engine.registry());
  ASSERT_TRUE(events.ok());
  uint64_t process_events = 0;
  for (const Event& e : events.value()) process_events += e.category() == categories::kProcess;
  EXPECT_EQ(counter(engine, "wsn_rule_evaluations_total", "t.shell"), process_events);

  // The looping module traps on fuel until it is quarantined; every trap is counted for it.
  const uint64_t traps = counter(engine, "wsn_wasm_traps_total", "t.loop");
  const uint64_t quarantines = counter(engine, "wsn_wasm_quarantines_total", "t.loop");
  EXPECT_GE(traps, 5u);
  EXPECT_GE(quarantines, 1u);
  EXPECT_LE(quarantines * 5, traps);  // quarantine after 5 consecutive traps
  EXPECT_EQ(counter(engine, "wsn_wasm_traps_total", "t.shell"), 0u);
  EXPECT_EQ(stats.detection.matcher.errors, traps);
  // Errors by kind: the loop's traps are all fuel traps.
  auto& by_kind = engine.metrics().counter("wsn_rule_errors_total", "", {"rule", "kind"});
  EXPECT_EQ(by_kind.with({"t.loop", "trap_fuel"}).value(), traps);
  EXPECT_EQ(by_kind.with({"t.loop", "trap_depth"}).value(), 0u);
  EXPECT_EQ(by_kind.with({"t.shell", "negative_result"}).value(), 0u);
}

// Hostile modules beside the bundled rules and a well-behaved module: the bundled rules raise
// exactly the alerts they raise alone, the good module still catches the reverse shells, and
// each hostile module's misbehaviour is in the metrics under its kind.
TEST_F(EngineWasmTest, HostileModulesBesideBundledRulesAreContainedAndCountedByKind) {
  auto run = [&](bool hostile, std::unique_ptr<Engine>& out, std::vector<std::string>& alerts) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    write_rule("shell.yml", "t.shell", sdk_module("c_reverse_shell"), "low");
    if (hostile) {
      for (const char* m : {"state_flood", "state_add_flood", "get_field_flood", "log_flood",
                            "alert_flood", "negative"}) {
        write_rule(std::string(m) + ".yml", std::string("t.") + m,
                   std::string(WSN_WASM_TEST_MODULES) + "/" + m + ".wasm", "medium");
      }
    }
    EngineOptions options;
    options.rule_paths = {dir_.string(), std::string(WSN_SOURCE_DIR) + "/rules"};
    out = std::make_unique<Engine>(options);
    std::vector<std::string> errors;
    out->load_rules(errors);
    ASSERT_TRUE(errors.empty()) << errors.front();
    out->alerts().add_sink(std::make_unique<JsonCapture>(alerts));
    JsonlReplaySource source(kSample, out->registry());
    RunStats stats;
    ASSERT_TRUE(out->run(source, stats).ok());
  };
  std::unique_ptr<Engine> quiet, loud;
  std::vector<std::string> quiet_alerts, loud_alerts;
  run(false, quiet, quiet_alerts);
  run(true, loud, loud_alerts);
  ASSERT_TRUE(quiet && loud);
  ASSERT_FALSE(HasFatalFailure());

  // Alerts of every rule but the hostile ones (whose trapped calls raise nothing).
  auto not_hostile = [](const std::vector<std::string>& all) {
    std::vector<std::string> out;
    for (const auto& a : all) {
      if (a.find("\"id\":\"t.") == std::string::npos ||
          a.find("\"id\":\"t.shell\"") != std::string::npos) {
        out.push_back(a);
      }
    }
    return out;
  };
  const auto expected = not_hostile(quiet_alerts);
  EXPECT_GT(expected.size(), 3u);
  EXPECT_EQ(not_hostile(loud_alerts), expected);

  auto& by_kind = loud->metrics().counter("wsn_rule_errors_total", "", {"rule", "kind"});
  EXPECT_GE(by_kind.with({"t.state_flood", "trap_fuel"}).value(), 5u);
  EXPECT_GE(by_kind.with({"t.log_flood", "trap_fuel"}).value(), 5u);
  EXPECT_GE(by_kind.with({"t.state_add_flood", "trap_fuel"}).value(), 5u);
  EXPECT_GE(by_kind.with({"t.get_field_flood", "trap_fuel"}).value(), 5u);
  EXPECT_GE(by_kind.with({"t.alert_flood", "host_refusal"}).value(), 5u);
  EXPECT_EQ(by_kind.with({"t.negative", "negative_result"}).value(),
            counter(*loud, "wsn_rule_evaluations_total", "t.negative"));
  EXPECT_GT(by_kind.with({"t.negative", "negative_result"}).value(), 0u);
  EXPECT_EQ(by_kind.with({"t.shell", "trap_fuel"}).value(), 0u);
  EXPECT_GT(counter(*loud, "wsn_wasm_log_lines_dropped_total", "t.log_flood"), 0u);
  EXPECT_GE(counter(*loud, "wsn_wasm_quarantines_total", "t.state_flood"), 1u);
}

}  // namespace
}  // namespace wsn::wasm::testing

namespace wsn::wasm::testing {
namespace {

// Stands for a live source (this host's activity): publishes a fixed list of events.
class LiveListSource final : public EventSource {
 public:
  explicit LiveListSource(const std::vector<Event>& events) : events_(events) {}
  std::string_view name() const override { return "live-test"; }
  bool live() const override { return true; }
  Status run(EventWriter& out) override {
    for (const Event& e : events_) {
      out.next() = e;
      out.commit();
    }
    out.flush();
    return {};
  }
  void stop() override {}
  SourceStats stats() const override { return {events_.size(), 0, 0}; }

 private:
  const std::vector<Event>& events_;
};

// A live run's deadline traps are recorded with their events (the engine's tap sees events
// after detection), and replaying the recording raises the same alerts, fail-closed deadline
// alerts included, although a replay applies no deadline.
TEST_F(EngineWasmTest, RecordingOfALiveRunReplaysItsDeadlineDecisions) {
  ::setenv("WSN_WASM_FUEL_PER_EVENT", "2000000", 1);  // ~0.1 s interpreted (1 s with ASan)
  ::setenv("WSN_WASM_DEADLINE_MS", "1", 1);
  std::ofstream(dir_ / "flood.yml") << "id: t.flood\nname: flood\ntype: wasm\nfail: closed\n"
                                    << "module: " << WSN_WASM_TEST_MODULES << "/state_flood.wasm\n";
  FieldRegistry scratch;
  auto sample = read_jsonl_file(kSample, scratch);
  ASSERT_TRUE(sample.ok());
  std::vector<Event> events(sample.value().begin(), sample.value().begin() + 3);

  std::vector<std::string> live_alerts, replay_alerts;
  const fs::path recording = cache_dir_ / "recording.jsonl";
  {
    EngineOptions options;
    options.rule_paths = {dir_.string()};
    std::ofstream out(recording);
    std::string line;
    Engine* engine_ptr = nullptr;
    options.tap = [&](const Event& e) {
      line.clear();
      write_event_json(e, engine_ptr->registry(), line, /*with_live_decisions=*/true);
      out << line << "\n";
    };
    Engine engine(options);
    engine_ptr = &engine;
    std::vector<std::string> errors;
    engine.load_rules(errors);
    ASSERT_TRUE(errors.empty()) << errors.front();
    engine.alerts().add_sink(std::make_unique<JsonCapture>(live_alerts));
    LiveListSource source(events);
    RunStats stats;
    ASSERT_TRUE(engine.run(source, stats).ok());
  }
  ::unsetenv("WSN_WASM_FUEL_PER_EVENT");
  ::unsetenv("WSN_WASM_DEADLINE_MS");
  ASSERT_EQ(live_alerts.size(), 3u);
  for (const std::string& a : live_alerts) {
    EXPECT_NE(a.find("wall-clock deadline exceeded"), std::string::npos) << a;
    EXPECT_EQ(a.find("live_decisions"), std::string::npos) << a;  // never in alerts
  }
  std::ifstream in(recording);
  const std::string recorded((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(recorded.find("\"live_decisions\":[\"t.flood\\tevent\\t"), std::string::npos)
      << recorded.substr(0, 400);
  {
    // The replay runs with the default budgets and no deadline: without the recorded
    // decisions each call would end on its fuel, with another alert title.
    EngineOptions options;
    options.rule_paths = {dir_.string()};
    Engine engine(options);
    std::vector<std::string> errors;
    engine.load_rules(errors);
    ASSERT_TRUE(errors.empty()) << errors.front();
    engine.alerts().add_sink(std::make_unique<JsonCapture>(replay_alerts));
    JsonlReplaySource source(recording.string(), engine.registry());
    RunStats stats;
    ASSERT_TRUE(engine.run(source, stats).ok());
  }
  EXPECT_EQ(live_alerts, replay_alerts);
}

// The same log, rules and configuration give byte-identical alerts, whatever the machine's
// load: a fail-closed module that traps (and is quarantined, then let back) decides on event
// time, never the wall clock. The second replay runs while two threads burn the CPU.
TEST_F(EngineWasmTest, ReplayIsByteIdenticalUnderCpuLoad) {
  std::ofstream(dir_ / "flaky.yml") << "id: t.flaky\nname: flaky\ntype: wasm\nfail: closed\n"
                                    << "module: " << WSN_WASM_TEST_MODULES << "/flaky.wasm\n";
  std::ofstream(dir_ / "negative.yml")
      << "id: t.negative\nname: negative\ntype: wasm\n"
      << "fail: closed\nmodule: " << WSN_WASM_TEST_MODULES << "/negative.wasm\n";
  auto replay = [&](std::vector<std::string>& alerts) {
    EngineOptions options;
    options.rule_paths = {dir_.string(), std::string(WSN_SOURCE_DIR) + "/rules"};
    Engine engine(options);
    std::vector<std::string> errors;
    engine.load_rules(errors);
    ASSERT_TRUE(errors.empty()) << errors.front();
    engine.alerts().add_sink(std::make_unique<JsonCapture>(alerts));
    JsonlReplaySource source(kSample, engine.registry());
    RunStats stats;
    ASSERT_TRUE(engine.run(source, stats).ok());
    // Quarantined, let back after its back-off in event time, quarantined again: the whole
    // replay takes well under the first back-off (1 s) of wall-clock time.
    EXPECT_GE(counter(engine, "wsn_wasm_quarantines_total", "t.flaky"), 2u);
  };
  std::vector<std::string> quiet, loaded;
  replay(quiet);
  std::atomic<bool> stop{false};
  std::vector<std::thread> hogs;
  for (int k = 0; k < 2; ++k) {
    hogs.emplace_back([&stop] {
      volatile uint64_t x = 0;
      while (!stop.load(std::memory_order_relaxed)) x = x + 1;
    });
  }
  replay(loaded);
  stop.store(true);
  for (auto& t : hogs) t.join();
  ASSERT_GT(quiet.size(), 92u) << "bundled alerts plus fail-closed ones";
  EXPECT_EQ(quiet, loaded);
}

}  // namespace
}  // namespace wsn::wasm::testing
