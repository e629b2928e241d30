// A loaded rule module: the canonical bytes the helper produced, their metadata bound to the
// schema, the interpreter form, and — once built or found in the cache — the compiled form.
// Immutable after load except for the compiled tier, which is published once through an
// atomic slot: matchers notice it between events and switch over.
//
// Shared by every snapshot and matcher that uses it; thread safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "wasm/aot_tier.h"
#include "wasm/host_env.h"
#include "wasm/interp_tier.h"
#include "wasm/module_meta.h"
#include "wasm/options.h"

namespace wsn::wasm {

enum class AotState : uint8_t { kNone, kBuilding, kReady, kFailed, kDisabled };

class LoadedModule {
 public:
  std::string path;      // the .wasm file it came from
  std::string identity;  // sha256 of the file bytes and the config (hot-reload identity)
  std::string sha256;    // sha256 of the canonical module (AOT cache key)
  std::vector<uint8_t> canonical;
  std::string config;  // bytes handed to wsn_init
  ModuleMeta meta;
  BoundMeta bound;
  uint32_t depth_limit = 0;
  std::shared_ptr<const InterpModule> interp;

  bool aot_ready() const { return aot_ready_.load(std::memory_order_acquire); }
  std::shared_ptr<const AotModule> aot() const {
    std::lock_guard<std::mutex> lock(mu_);
    return aot_;
  }
  AotState aot_state() const {
    std::lock_guard<std::mutex> lock(mu_);
    return aot_state_;
  }
  std::string aot_error() const {
    std::lock_guard<std::mutex> lock(mu_);
    return aot_error_;
  }
  void set_aot(std::shared_ptr<const AotModule> m);
  void set_aot_state(AotState s, std::string error = {});

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const AotModule> aot_;
  AotState aot_state_ = AotState::kNone;
  std::string aot_error_;
  std::atomic<bool> aot_ready_{false};
};

struct InitResult {
  bool ok = false;
  TrapKind trap = TrapKind::kNone;
  std::string message;
  uint32_t buffer = 0;  // guest address of the event buffer
  uint32_t buffer_size = 0;
};

// Runs the start-up sequence on a fresh instance: _initialize, locate and check the event
// buffer, copy the configuration into it and call wsn_init. Every call is metered with
// `limits.fuel_per_init`.
InitResult initialize_instance(Instance& instance, const LoadedModule& module, HostEnv& env,
                               const SandboxLimits& limits);

// Instantiates `module` in the requested tier (the compiled one must be ready).
Instantiation instantiate(const LoadedModule& module, Tier tier, HostEnv& env);

}  // namespace wsn::wasm
