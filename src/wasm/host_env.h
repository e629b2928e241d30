// The host side of the `wsn` imports, shared by both tiers: each tier's import thunks call
// these methods with the raw i32/i64 arguments, and the checks (pointer ranges, lengths,
// argument values) and the fuel each call costs (abi.h) live here once. A method returning
// false makes the calling module trap, with the reason in error(): TrapKind::kHost, or
// TrapKind::kFuel when the call would have exhausted the budget (the tiers see it negative),
// or TrapKind::kDeadline when deadline_hit() (the wall-clock budget of the call ran out).
//
// One HostEnv serves one rule in one matcher, across re-instantiations; bind() points it at the
// current instance. Not thread safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "wasm/instance.h"
#include "wasm/module_meta.h"
#include "wasm/state_store.h"
#include "wsn/event.h"
#include "wsn/rule.h"

namespace wsn::wasm {

struct EmittedAlert {
  bool has_severity = false;
  Severity severity = Severity::kMedium;
  std::string title;
  std::string details;
};

using LogFn = std::function<void(int level, std::string_view message)>;

class HostEnv {
 public:
  HostEnv(const BoundMeta& meta, StateStore& state, LogFn log, uint32_t max_logs_per_call);

  void bind(Instance* instance) { instance_ = instance; }
  // The event the next call is about (nullptr for ticks) and the time host functions see.
  void begin_call(const Event* event, int64_t now_ns);
  // The wall-clock budget of what follows (calls, or an instantiation and its start-up
  // sequence): `budget_ms` from now on the monotonic clock; 0 = none (replay: fuel alone
  // bounds a call, so the outcome never depends on the machine's speed or load).
  void set_deadline(uint32_t budget_ms);
  // Called by the tiers at fuel checkpoints (the rewritten code's deadline import, and host
  // functions' fuel charges): false, with the reason in error(), once the deadline has passed.
  bool check_deadline();
  bool deadline_hit() const { return deadline_hit_; }

  std::span<const EmittedAlert> alerts() const { return {alerts_.data(), alert_count_}; }
  const std::string& error() const { return error_; }
  uint64_t dropped_logs() const { return dropped_logs_; }

  bool emit_alert(uint32_t severity, uint32_t title, uint32_t title_len, uint32_t details,
                  uint32_t details_len);
  bool log(uint32_t level, uint32_t msg, uint32_t msg_len);
  bool get_field(uint32_t field, uint32_t item, uint32_t buf, uint32_t buf_len, uint32_t& out);
  bool state_get(uint32_t key, uint32_t key_len, uint64_t& out);
  bool state_set(uint32_t key, uint32_t key_len, uint64_t value, uint64_t ttl);
  bool state_add(uint32_t key, uint32_t key_len, uint64_t delta, uint64_t ttl, uint64_t& out);
  bool state_del(uint32_t key, uint32_t key_len, uint32_t& out);
  bool event_time(uint64_t& out);

 private:
  bool fail(std::string msg);
  // Guest range [ptr, ptr+len) of the current instance's memory, or false (trap).
  bool range(uint32_t ptr, uint32_t len, std::span<uint8_t>& out, const char* what);
  bool key(uint32_t ptr, uint32_t len, std::string_view& out, const char* fn);
  // Takes `fuel` for host function `fn`; false (refuse: a fuel trap) when the budget is gone.
  bool charge(int64_t fuel, const char* fn);

  const BoundMeta& meta_;
  StateStore& state_;
  LogFn log_;
  uint32_t max_logs_;
  Instance* instance_ = nullptr;
  const Event* event_ = nullptr;
  int64_t now_ns_ = 0;
  int64_t deadline_ns_ = 0;  // CLOCK_MONOTONIC; 0 = none
  uint32_t deadline_budget_ms_ = 0;
  bool deadline_hit_ = false;
  std::vector<EmittedAlert> alerts_;
  size_t alert_count_ = 0;
  uint32_t logs_this_call_ = 0;
  uint64_t dropped_logs_ = 0;
  std::string error_;
};

}  // namespace wsn::wasm
