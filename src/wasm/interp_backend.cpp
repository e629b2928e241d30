#include "wasm/interp_backend.h"

#include <wabt/binary-reader.h>
#include <wabt/cast.h>
#include <wabt/feature.h>
#include <wabt/interp/binary-reader-interp.h>
#include <wabt/interp/interp.h>

#include "wasm/allowed_features.h"

#include <array>

namespace wsn::wasm::interp_backend {

namespace wi = wabt::interp;

class Module {
 public:
  wi::ModuleDesc desc;
  wabt::Features features;
};

namespace {

class InterpInstance final : public Instance {
 public:
  InterpInstance(const Module& m, HostCalls& host) : m_(m), host_(host) {}

  bool init(std::string* message) {
    store_ = std::make_unique<wi::Store>(m_.features);
    wi::Module::Ptr module = wi::Module::New(*store_, m_.desc);
    wi::RefVec imports;
    for (const wi::ImportType& it : module->import_types()) {
      const HostImportInfo* h = find_host_import(it.name);
      const auto* ft = wabt::dyn_cast<wi::FuncType>(it.type.get());
      if (it.module == WSN_IMPORT_MODULE && it.name == kDeadlineImport && ft) {
        imports.push_back(wi::HostFunc::New(*store_, *ft, deadline_callback()).ref());
        continue;
      }
      if (it.module != WSN_IMPORT_MODULE || !h || !ft) {
        *message = "unexpected import " + it.module + "." + it.name;
        return false;
      }
      imports.push_back(wi::HostFunc::New(*store_, *ft, callback(*h)).ref());
    }
    wi::Trap::Ptr trap;
    instance_ = wi::Instance::Instantiate(*store_, module.ref(), imports, &trap);
    if (!instance_) {
      *message = trap ? trap->message() : "instantiation failed";
      return false;
    }
    const auto& exports = module->export_types();
    for (size_t i = 0; i < exports.size(); ++i) {
      const std::string& name = exports[i].name;
      const wi::Ref ref = instance_->exports()[i];
      if (name == "memory") {
        memory_ = store_->UnsafeGet<wi::Memory>(ref);
      } else if (name == kFuelExport) {
        fuel_ = store_->UnsafeGet<wi::Global>(ref);
      } else if (name == kDepthExport) {
        depth_ = store_->UnsafeGet<wi::Global>(ref);
      } else if (name == kCheckpointExport) {
        checkpoint_ = store_->UnsafeGet<wi::Global>(ref);
      } else {
        for (const auto& e : kExports) {
          if (e.name == name) funcs_[static_cast<size_t>(e.id)] = store_->UnsafeGet<wi::Func>(ref);
        }
      }
    }
    if (!memory_ || !fuel_ || !depth_ || !checkpoint_) {
      *message = "canonical module lacks its memory, fuel, depth or checkpoint export";
      return false;
    }
    thread_ = std::make_unique<wi::Thread>(*store_);
    return true;
  }

  bool has(Export e) const override { return static_cast<bool>(funcs_[static_cast<size_t>(e)]); }

  void call(Export e, uint64_t arg, int64_t fuel, CallOutcome& out) override {
    out = CallOutcome();
    const wi::Func::Ptr& f = funcs_[static_cast<size_t>(e)];
    fuel_->UnsafeSet(wi::Value::Make(static_cast<uint64_t>(fuel)));
    depth_->UnsafeSet(wi::Value::Make(uint32_t{0}));
    checkpoint_->UnsafeSet(wi::Value::Make(static_cast<uint64_t>(next_checkpoint(fuel))));
    if (!f) {
      out.trapped = true;
      out.fuel_left = fuel;
      out.message = "module does not export " + std::string(export_info(e).name);
      return;
    }
    params_.clear();
    const std::string_view p = export_info(e).sig.params;
    if (p == "i") params_.push_back(wi::Value::Make(static_cast<uint32_t>(arg)));
    if (p == "I") params_.push_back(wi::Value::Make(arg));
    results_.clear();
    wi::Trap::Ptr trap;
    const wabt::Result res = f->Call(*thread_, params_, results_, &trap);
    out.fuel_left = static_cast<int64_t>(fuel_->UnsafeGet<uint64_t>());
    out.depth_after = depth_->UnsafeGet<uint32_t>();
    if (wabt::Failed(res)) {
      out.trapped = true;
      out.message = trap ? trap->message() : "call failed";
      return;
    }
    const std::string_view r = export_info(e).sig.results;
    if (r == "i" && !results_.empty()) out.value = results_[0].Get<uint32_t>();
    if (r == "I" && !results_.empty()) out.value = results_[0].Get<uint64_t>();
  }

