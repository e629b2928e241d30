// `compile`: pre-builds the compiled (AOT) tier of every Wasm rule into the on-disk cache, so
// hosts without a C compiler run rules at native speed: build here, copy the cache directory.
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <filesystem>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/field_types_option.h"
#include "cli/paths.h"
#include "detect/rule_file.h"
#include "wasm/loader.h"

namespace wsn::cli {
namespace {

struct CompileOptions {
  std::vector<std::string> rules;
  std::string cache_dir;
  std::string cc;
  std::string fields;  // --fields FILE
};

}  // namespace

void register_compile(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<CompileOptions>();
  CLI::App* cmd = app.add_subcommand(
      "compile",
      "Validate every Wasm rule and build its compiled tier into the AOT cache (wasm2c + the\n"
      "system C compiler, in the sandboxed helper). Copy the cache directory to hosts without a\n"
      "compiler: they load the objects instead of interpreting. Exits 3 if a module fails.");
  cmd->add_option("-r,--rules", o->rules,
                  "Rule file or directory (repeatable). Default: the bundled rules.");
  cmd->add_option("--cache-dir", o->cache_dir,
                  "AOT cache directory (default: $WSN_WASM_CACHE_DIR, else "
                  "$XDG_CACHE_HOME/wasm-sentinel/aot or ~/.cache/wasm-sentinel/aot).");
  cmd->add_option("--cc", o->cc, "C compiler (default: $WSN_WASM_CC or cc).");
  add_fields_option(cmd, o->fields);
  cmd->callback([o, &exit_code] {
    wasm::WasmOptions options = wasm::default_wasm_options();
    if (!o->cache_dir.empty()) options.cache_dir = o->cache_dir;
    if (!o->cc.empty()) options.cc = o->cc;
    options.tier = wasm::TierMode::kCompiled;
    options.aot_background = false;
    wasm::ModuleLoader loader(options);
    const std::vector<std::string> paths =
        o->rules.empty() ? std::vector<std::string>{bundled_rules_dir()} : o->rules;
    RuleLoadResult loaded = load_rule_files(paths, PluginRegistry::builtin());
    for (const auto& e : loaded.errors()) std::fputs(e.c_str(), stderr);
    FieldRegistry registry;
    if (!apply_field_types_reporting(registry, nullptr, o->fields)) {
      exit_code = kExitInvalidRules;
      return;
    }
    size_t built = 0, cached = 0, failed = 0;
    for (const RuleSource& r : loaded.rules) {
      if (r.meta.kind != "wasm" || !r.body) continue;
      std::string path = r.body->text();
      while (!path.empty() && (path.back() == '\n' || path.back() == ' ')) path.pop_back();
      if (std::filesystem::path(path).is_relative() && !r.meta.source.empty()) {
        path =
            (std::filesystem::path(r.meta.source).parent_path() / path).lexically_normal().string();
      }
      std::string config;
      for (const auto& [key, value] : r.params) {
        if (key == "config") config = value;
      }
      const auto before = loader.stats();
      wasm::LoadError err;
      auto m = loader.load(path, config, registry, err);
      if (!m) {
        fmt::print(stderr, "{}: error: rule '{}': {}\n", path, r.meta.id, err.message);
        ++failed;
        continue;
      }
      const bool hit = loader.stats().cache_hits > before.cache_hits;
      (hit ? cached : built) += 1;
      fmt::print("{:<40} {} -> {} ({})\n", r.meta.id, path, m->aot()->path(),
                 hit ? "cached" : "compiled");
    }
    fmt::print("compile: {} compiled, {} already cached, {} failed; cache {}\n", built, cached,
               failed, loader.cache().dir());
    if (failed || loaded.error_count() > 0) exit_code = kExitInvalidRules;
  });
}

}  // namespace wsn::cli
