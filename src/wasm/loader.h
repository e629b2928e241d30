// Loads rule modules: reads the file, has the helper validate and rewrite it (out of process,
// under limits), decodes the canonical result for the interpreter, and test-runs its start-up
// sequence so a module whose init traps is rejected at load with the reason. The compiled
// tier comes from the on-disk cache when possible, otherwise from a background build (or a
// synchronous one, per options) whose result is published to the module when ready.
//
// Thread safety: load() and ensure_compiled() may be called from any thread; the background
// builder runs one compilation at a time (the helper and the compiler are heavy).
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "wasm/aot_cache.h"
#include "wasm/helper_client.h"
#include "wasm/module.h"
#include "wasm/options.h"
#include "wsn/schema.h"

namespace wsn::wasm {

enum class LoadErrorKind : uint8_t { kNone, kIo, kRejected, kHelper, kInit, kCompile };

struct LoadError {
  LoadErrorKind kind = LoadErrorKind::kNone;
  std::string message;
};

class ModuleLoader {
 public:
  explicit ModuleLoader(WasmOptions options);
  ~ModuleLoader();
  ModuleLoader(const ModuleLoader&) = delete;
  ModuleLoader& operator=(const ModuleLoader&) = delete;

  const WasmOptions& options() const { return options_; }
  const AotCache& cache() const { return cache_; }

  // Loads `path` with `config`. A module already loaded with the same bytes and config is
  // returned as is (no helper run). Null on failure, with the reason in `error`.
  std::shared_ptr<LoadedModule> load(const std::string& path, std::string_view config,
                                     FieldRegistry& registry, LoadError& error);

  // Makes the compiled tier available now: from the cache, or compiled and cached.
  Status ensure_compiled(LoadedModule& module);

  // Waits until no background compilation is queued or running.
  void wait_idle();

  struct Stats {
    uint64_t helper_runs = 0;
    uint64_t cache_hits = 0;
    uint64_t compilations = 0;
    uint64_t compile_failures = 0;
  };
  Stats stats() const;

 private:
  void schedule_compile(std::shared_ptr<LoadedModule> m);
  void worker();
  // Loads a cached object into `m` if present; true on success.
  bool try_cache(LoadedModule& m);

  WasmOptions options_;
  HelperClient helper_;
  AotCache cache_;

  mutable std::mutex mu_;
  std::map<std::string, std::weak_ptr<LoadedModule>> by_identity_;
  std::deque<std::shared_ptr<LoadedModule>> queue_;
  bool busy_ = false;
  bool stop_ = false;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::thread worker_;
  Stats stats_;
};

}  // namespace wsn::wasm
