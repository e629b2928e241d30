// The four kinds of extension — event sources, rule kinds, alert sinks, response actions — and
// the registry that names them.
//
// A plug-in lives in its own folder and describes itself with one of the structs below: a name,
// a one-line summary, the parser of its own configuration section (`sources.<name>`,
// `sinks.<name>`, `actions.<name>`; see wsn/config_section.h) and a factory. The configuration
// loader knows only the generic shape of the file and hands each section to the plug-in that
// owns it; a section naming no registered plug-in is an error. Rule kinds are found by the
// `type:` of a rule file and actions by the names in a rule's `actions:` list.
//
// The built-in plug-ins are registered in one place (src/plugins/builtin_plugins.cpp, one line
// each); a program or test may build its own registry from them and add more.
//
// Thread safety: fill a registry before handing it to anything; afterwards it is read-only and
// may be read from any thread. Plug-in structs must outlive every engine that uses them.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "wsn/action.h"
#include "wsn/alert.h"
#include "wsn/config_section.h"
#include "wsn/result.h"
#include "wsn/rule_kind.h"
#include "wsn/schema.h"
#include "wsn/source.h"

namespace wsn {

// Parses a section (absent → the plug-in's defaults). Errors go to the section; the returned
// settings are used only if the whole file is valid.
using ConfigureFn = std::function<std::shared_ptr<const PluginConfig>(ConfigSection&)>;

// What `validate -c` finds about a configured plug-in beyond its syntax: whether what it names
// (a directory, a socket, a file) can be opened the way `run` would. Lines are "KEY.PATH:
// problem; hint".
struct PluginCheck {
  std::vector<std::string> errors;    // `run` would refuse to start
  std::vector<std::string> warnings;  // `run` would start without it, or it may appear later
};
using CheckFn = std::function<void(const PluginConfig&, PluginCheck&)>;

struct SourceContext {
  FieldRegistry& registry;
  RunMode mode = RunMode::kRun;
  // For messages the source has for the operator while it runs (a malformed record …).
  std::function<void(const std::string&)> report;
};

struct SourcePlugin {
  std::string name;
  std::string summary;
  ConfigureFn configure;
  // Whether the configured source takes part in `run` (e.g. the kernel collector unless
  // disabled; standard input only when enabled).
  std::function<bool(const PluginConfig&)> enabled;
  // Ok when it can run on this host; otherwise why not (checked before rules load).
  std::function<Status()> available;
  std::function<Result<std::unique_ptr<EventSource>>(const PluginConfig&, SourceContext&)> create;
  // Field names it fills, for `wasm-sentinel fields`; {"*"}: whatever its input holds.
  std::function<std::vector<std::string>()> filled_fields;
  CheckFn check;  // optional (PluginCheck)
};

struct SinkContext {
  RunMode mode = RunMode::kRun;
  // Sinks on only by default (e.g. the alert store of `run`) that cannot open add a warning
  // here and return nullptr instead of failing the run.
  std::vector<std::string>* warnings = nullptr;
};

struct SinkPlugin {
  std::string name;
  std::string summary;
  ConfigureFn configure;
  // The sink, or nullptr when it is off (in this mode).
  std::function<Result<std::unique_ptr<AlertSink>>(const PluginConfig&, SinkContext&)> create;
  CheckFn check;  // optional (PluginCheck)
};

struct RuleKindPlugin {
  std::string name;  // the `type:` of its rules
  std::string summary;
  std::string body_key;  // required key holding a rule's body (`query`, `module` …)
  std::vector<std::string> extra_keys;  // further keys passed through as RuleSource::params
  std::function<std::unique_ptr<RuleKind>()> create;  // one per engine
};

struct ActionContext {
  RunMode mode = RunMode::kRun;
};

struct ActionPlugin {
  std::string name;  // as rules name it in `actions:`
  std::string summary;
  ConfigureFn configure;
  std::function<Result<std::unique_ptr<ResponseAction>>(const PluginConfig&, ActionContext&)>
      create;
};

class PluginRegistry {
 public:
  // The built-in plug-ins (src/plugins/builtin_plugins.cpp).
  static const PluginRegistry& builtin();

  // Adding a name twice (within one kind of plug-in) replaces the earlier plug-in.
  void add(SourcePlugin p);
  void add(SinkPlugin p);
  void add(RuleKindPlugin p);
  void add(ActionPlugin p);

  const SourcePlugin* source(std::string_view name) const;
  const SinkPlugin* sink(std::string_view name) const;
  const RuleKindPlugin* rule_kind(std::string_view name) const;
  const ActionPlugin* action(std::string_view name) const;

  // In registration order.
  const std::vector<SourcePlugin>& sources() const { return sources_; }
  const std::vector<SinkPlugin>& sinks() const { return sinks_; }
  const std::vector<RuleKindPlugin>& rule_kinds() const { return rule_kinds_; }
  const std::vector<ActionPlugin>& actions() const { return actions_; }

 private:
  std::vector<SourcePlugin> sources_;
  std::vector<SinkPlugin> sinks_;
  std::vector<RuleKindPlugin> rule_kinds_;
  std::vector<ActionPlugin> actions_;
};

// Reads a plug-in's settings back as its own type (nullptr if it is of another type).
template <typename T>
const T* plugin_config(const std::shared_ptr<const PluginConfig>& c) {
  return dynamic_cast<const T*>(c.get());
}

}  // namespace wsn
