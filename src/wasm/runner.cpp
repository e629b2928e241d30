#include "wasm/runner.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdio>

#include "wasm/record_builder.h"

namespace wsn::wasm {

std::string escape_module_text(std::string_view text, size_t cap) {
  static constexpr std::string_view kCut = "...[truncated]";
  std::string out;
  out.reserve(std::min(text.size(), cap) + 8);
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    char buf[8];
    std::string_view piece;
    if (c == '\n') {
      piece = "\\n";
    } else if (c == '\r') {
      piece = "\\r";
    } else if (c == '\t') {
      piece = "\\t";
    } else if (c == '\\') {
      piece = "\\\\";
    } else if (c < 0x20 || c == 0x7f) {
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      piece = buf;
    } else {
      piece = std::string_view(&text[i], 1);
    }
    if (out.size() + piece.size() > cap) {
      out += kCut;
      break;
    }
    out += piece;
  }
  return out;
}

namespace {

LogFn make_log(const WasmOptions& options, std::string rule_id) {
  // Module text is escaped before anyone sees it, so a module cannot forge the engine's lines
  // (newlines) or drive the terminal (escape sequences). The rule id comes from the rule file.
  return [&options, rule_id = escape_module_text(rule_id, kMaxLogLineBytes)](int level,
                                                                             std::string_view msg) {
    const std::string text = escape_module_text(msg, kMaxLogLineBytes);
    if (options.log) {
      options.log(rule_id, level, text);
      return;
    }
    static const char* const kLevels[] = {"debug", "info", "warning", "error"};
    std::fprintf(stderr, "wasm rule %s: %s: %s\n", rule_id.c_str(),
                 kLevels[level < 0 || level > 3 ? 1 : level], text.c_str());
  };
}

}  // namespace

RuleErrorKind error_kind(TrapKind k) {
  switch (k) {
    case TrapKind::kFuel:
      return RuleErrorKind::kTrapFuel;
    case TrapKind::kDepth:
      return RuleErrorKind::kTrapDepth;
    case TrapKind::kMemory:
    case TrapKind::kResource:
      return RuleErrorKind::kTrapMemory;
    case TrapKind::kHost:
      return RuleErrorKind::kHostRefusal;
    case TrapKind::kDeadline:
      return RuleErrorKind::kDeadline;
    default:
      return RuleErrorKind::kTrapOther;
  }
}

ModuleRunner::ModuleRunner(std::shared_ptr<const LoadedModule> module, RuleBinding binding,
                           const WasmOptions& options, TierChoice choice)
    : module_(std::move(module)),
      binding_(std::move(binding)),
      options_(options),
      choice_(choice),
      state_(options.sandbox.max_state_entries),
      env_(module_->bound, state_, make_log(options, binding_.rule_id),
           options.sandbox.max_logs_per_call) {}

ModuleRunner::~ModuleRunner() = default;

int64_t ModuleRunner::now_ms() const {
  if (options_.clock_ms) return options_.clock_ms();
  return event_ms_;
}

void ModuleRunner::advance_clock(const Event& e) {
  // Quarantine runs on the stream's own clock, so a replay decides exactly what the live run
  // did, whatever the machine's load. Events without a time still move it, 1 ms each, so a
  // back-off always ends.
  const int64_t t = e.time_ns() / 1'000'000;
  event_ms_ = t > event_ms_ ? t : (t == 0 ? event_ms_ + 1 : event_ms_);
}

const std::vector<EmittedAlert> ModuleRunner::last_alerts() const {
  auto a = env_.alerts();
  return {a.begin(), a.end()};
}

