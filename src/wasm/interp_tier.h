// Interpreter tier: wabt 1.0.32's interpreter running the canonical module. Available at once
// (no compiler), used while the compiled tier builds and on hosts without a C compiler.
//
// Safe in the engine process because it only ever sees canonical modules: validated and
// rewritten by the helper, so fuel and the weighted depth counter stop runaway code well
// before the interpreter's own frame limit (its call_indirect overflow path aborts in 1.0.32).
// Each instance owns its Store, so discarding an instance after a trap frees everything.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "wasm/host_env.h"
#include "wasm/instance.h"
#include "wsn/result.h"

namespace wsn::wasm {

struct Instantiation {
  std::unique_ptr<Instance> instance;  // null when instantiation failed
  TrapKind trap = TrapKind::kNone;
  std::string message;
};

class InterpModule {
 public:
  // Decodes the canonical module (wabt's streaming interp reader, which is robust on hostile
  // input). `depth_limit` is the value the module was rewritten with.
  static Result<std::shared_ptr<const InterpModule>> compile(std::span<const uint8_t> canonical,
                                                             uint32_t depth_limit);
  ~InterpModule();

  // Instantiates (data segments, start function). `env` must outlive the instance.
  Instantiation instantiate(HostEnv& env) const;

  struct Impl;

 private:
  explicit InterpModule(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Maps the 1.0.32 interpreter's trap messages onto TrapKind (also used for the AOT codes).
TrapKind classify_interp_trap(const std::string& message);

}  // namespace wsn::wasm
