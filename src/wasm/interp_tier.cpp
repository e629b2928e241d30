#include "wasm/interp_tier.h"

#include "wasm/interp_backend.h"

namespace wsn::wasm {

struct InterpModule::Impl {
  std::shared_ptr<const interp_backend::Module> module;
  uint32_t depth_limit = 0;
};

namespace {

// Adapts HostEnv to the backend's raw-argument host interface.
class EnvCalls final : public interp_backend::HostCalls {
 public:
  explicit EnvCalls(HostEnv& env) : env_(env) {}
  bool call(HostImport id, const uint64_t* a, uint64_t* r) override {
    auto u32 = [&](int k) { return static_cast<uint32_t>(a[k]); };
    uint32_t r32 = 0;
    bool ok = false;
    switch (id) {
      case HostImport::kEmitAlert:
        return env_.emit_alert(u32(0), u32(1), u32(2), u32(3), u32(4));
      case HostImport::kLog:
        return env_.log(u32(0), u32(1), u32(2));
      case HostImport::kGetField:
        ok = env_.get_field(u32(0), u32(1), u32(2), u32(3), r32);
        *r = r32;
        return ok;
      case HostImport::kStateGet:
        return env_.state_get(u32(0), u32(1), *r);
      case HostImport::kStateSet:
        return env_.state_set(u32(0), u32(1), a[2], a[3]);
      case HostImport::kStateAdd:
        return env_.state_add(u32(0), u32(1), a[2], a[3], *r);
      case HostImport::kStateDel:
        ok = env_.state_del(u32(0), u32(1), r32);
        *r = r32;
        return ok;
      case HostImport::kEventTime:
        return env_.event_time(*r);
    }
    return false;
  }
  bool deadline() override { return env_.check_deadline(); }
  const std::string& error() const override { return env_.error(); }
  const HostEnv& env() const { return env_; }

 private:
  HostEnv& env_;
};

class InterpInstance final : public Instance {
 public:
  InterpInstance(HostEnv& env, uint32_t depth_limit)
      : calls_(env), env_(env), depth_limit_(depth_limit) {}

  Instantiation init(const interp_backend::Module& m, std::unique_ptr<InterpInstance> self) {
    Instantiation out;
    std::string message;
    backend_ = interp_backend::instantiate(m, calls_, &message);
    if (!backend_) {
      out.trap = env_.deadline_hit()                ? TrapKind::kDeadline
                 : message.rfind("host: ", 0) == 0 ? TrapKind::kHost
                                                   : classify_interp_trap(message);
      out.message = trap_detail(out.trap, message, 0, depth_limit_);
      return out;
    }
    out.instance = std::move(self);
    return out;
  }

  Tier tier() const override { return Tier::kInterpreter; }
  bool has(Export e) const override { return backend_->has(e); }

  CallResult call(Export e, uint64_t arg, int64_t fuel) override {
    backend_->call(e, arg, fuel, out_);
    CallResult r;
    r.fuel_used = fuel - out_.fuel_left;
    if (out_.trapped) {
      const std::string& raw = out_.message;
      r.trap = out_.fuel_left < 0                ? TrapKind::kFuel
               : env_.deadline_hit()             ? TrapKind::kDeadline
               : out_.depth_after > depth_limit_ ? TrapKind::kDepth
               : raw.rfind("host: ", 0) == 0     ? TrapKind::kHost
                                                 : classify_interp_trap(raw);
      message_ = trap_detail(r.trap, raw, fuel, depth_limit_);
      return r;
    }
    r.value = out_.value;
    return r;
  }

  bool charge_fuel(int64_t fuel) override {
    if (!backend_->charge_fuel(fuel)) return false;
    const int64_t left = backend_->fuel_left();
    if (left >= backend_->checkpoint()) return true;
    if (!env_.check_deadline()) return false;
    backend_->set_checkpoint(next_checkpoint(left));
    return true;
  }
  std::span<uint8_t> memory() override {
    return {backend_->memory_data(), backend_->memory_size()};
  }
  std::string trap_message() const override { return message_; }

 private:
  EnvCalls calls_;
  HostEnv& env_;
  uint32_t depth_limit_;
  std::unique_ptr<interp_backend::Instance> backend_;
  interp_backend::CallOutcome out_;
  std::string message_;
};

}  // namespace

TrapKind classify_interp_trap(const std::string& m) {
  auto has = [&](const char* s) { return m.find(s) != std::string::npos; };
  if (has("unreachable")) return TrapKind::kUnreachable;
  if (has("out of bounds memory") || has("memory access") || has("data segment")) {
    return TrapKind::kMemory;
  }
  if (has("divide by zero")) return TrapKind::kDivZero;
  if (has("integer overflow")) return TrapKind::kIntOverflow;
  if (has("invalid conversion")) return TrapKind::kConversion;
  if (has("indirect call") || has("table")) return TrapKind::kIndirectCall;
  if (has("call stack exhausted")) return TrapKind::kStackExhausted;
  return TrapKind::kOther;
}

InterpModule::InterpModule(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
InterpModule::~InterpModule() = default;

Result<std::shared_ptr<const InterpModule>> InterpModule::compile(
    std::span<const uint8_t> canonical, uint32_t depth_limit) {
  auto impl = std::make_unique<Impl>();
  impl->depth_limit = depth_limit;
  std::string error;
  impl->module = interp_backend::compile(canonical.data(), canonical.size(), &error);
  if (!impl->module) return Error{"the interpreter cannot load the canonical module: " + error};
  return std::shared_ptr<const InterpModule>(new InterpModule(std::move(impl)));
}

Instantiation InterpModule::instantiate(HostEnv& env) const {
  auto inst = std::make_unique<InterpInstance>(env, impl_->depth_limit);
  InterpInstance* raw = inst.get();
  return raw->init(*impl_->module, std::move(inst));
}

}  // namespace wsn::wasm
