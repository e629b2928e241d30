// The Wasm rule kind: a rule's body is the path of a .wasm module (relative to its YAML file);
// `config` (bytes for wsn_init) and `fail: open|closed` are optional. Modules are loaded by the
// wasm runtime (validated and rewritten out of process, see docs/wasm-runtime.md).
//
// The kind object lives as long as the engine, so it doubles as the hot-reload memory: a
// module whose new version fails to load keeps running in its previous version, and the
// failure is reported.
#include <filesystem>
#include <map>

#include "wasm/loader.h"
#include "wasm/wasm_rule_kind.h"
#include "wasm/wasm_rules.h"

namespace wsn {
namespace {

namespace fs = std::filesystem;

class WasmRuleKind final : public RuleKind {
 public:
  explicit WasmRuleKind(std::shared_ptr<const wasm::WasmOptions> options)
      : options_(std::move(options)), loader_(*options_) {}

  std::shared_ptr<const CompiledRules> compile(std::span<const RuleSource* const> rules,
                                               std::span<const uint32_t> indices,
                                               FieldRegistry& registry,
                                               RuleReport& report) override {
    std::vector<wasm::WasmRule> out;
    for (size_t k = 0; k < rules.size(); ++k) {
      const RuleSource& r = *rules[k];
      auto error = [&](const char* code, const std::string& msg, bool warning = false) {
        Diagnostic d;
        d.severity = warning ? DiagSeverity::kWarning : DiagSeverity::kError;
        d.code = code;
        d.message = msg;
        d.range = {0, static_cast<uint32_t>(r.body->text().size())};
        report.add(std::move(d), r.body);
      };
      std::string config;
      wasm::FailMode fail = wasm::FailMode::kOpen;
      bool bad_option = false;
      for (const auto& [key, value] : r.params) {
        if (key == "config") config = value;
        if (key == "fail") {
          if (value == "open") {
            fail = wasm::FailMode::kOpen;
          } else if (value == "closed") {
            fail = wasm::FailMode::kClosed;
          } else {
            error("WASM005", "'fail' must be 'open' or 'closed', not '" + value + "'");
            bad_option = true;
          }
        }
      }
      if (bad_option) {
        report.failed.push_back(indices[k]);
        continue;
      }
      std::string path = r.body->text();
      while (!path.empty() && (path.back() == '\n' || path.back() == ' ')) path.pop_back();
      if (fs::path(path).is_relative() && !r.meta.source.empty()) {
        path = (fs::path(r.meta.source).parent_path() / path).lexically_normal().string();
      }
      wasm::LoadError err;
      std::shared_ptr<wasm::LoadedModule> m = loader_.load(path, config, registry, err);
      if (!m) {
        static const char* const kCodes[] = {"WASM000", "WASM001", "WASM002",
                                             "WASM003", "WASM004", "WASM006"};
        const char* code = kCodes[static_cast<size_t>(err.kind)];
        auto prev = previous_.find(r.meta.id);
        if (prev != previous_.end()) {
          // Hot reload: the broken version is reported, the previous one keeps running.
          error(code, "cannot load Wasm module '" + path + "': " + err.message +
                          " (the previously loaded version of this rule keeps running)");
          m = prev->second;
        } else {
          error(code, "cannot load Wasm module '" + path + "': " + err.message);
          report.failed.push_back(indices[k]);
          continue;
        }
      }
      previous_[r.meta.id] = m;
      wasm::WasmRule rule;
      rule.binding.rule_index = indices[k];
      rule.binding.rule_id = r.meta.id;
      rule.binding.fail = fail;
      rule.module = std::move(m);
      out.push_back(std::move(rule));
    }
    return std::make_shared<wasm::WasmRules>(std::move(out), options_);
  }

 private:
  std::shared_ptr<const wasm::WasmOptions> options_;
  wasm::ModuleLoader loader_;
  std::map<std::string, std::shared_ptr<wasm::LoadedModule>> previous_;
};

}  // namespace

std::unique_ptr<RuleKind> make_wasm_rule_kind(std::shared_ptr<const wasm::WasmOptions> options) {
  return std::make_unique<WasmRuleKind>(std::move(options));
}

namespace plugins {

RuleKindPlugin wasm_rule_kind_plugin() {
  RuleKindPlugin p;
  p.name = "wasm";
  p.summary = "WebAssembly modules run sandboxed (docs/wasm-runtime.md)";
  p.body_key = "module";
  p.extra_keys = {"config", "fail"};
  p.create = [] {
    return make_wasm_rule_kind(
        std::make_shared<const wasm::WasmOptions>(wasm::default_wasm_options()));
  };
  return p;
}

}  // namespace plugins
}  // namespace wsn
