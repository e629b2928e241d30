#include "wasm/module.h"

#include <algorithm>
#include <cstring>

#include "wasm/record_builder.h"

namespace wsn::wasm {

void LoadedModule::set_aot(std::shared_ptr<const AotModule> m) {
  std::lock_guard<std::mutex> lock(mu_);
  aot_ = std::move(m);
  aot_state_ = aot_ ? AotState::kReady : AotState::kFailed;
  aot_ready_.store(static_cast<bool>(aot_), std::memory_order_release);
}

void LoadedModule::set_aot_state(AotState s, std::string error) {
  std::lock_guard<std::mutex> lock(mu_);
  aot_state_ = s;
  aot_error_ = std::move(error);
}

Instantiation instantiate(const LoadedModule& module, Tier tier, HostEnv& env) {
  if (tier == Tier::kCompiled) {
    auto aot = module.aot();
    if (!aot) {
      Instantiation out;
      out.trap = TrapKind::kOther;
      out.message = "the compiled tier is not available";
      return out;
    }
    return aot->instantiate(env);
  }
  return module.interp->instantiate(env);
}

InitResult initialize_instance(Instance& inst, const LoadedModule& module, HostEnv& env,
                               const SandboxLimits& limits) {
  InitResult out;
  auto trapped = [&](const char* step, const CallResult& r) {
    out.trap = r.trap;
    out.message = std::string(step) + " trapped: " + std::string(trap_kind_name(r.trap)) +
                  (inst.trap_message().empty() ? "" : " (" + inst.trap_message() + ")");
    return out;
  };
  env.bind(&inst);
  env.begin_call(nullptr, 0);
  if (inst.has(Export::kInitialize)) {
    CallResult r = inst.call(Export::kInitialize, 0, limits.fuel_per_init);
    if (!r.ok()) return trapped("_initialize", r);
  }
  CallResult b = inst.call(Export::kEventBuffer, 0, limits.fuel_per_init);
  if (!b.ok()) return trapped("wsn_event_buffer", b);
  CallResult s = inst.call(Export::kEventBufferSize, 0, limits.fuel_per_init);
  if (!s.ok()) return trapped("wsn_event_buffer_size", s);
  out.buffer = static_cast<uint32_t>(b.value);
  out.buffer_size = static_cast<uint32_t>(s.value);
  const size_t mem = inst.memory().size();
  const size_t need =
      std::max<size_t>(kMinEventBuffer, record_fixed_size(module.bound.fields.size()));
  if (out.buffer_size < need) {
    out.trap = TrapKind::kOther;
    out.message = "event buffer of " + std::to_string(out.buffer_size) +
                  " bytes is too small (needs at least " + std::to_string(need) + " for " +
                  std::to_string(module.bound.fields.size()) + " fields)";
    return out;
  }
  if (uint64_t{out.buffer} + out.buffer_size > mem) {
    out.trap = TrapKind::kOther;
    out.message = "event buffer [" + std::to_string(out.buffer) + ", +" +
                  std::to_string(out.buffer_size) + ") lies outside linear memory (" +
                  std::to_string(mem) + " bytes)";
    return out;
  }
  if (!module.config.empty() && !inst.has(Export::kInit)) {
    out.trap = TrapKind::kOther;
    out.message = "the rule has a config but the module exports no wsn_init";
    return out;
  }
  if (inst.has(Export::kInit)) {
    if (module.config.size() > out.buffer_size) {
      out.trap = TrapKind::kOther;
      out.message = "config of " + std::to_string(module.config.size()) +
                    " bytes does not fit the event buffer (" + std::to_string(out.buffer_size) +
                    " bytes)";
      return out;
    }
    std::span<uint8_t> m = inst.memory();
    if (!module.config.empty()) {
      std::memcpy(m.data() + out.buffer, module.config.data(), module.config.size());
    }
    CallResult r = inst.call(Export::kInit, module.config.size(), limits.fuel_per_init);
    if (!r.ok()) return trapped("wsn_init", r);
    if (static_cast<int32_t>(r.value) != 0) {
      out.trap = TrapKind::kOther;
      out.message = "wsn_init returned " + std::to_string(static_cast<int32_t>(r.value)) +
                    " (the module refused its configuration)";
      return out;
    }
  }
  out.ok = true;
  return out;
}

std::string_view tier_name(Tier t) {
  return t == Tier::kCompiled ? "compiled" : "interpreter";
}

std::string trap_detail(TrapKind k, std::string_view raw, int64_t budget, uint32_t depth_limit) {
  constexpr std::string_view kHostPrefix = "host: ";
  const bool from_host = raw.substr(0, kHostPrefix.size()) == kHostPrefix;
  const std::string host(from_host ? raw.substr(kHostPrefix.size()) : std::string_view());
  switch (k) {
    case TrapKind::kFuel: {
      std::string budget_text = budget > 0 ? "budget " + std::to_string(budget) : "";
      if (host.empty()) return budget_text;
      return budget_text.empty() ? host : host + ", " + budget_text;
    }
    case TrapKind::kDepth:
      return "limit " + std::to_string(depth_limit);
    case TrapKind::kHost:
    case TrapKind::kDeadline:
    case TrapKind::kOther:
      return from_host ? host : std::string(raw);
    default:
      return {};
  }
}

std::string_view trap_kind_name(TrapKind k) {
  switch (k) {
    case TrapKind::kNone:
      return "none";
    case TrapKind::kFuel:
      return "fuel exhausted";
    case TrapKind::kDepth:
      return "call depth limit exceeded";
    case TrapKind::kMemory:
      return "out-of-bounds memory access";
    case TrapKind::kUnreachable:
      return "unreachable executed";
    case TrapKind::kDivZero:
      return "integer divide by zero";
    case TrapKind::kIntOverflow:
      return "integer overflow";
    case TrapKind::kConversion:
      return "invalid conversion to integer";
    case TrapKind::kIndirectCall:
      return "bad indirect call";
    case TrapKind::kStackExhausted:
      return "stack exhausted";
    case TrapKind::kHost:
      return "host function refused its arguments";
    case TrapKind::kResource:
      return "out of host memory";
    case TrapKind::kDeadline:
      return "wall-clock deadline exceeded";
    case TrapKind::kOther:
      return "failure";
  }
  return "failure";
}

}  // namespace wsn::wasm
