#include "cli/config_preflight.h"

#include <netdb.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "alert/sinks/file/file_plugin.h"
#include "alert/sinks/sqlite/sqlite_plugin.h"
#include "alert/sinks/syslog/syslog_plugin.h"
#include "alert/sinks/webhook/webhook_plugin.h"
#include "collect/replay/replay_plugins.h"

namespace wsn::cli {
namespace {

namespace fs = std::filesystem;

// Why a file could not be created or appended to at `path`, or "" when it could.
std::string cannot_write_file(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return path + " is a directory";
  if (fs::exists(path, ec)) {
    return ::access(path.c_str(), W_OK) == 0 ? "" : path + " is not writable";
  }
  fs::path parent = fs::path(path).parent_path();
  if (parent.empty()) parent = ".";
  if (!fs::is_directory(parent, ec)) return "directory " + parent.string() + " does not exist";
  if (::access(parent.c_str(), W_OK | X_OK) != 0) {
    return "directory " + parent.string() + " is not writable";
  }
  return "";
}

// Why a directory could not be used (or created, with its missing parents), or "".
std::string cannot_use_dir(const std::string& dir) {
  std::error_code ec;
  fs::path p = dir;
  while (!p.empty() && !fs::exists(p, ec)) {
    if (p == p.parent_path()) break;
    p = p.parent_path();
  }
  if (p.empty()) p = ".";
  if (!fs::is_directory(p, ec)) return p.string() + " is not a directory";
  if (::access(p.c_str(), W_OK | X_OK) != 0) return "directory " + p.string() + " is not writable";
  return "";
}

void check_sinks(const config::Config& cfg, PreflightReport& r) {
  using namespace plugins;
  if (const auto* f =
          dynamic_cast<const FileSinkConfig*>(config::plugin_section(cfg.sinks, "file"))) {
    if (!f->path.empty()) {
      if (std::string why = cannot_write_file(f->path); !why.empty()) {
        r.errors.push_back("sinks.file.path: cannot open " + f->path + ": " + why +
                           "; create it or point the file sink elsewhere");
      }
    }
  }
  if (const auto* s =
          dynamic_cast<const SqliteSinkConfig*>(config::plugin_section(cfg.sinks, "sqlite"))) {
    if (s->is_enabled(RunMode::kRun)) {
      // The store creates its missing parent directories.
      std::error_code ec;
      const std::string why = fs::exists(s->path, ec)
                                  ? cannot_write_file(s->path)
                                  : cannot_use_dir(fs::path(s->path).parent_path().string());
      if (!why.empty()) {
        const std::string msg = "sinks.sqlite.path: cannot open " + s->path + ": " + why;
        if (s->enabled.has_value()) {
          r.errors.push_back(msg + "; create it or set another path");
        } else {  // auto: run starts without the store and says so
          r.warnings.push_back(msg +
                               "; `run` would start without the alert store (set "
                               "sinks.sqlite.enabled: false to say so, or fix the path)");
        }
      }
    }
  }
  if (const auto* w =
          dynamic_cast<const WebhookSinkConfig*>(config::plugin_section(cfg.sinks, "webhook"))) {
    if (!w->url.empty() && !w->spool_dir.empty()) {
      if (std::string why = cannot_use_dir(w->spool_dir); !why.empty()) {
        r.errors.push_back("sinks.webhook.spool_dir: cannot use " + w->spool_dir + ": " + why);
      }
    }
  }
  if (const auto* s =
          dynamic_cast<const SyslogSinkConfig*>(config::plugin_section(cfg.sinks, "syslog"))) {
    if (s->enabled && s->address.rfind("unix:", 0) == 0) {
      const std::string path = s->address.substr(5);
      struct stat st {};
      if (::stat(path.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode)) {
        r.warnings.push_back("sinks.syslog.address: " + path +
                             " is not a socket (no syslog daemon listening?); `run` would start "
                             "but deliver no alert there until one does");
      }
    } else if (s->enabled && s->address.rfind("udp:", 0) == 0) {
      std::string host;
      uint16_t port = 0;
      addrinfo* res = nullptr;
      addrinfo hints{};
      hints.ai_socktype = SOCK_DGRAM;
      if (config::split_host_port(s->address.substr(4), host, port) &&
          ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0) {
        r.errors.push_back("sinks.syslog.address: cannot resolve " + host);
      }
      if (res) ::freeaddrinfo(res);
    }
  }
}

}  // namespace

PreflightReport preflight_config(const config::Config& cfg) {
  PreflightReport r;
  check_sinks(cfg, r);
  const std::string& audit = cfg.response.audit_log;
  if (!audit.empty() && audit != "-") {
    if (std::string why = cannot_use_dir(fs::path(audit).parent_path().string()); !why.empty()) {
      r.warnings.push_back("response.audit_log: cannot create " + audit + ": " + why +
                           "; audit records of response actions would go to standard error");
    }
  }
  if (const auto* replay = dynamic_cast<const plugins::ReplaySourceConfig*>(
          config::plugin_section(cfg.sources, "replay"))) {
    if (!replay->path.empty() && ::access(replay->path.c_str(), R_OK) != 0) {
      r.errors.push_back("sources.replay.path: cannot read " + replay->path);
    }
  }
  return r;
}

}  // namespace wsn::cli
