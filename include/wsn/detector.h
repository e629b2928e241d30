// What the detection stage runs. Rule kinds (wsn/rule_kind.h) turn rules into immutable
// CompiledRules objects — one shared by every predicate-IR kind (EQL, Sigma), one per other kind
// (Wasm, plug-ins); a RuleSet snapshot bundles them with their metadata and is swapped
// atomically on reload, so matching never pauses. Mutable evaluation state
// (pending sequences, scratch buffers) lives in a Matcher owned by the detection thread.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wsn/event.h"
#include "wsn/rule.h"

namespace wsn {

// Detail a rule attaches to one detection: a Wasm rule's emit_alert (its own title, details
// and optionally severity), or the reason a fail-closed rule raised an alert. Views are valid
// only during the call.
struct MatchDetail {
  bool has_severity = false;
  Severity severity = Severity::kMedium;
  std::string_view title;
  std::string_view details;
};

// Receives detections. `events` are valid only during the call (one for single-event rules,
// every matched event in order for sequences).
class MatchSink {
 public:
  virtual ~MatchSink() = default;
  virtual void on_match(uint32_t rule_index, std::span<const Event* const> events) = 0;
  // A detection carrying rule-provided detail. The default drops the detail.
  virtual void on_match_detail(uint32_t rule_index, std::span<const Event* const> events,
                               const MatchDetail& detail) {
    (void)detail;
    on_match(rule_index, events);
  }
  // A decision the wall clock made about the live event being evaluated (a Wasm call stopped
  // by its deadline), as one opaque line. The engine stores it with the event in a recording
  // (field wsn.live_decisions), so that replaying the recording reproduces it. Default: dropped.
  virtual void on_live_decision(std::string_view decision) { (void)decision; }
};

struct MatcherStats {
  uint64_t evaluations = 0;            // rule evaluations performed
  uint64_t pending_sequences = 0;      // partial sequence matches held now
  uint64_t evicted_sequences = 0;      // partial matches dropped by a state bound
  uint64_t expired_sequences = 0;      // partial matches expired by maxspan / until
  uint64_t errors = 0;                 // evaluation errors (e.g. a Wasm trap)
  uint64_t prefilter_scans = 0;        // prefilter passes over an event (IR rules: one per event)
  uint64_t correlation_groups = 0;     // groups held by aggregating correlations now
  uint64_t correlation_evictions = 0;  // such groups dropped by a state bound
};

// Why one evaluation of a rule failed: the `kind` label of wsn_rule_errors_total.
enum class RuleErrorKind : uint8_t {
  kTrapFuel,        // fuel budget exhausted (instructions or host-function work)
  kTrapDepth,       // call depth limit exceeded
  kTrapMemory,      // out-of-bounds access, or the host could not provide memory
  kTrapOther,       // any other trap (unreachable, divide by zero, ...)
  kNegativeResult,  // the entry point returned a negative value (ABI: an error)
  kHostRefusal,     // a host function refused its arguments
  kDeadline,        // the call ran out of wall-clock time with fuel left (live events only)
};
inline constexpr size_t kRuleErrorKindCount = 7;
constexpr std::string_view rule_error_kind_name(RuleErrorKind k) {
  constexpr std::string_view kNames[kRuleErrorKindCount] = {
      "trap_fuel",       "trap_depth",   "trap_memory", "trap_other",
      "negative_result", "host_refusal", "deadline"};
  return kNames[static_cast<size_t>(k)];
}

// Faults of one rule (Wasm modules: traps, quarantines), for per-module metrics.
struct RuleFaults {
  uint64_t traps = 0;
  uint64_t quarantines = 0;
  bool quarantined = false;                            // not evaluated now (back-off running)
  std::array<uint64_t, kRuleErrorKindCount> errors{};  // by RuleErrorKind
  uint64_t dropped_logs = 0;                           // module log lines dropped (per-call limit)
  uint64_t state_evictions = 0;                        // live state entries dropped to make room
};

// Mutable per-thread evaluation state of one CompiledRules. Not thread safe.
class Matcher {
 public:
  virtual ~Matcher() = default;
  // Evaluates every enabled rule that may match `e` (events arrive in stream order).
  virtual void process(const Event& e, MatchSink& sink) = 0;
  // Called at end of input: flushes anything that completes at end of stream.
  virtual void finish(MatchSink& /*sink*/) {}
  // Whether the events that follow come from a live source (default) or a recording. Limits
  // that read the wall clock (the Wasm per-call deadline) apply only to live events, so a
  // replay decides everything from the events themselves, identically on any machine.
  virtual void set_live_events(bool /*live*/) {}
  virtual MatcherStats stats() const = 0;
  // Per-rule counters, indexed like RuleSet::rules (zero for rules of other kinds).
  virtual void add_rule_counters(std::span<uint64_t> evaluations,
                                 std::span<uint64_t> matches) const {
    (void)evaluations;
    (void)matches;
  }
  // Per-rule faults, indexed like RuleSet::rules (untouched for rules that cannot fault).
  virtual void add_rule_faults(std::span<RuleFaults> faults) const { (void)faults; }
};

// Which events a rule set can match, as far as its rules can tell before seeing any (interest
// pushdown: the live collector then produces only these). In ECS terms, so any rule kind can
// describe itself and any collector can map it to its hooks. Never narrower than the truth:
// a rule that cannot be analysed sets `everything`.
struct EventInterest {
  // Events some rule can match: every listed constraint holds (an empty list: unconstrained).
  // A field the rules constrain to a set of values (or of prefixes), in the value's text form
  // (an integer port as "443"; a case-insensitive test's literal lower-cased).
  struct FieldValues {
    std::string field;  // ECS name, e.g. "destination.port", "network.transport", "url.path"
    std::vector<std::string> values;
    bool prefixes = false;  // values are prefixes the field starts with
  };
  struct Want {
    std::string category;                    // event.category; "" = any category
    std::vector<std::string> actions;        // event.action is one of these
    std::vector<std::string> types;          // event.type holds one of these
    std::vector<std::string> path_prefixes;  // file.path starts with one of these
    // Network, DNS and HTTP fields a packet or request source can filter on
    // (EventInterest::kFilterFields); a field not listed is unconstrained.
    std::vector<FieldValues> fields;
    // The rule it comes from (RuleSet::rules index, and its id once the engine has named it),
    // so that a source can say which rule asks for what it cannot or will not deliver.
    uint32_t rule_index = UINT32_MAX;
    std::string rule_id;
  };
  // The fields beyond action, type and file path that rule kinds describe in Want::fields:
  // what a network or HTTP source can decide before it builds an event.
  static constexpr const char* kFilterFields[] = {
      "network.transport",   "network.protocol", "network.direction", "source.ip",
      "source.port",         "destination.ip",   "destination.port",  "dns.question.name",
      "http.request.method", "url.path",         "url.domain",        "user_agent.original"};
  bool everything = false;  // some rule may match any event at all
  std::vector<Want> wants;
  // How a source should use this: as its configuration says (e.g. a collector set to watch
  // everything), exactly as the rules need, or everything it can see (the operator asked on
  // the command line, e.g. `record --hooks rules|all`).
  enum class Scope : uint8_t { kConfigured, kRules, kAll };
  Scope scope = Scope::kConfigured;
};

// Immutable compiled rules of one kind; shared by snapshots, safe to use from any thread.
class CompiledRules {
 public:
  virtual ~CompiledRules() = default;
  virtual std::unique_ptr<Matcher> make_matcher() const = 0;
  // Adds what these rules can match to `out` (category names resolve through `registry`).
  // The default, for kinds that cannot tell, is everything.
  virtual void add_interest(EventInterest& out, const FieldRegistry& registry) const {
    (void)registry;
    out.everything = true;
  }
};

// One immutable snapshot of everything loaded. rule_index values passed to MatchSink index
// `rules`.
struct RuleSet {
  std::vector<RuleMeta> rules;
  std::vector<std::shared_ptr<const CompiledRules>> compiled;
  uint64_t generation = 0;
};

}  // namespace wsn
