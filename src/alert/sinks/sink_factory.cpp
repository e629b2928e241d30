#include "alert/sinks/sink_factory.h"

#include "alert/sinks/file/rotating_file_sink.h"
#include "alert/sinks/sqlite/sqlite_sink.h"
#include "alert/sinks/stream/stream_sink.h"
#include "alert/sinks/syslog/syslog_sink.h"
#include "alert/sinks/webhook/webhook_sink.h"

namespace wsn {
namespace {

std::chrono::milliseconds ms(int64_t ns) {
  return std::chrono::milliseconds(ns / 1'000'000);
}

}  // namespace

Result<SinkBuild> make_sinks(const config::SinksConfig& c, config::Mode mode) {
  SinkBuild out;
  if (c.stdout_sink.enabled) {
    out.sinks.push_back(StreamSink::stdout_sink(c.stdout_sink.format == config::TextFormat::kText
                                                    ? AlertLineFormat::kText
                                                    : AlertLineFormat::kJson));
  }
  if (!c.file.path.empty()) {
    auto s = RotatingFileSink::open({.path = c.file.path,
                                     .max_bytes = c.file.max_bytes,
                                     .max_files = static_cast<uint32_t>(c.file.max_files)});
    if (!s.ok()) return Error{"sinks.file: " + s.error().message, s.error().sys_errno};
    out.sinks.push_back(std::move(s.value()));
  }
  if (c.syslog.enabled) {
    auto s = SyslogSink::open({.address = c.syslog.address,
                               .facility = c.syslog.facility,
                               .app_name = c.syslog.app_name});
    if (!s.ok()) return Error{"sinks.syslog: " + s.error().message, s.error().sys_errno};
    out.sinks.push_back(std::move(s.value()));
  }
  if (!c.webhook.url.empty()) {
    WebhookOptions w;
    w.url = c.webhook.url;
    w.batch_size = c.webhook.batch_size;
    w.flush_interval = ms(c.webhook.flush_interval_ns);
    w.timeout = ms(c.webhook.timeout_ns);
    w.retry_initial = ms(c.webhook.retry_initial_ns);
    w.retry_max = ms(c.webhook.retry_max_ns);
    w.queue_size = c.webhook.queue_size;
    w.spool_dir = c.webhook.spool_dir;
    w.spool_max_bytes = c.webhook.spool_max_bytes;
    w.headers = c.webhook.headers;
    auto s = WebhookSink::open(std::move(w));
    if (!s.ok()) return Error{"sinks.webhook: " + s.error().message, s.error().sys_errno};
    out.sinks.push_back(std::move(s.value()));
  }
  if (c.sqlite.is_enabled(mode)) {
    SqliteSinkOptions o;
    o.store = {
        .path = c.sqlite.path, .max_age_ns = c.sqlite.max_age_ns, .max_rows = c.sqlite.max_rows};
    auto s = SqliteSink::open(std::move(o));
    if (s.ok()) {
      out.sinks.push_back(std::move(s.value()));
    } else if (c.sqlite.enabled.has_value()) {
      return Error{"sinks.sqlite: " + s.error().message, s.error().sys_errno};
    } else {
      out.warnings.push_back("the default alert store is off: " + s.error().message +
                             " (set sinks.sqlite in the configuration)");
    }
  }
  return out;
}

}  // namespace wsn
