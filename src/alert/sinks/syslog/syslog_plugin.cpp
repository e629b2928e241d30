#include "alert/sinks/syslog/syslog_plugin.h"

#include <algorithm>
#include <iterator>

#include "alert/sinks/syslog/syslog_sink.h"

#include <netdb.h>
#include <sys/stat.h>

#include "config/config.h"

namespace wsn::plugins {
namespace {

constexpr std::string_view kFacilities[] = {"kern",     "user",   "mail",   "daemon", "auth",
                                            "syslog",   "lpr",    "news",   "uucp",   "cron",
                                            "authpriv", "ftp",    "local0", "local1", "local2",
                                            "local3",   "local4", "local5", "local6", "local7"};

}  // namespace

SinkPlugin syslog_sink_plugin() {
  SinkPlugin p;
  p.name = "syslog";
  p.summary = "RFC 5424 messages to the local syslog socket or a UDP collector";
  p.configure = [](ConfigSection& s) {
    auto c = std::make_shared<SyslogSinkConfig>();
    s.known_keys({"enabled", "address", "facility", "app_name"});
    s.read_bool("enabled", c->enabled);
    std::string a;
    if (s.read_string("address", a)) {
      std::string host;
      uint16_t port = 0;
      if (a.rfind("unix:", 0) == 0 && a.size() > 5) {
        c->address = "unix:" + s.resolve_path(a.substr(5));
      } else if (a.rfind("udp:", 0) == 0 && config::split_host_port(a.substr(4), host, port) &&
                 port) {
        c->address = a;
      } else {
        s.error("address", "expected unix:PATH or udp:HOST:PORT, got '" + a + "'");
      }
    }
    std::string f;
    if (s.read_string("facility", f)) {
      if (std::find(std::begin(kFacilities), std::end(kFacilities), f) == std::end(kFacilities)) {
        s.error("facility",
                "unknown facility '" + f + "' (use daemon, auth, authpriv, local0..local7, …)");
      } else {
        c->facility = f;
      }
    }
    std::string app;
    if (s.read_string("app_name", app)) {
      const bool printable =
          std::all_of(app.begin(), app.end(), [](char ch) { return ch > 32 && ch < 127; });
      if (app.empty() || app.size() > 48 || !printable) {
        s.error("app_name",
                "must be 1-48 printable ASCII characters without spaces (RFC 5424 APP-NAME)");
      } else {
        c->app_name = app;
      }
    }
    return c;
  };
  p.check = [](const PluginConfig& pc, PluginCheck& out) {
    const auto& s = static_cast<const SyslogSinkConfig&>(pc);
    if (s.enabled && s.address.rfind("unix:", 0) == 0) {
      const std::string path = s.address.substr(5);
      struct stat st {};
      if (::stat(path.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode)) {
        out.warnings.push_back("sinks.syslog.address: " + path +
                               " is not a socket (no syslog daemon listening?); `run` would "
                               "start but deliver no alert there until one does");
      }
    } else if (s.enabled && s.address.rfind("udp:", 0) == 0) {
      std::string host;
      uint16_t port = 0;
      addrinfo* res = nullptr;
      addrinfo hints{};
      hints.ai_socktype = SOCK_DGRAM;
      if (config::split_host_port(s.address.substr(4), host, port) &&
          ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0) {
        out.errors.push_back("sinks.syslog.address: cannot resolve " + host);
      }
      if (res) ::freeaddrinfo(res);
    }
  };
  p.create = [](const PluginConfig& pc, SinkContext& ctx) -> Result<std::unique_ptr<AlertSink>> {
    const auto& c = static_cast<const SyslogSinkConfig&>(pc);
    if (!c.enabled) return std::unique_ptr<AlertSink>();
    auto s =
        SyslogSink::open({.address = c.address, .facility = c.facility, .app_name = c.app_name});
    if (!s.ok()) return Error{"sinks.syslog: " + s.error().message, s.error().sys_errno};
    if (!s.value()->open_problem().empty() && ctx.warnings) {
      ctx.warnings->push_back("sinks.syslog (" + std::string(s.value()->name()) +
                              "): " + s.value()->open_problem() +
                              "; failed writes count in wsn_sink_failures_total and /healthz");
    }
    return std::unique_ptr<AlertSink>(std::move(s.value()));
  };
  return p;
}

}  // namespace wsn::plugins
