// `validate` and `list`: load and compile rules without processing events.
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <map>

#include "cli/build_info.h"
#include "cli/commands.h"
#include "cli/config_preflight.h"
#include "cli/config_override_option.h"
#include "cli/exit_codes.h"
#include "cli/field_types_option.h"
#include "cli/operations.h"
#include "cli/paths.h"
#include "cli/rule_loading.h"
#include "detect/rule_file.h"
#include "engine/engine.h"
#include "event/json_writer.h"

namespace wsn::cli {
namespace {

struct RulesOptions {
  std::vector<std::string> rules;
  std::string fields;  // --fields FILE
};

void add_rules_option(CLI::App* cmd, RulesOptions& o) {
  cmd->add_option("-r,--rules", o.rules,
                  "Rule file or directory (repeatable; directories are searched for *.yml, *.yaml "
                  "and Elastic rule files *.toml). Default: the bundled rules.");
  add_fields_option(cmd, o.fields);
}

// What `validate` says about the files: rules loaded, skipped (by reason) and failed, in total
// and, with --per-file, file by file. Skips come from the loader (read again here: it is cheap
// and the engine keeps only the rules); failures from the engine's compiled rule set.
void print_file_summary(const std::vector<std::string>& paths, const RuleSet& set, bool per_file) {
  const RuleLoadResult files = load_rule_files(paths, PluginRegistry::builtin());
  struct Counts {
    size_t loaded = 0, skipped = 0, failed = 0;
    std::map<std::string, size_t> reasons;
  };
  std::map<std::string, Counts> by_file;
  Counts total;
  for (const auto& r : set.rules) {
    Counts& c = by_file[r.source];
    ++(r.failed ? c.failed : c.loaded);
    ++(r.failed ? total.failed : total.loaded);
  }
  for (const SkippedRule& s : files.skipped) {
    Counts& c = by_file[s.file];
    ++c.skipped;
    ++c.reasons[s.reason];
    ++total.skipped;
    ++total.reasons[s.reason];
  }
  auto reasons = [](const Counts& c) {
    std::string out;
    for (const auto& [reason, n] : c.reasons) {
      out += fmt::format("{}{} {}", out.empty() ? " (" : "; ", n, reason);
    }
    return out.empty() ? out : out + ")";
  };
  if (per_file) {
    for (const auto& [file, c] : by_file) {
      fmt::print("{}: {} loaded, {} skipped{}, {} failed\n", file.empty() ? "(built-in)" : file,
                 c.loaded, c.skipped, reasons(c), c.failed);
    }
  }
  fmt::print("validate: {} file(s): {} rule(s) loaded, {} skipped{}, {} failed\n", files.files,
             total.loaded, total.skipped, reasons(total), total.failed);
}
// `list --json`: one JSON object a rule (an array), with its source file, kind and exceptions.
std::string rules_json(const RuleSet& set) {
  std::string out = "[";
  auto str = [&](std::string_view key, std::string_view v) {
    out += '"';
    out += key;
    out += "\":";
    append_json_string(v, out);
  };
  auto strs = [&](std::string_view key, const std::vector<std::string>& vs) {
    out += '"';
    out += key;
    out += "\":[";
    for (size_t k = 0; k < vs.size(); ++k) {
      if (k) out += ',';
      append_json_string(vs[k], out);
    }
    out += ']';
  };
  for (size_t i = 0; i < set.rules.size(); ++i) {
    const RuleMeta& r = set.rules[i];
    out += i ? ",\n {" : "\n {";
    str("id", r.id);
    out += ',';
    str("name", r.name);
    out += ',';
    str("kind", r.kind);
    out += ',';
    str("severity", severity_label(r.severity));
    out += ',';
    str("status", r.failed ? "error" : r.enabled ? "enabled" : "disabled");
    out += ',';
    str("source", r.source);
    out += ',';
    strs("tags", r.tags);
    out += ',';
    strs("mitre", r.mitre);
    out += ",\"exceptions\":[";
    for (size_t k = 0; k < r.exceptions.size(); ++k) {
      const RuleException& e = r.exceptions[k];
      out += k ? ",{" : "{";
      str("name", e.name);
      out += ',';
      str("list_id", e.list);
      out += ',';
      str("source", e.source);
      out += ',';
      str("condition", e.condition);
      out += '}';
    }
    out += "]}";
  }
  out += set.rules.empty() ? "]\n" : "\n]\n";
  return out;
}

}  // namespace

void register_validate(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<RulesOptions>();
  CLI::App* cmd = app.add_subcommand(
      "validate",
      "Check rule files: YAML structure, metadata and every query. Reports every error of every\n"
      "file as FILE:LINE:COL with the source line and a caret, then exits 3 if any was found.\n"
      "With --config, checks the configuration file first (errors as FILE:LINE:COL: error:\n"
      "KEY.PATH: message) and then the rules it names.");
  add_rules_option(cmd, *o);
  auto config_path = std::make_shared<std::string>();
  cmd->add_option("-c,--config", *config_path,
                  "Configuration file to check (docs/configuration.md).");
  auto override_args = std::make_shared<std::vector<std::string>>();
  add_config_override_option(cmd, *override_args);
  auto per_file = std::make_shared<bool>(false);
  cmd->add_flag("--per-file", *per_file,
                "Also print one line per rule file: rules loaded, skipped (with reasons), failed.");
  cmd->callback([o, config_path, override_args, per_file, &exit_code] {
    std::vector<config::ConfigOverride> overrides;
    if (!parse_config_overrides(*override_args, overrides, nullptr)) {
      exit_code = kExitUsage;
      return;
    }
    config::Config cfg;
    const std::string shown = !config_path->empty() ? *config_path
                              : overrides.empty()   ? ""
                                                    : "(the defaults with -o overrides)";
    if (!load_config_reporting(*config_path, cfg, overrides)) {
      fmt::print(stderr, "validate: configuration {} is invalid\n", shown);
      exit_code = kExitInvalidRules;
      return;
    }
    // What `run` would open with this configuration; problems are reported, and the rules are
    // still checked so that every problem shows in one pass.
    size_t config_errors = 0;
    if (!shown.empty()) {
      const PreflightReport pre = preflight_config(cfg);
      for (const auto& w : pre.warnings) fmt::print(stderr, "{}: warning: {}\n", shown, w);
      for (const auto& e : pre.errors) fmt::print(stderr, "{}: error: {}\n", shown, e);
      config_errors = pre.errors.size();
      if (config_errors == 0) fmt::print("validate: configuration {} OK\n", shown);
    }
    Engine engine(engine_options(cfg, o->rules, bundled_rules_dir()));
    if (!apply_field_types_reporting(engine.registry(), &cfg, o->fields)) {
      fmt::print(stderr, "validate: field types are invalid\n");
      exit_code = kExitInvalidRules;
      return;
    }
    const LoadOutcome loaded = load_rules_reporting(engine);
    const auto set = engine.rules();
    size_t valid = 0, enabled = 0;
    for (const auto& r : set->rules) {
      valid += r.failed ? 0 : 1;
      enabled += (!r.failed && r.enabled) ? 1 : 0;
    }
    print_file_summary(engine.rule_paths(), *set, *per_file);
    if (config_errors > 0) {
      fmt::print(stderr, "validate: configuration {}: {} problem(s) `run` would fail on\n",
                 *config_path, config_errors);
      exit_code = kExitInvalidRules;
    }
    if (loaded.errors == 0 && set->rules.empty()) {
      fmt::print(stderr, "validate: error: no rules found; nothing to validate\n");
      exit_code = kExitInvalidRules;
      return;
    }
    if (loaded.errors > 0) {
      fmt::print(stderr, "validate: {} error(s); {} of {} loaded rule(s) valid\n", loaded.errors,
                 valid, set->rules.size());
      exit_code = kExitInvalidRules;
      return;
    }
    fmt::print("validate: {} rule(s) OK ({} enabled), {} warning(s)\n", valid, enabled,
               loaded.warnings);
    if (config_errors > 0) exit_code = kExitInvalidRules;
  });
}

void register_list(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<RulesOptions>();
  CLI::App* cmd = app.add_subcommand(
      "list",
      "List the loaded rules: id, type, severity, status, ATT&CK techniques, name, source file.");
  add_rules_option(cmd, *o);
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json,
                "Print the rules as a JSON array: id, name, kind, severity, status, source file, "
                "tags, ATT&CK techniques and exceptions (name, list_id, source, condition).");
  auto config_path = std::make_shared<std::string>();
  cmd->add_option("-c,--config", *config_path,
                  "Configuration file: its rules.paths and the value lists, exception lists and "
                  "overlays of rules.lists, rules.exceptions and rules.overlays.");
  cmd->callback([o, json, config_path, &exit_code] {
    config::Config cfg;
    if (!load_config_reporting(*config_path, cfg)) {
      exit_code = kExitInvalidRules;
      return;
    }
    Engine engine(engine_options(cfg, o->rules, bundled_rules_dir()));
    if (!apply_field_types_reporting(engine.registry(), &cfg, o->fields)) {
      exit_code = kExitInvalidRules;
      return;
    }
    const LoadOutcome loaded = load_rules_reporting(engine);
    const auto set = engine.rules();
    if (*json) {
      fmt::print("{}", rules_json(*set));
      if (loaded.errors > 0) exit_code = kExitInvalidRules;
      return;
    }
    fmt::print("{:<44} {:<6} {:<9} {:<8} {:<22} {:<48} {}\n", "ID", "TYPE", "SEVERITY", "STATUS",
               "ATT&CK", "NAME", "SOURCE");
    for (const auto& r : set->rules) {
      std::string mitre;
      for (const auto& t : r.mitre) mitre += (mitre.empty() ? "" : ",") + t;
      fmt::print("{:<44} {:<6} {:<9} {:<8} {:<22} {:<48} {}\n", r.id, r.kind,
                 severity_label(r.severity),
                 r.failed    ? "error"
                 : r.enabled ? "enabled"
                             : "disabled",
                 mitre, r.name, r.source.empty() ? "(built-in)" : r.source);
    }
    if (loaded.errors > 0) exit_code = kExitInvalidRules;
  });
}

void register_version(CLI::App& app, int& /*exit_code*/) {
  CLI::App* cmd = app.add_subcommand("version", "Print the version and what this build supports.");
  cmd->callback([] {
    const PluginRegistry& p = PluginRegistry::builtin();
    auto names = [](const auto& list) {
      std::string out;
      for (const auto& x : list) out += (out.empty() ? "" : ", ") + x.name;
      return out.empty() ? std::string("none") : out;
    };
    fmt::print("{}rule kinds: {}\nsources: {}\nsinks: {}\nactions: {}\n", build_info_text(),
               names(p.rule_kinds()), names(p.sources()), names(p.sinks()), names(p.actions()));
  });
}

}  // namespace wsn::cli
