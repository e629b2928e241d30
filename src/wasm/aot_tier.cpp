#include "wasm/aot_tier.h"

#include <dlfcn.h>

#include <map>
#include <mutex>

#include "wsn_aot_abi.h"

namespace wsn::wasm {
namespace {

// Host function table shared by every compiled instance; ctx is the rule's HostEnv.
HostEnv& env_of(void* ctx) {
  return *static_cast<HostEnv*>(ctx);
}

const wsn_aot_host kHostTable = {
    [](void* c, uint32_t s, uint32_t t, uint32_t tl, uint32_t d, uint32_t dl) -> int32_t {
      return env_of(c).emit_alert(s, t, tl, d, dl) ? 0 : 1;
    },
    [](void* c, uint32_t l, uint32_t m, uint32_t ml) -> int32_t {
      return env_of(c).log(l, m, ml) ? 0 : 1;
    },
    [](void* c, uint32_t f, uint32_t i, uint32_t b, uint32_t bl, uint32_t* r) -> int32_t {
      return env_of(c).get_field(f, i, b, bl, *r) ? 0 : 1;
    },
    [](void* c, uint32_t k, uint32_t kl, uint64_t* r) -> int32_t {
      return env_of(c).state_get(k, kl, *r) ? 0 : 1;
    },
    [](void* c, uint32_t k, uint32_t kl, uint64_t v, uint64_t t) -> int32_t {
      return env_of(c).state_set(k, kl, v, t) ? 0 : 1;
    },
    [](void* c, uint32_t k, uint32_t kl, uint64_t d, uint64_t t, uint64_t* r) -> int32_t {
      return env_of(c).state_add(k, kl, d, t, *r) ? 0 : 1;
    },
    [](void* c, uint32_t k, uint32_t kl, uint32_t* r) -> int32_t {
      return env_of(c).state_del(k, kl, *r) ? 0 : 1;
    },
    [](void* c, uint64_t* r) -> int32_t { return env_of(c).event_time(*r) ? 0 : 1; },
    [](void* c) -> int32_t { return env_of(c).check_deadline() ? 0 : 1; },
};

TrapKind classify_code(int32_t code) {
  switch (code) {
    case 0:
      return TrapKind::kNone;
    case 1:
      return TrapKind::kMemory;  // WASM_RT_TRAP_OOB
    case 2:
      return TrapKind::kIntOverflow;  // WASM_RT_TRAP_INT_OVERFLOW
    case 3:
      return TrapKind::kDivZero;  // WASM_RT_TRAP_DIV_BY_ZERO
    case 4:
      return TrapKind::kConversion;  // WASM_RT_TRAP_INVALID_CONVERSION
    case 5:
      return TrapKind::kUnreachable;  // WASM_RT_TRAP_UNREACHABLE
    case 6:
      return TrapKind::kIndirectCall;  // WASM_RT_TRAP_CALL_INDIRECT
    case 8:
      return TrapKind::kStackExhausted;  // WASM_RT_TRAP_EXHAUSTION
    case WSN_AOT_TRAP_HOST:
      return TrapKind::kHost;
    case WSN_AOT_TRAP_RESOURCE:
      return TrapKind::kResource;
    default:
      return TrapKind::kOther;
  }
}

const char* code_text(int32_t code) {
  switch (code) {
    case 1:
      return "out of bounds memory access";
    case 2:
      return "integer overflow";
    case 3:
      return "integer divide by zero";
    case 4:
      return "invalid conversion to integer";
    case 5:
      return "unreachable executed";
    case 6:
      return "indirect call to a null or mistyped table entry";
    case 8:
      return "call stack exhausted";
    case WSN_AOT_TRAP_RESOURCE:
      return "cannot allocate memory or table";
    case WSN_AOT_TRAP_NO_EXPORT:
      return "no such export";
    default:
      return "trap";
  }
}

class AotInstance final : public Instance {
 public:
  AotInstance(std::shared_ptr<const AotModule> module, const wsn_aot_module_api* api, HostEnv& env,
              uint32_t depth_limit)
      : module_(std::move(module)), api_(api), env_(env), depth_limit_(depth_limit) {}
  ~AotInstance() override {
    if (inst_) api_->destroy(inst_);
  }

