#include "cli/operations.h"

#include <fmt/core.h>

#include <cstdio>
#include <filesystem>
#include <mutex>

#include "alert/sinks/stream/stdout_plugin.h"
#include "alert/sinks/stream/stream_sink.h"
#include "event/json_writer.h"
#include "http/alert_stream.h"
#include "http/alert_stream_sink.h"
#include "http/http_server.h"
#include "net/status_json.h"
#include "net/xdp_filter.h"
#include "wasm/dir_watcher.h"

namespace wsn::cli {
namespace {

std::string rules_json(const RuleSet& set) {
  std::string out = "[";
  for (size_t k = 0; k < set.rules.size(); ++k) {
    const RuleMeta& r = set.rules[k];
    if (k) out += ',';
    JsonObjectWriter(out)
        .str("id", r.id)
        .str("name", r.name)
        .str("type", r.kind)
        .str("severity", severity_label(r.severity))
        .boolean("enabled", r.enabled && !r.failed)
        .boolean("failed", r.failed)
        .strings("mitre", r.mitre)
        .strings("tags", r.tags)
        .strings("actions", r.actions)
        .str("source", r.source)
        .close();
  }
  out += "]\n";
  return out;
}

bool is_loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "::1" || host == "localhost" || host.rfind("127.", 0) == 0;
}

}  // namespace

bool load_config_reporting(const std::string& path, config::Config& out,
                           const std::vector<config::ConfigOverride>& overrides) {
  if (path.empty() && overrides.empty()) {
    out = config::default_config(PluginRegistry::builtin());
    return true;
  }
  config::LoadResult r =
      path.empty() ? config::load_config_text("", "", PluginRegistry::builtin(), ".", overrides)
                   : config::load_config_file(path, PluginRegistry::builtin(), overrides);
  for (const auto& e : r.errors) std::fputs(e.c_str(), stderr);
  if (!r.ok()) return false;
  out = std::move(r.config);
  return true;
}

bool reload_rules_reporting(Engine& engine, std::string_view trigger) {
  std::vector<std::string> errors, warnings;
  const bool ok = engine.reload_rules(errors, &warnings);
  for (const auto& w : warnings) std::fputs(w.c_str(), stderr);
  for (const auto& e : errors) std::fputs(e.c_str(), stderr);
  if (ok) {
    fmt::print(stderr, "wasm-sentinel: rules reloaded ({}; {} rules)\n", trigger,
               engine.rules()->rules.size());
  } else {
    fmt::print(stderr,
               "wasm-sentinel: rule reload ({}) rejected ({} error(s)); the previous rules stay "
               "active\n",
               trigger, errors.size());
  }
  return ok;
}

EngineOptions engine_options(const config::Config& cfg, const std::vector<std::string>& cli_rules,
                             const std::string& default_rules_dir) {
  EngineOptions o;
  o.rule_paths = !cli_rules.empty()         ? cli_rules
                 : !cfg.rules.paths.empty() ? cfg.rules.paths
                                            : std::vector<std::string>{default_rules_dir};
  // Tuning files tune whichever rules load; loaded (and reloaded) with them.
  for (const auto* tuning :
       {&cfg.rules.lists, &cfg.rules.exceptions, &cfg.rules.overlays, &cfg.rules.sigma_mappings}) {
    o.rule_paths.insert(o.rule_paths.end(), tuning->begin(), tuning->end());
  }
  o.bus_batches = cfg.limits.bus_batches;
  o.batch_size = cfg.limits.batch_size;
  return o;
}