namespace {

// wsn.live_decisions items: "<rule id>\t<event|tick>\t<fuel used>\t<trap detail>".
constexpr char kDecisionSep = '\t';

std::string deadline_decision(const std::string& rule_id, Export which, int64_t fuel_used,
                              const std::string& detail) {
  std::string d = rule_id;
  d += kDecisionSep;
  d += which == Export::kTick ? "tick" : "event";
  d += kDecisionSep;
  d += std::to_string(fuel_used);
  d += kDecisionSep;
  d += detail;
  return d;
}

// The deadline the live run recorded on `e` for this rule and call: fuel used and detail.
bool recorded_deadline(const Event& e, const std::string& rule_id, Export which,
                       int64_t& fuel_used, std::string& detail) {
  FieldView v;
  if (!e.get(fields::kWsnLiveDecisions, v) || v.type != FieldType::kStringList) return false;
  const std::string_view call = which == Export::kTick ? "tick" : "event";
  for (uint32_t k = 0; k < v.list_count; ++k) {
    std::string_view item = e.list_item(v, k);
    auto next = [&item](std::string_view& part) {
      const size_t at = item.find(kDecisionSep);
      if (at == std::string_view::npos) return false;
      part = item.substr(0, at);
      item.remove_prefix(at + 1);
      return true;
    };
    std::string_view rule, kind, fuel;
    if (!next(rule) || !next(kind) || !next(fuel) || rule != rule_id || kind != call) continue;
    int64_t f = 0;
    for (char c : fuel) {
      if (c < '0' || c > '9' || f > (int64_t{1} << 56)) return false;
      f = f * 10 + (c - '0');
    }
    fuel_used = f;
    detail.assign(item);
    return true;
  }
  return false;
}

}  // namespace

CallResult ModuleRunner::guarded_call(Export which, uint64_t arg, const Event& e,
                                      MatchSink& sink) {
  const int64_t budget = options_.sandbox.fuel_per_event;
  int64_t recorded_fuel = 0;
  std::string recorded_detail;
  if (!live_ && recorded_deadline(e, binding_.rule_id, which, recorded_fuel, recorded_detail)) {
    // The live call was stopped by its deadline after using `recorded_fuel`: one less stops
    // this one at the same point (fuel is counted identically in both tiers), with the same
    // host calls made and the same state changes, and it is reported as the live one was.
    env_.set_deadline(0);
    CallResult r =
        instance_->call(which, arg, std::clamp<int64_t>(recorded_fuel - 1, 0, budget));
    r.trap = TrapKind::kDeadline;
    call_detail_ = recorded_detail;
    return r;
  }
  env_.set_deadline(live_ ? options_.sandbox.deadline_ms_per_event : 0);
  CallResult r = instance_->call(which, arg, budget);
  call_detail_ = r.ok() ? std::string() : instance_->trap_message();
  if (r.trap == TrapKind::kDeadline) {
    sink.on_live_decision(deadline_decision(binding_.rule_id, which, r.fuel_used, call_detail_));
  }
  return r;
}

bool ModuleRunner::start(Tier tier, bool count_failure) {
  env_.set_deadline(live_ ? options_.sandbox.deadline_ms_per_init : 0);
  Instantiation inst = instantiate(*module_, tier, env_);
  ++stats_.instantiations;
  auto failed = [&](TrapKind kind, std::string message) {
    env_.bind(nullptr);
    if (!count_failure) {
      last_error_ = std::move(message);
      return false;
    }
    ++stats_.init_failures;
    on_failure(kind == TrapKind::kNone ? TrapKind::kOther : kind, message);
    return false;
  };
  if (!inst.instance) {
    return failed(inst.trap, "instantiation trapped: " + std::string(trap_kind_name(inst.trap)) +
                                 (inst.message.empty() ? "" : " (" + inst.message + ")"));
  }
  InitResult init = initialize_instance(*inst.instance, *module_, env_, options_.sandbox);
  if (!init.ok) return failed(init.trap, init.message);
  instance_ = std::move(inst.instance);
  env_.bind(instance_.get());
  buffer_ = init.buffer;
  buffer_size_ = init.buffer_size;
  stats_.tier = instance_->tier();
  return true;
}

