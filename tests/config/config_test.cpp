// The configuration file: defaults, every key, errors by position and key path, and the
// documented default file (docs/configuration.md) loading to exactly the built-in defaults.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "alert/sinks/file/file_plugin.h"
#include "alert/sinks/sqlite/sqlite_plugin.h"
#include "alert/sinks/stream/stdout_plugin.h"
#include "alert/sinks/syslog/syslog_plugin.h"
#include "alert/sinks/webhook/webhook_plugin.h"
#include "collect/ebpf/ebpf_plugin.h"
#include "config/config.h"
#include "config/units.h"

namespace wsn::config {
namespace {

namespace fs = std::filesystem;

// Each plug-in's parsed section, as its own settings type.
template <typename T>
const T& section(const PluginSections& s, const char* name) {
  const T* c = plugin_config<T>(s.at(name));
  if (!c) throw std::runtime_error(std::string("no settings for ") + name);
  return *c;
}
const plugins::StdoutSinkConfig& stdout_of(const Config& c) {
  return section<plugins::StdoutSinkConfig>(c.sinks, "stdout");
}
const plugins::FileSinkConfig& file_of(const Config& c) {
  return section<plugins::FileSinkConfig>(c.sinks, "file");
}
const plugins::SyslogSinkConfig& syslog_of(const Config& c) {
  return section<plugins::SyslogSinkConfig>(c.sinks, "syslog");
}
const plugins::WebhookSinkConfig& webhook_of(const Config& c) {
  return section<plugins::WebhookSinkConfig>(c.sinks, "webhook");
}
const plugins::SqliteSinkConfig& sqlite_of(const Config& c) {
  return section<plugins::SqliteSinkConfig>(c.sinks, "sqlite");
}
const plugins::EbpfSourceConfig& ebpf_of(const Config& c) {
  return section<plugins::EbpfSourceConfig>(c.sources, "ebpf");
}

LoadResult load(const std::string& text) {
  return load_config_text("config.yml", text, PluginRegistry::builtin(), "/etc/wsn");
}

std::string errors_of(const LoadResult& r) {
  std::string out;
  for (const auto& e : r.errors) out += e;
  return out;
}

TEST(Config, EmptyFileGivesTheDefaultsAndAutoDependsOnTheCommand) {
  const LoadResult r = load("");
  ASSERT_TRUE(r.ok()) << errors_of(r);
  const Config& c = r.config;
  EXPECT_TRUE(c.rules.paths.empty());
  EXPECT_EQ(c.limits.bus_batches, 64u);
  EXPECT_TRUE(stdout_of(c).enabled);
  EXPECT_TRUE(sqlite_of(c).is_enabled(Mode::kRun));
  EXPECT_FALSE(sqlite_of(c).is_enabled(Mode::kReplay));
  EXPECT_TRUE(c.http.is_enabled(Mode::kRun));
  EXPECT_FALSE(c.http.is_enabled(Mode::kReplay));
  EXPECT_EQ(c.alerts.dedupe_window(Mode::kRun), 60 * kSecond);
  EXPECT_EQ(c.alerts.dedupe_window(Mode::kReplay), 0);
  EXPECT_EQ(c.alerts.throttle_max(Mode::kRun), 300u);
  EXPECT_EQ(c.alerts.throttle_max(Mode::kReplay), 0u);
  EXPECT_EQ(c.http.listen, "127.0.0.1:9477");
  EXPECT_FALSE(c.response.dry_run);
  EXPECT_TRUE(c.rules.watch_enabled(Mode::kRun));
  EXPECT_FALSE(c.rules.watch_enabled(Mode::kReplay));
  EXPECT_EQ(ebpf_of(c).hooks, plugins::EbpfSourceConfig::Hooks::kRules);
}

TEST(Config, EveryKeyIsRead) {
  const LoadResult r = load(R"(version: 1
rules:
  paths: [rules, /abs/rules]
  strict: true
  watch: true
sources:
  ebpf: {enabled: false, ring_buffer: 64MiB, process_table: 4096, host_name: h1, hooks: all}
limits: {bus_batches: 128, batch_size: 512, process_table: 1000, dedupe_keys: 99}
alerts:
  dedupe: {window: 90s}
  throttle: {max_alerts: 10, period: 5m}
  ancestry_depth: 3
sinks:
  stdout: {enabled: false, format: text}
  file: {path: out/alerts.jsonl, max_size: 10MB, max_files: 9}
  syslog: {enabled: true, address: "udp:127.0.0.1:5514", facility: auth, app_name: wsn}
  webhook:
    url: https://siem.example:8443/in
    batch_size: 50
    flush_interval: 250ms
    timeout: 2s
    retry_initial: 100ms
    retry_max: 1m
    queue_size: 5
    spool_dir: spool
    spool_max_size: 2GiB
    headers: {X-Api-Key: secret}
  sqlite: {enabled: true, path: /tmp/a.db, max_age: 7d, max_rows: 10}
http: {enabled: false, listen: "[::1]:8080", token: 0123456789abcdefXYZ}
response: {dry_run: true, audit_log: "-"}
)");
  ASSERT_TRUE(r.ok()) << errors_of(r);
  const Config& c = r.config;
  EXPECT_EQ(c.rules.paths, (std::vector<std::string>{"/etc/wsn/rules", "/abs/rules"}));
  EXPECT_TRUE(c.rules.strict);
  EXPECT_TRUE(c.rules.watch_enabled(Mode::kReplay));
  EXPECT_EQ(ebpf_of(c).hooks, plugins::EbpfSourceConfig::Hooks::kAll);
  EXPECT_FALSE(ebpf_of(c).enabled);
  EXPECT_EQ(ebpf_of(c).ring_buffer_bytes, 64u << 20);
  EXPECT_EQ(ebpf_of(c).host_name, "h1");
  EXPECT_EQ(c.limits.batch_size, 512u);
  EXPECT_EQ(c.limits.dedupe_keys, 99u);
  EXPECT_EQ(c.alerts.dedupe_window(Mode::kReplay), 90 * kSecond);
  EXPECT_EQ(c.alerts.throttle_max(Mode::kReplay), 10u);
  EXPECT_EQ(c.alerts.throttle_period_ns, 300 * kSecond);
  EXPECT_EQ(c.alerts.ancestry_depth, 3u);
  EXPECT_FALSE(stdout_of(c).enabled);
  EXPECT_EQ(stdout_of(c).format, AlertLineFormat::kText);
  EXPECT_EQ(file_of(c).path, "/etc/wsn/out/alerts.jsonl");
  EXPECT_EQ(file_of(c).max_bytes, 10'000'000u);
  EXPECT_EQ(syslog_of(c).address, "udp:127.0.0.1:5514");
  EXPECT_EQ(syslog_of(c).facility, "auth");
  EXPECT_EQ(webhook_of(c).url, "https://siem.example:8443/in");
  EXPECT_EQ(webhook_of(c).flush_interval_ns, kSecond / 4);
  EXPECT_EQ(webhook_of(c).retry_max_ns, 60 * kSecond);
  EXPECT_EQ(webhook_of(c).spool_dir, "/etc/wsn/spool");
  EXPECT_EQ(webhook_of(c).spool_max_bytes, uint64_t{2} << 30);
  EXPECT_EQ(webhook_of(c).headers.at("X-Api-Key"), "secret");
  EXPECT_TRUE(sqlite_of(c).is_enabled(Mode::kReplay));
  EXPECT_EQ(sqlite_of(c).max_age_ns, int64_t{7} * 86400 * kSecond);
  EXPECT_FALSE(c.http.is_enabled(Mode::kRun));
  EXPECT_EQ(c.http.listen, "[::1]:8080");
  EXPECT_TRUE(c.response.dry_run);
  EXPECT_EQ(c.response.audit_log, "-");
}

TEST(Config, BadValuesAreReportedByPositionAndKeyPath) {
  const LoadResult r = load(R"(sinks:
  webhook:
    url: ftp://nowhere
    batch_size: 0
    retry_initial: 10s
    retry_max: 1s
  syslog:
    address: tcp:1.2.3.4:514
    facility: local9
  stdout: {format: xml}
  fiel: {path: x}
limits:
  bus_batches: lots
alerts:
  dedupe: {window: 5 parsecs}
http:
  listen: 127.0.0.1
  token: short
response:
  dry_run: maybe
)");
  ASSERT_FALSE(r.ok());
  const std::vector<std::string> expected = {
      "config.yml:3:10: error: sinks.webhook.url: must start with http:// or https://, got "
      "'ftp://nowhere'\n",
      "config.yml:4:17: error: sinks.webhook.batch_size: must be between 1 and 10000, got 0\n",
      "config.yml:6:16: error: sinks.webhook.retry_max: must not be shorter than "
      "sinks.webhook.retry_initial (10s)\n",
      "config.yml:8:14: error: sinks.syslog.address: expected unix:PATH or udp:HOST:PORT, got "
      "'tcp:1.2.3.4:514'\n",
      "config.yml:9:15: error: sinks.syslog.facility: unknown facility 'local9' (use daemon, auth, "
      "authpriv, local0..local7, …)\n",
      "config.yml:10:20: error: sinks.stdout.format: expected json or text, got 'xml'\n",
      "config.yml:11:3: error: sinks.fiel: unknown key (did you mean 'file'? known: stdout, file, "
      "syslog, webhook, "
      "sqlite)\n",
      "config.yml:13:16: error: limits.bus_batches: expected an integer, got 'lots'\n",
      "config.yml:15:20: error: alerts.dedupe.window: unknown duration unit (use ms, s, m, h or "
      "d), got '5 parsecs'\n",
      "config.yml:17:11: error: http.listen: expected HOST:PORT such as 127.0.0.1:9477, got "
      "'127.0.0.1'\n",
      "config.yml:18:10: error: http.token: must be at least 16 characters\n",
      "config.yml:20:12: error: response.dry_run: expected true or false, got 'maybe'\n",
  };
  EXPECT_EQ(r.errors, expected) << errors_of(r);
}

TEST(Config, BadRuleWatchAndHookValuesNameTheirKey) {
  const LoadResult r = load("rules:\n  watch: often\nsources:\n  ebpf:\n    hooks: some\n");
  ASSERT_EQ(r.errors.size(), 2u) << errors_of(r);
  EXPECT_EQ(r.errors[0].rfind("config.yml:2:10: error: rules.watch: ", 0), 0u) << r.errors[0];
  EXPECT_EQ(r.errors[1].rfind("config.yml:5:12: error: sources.ebpf.hooks: ", 0), 0u)
      << r.errors[1];
}

TEST(Config, StructureErrors) {
  EXPECT_EQ(errors_of(load("sinks: [1, 2]\n")),
            "config.yml:1:8: error: sinks: expected a mapping\n");
  EXPECT_EQ(errors_of(load("- a\n- b\n")), "config.yml:1:1: error: expected a mapping\n");
  EXPECT_EQ(errors_of(load("version: 2\n")),
            "config.yml:1:10: error: version: must be between 1 and 1, got 2\n");
  EXPECT_EQ(errors_of(load("rules:\n  paths: rules\n")),
            "config.yml:2:10: error: rules.paths: expected a list\n");
  const std::string syntax = errors_of(load("sinks:\n  stdout: {enabled: true\n"));
  EXPECT_EQ(syntax.rfind("config.yml:", 0), 0u) << syntax;
  EXPECT_NE(syntax.find(": error: invalid YAML: "), std::string::npos) << syntax;
  const LoadResult missing = load_config_file("/nonexistent/wsn.yml", PluginRegistry::builtin());
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_EQ(
      missing.errors[0],
      "/nonexistent/wsn.yml: error: cannot read configuration file: No such file or directory\n");
}

TEST(Config, TokenFileAndRelativePathsFromTheFile) {
  const fs::path dir = fs::temp_directory_path() / ("wsn_cfg_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "token") << "s3cr3t-token-of-sufficient-length\n";
  std::ofstream(dir / "c.yml")
      << "http:\n  token_file: token\nsinks:\n  sqlite:\n    path: db/a.db\n";
  const LoadResult r = load_config_file((dir / "c.yml").string(), PluginRegistry::builtin());
  ASSERT_TRUE(r.ok()) << errors_of(r);
  EXPECT_EQ(r.config.http.token, "s3cr3t-token-of-sufficient-length");
  EXPECT_EQ(sqlite_of(r.config).path, (dir / "db/a.db").string());
  std::ofstream(dir / "d.yml") << "http:\n  token_file: missing\n";
  const LoadResult bad = load_config_file((dir / "d.yml").string(), PluginRegistry::builtin());
  ASSERT_EQ(bad.errors.size(), 1u);
  EXPECT_NE(bad.errors[0].find(":2:15: error: http.token_file: cannot read token file "),
            std::string::npos)
      << bad.errors[0];
  fs::remove_all(dir);
}

TEST(Units, DurationsAndSizes) {
  int64_t ns = 0;
  EXPECT_EQ(parse_duration("500ms", ns), nullptr);
  EXPECT_EQ(ns, 500'000'000);
  EXPECT_EQ(parse_duration("30", ns), nullptr);
  EXPECT_EQ(ns, 30 * kSecond);
  EXPECT_EQ(parse_duration("2h", ns), nullptr);
  EXPECT_EQ(ns, 7200 * kSecond);
  EXPECT_NE(parse_duration("-1s", ns), nullptr);
  EXPECT_NE(parse_duration("1.5s", ns), nullptr);
  EXPECT_STREQ(parse_duration("99999999999999d", ns), "value too large");
  uint64_t b = 0;
  EXPECT_EQ(parse_size("64KiB", b), nullptr);
  EXPECT_EQ(b, 65536u);
  EXPECT_EQ(parse_size("1 GiB", b), nullptr);
  EXPECT_EQ(b, uint64_t{1} << 30);
  EXPECT_NE(parse_size("12 furlongs", b), nullptr);
  EXPECT_EQ(format_duration(60 * kSecond), "1m");
  EXPECT_EQ(format_duration(1500 * 1'000'000), "1500ms");
  EXPECT_EQ(format_size(uint64_t{100} << 20), "100MiB");
}

TEST(Config, UrlAndAddressParsing) {
  HttpUrl u;
  std::string why;
  ASSERT_TRUE(parse_http_url("http://127.0.0.1:8080/a/b?x=1", u, why));
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.port, 8080);
  EXPECT_EQ(u.path, "/a/b?x=1");
  ASSERT_TRUE(parse_http_url("https://[::1]/in", u, why));
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.port, 443);
  EXPECT_FALSE(parse_http_url("http://user:pw@h/", u, why));
  EXPECT_FALSE(parse_http_url("http://:80/", u, why));
  EXPECT_FALSE(parse_http_url("http://h:99999/", u, why));
  std::string host;
  uint16_t port = 0;
  EXPECT_TRUE(split_host_port("[::1]:9", host, port));
  EXPECT_EQ(host, "::1");
  EXPECT_FALSE(split_host_port("::1:9", host, port));
}

// docs/configuration.md shows the whole file with every default written out: it must load and
// give exactly the built-in defaults (so the documentation cannot drift from the code).
TEST(Config, DocumentedDefaultFileEqualsTheBuiltInDefaults) {
  std::ifstream in(std::string(WSN_SOURCE_DIR) + "/docs/configuration.md");
  ASSERT_TRUE(in) << "docs/configuration.md missing";
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string doc = ss.str();
  const std::string open = "```yaml\n";
  const size_t begin = doc.find(open);
  ASSERT_NE(begin, std::string::npos);
  const size_t end = doc.find("```\n", begin + open.size());
  const std::string yaml = doc.substr(begin + open.size(), end - begin - open.size());
  const LoadResult r =
      load_config_text("docs/configuration.md", yaml, PluginRegistry::builtin(), "/");
  ASSERT_TRUE(r.ok()) << errors_of(r);
  const Config& c = r.config;
  const Config d = default_config(PluginRegistry::builtin());
  EXPECT_EQ(c.rules.paths, d.rules.paths);
  EXPECT_EQ(c.rules.lists, d.rules.lists);
  EXPECT_EQ(c.rules.exceptions, d.rules.exceptions);
  EXPECT_EQ(c.rules.overlays, d.rules.overlays);
  EXPECT_EQ(c.rules.strict, d.rules.strict);
  EXPECT_EQ(c.rules.watch, d.rules.watch);
  EXPECT_EQ(ebpf_of(c).enabled, ebpf_of(d).enabled);
  EXPECT_EQ(ebpf_of(c).ring_buffer_bytes, ebpf_of(d).ring_buffer_bytes);
  EXPECT_EQ(ebpf_of(c).process_table, ebpf_of(d).process_table);
  EXPECT_EQ(ebpf_of(c).host_name, ebpf_of(d).host_name);
  EXPECT_EQ(ebpf_of(c).hooks, ebpf_of(d).hooks);
  EXPECT_EQ(c.limits.bus_batches, d.limits.bus_batches);
  EXPECT_EQ(c.limits.batch_size, d.limits.batch_size);
  EXPECT_EQ(c.limits.process_table, d.limits.process_table);
  EXPECT_EQ(c.limits.dedupe_keys, d.limits.dedupe_keys);
  EXPECT_EQ(c.alerts.dedupe_window_ns, d.alerts.dedupe_window_ns);
  EXPECT_EQ(c.alerts.throttle_max_alerts, d.alerts.throttle_max_alerts);
  EXPECT_EQ(c.alerts.throttle_period_ns, d.alerts.throttle_period_ns);
  EXPECT_EQ(c.alerts.ancestry_depth, d.alerts.ancestry_depth);
  EXPECT_EQ(stdout_of(c).enabled, stdout_of(d).enabled);
  EXPECT_EQ(stdout_of(c).format, stdout_of(d).format);
  EXPECT_EQ(file_of(c).path, file_of(d).path);
  EXPECT_EQ(file_of(c).max_bytes, file_of(d).max_bytes);
  EXPECT_EQ(file_of(c).max_files, file_of(d).max_files);
  EXPECT_EQ(syslog_of(c).enabled, syslog_of(d).enabled);
  EXPECT_EQ(syslog_of(c).address, syslog_of(d).address);
  EXPECT_EQ(syslog_of(c).facility, syslog_of(d).facility);
  EXPECT_EQ(syslog_of(c).app_name, syslog_of(d).app_name);
  EXPECT_EQ(webhook_of(c).url, webhook_of(d).url);
  EXPECT_EQ(webhook_of(c).batch_size, webhook_of(d).batch_size);
  EXPECT_EQ(webhook_of(c).flush_interval_ns, webhook_of(d).flush_interval_ns);
  EXPECT_EQ(webhook_of(c).timeout_ns, webhook_of(d).timeout_ns);
  EXPECT_EQ(webhook_of(c).retry_initial_ns, webhook_of(d).retry_initial_ns);
  EXPECT_EQ(webhook_of(c).retry_max_ns, webhook_of(d).retry_max_ns);
  EXPECT_EQ(webhook_of(c).queue_size, webhook_of(d).queue_size);
  EXPECT_EQ(webhook_of(c).spool_dir, webhook_of(d).spool_dir);
  EXPECT_EQ(webhook_of(c).spool_max_bytes, webhook_of(d).spool_max_bytes);
  EXPECT_EQ(webhook_of(c).headers, webhook_of(d).headers);
  EXPECT_EQ(sqlite_of(c).enabled, sqlite_of(d).enabled);
  EXPECT_EQ(sqlite_of(c).path, sqlite_of(d).path);
  EXPECT_EQ(sqlite_of(c).max_age_ns, sqlite_of(d).max_age_ns);
  EXPECT_EQ(sqlite_of(c).max_rows, sqlite_of(d).max_rows);
  EXPECT_EQ(c.http.enabled, d.http.enabled);
  EXPECT_EQ(c.http.listen, d.http.listen);
  EXPECT_EQ(c.http.token, d.http.token);
  EXPECT_EQ(c.response.dry_run, d.response.dry_run);
  EXPECT_EQ(c.response.audit_log, d.response.audit_log);
}

}  // namespace
}  // namespace wsn::config

namespace wsn::config {
namespace {

// Plug-in sections: a name no plug-in registered, a key its plug-in does not know, and a
// plug-in that takes no settings, each reported by key path with a hint.
TEST(Config, PluginSectionsAreCheckedByTheirPlugins) {
  const LoadResult r = load_config_text(
      "c.yml", "sources:\n  ebpff: {}\n  stdin: {enabld: true}\nactions:\n  kill: {force: true}\n",
      PluginRegistry::builtin());
  std::string all;
  for (const auto& e : r.errors) all += e;
  EXPECT_EQ(
      all,
      "c.yml:2:3: error: sources.ebpff: unknown key (did you mean 'ebpf'? known: ebpf, "
      "logs, replay, stdin, xdp)\n"
      "c.yml:3:11: error: sources.stdin.enabld: unknown key (did you mean 'enabled'? "
      "known: enabled)\n"
      "c.yml:5:10: error: actions.kill.force: unknown key (actions.kill takes no settings)\n");
}

}  // namespace
}  // namespace wsn::config
