// The one place where the built-in plug-ins are registered: one line each. A new plug-in lives
// in its own folder (see docs/architecture.md, "Adding a plug-in") and adds its line here.
#include "alert/sinks/file/file_plugin.h"
#include "alert/sinks/sqlite/sqlite_plugin.h"
#include "alert/sinks/stream/stdout_plugin.h"
#include "alert/sinks/syslog/syslog_plugin.h"
#include "alert/sinks/webhook/webhook_plugin.h"
#include "collect/ebpf/ebpf_plugin.h"
#include "collect/logs/logs_plugin.h"
#include "collect/replay/replay_plugins.h"
#include "collect/xdp/xdp_plugin.h"
#include "eql/eql_rule_kind.h"
#include "response/block/block_plugin.h"
#include "response/kill/kill_plugin.h"
#include "sigma/sigma_rule_kind.h"
#include "wasm/wasm_rule_kind.h"

namespace wsn {
namespace {

PluginRegistry make_builtin() {
  PluginRegistry r;
  // Event sources (the first is the default of `run`).
  r.add(plugins::ebpf_source_plugin());
  r.add(plugins::logs_source_plugin());
  r.add(plugins::replay_source_plugin());
  r.add(plugins::stdin_source_plugin());
  r.add(plugins::xdp_source_plugin());
  // Rule kinds.
  r.add(plugins::eql_rule_kind_plugin());
  r.add(plugins::sigma_rule_kind_plugin());
  r.add(plugins::wasm_rule_kind_plugin());
  // Alert sinks, in the order alerts reach them.
  r.add(plugins::stdout_sink_plugin());
  r.add(plugins::file_sink_plugin());
  r.add(plugins::syslog_sink_plugin());
  r.add(plugins::webhook_sink_plugin());
  r.add(plugins::sqlite_sink_plugin());
  // Response actions.
  r.add(plugins::kill_action_plugin());
  r.add(plugins::block_action_plugin());
  return r;
}

}  // namespace

const PluginRegistry& PluginRegistry::builtin() {
  static const PluginRegistry registry = make_builtin();
  return registry;
}

}  // namespace wsn
