#include "wasm/loader.h"

#include <sys/stat.h>

#include "wasm/sha256.h"
#include "wasm/state_store.h"

namespace wsn::wasm {

ModuleLoader::ModuleLoader(WasmOptions options)
    : options_(std::move(options)), helper_(options_), cache_(options_) {}

ModuleLoader::~ModuleLoader() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    queue_.clear();
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

ModuleLoader::Stats ModuleLoader::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

std::shared_ptr<LoadedModule> ModuleLoader::load(const std::string& path, std::string_view config,
                                                 FieldRegistry& registry, LoadError& error) {
  std::vector<uint8_t> bytes;
  if (!read_bytes(path, bytes, options_.sandbox.max_module_bytes)) {
    struct stat st;
    error = {LoadErrorKind::kIo, stat(path.c_str(), &st) != 0
                                     ? "cannot read module file " + path
                                     : "module file " + path + " is unreadable or larger than " +
                                           std::to_string(options_.sandbox.max_module_bytes) +
                                           " bytes"};
    return nullptr;
  }
  Sha256 h;
  h.update(bytes);
  h.update(std::string_view("\0config\0", 8));
  h.update(config);
  const auto digest = h.finish();
  const std::string identity = to_hex(digest);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = by_identity_.find(identity);
    if (it != by_identity_.end()) {
      if (auto existing = it->second.lock()) return existing;
    }
  }

  HelperOutput prepared;
  HelperError herr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.helper_runs;
  }
  if (!helper_.prepare(bytes, prepared, herr)) {
    error = {
        herr.kind == HelperFailure::kRejected ? LoadErrorKind::kRejected : LoadErrorKind::kHelper,
        herr.message};
    return nullptr;
  }
  auto m = std::make_shared<LoadedModule>();
  m->path = path;
  m->identity = identity;
  m->canonical = std::move(prepared.canonical);
  m->sha256 = sha256_hex(m->canonical);
  m->config = std::string(config);
  m->depth_limit = options_.sandbox.depth_limit;
  auto meta = parse_module_meta(prepared.meta_text);
  if (!meta.ok()) {
    error = {LoadErrorKind::kRejected, meta.error().message};
    return nullptr;
  }
  m->meta = std::move(meta.value());
  auto bound = bind_module_meta(m->meta, registry);
  if (!bound.ok()) {
    error = {LoadErrorKind::kRejected, bound.error().message};
    return nullptr;
  }
  m->bound = std::move(bound.value());
  auto interp = InterpModule::compile(m->canonical, m->depth_limit);
  if (!interp.ok()) {
    error = {LoadErrorKind::kRejected, interp.error().message};
    return nullptr;
  }
  m->interp = std::move(interp.value());

  // Test-run the start-up sequence in the interpreter: a module that cannot initialise is
  // reported now, with the reason, instead of trapping on every event.
  {
    StateStore scratch(options_.sandbox.max_state_entries);
    HostEnv env(m->bound, scratch, {}, 0);
    env.set_deadline(options_.sandbox.deadline_ms_per_init);
    Instantiation inst = instantiate(*m, Tier::kInterpreter, env);
    if (!inst.instance) {
      error = {LoadErrorKind::kInit,
               "instantiation trapped: " + std::string(trap_kind_name(inst.trap)) +
                   (inst.message.empty() ? "" : " (" + inst.message + ")")};
      return nullptr;
    }
    InitResult init = initialize_instance(*inst.instance, *m, env, options_.sandbox);
    if (!init.ok) {
      error = {LoadErrorKind::kInit, init.message};
      return nullptr;
    }
  }

  if (options_.tier == TierMode::kInterpreter) {
    m->set_aot_state(AotState::kDisabled);
  } else if (!try_cache(*m)) {
    if (options_.tier == TierMode::kCompiled || !options_.aot_background) {
      Status s = ensure_compiled(*m);
      if (!s.ok() && options_.tier == TierMode::kCompiled) {
        error = {LoadErrorKind::kCompile, s.error().message};
        return nullptr;
      }
    } else {
      schedule_compile(m);
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    by_identity_[identity] = m;
  }
  return m;
}

bool ModuleLoader::try_cache(LoadedModule& m) {
  std::string note;
  auto path = cache_.find(m.sha256, &note);
  if (!path) return false;
  auto aot = AotModule::load(*path, m.sha256, m.depth_limit);
  if (!aot.ok()) return false;
  m.set_aot(std::move(aot.value()));
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.cache_hits;
  return true;
}

Status ModuleLoader::ensure_compiled(LoadedModule& m) {
  if (m.aot_ready()) return {};
  if (try_cache(m)) return {};
  auto fail = [&](std::string msg) -> Status {
    m.set_aot_state(AotState::kFailed, msg);
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.compile_failures;
    return Error{std::move(msg)};
  };
  const std::string out = cache_.object_path(m.sha256);
  if (out.empty()) return fail("no C compiler ('" + options_.cc + " --version' failed)");
  if (Status s = cache_.prepare_dir(m.sha256); !s.ok()) return fail(s.error().message);
  m.set_aot_state(AotState::kBuilding);
  HelperError herr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.compilations;
  }
  if (!helper_.build_aot(m.canonical, out, herr)) return fail(herr.message);
  chmod(out.c_str(), 0700);
  auto aot = AotModule::load(out, m.sha256, m.depth_limit);
  if (!aot.ok()) return fail(aot.error().message);
  m.set_aot(std::move(aot.value()));
  return {};
}

void ModuleLoader::schedule_compile(std::shared_ptr<LoadedModule> m) {
  m->set_aot_state(AotState::kBuilding);
  std::lock_guard<std::mutex> lock(mu_);
  if (stop_) return;
  queue_.push_back(std::move(m));
  if (!worker_.joinable()) worker_ = std::thread([this] { worker(); });
  cv_.notify_one();
}

void ModuleLoader::worker() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    std::shared_ptr<LoadedModule> m = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    Status s = ensure_compiled(*m);
    if (!s.ok() && options_.log) {
      options_.log(m->meta.name, 2,
                   "compiled tier unavailable, staying on the interpreter: " + s.error().message);
    }
    m.reset();
    lock.lock();
    busy_ = false;
    if (queue_.empty()) idle_cv_.notify_all();
  }
}

void ModuleLoader::wait_idle() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [this] { return stop_ || (queue_.empty() && !busy_); });
}

}  // namespace wsn::wasm