void ModuleRunner::maybe_switch_tier() {
  if (!instance_ || instance_->tier() != Tier::kInterpreter || choice_ != TierChoice::kBest ||
      compiled_broken_ || !module_->aot_ready()) {
    return;
  }
  // Keep the interpreter instance until the compiled one is up.
  std::unique_ptr<Instance> old = std::move(instance_);
  const uint32_t old_buffer = buffer_, old_size = buffer_size_;
  if (start(Tier::kCompiled, /*count_failure=*/false)) {
    ++stats_.tier_switches;
    return;
  }
  // A compiled instance that cannot start while the interpreter one could is a host problem,
  // not the module's: stay on the interpreter and do not count it against the rule.
  compiled_broken_ = true;
  const std::string why = last_error_;
  instance_ = std::move(old);
  env_.bind(instance_.get());
  buffer_ = old_buffer;
  buffer_size_ = old_size;
  make_log(options_, binding_.rule_id)(2,
                                       "compiled tier failed to start, staying on the "
                                       "interpreter: " +
                                           why);
}

bool ModuleRunner::ensure_instance(const Event& e, MatchSink& sink) {
  Tier tier = Tier::kInterpreter;
  if (choice_ == TierChoice::kCompiledOnly) {
    if (!module_->aot_ready()) {
      ++stats_.skipped;
      last_error_ = "the compiled tier is not available";
      fail_policy(e, sink, last_error_);
      return false;
    }
    tier = Tier::kCompiled;
  } else if (choice_ == TierChoice::kBest && module_->aot_ready() && !compiled_broken_) {
    tier = Tier::kCompiled;
  }
  if (!start(tier, /*count_failure=*/true)) {
    fail_policy(e, sink, last_error_);
    return false;
  }
  return true;
}

void ModuleRunner::on_failure(TrapKind kind, const std::string& message) {
  ++stats_.traps;
  ++stats_.traps_by_kind[static_cast<size_t>(kind)];
  ++stats_.errors[static_cast<size_t>(error_kind(kind))];
  instance_.reset();
  env_.bind(nullptr);
  last_error_ = message;
  clean_calls_ = 0;
  const bool by_rate = record_outcome(true);
  if (++consecutive_failures_ >= options_.quarantine.consecutive_traps) {
    quarantine(std::to_string(options_.quarantine.consecutive_traps) + " failures in a row");
  } else if (by_rate) {
    quarantine(std::to_string(options_.quarantine.rate_failures) + " failures in the last " +
               std::to_string(QuarantinePolicy::kRateWindow) + " evaluations");
  }
}

bool ModuleRunner::record_outcome(bool failed) {
  static_assert(QuarantinePolicy::kRateWindow == 32, "history_ holds 32 outcomes");
  history_ = (history_ << 1) | (failed ? 1u : 0u);
  const uint32_t limit = options_.quarantine.rate_failures;
  return limit > 0 && static_cast<uint32_t>(std::popcount(history_)) >= limit;
}

void ModuleRunner::quarantine(const std::string& why) {
  consecutive_failures_ = 0;
  history_ = 0;
  backoff_ms_ = backoff_ms_ == 0 ? options_.quarantine.backoff_initial_ms
                                 : std::min(backoff_ms_ * 2, options_.quarantine.backoff_max_ms);
  quarantine_until_ms_ = now_ms() + backoff_ms_;
  stats_.quarantined = true;
  ++stats_.quarantines;
  make_log(options_, binding_.rule_id)(3, "quarantined for " + std::to_string(backoff_ms_) +
                                              " ms after " + why + "; last: " + last_error_);
}

void ModuleRunner::fail_policy(const Event& e, MatchSink& sink, const std::string& reason) {
  if (binding_.fail != FailMode::kClosed) return;
  const Event* events[1] = {&e};
  const std::string title = "Wasm rule failed closed: " + reason;
  MatchDetail d;
  d.title = title;
  sink.on_match_detail(binding_.rule_index, events, d);
  ++stats_.fail_closed;
  ++stats_.matches;
}