  bool charge_fuel(int64_t fuel) override {
    const int64_t left = static_cast<int64_t>(fuel_->UnsafeGet<uint64_t>()) - fuel;
    fuel_->UnsafeSet(wi::Value::Make(static_cast<uint64_t>(left)));
    return left >= 0;
  }
  int64_t fuel_left() const override { return static_cast<int64_t>(fuel_->UnsafeGet<uint64_t>()); }
  int64_t checkpoint() const override {
    return static_cast<int64_t>(checkpoint_->UnsafeGet<uint64_t>());
  }
  void set_checkpoint(int64_t value) override {
    checkpoint_->UnsafeSet(wi::Value::Make(static_cast<uint64_t>(value)));
  }
  uint8_t* memory_data() override { return memory_->UnsafeData(); }
  size_t memory_size() override { return static_cast<size_t>(memory_->ByteSize()); }

 private:
  // (i64 fuel) -> (i64 next checkpoint), or a trap once the deadline has passed.
  wi::HostFunc::Callback deadline_callback() {
    HostCalls* host = &host_;
    return [host](wi::Thread& thread, const wi::Values& a, wi::Values& out,
                  wi::Trap::Ptr* trap) -> wabt::Result {
      if (!host->deadline()) {
        *trap = wi::Trap::New(thread.store(), "host: " + host->error());
        return wabt::Result::Error;
      }
      const int64_t fuel = a.empty() ? 0 : static_cast<int64_t>(a[0].Get<uint64_t>());
      out[0] = wi::Value::Make(static_cast<uint64_t>(next_checkpoint(fuel)));
      return wabt::Result::Ok;
    };
  }

  wi::HostFunc::Callback callback(const HostImportInfo& h) {
    HostCalls* host = &host_;
    const HostImport id = h.id;
    const bool has_result = !h.sig.results.empty();
    const bool wide = h.sig.results == "I";
    return [host, id, has_result, wide](wi::Thread& thread, const wi::Values& a, wi::Values& out,
                                        wi::Trap::Ptr* trap) -> wabt::Result {
      uint64_t args[5] = {0, 0, 0, 0, 0};
      const std::string_view params = kHostImports[static_cast<size_t>(id)].sig.params;
      for (size_t k = 0; k < a.size() && k < 5; ++k) {
        args[k] = params[k] == 'I' ? a[k].Get<uint64_t>() : a[k].Get<uint32_t>();
      }
      uint64_t result = 0;
      if (!host->call(id, args, &result)) {
        *trap = wi::Trap::New(thread.store(), "host: " + host->error());
        return wabt::Result::Error;
      }
      if (has_result) {
        out[0] = wide ? wi::Value::Make(result) : wi::Value::Make(static_cast<uint32_t>(result));
      }
      return wabt::Result::Ok;
    };
  }

  const Module& m_;
  HostCalls& host_;
  std::unique_ptr<wi::Store> store_;
  wi::Instance::Ptr instance_;
  std::unique_ptr<wi::Thread> thread_;
  std::array<wi::Func::Ptr, kExportCount> funcs_;
  wi::Memory::Ptr memory_;
  wi::Global::Ptr fuel_;
  wi::Global::Ptr depth_;
  wi::Global::Ptr checkpoint_;
  wi::Values params_, results_;
};

}  // namespace

std::shared_ptr<const Module> compile(const uint8_t* data, size_t size, std::string* error) {
  auto m = std::make_shared<Module>();
  m->features = allowed_features();
  wabt::Errors errors;
  wabt::ReadBinaryOptions options(m->features, nullptr, false, true, false);
  if (wabt::Failed(wi::ReadBinaryInterp("module.wasm", data, size, options, &errors, &m->desc))) {
    *error = errors.empty() ? std::string("unknown error") : errors.front().message;
    return nullptr;
  }
  return m;
}

std::unique_ptr<Instance> instantiate(const Module& module, HostCalls& host, std::string* message) {
  auto inst = std::make_unique<InterpInstance>(module, host);
  if (!inst->init(message)) return nullptr;
  return inst;
}

}  // namespace wsn::wasm::interp_backend
