#include "collect/logs/logs_plugin.h"

#include "collect/logs/log_tail_source.h"

namespace wsn::plugins {
namespace {

struct LogsSourceConfig final : PluginConfig {
  bool enabled = false;
  std::vector<std::string> auth = {"/var/log/auth.log"};
  std::vector<std::string> syslog = {"/var/log/syslog"};
  std::vector<std::string> auditd = {"/var/log/audit/audit.log"};
  bool from_start = false;
  int64_t poll_ns = 200'000'000;
};

}  // namespace

SourcePlugin logs_source_plugin() {
  SourcePlugin p;
  p.name = "logs";
  p.summary = "system log files followed live: auth.log, syslog, auditd's audit.log";
  p.configure = [](ConfigSection& s) {
    auto c = std::make_shared<LogsSourceConfig>();
    s.known_keys({"enabled", "auth", "syslog", "auditd", "from_start", "poll"});
    s.read_bool("enabled", c->enabled);
    s.read_string_list("auth", c->auth);
    s.read_string_list("syslog", c->syslog);
    s.read_string_list("auditd", c->auditd);
    s.read_bool("from_start", c->from_start);
    s.read_duration("poll", c->poll_ns, 1'000'000);
    return c;
  };
  p.enabled = [](const PluginConfig& pc) {
    return static_cast<const LogsSourceConfig&>(pc).enabled;
  };
  p.available = [] { return Status{}; };
  p.filled_fields = [] {
    return std::vector<std::string>{
        "@timestamp",        "event.kind",       "event.category",       "event.type",
        "event.action",      "event.outcome",    "event.module",         "event.dataset",
        "message",           "log.file.path",    "host.name",            "host.hostname",
        "process.name",      "process.pid",      "process.parent.pid",   "process.executable",
        "process.command_line", "user.name",     "user.id",              "user.effective.name",
        "group.name",        "group.id",         "source.ip",            "source.port",
        "system.auth.ssh.event", "system.auth.ssh.method", "system.auth.sudo.command",
        "auditd.log.record_type", "auditd.log.sequence"};
  };
  p.create = [](const PluginConfig& pc,
                SourceContext& ctx) -> Result<std::unique_ptr<EventSource>> {
    const auto& c = static_cast<const LogsSourceConfig&>(pc);
    logs::LogTailOptions o;
    for (const auto& f : c.auth) o.files.push_back({f, logs::LogFormat::kAuth});
    for (const auto& f : c.syslog) o.files.push_back({f, logs::LogFormat::kSyslog});
    for (const auto& f : c.auditd) o.files.push_back({f, logs::LogFormat::kAuditd});
    if (o.files.empty()) return Error{"sources.logs: enabled, but no auth, syslog or auditd files"};
    o.from_start = c.from_start;
    o.poll_ns = c.poll_ns;
    return std::unique_ptr<EventSource>(
        std::make_unique<logs::LogTailSource>(std::move(o), ctx.registry, ctx.report));
  };
  return p;
}

}  // namespace wsn::plugins