void ModuleRunner::report(const Event& e, MatchSink& sink) {
  const Event* events[1] = {&e};
  auto alerts = env_.alerts();
  if (!alerts.empty()) {
    for (const EmittedAlert& a : alerts) {
      MatchDetail d;
      d.has_severity = a.has_severity;
      d.severity = a.severity;
      d.title = a.title;
      d.details = a.details;
      sink.on_match_detail(binding_.rule_index, events, d);
      ++stats_.matches;
    }
  } else if (last_.result > 0) {
    sink.on_match(binding_.rule_index, events);
    ++stats_.matches;
  }
}

void ModuleRunner::process(const Event& e, MatchSink& sink) {
  last_ = {};
  advance_clock(e);
  if (stats_.quarantined) {
    if (now_ms() < quarantine_until_ms_) {
      ++stats_.skipped;
      fail_policy(e, sink, "quarantined after repeated traps (" + last_error_ + ")");
      return;
    }
    stats_.quarantined = false;
  }
  maybe_switch_tier();
  if (!instance_ && !ensure_instance(e, sink)) return;

  const int64_t now = e.time_ns();
  if (module_->meta.tick_ms && instance_->has(Export::kTick)) {
    const int64_t period = int64_t{module_->meta.tick_ms} * 1'000'000;
    if (next_tick_ns_ == 0) {
      next_tick_ns_ = now + period;
    } else if (now >= next_tick_ns_) {
      next_tick_ns_ = now + period;
      env_.begin_call(nullptr, now);
      CallResult t = guarded_call(Export::kTick, static_cast<uint64_t>(now), e, sink);
      ++stats_.calls;
      stats_.fuel_used += static_cast<uint64_t>(std::max<int64_t>(t.fuel_used, 0));
      stats_.dropped_logs = env_.dropped_logs();
      stats_.state_evictions = state_.evictions();
      if (!t.ok()) {
        std::string msg = "wsn_tick trapped: " + std::string(trap_kind_name(t.trap));
        if (!call_detail_.empty()) msg += " (" + call_detail_ + ")";
        on_failure(t.trap, msg);
        fail_policy(e, sink, last_error_);
        return;
      }
      last_.result = static_cast<int32_t>(t.value);
      if (last_.result < 0) ++stats_.errors[static_cast<size_t>(RuleErrorKind::kNegativeResult)];
      report(e, sink);
    }
  }

  std::span<uint8_t> mem = instance_->memory();
  const uint32_t len = build_record(e, module_->bound, mem.subspan(buffer_, buffer_size_));
  env_.begin_call(&e, now);
  CallResult r = guarded_call(Export::kOnEvent, len, e, sink);
  ++stats_.calls;
  stats_.fuel_used += static_cast<uint64_t>(std::max<int64_t>(r.fuel_used, 0));
  last_.called = true;
  last_.trap = r.trap;
  last_.result = static_cast<int32_t>(r.value);
  last_.fuel_used = r.fuel_used;
  last_.alerts = env_.alerts().size();
  stats_.dropped_logs = env_.dropped_logs();
  stats_.state_evictions = state_.evictions();
  if (!r.ok()) {
    std::string msg = "trap: " + std::string(trap_kind_name(r.trap));
    last_.trap_detail = call_detail_;
    if (!last_.trap_detail.empty()) msg += " (" + last_.trap_detail + ")";
    on_failure(r.trap, msg);
    fail_policy(e, sink, last_error_);
    return;
  }
  if (last_.result < 0) ++stats_.errors[static_cast<size_t>(RuleErrorKind::kNegativeResult)];
  record_outcome(false);
  consecutive_failures_ = 0;
  if (++clean_calls_ >= options_.quarantine.healthy_calls_to_forgive) backoff_ms_ = 0;
  report(e, sink);
}

}  // namespace wsn::wasm
