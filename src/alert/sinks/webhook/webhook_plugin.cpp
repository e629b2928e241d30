#include "alert/sinks/webhook/webhook_plugin.h"

#include <algorithm>
#include <cctype>

#include "alert/sinks/webhook/webhook_sink.h"
#include "common/path_checks.h"
#include "config/config.h"
#include "config/units.h"

namespace wsn::plugins {
namespace {

std::chrono::milliseconds ms(int64_t ns) {
  return std::chrono::milliseconds(ns / 1'000'000);
}

bool header_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_';
  });
}

}  // namespace

SinkPlugin webhook_sink_plugin() {
  SinkPlugin p;
  p.name = "webhook";
  p.summary = "batches of alerts POSTed to an HTTP(S) endpoint, with retry and a disk spool";
  p.configure = [](ConfigSection& s) {
    auto c = std::make_shared<WebhookSinkConfig>();
    constexpr int64_t kMs = WebhookSinkConfig::kSecond / 1000;
    s.known_keys({"url", "batch_size", "flush_interval", "timeout", "retry_initial", "retry_max",
                  "queue_size", "spool_dir", "spool_max_size", "headers"});
    std::string u;
    if (s.read_string("url", u)) {
      config::HttpUrl parsed;
      std::string why;
      if (!u.empty() && !config::parse_http_url(u, parsed, why)) {
        s.error("url", why + ", got '" + u + "'");
      } else {
        c->url = u;
      }
    }
    s.read_uint("batch_size", c->batch_size, 1, 10000);
    s.read_duration("flush_interval", c->flush_interval_ns, kMs);
    s.read_duration("timeout", c->timeout_ns, kMs);
    s.read_duration("retry_initial", c->retry_initial_ns, kMs);
    if (s.read_duration("retry_max", c->retry_max_ns, kMs) &&
        c->retry_max_ns < c->retry_initial_ns) {
      s.error("retry_max", "must not be shorter than " + s.path() + ".retry_initial (" +
                               config::format_duration(c->retry_initial_ns) + ")");
    }
    s.read_uint("queue_size", c->queue_size, 1, 10'000'000);
    s.read_path("spool_dir", c->spool_dir);
    s.read_size("spool_max_size", c->spool_max_bytes, 64 * 1024);
    std::map<std::string, std::string> headers;
    if (s.read_string_map("headers", headers)) {
      for (const auto& [name, value] : headers) {
        if (!header_name(name)) {
          s.error("headers", "'" + name + "' is not a valid HTTP header name");
        } else if (value.find_first_of("\r\n") != std::string::npos) {
          s.error("headers", "the value of '" + name + "' must not contain line breaks");
        } else {
          c->headers[name] = value;
        }
      }
    }
    return c;
  };
  p.check = [](const PluginConfig& pc, PluginCheck& out) {
    const auto& w = static_cast<const WebhookSinkConfig&>(pc);
    if (w.url.empty() || w.spool_dir.empty()) return;
    if (std::string why = cannot_use_dir(w.spool_dir); !why.empty())
      out.errors.push_back("sinks.webhook.spool_dir: cannot use " + w.spool_dir + ": " + why);
  };
  p.create = [](const PluginConfig& pc, SinkContext&) -> Result<std::unique_ptr<AlertSink>> {
    const auto& c = static_cast<const WebhookSinkConfig&>(pc);
    if (c.url.empty()) return std::unique_ptr<AlertSink>();
    WebhookOptions w;
    w.url = c.url;
    w.batch_size = c.batch_size;
    w.flush_interval = ms(c.flush_interval_ns);
    w.timeout = ms(c.timeout_ns);
    w.retry_initial = ms(c.retry_initial_ns);
    w.retry_max = ms(c.retry_max_ns);
    w.queue_size = c.queue_size;
    w.spool_dir = c.spool_dir;
    w.spool_max_bytes = c.spool_max_bytes;
    w.headers = c.headers;
    auto s = WebhookSink::open(std::move(w));
    if (!s.ok()) return Error{"sinks.webhook: " + s.error().message, s.error().sys_errno};
    return std::unique_ptr<AlertSink>(std::move(s.value()));
  };
  return p;
}

}  // namespace wsn::plugins