Result<std::unique_ptr<Operations>> Operations::start(Engine& engine, const config::Config& cfg,
                                                      config::Mode mode, const std::string& output,
                                                      bool live) {
  std::unique_ptr<Operations> ops(new Operations());

  EngineSetup setup;
  setup.mode = mode;
  setup.live = live;
  if (output != "-")
    setup.skip_sinks.push_back("stdout");  // --output FILE replaces standard output
  if (Status st = engine.configure(cfg, setup, ops->warnings_); !st.ok()) return st.error();
  if (output != "-") {
    // --output FILE takes standard output's place, in standard output's configured format.
    AlertLineFormat format = AlertLineFormat::kJson;
    std::shared_ptr<const AlertTemplate> line_template;
    if (const auto* c = dynamic_cast<const plugins::StdoutSinkConfig*>(
            config::plugin_section(cfg.sinks, "stdout"))) {
      format = c->format;
      line_template = c->line_template;
    }
    auto file = StreamSink::open_file(output, format, line_template);
    if (!file.ok()) return file.error();
    engine.alerts().add_sink(std::move(file.value()));
  }

  // Hot reload of the live agent: a rule file or Wasm module added, changed or removed under a
  // rules directory publishes new rules (only if all of them compile). Single rule files given
  // by path are reloaded on SIGHUP.
  if (cfg.rules.watch_enabled(mode)) {
    std::vector<std::string> dirs;
    std::error_code ec;
    for (const auto& p : engine.rule_paths()) {
      if (std::filesystem::is_directory(p, ec)) dirs.push_back(p);
    }
    if (!dirs.empty()) {
      auto watcher = wasm::RuleReloader::start(dirs, [&engine](const std::vector<std::string>&) {
        reload_rules_reporting(engine, "rule files changed");
      });
      if (watcher.ok()) {
        ops->watcher_ = std::move(watcher.value());
      } else {
        ops->warnings_.push_back(watcher.error().message +
                                 "; rule directories are not watched (SIGHUP still reloads)");
      }
    }
  }

  if (cfg.http.is_enabled(mode)) {
    http::ServerOptions so;
    if (!config::split_host_port(cfg.http.listen, so.host, so.port)) {
      return Error{"http.listen: bad address '" + cfg.http.listen + "'"};
    }
    so.token = cfg.http.token;
    http::ApiBackend api;
    api.ready = [&engine] { return engine.running(); };
    api.health_detail = [&engine] {
      std::vector<std::string> lines;
      for (const auto& t : engine.alerts().sink_troubles()) {
        lines.push_back(fmt::format("sink {}: {} alert(s) not written{}", t.sink, t.failures,
                                    t.last_error.empty() ? "" : " (" + t.last_error + ")"));
      }
      return lines;
    };
    api.rules_json = [&engine] { return rules_json(*engine.rules()); };
    if (AlertSink* store = engine.alerts().alert_store()) {
      api.alerts_json = [store](size_t limit, const std::string& rule) {
        return store->recent_alerts_json(limit, rule);
      };
    }
    api.set_rule_enabled = [&engine](const std::string& id, bool enabled, std::string& detail) {
      switch (engine.set_rule_enabled(id, enabled, detail)) {
        case Engine::RuleChange::kOk:
          return http::SetRuleResult::kOk;
        case Engine::RuleChange::kNotFound:
          return http::SetRuleResult::kNotFound;
        case Engine::RuleChange::kFailed:
          break;
      }
      return http::SetRuleResult::kFailed;
    };
    // The dashboard's network panel: the filter pinned where `net` and sources.xdp put it.
    api.network_json = [] { return net::network_status_json(net::kDefaultPinDir); };
    // The dashboard's live alerts: a sink that never waits on a browser.
    auto stream = std::make_shared<http::AlertStream>(engine.metrics());
    api.alert_stream = stream;
    ops->http_ = std::make_unique<http::Server>(so, engine.metrics(), std::move(api));
    if (Status s = ops->http_->start(); !s.ok()) {
      if (cfg.http.enabled.has_value()) return s.error();
      ops->warnings_.push_back(s.error().message + "; the HTTP endpoint is off");
      ops->http_.reset();
      return ops;
    }
    engine.alerts().add_sink(std::make_unique<http::AlertStreamSink>(stream));
    if (!is_loopback(so.host)) {
      ops->warnings_.push_back("the HTTP endpoint listens on " + cfg.http.listen +
                               ": anyone who can reach it can read rules, alerts and metrics");
    }
  }
  return ops;
}

Operations::~Operations() {
  watcher_.reset();
  if (http_) http_->stop();
}

}  // namespace wsn::cli
