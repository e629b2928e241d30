#include "cli/config_preflight.h"

#include <filesystem>

#include "common/path_checks.h"
#include "wsn/plugins.h"

namespace wsn::cli {
namespace {

namespace fs = std::filesystem;

// Every configured plug-in checks what it names (PluginCheck, in its own folder).
template <typename Plugins>
void check_plugins(const Plugins& plugins, const config::PluginSections& sections,
                   PreflightReport& r) {
  for (const auto& p : plugins) {
    if (!p.check) continue;
    const PluginConfig* c = config::plugin_section(sections, p.name);
    if (!c) continue;
    PluginCheck out;
    p.check(*c, out);
    r.errors.insert(r.errors.end(), out.errors.begin(), out.errors.end());
    r.warnings.insert(r.warnings.end(), out.warnings.begin(), out.warnings.end());
  }
}

}  // namespace

PreflightReport preflight_config(const config::Config& cfg) {
  PreflightReport r;
  const PluginRegistry& plugins = PluginRegistry::builtin();
  check_plugins(plugins.sinks(), cfg.sinks, r);
  const std::string& audit = cfg.response.audit_log;
  if (!audit.empty() && audit != "-") {
    if (std::string why = cannot_use_dir(fs::path(audit).parent_path().string()); !why.empty()) {
      r.warnings.push_back("response.audit_log: cannot create " + audit + ": " + why +
                           "; audit records of response actions would go to standard error");
    }
  }
  check_plugins(plugins.sources(), cfg.sources, r);
  return r;
}

}  // namespace wsn::cli