  Instantiation init(std::unique_ptr<AotInstance> self) {
    Instantiation out;
    int32_t code = 0;
    inst_ = api_->create(&kHostTable, &env_, &code);
    if (!inst_) {
      out.trap = TrapKind::kResource;
      out.message = "out of memory creating an instance";
      return out;
    }
    fuel_ = api_->fuel(inst_);
    depth_ = api_->depth(inst_);
    checkpoint_ = api_->checkpoint(inst_);
    memory_ = api_->memory(inst_);
    if (code != 0) {
      out.trap = *fuel_ < 0                                            ? TrapKind::kFuel
                 : code == WSN_AOT_TRAP_HOST && env_.deadline_hit() ? TrapKind::kDeadline
                                                                    : classify(code);
      out.message = trap_detail(out.trap, message_for(code), 0, depth_limit_);
      return out;
    }
    out.instance = std::move(self);
    return out;
  }

  Tier tier() const override { return Tier::kCompiled; }
  bool has(Export e) const override { return (api_->export_mask >> static_cast<unsigned>(e)) & 1u; }

  CallResult call(Export e, uint64_t arg, int64_t fuel) override {
    CallResult r;
    *fuel_ = fuel;
    *depth_ = 0;
    *checkpoint_ = next_checkpoint(fuel);
    const int32_t code = api_->call(inst_, static_cast<uint32_t>(e), arg, &r.value);
    r.fuel_used = fuel - *fuel_;
    if (code != 0) {
      r.trap = *fuel_ < 0                                          ? TrapKind::kFuel
               : code == WSN_AOT_TRAP_HOST && env_.deadline_hit() ? TrapKind::kDeadline
               : static_cast<uint32_t>(*depth_) > depth_limit_    ? TrapKind::kDepth
                                                               : classify(code);
      message_ = trap_detail(r.trap, message_for(code), fuel, depth_limit_);
      return r;
    }
    if (export_info(e).sig.results == "i") r.value &= 0xffffffffu;
    return r;
  }

  bool charge_fuel(int64_t fuel) override {
    *fuel_ -= fuel;
    if (*fuel_ < 0) return false;
    if (*fuel_ >= *checkpoint_) return true;
    if (!env_.check_deadline()) return false;
    *checkpoint_ = next_checkpoint(*fuel_);
    return true;
  }
  std::span<uint8_t> memory() override { return {memory_->data, memory_->size}; }
  std::string trap_message() const override { return message_; }

 private:
  TrapKind classify(int32_t code) const { return classify_code(code); }
  std::string message_for(int32_t code) const {
    if (code == WSN_AOT_TRAP_HOST) return "host: " + env_.error();
    return code_text(code);
  }

  std::shared_ptr<const AotModule> module_;  // keeps the library loaded
  const wsn_aot_module_api* api_;
  HostEnv& env_;
  uint32_t depth_limit_;
  void* inst_ = nullptr;
  int64_t* fuel_ = nullptr;
  int32_t* depth_ = nullptr;
  int64_t* checkpoint_ = nullptr;
  wsn_aot_memory* memory_ = nullptr;
  std::string message_;
};

std::mutex g_registry_mu;
std::map<std::string, std::weak_ptr<const AotModule>>& registry() {
  static auto* r = new std::map<std::string, std::weak_ptr<const AotModule>>();
  return *r;
}

}  // namespace

AotModule::~AotModule() {
  if (handle_) dlclose(handle_);
}

Result<std::shared_ptr<const AotModule>> AotModule::load(const std::string& path,
                                                         const std::string& sha256_hex,
                                                         uint32_t depth_limit) {
  std::lock_guard<std::mutex> lock(g_registry_mu);
  if (auto existing = registry()[sha256_hex].lock()) return existing;
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* err = dlerror();
    return Error{"dlopen " + path + ": " + (err ? err : "failed")};
  }
  auto entry = reinterpret_cast<wsn_aot_entry_fn>(dlsym(handle, WSN_AOT_ENTRY));
  const wsn_aot_module_api* api = entry ? entry() : nullptr;
  std::string problem;
  if (!api) {
    problem = "has no " WSN_AOT_ENTRY " entry point";
  } else if (api->abi_version != WSN_AOT_ABI_VERSION) {
    problem = "was built for AOT ABI " + std::to_string(api->abi_version);
  } else if (!api->module_sha256 || sha256_hex != api->module_sha256) {
    problem = "was built from a different module";
  }
  if (!problem.empty()) {
    dlclose(handle);
    return Error{path + " " + problem};
  }
  api->init_module();
  std::shared_ptr<AotModule> m(new AotModule());
  m->handle_ = handle;
  m->api_ = api;
  m->path_ = path;
  m->depth_limit_ = depth_limit;
  registry()[sha256_hex] = m;
  return std::shared_ptr<const AotModule>(std::move(m));
}

Instantiation AotModule::instantiate(HostEnv& env) const {
  auto inst = std::make_unique<AotInstance>(shared_from_this(), api_, env, depth_limit_);
  AotInstance* raw = inst.get();
  return raw->init(std::move(inst));
}

}  // namespace wsn::wasm
