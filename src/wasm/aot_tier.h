// Compiled tier: a rule's canonical module translated by wasm2c and built by the system C
// compiler (in the helper), loaded with dlopen. Calls cost about as much as native code: the
// per-call overhead is one _setjmp and a thread-local store (see aot/wasm-rt.h).
//
// A library stays loaded while any instance or module refers to it (never dlclose'd under a
// live instance); each object is loaded at most once per process, keyed by module hash.
#pragma once

#include <memory>
#include <string>

#include "wasm/host_env.h"
#include "wasm/interp_tier.h"
#include "wsn/result.h"

struct wsn_aot_module_api;

namespace wsn::wasm {

class AotModule : public std::enable_shared_from_this<AotModule> {
 public:
  // Loads `path` and checks that it was built from the module with digest `sha256_hex` for
  // this host's AOT ABI. Thread safe.
  static Result<std::shared_ptr<const AotModule>> load(const std::string& path,
                                                       const std::string& sha256_hex,
                                                       uint32_t depth_limit);
  ~AotModule();
  AotModule(const AotModule&) = delete;
  AotModule& operator=(const AotModule&) = delete;

  Instantiation instantiate(HostEnv& env) const;
  const std::string& path() const { return path_; }

 private:
  AotModule() = default;
  void* handle_ = nullptr;
  const wsn_aot_module_api* api_ = nullptr;
  std::string path_;
  uint32_t depth_limit_ = 0;
};

}  // namespace wsn::wasm
