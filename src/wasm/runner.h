// The sandbox policy for one rule in one matcher: owns the rule's current instance, its state
// store and host environment, and decides what happens around each call.
//
//  * every call is metered (fuel) and depth-limited by the rewritten code;
//  * a trap discards the instance; the next event gets a fresh one (re-running init);
//  * traps are counted by kind, and so are negative results (an error by the ABI, which does
//    not quarantine); `consecutive_traps` failures in a row, or `rate_failures` among the
//    last `kRateWindow` evaluations, quarantine the rule for a back-off that doubles each time
//    (up to a maximum) and is forgiven after a run of clean calls; a quarantined rule is not
//    called; back-off runs on event time (the newest event time seen), never the wall clock,
//    so replaying a log quarantines exactly where the live run did, on any machine and load;
//  * a failed or skipped evaluation is silent for fail-open rules and a detection (titled with
//    the reason) for fail-closed rules;
//  * the compiled tier replaces the interpreter between two events as soon as it is ready.
//
// Not thread safe (one detection thread).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "wasm/host_env.h"
#include "wasm/module.h"
#include "wasm/options.h"
#include "wasm/state_store.h"
#include "wsn/detector.h"

namespace wsn::wasm {

enum class FailMode : uint8_t { kOpen, kClosed };

struct RuleBinding {
  uint32_t rule_index = 0;
  std::string rule_id;
  FailMode fail = FailMode::kOpen;
};

// Which tiers a runner may use (tests pin one to compare them).
enum class TierChoice : uint8_t { kBest, kInterpreterOnly, kCompiledOnly };

struct RunnerStats {
  uint64_t calls = 0;    // wsn_on_event + wsn_tick calls made
  uint64_t matches = 0;  // detections reported (alerts and plain matches)
  uint64_t traps = 0;
  std::array<uint64_t, kTrapKindCount> traps_by_kind{};
  uint64_t init_failures = 0;  // instantiations or init sequences that failed
  uint64_t instantiations = 0;
  uint64_t quarantines = 0;
  uint64_t skipped = 0;      // events not evaluated (quarantine, no instance)
  uint64_t fail_closed = 0;  // detections raised by the fail-closed policy
  uint64_t tier_switches = 0;
  uint64_t fuel_used = 0;
  uint64_t dropped_logs = 0;
  uint64_t state_evictions = 0;
  std::array<uint64_t, kRuleErrorKindCount> errors{};  // traps and negative results, by kind
  bool quarantined = false;
  Tier tier = Tier::kInterpreter;
};

// The error kind (metric label) of a trap kind.
RuleErrorKind error_kind(TrapKind k);

// Module text made safe for a log line: backslash, newline, carriage return and tab as \\,
// \n, \r, \t, other control bytes as \xNN; at most `cap` bytes of escaped text, then
// "...[truncated]".
inline constexpr size_t kMaxLogLineBytes = 1024;
std::string escape_module_text(std::string_view text, size_t cap);

// What the last wsn_on_event call did (for differential tests).
struct CallTrace {
  bool called = false;
  TrapKind trap = TrapKind::kNone;
  std::string trap_detail;  // Instance::trap_message(): the same in both tiers
  int32_t result = 0;
  int64_t fuel_used = 0;
  size_t alerts = 0;
};

class ModuleRunner {
 public:
  ModuleRunner(std::shared_ptr<const LoadedModule> module, RuleBinding binding,
               const WasmOptions& options, TierChoice choice = TierChoice::kBest);
  ~ModuleRunner();
  ModuleRunner(const ModuleRunner&) = delete;
  ModuleRunner& operator=(const ModuleRunner&) = delete;

  void process(const Event& e, MatchSink& sink);
  // Live events (default): calls get the wall-clock deadlines of SandboxLimits; recorded
  // ones: fuel alone bounds a call, so replay never depends on the machine's speed.
  void set_live_events(bool live) { live_ = live; }

  const RunnerStats& stats() const { return stats_; }
  const CallTrace& last_call() const { return last_; }
  const LoadedModule& module() const { return *module_; }
  const RuleBinding& binding() const { return binding_; }
  const std::string& last_error() const { return last_error_; }
  const std::vector<EmittedAlert> last_alerts() const;

 private:
  bool ensure_instance(const Event& e, MatchSink& sink);
  void maybe_switch_tier();
  // Creates and initialises an instance; a failure counts against the rule if `count_failure`.
  bool start(Tier tier, bool count_failure);
  void on_failure(TrapKind kind, const std::string& message);
  // Records one evaluation's outcome in the rate window; true when the rate quarantines.
  bool record_outcome(bool failed);
  void quarantine(const std::string& why);
  void fail_policy(const Event& e, MatchSink& sink, const std::string& reason);
  void report(const Event& e, MatchSink& sink);
  // One wsn_on_event / wsn_tick call under the fuel budget and, on live events, the deadline;
  // a deadline trap is reported to the sink as a live decision, and a recorded one replayed.
  // The trap detail goes to call_detail_.
  CallResult guarded_call(Export which, uint64_t arg, const Event& e, MatchSink& sink);
  int64_t now_ms() const;  // the event clock (or the injected one)
  void advance_clock(const Event& e);

  std::shared_ptr<const LoadedModule> module_;
  RuleBinding binding_;
  const WasmOptions& options_;
  TierChoice choice_;
  StateStore state_;
  HostEnv env_;
  std::unique_ptr<Instance> instance_;
  uint32_t buffer_ = 0;
  uint32_t buffer_size_ = 0;
  bool compiled_broken_ = false;
  int64_t next_tick_ns_ = 0;
  bool live_ = true;
  std::string call_detail_;

  uint32_t consecutive_failures_ = 0;
  uint32_t history_ = 0;  // the last kRateWindow evaluations, newest in bit 0: 1 = failed
  uint32_t clean_calls_ = 0;
  uint32_t backoff_ms_ = 0;
  int64_t quarantine_until_ms_ = 0;
  int64_t event_ms_ = 0;  // newest event time seen, in ms (advance_clock)
  RunnerStats stats_;
  CallTrace last_;
  std::string last_error_;
};

}  // namespace wsn::wasm
