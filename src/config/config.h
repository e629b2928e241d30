// The wasm-sentinel configuration file (YAML): sources, rules, limits, alerts, sinks, HTTP,
// response. docs/configuration.md documents every key with its default; the defaults here are
// the same values. Some defaults depend on the command ("auto"): the SQLite store, the HTTP
// endpoint, alert dedupe and throttling are on for `run` and off for `replay`, so replaying a
// log without a config prints exactly the alerts, one per detection, and touches nothing else.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace wsn::config {

enum class Mode : uint8_t { kRun, kReplay };

inline constexpr int64_t kSecond = 1'000'000'000;

struct RulesConfig {
  std::vector<std::string> paths;  // empty: the bundled rules
  bool strict = false;
  // Reload when a file under a rules directory changes. nullopt: auto (on for run, off for
  // replay; replay of a stream on standard input may turn it on).
  std::optional<bool> watch;
  bool watch_enabled(Mode m) const { return watch.value_or(m == Mode::kRun); }
};

struct EbpfSourceConfig {
  bool enabled = true;
  uint64_t ring_buffer_bytes = uint64_t{16} << 20;
  uint64_t process_table = 65536;
  std::string host_name;  // empty: gethostname()
  // Which hooks `run` attaches: those the loaded rules need (interest pushdown), or all of
  // them (every event kind and every file read: heavy, for `record` of everything).
  enum class Hooks : uint8_t { kRules, kAll };
  Hooks hooks = Hooks::kRules;
};

struct SourcesConfig {
  EbpfSourceConfig ebpf;
};

struct LimitsConfig {
  uint64_t bus_batches = 64;
  uint64_t batch_size = 256;
  uint64_t process_table = 65536;  // processes remembered for alert ancestry
  uint64_t dedupe_keys = 65536;    // open dedupe windows
};

struct AlertsConfig {
  std::optional<int64_t> dedupe_window_ns;      // nullopt: auto (60s run, off replay)
  std::optional<uint64_t> throttle_max_alerts;  // nullopt: auto (300 run, off replay)
  int64_t throttle_period_ns = 60 * kSecond;
  uint64_t ancestry_depth = 8;

  int64_t dedupe_window(Mode m) const {
    return dedupe_window_ns.value_or(m == Mode::kRun ? 60 * kSecond : 0);
  }
  uint64_t throttle_max(Mode m) const {
    return throttle_max_alerts.value_or(m == Mode::kRun ? 300 : 0);
  }
};

enum class TextFormat : uint8_t { kJson, kText };

struct StdoutSinkConfig {
  bool enabled = true;
  TextFormat format = TextFormat::kJson;
};

struct FileSinkConfig {
  std::string path;  // empty: off
  uint64_t max_bytes = uint64_t{100} << 20;
  uint64_t max_files = 5;
};

struct SyslogSinkConfig {
  bool enabled = false;
  std::string address = "unix:/dev/log";  // unix:PATH or udp:HOST:PORT
  std::string facility = "local0";
  std::string app_name = "wasm-sentinel";
};

struct WebhookSinkConfig {
  std::string url;  // empty: off
  uint64_t batch_size = 100;
  int64_t flush_interval_ns = kSecond;
  int64_t timeout_ns = 5 * kSecond;
  int64_t retry_initial_ns = kSecond / 2;
  int64_t retry_max_ns = 30 * kSecond;
  uint64_t queue_size = 10000;
  std::string spool_dir = "/var/lib/wasm-sentinel/webhook-spool";
  uint64_t spool_max_bytes = uint64_t{1} << 30;
  std::map<std::string, std::string> headers;
};

struct SqliteSinkConfig {
  std::optional<bool> enabled;  // nullopt: auto (on for run, off for replay)
  std::string path = "/var/lib/wasm-sentinel/alerts.db";
  int64_t max_age_ns = int64_t{30} * 86400 * kSecond;
  uint64_t max_rows = 1'000'000;

  bool is_enabled(Mode m) const { return enabled.value_or(m == Mode::kRun); }
};

struct SinksConfig {
  StdoutSinkConfig stdout_sink;
  FileSinkConfig file;
  SyslogSinkConfig syslog;
  WebhookSinkConfig webhook;
  SqliteSinkConfig sqlite;
};

struct HttpConfig {
  std::optional<bool> enabled;  // nullopt: auto (on for run, off for replay)
  std::string listen = "127.0.0.1:9477";
  std::string token;       // bearer token for mutating API calls; empty: they are refused
  std::string token_file;  // read the token from this file instead (first line)

  bool is_enabled(Mode m) const { return enabled.value_or(m == Mode::kRun); }
};

struct ResponseConfig {
  bool dry_run = false;
  std::string audit_log = "/var/lib/wasm-sentinel/audit.jsonl";  // "-": standard error
};

struct Config {
  std::string file;  // where it was read from ("" for the built-in defaults)
  RulesConfig rules;
  SourcesConfig sources;
  LimitsConfig limits;
  AlertsConfig alerts;
  SinksConfig sinks;
  HttpConfig http;
  ResponseConfig response;
};

struct LoadResult {
  Config config;
  // Rendered diagnostics, one per problem: "FILE:LINE:COL: error: key.path: message\n".
  std::vector<std::string> errors;
  bool ok() const { return errors.empty(); }
};

// Reads and checks a configuration file. Every problem is reported (unknown keys, wrong types,
// bad values), each with its position and key path. Relative paths in the file are resolved
// against the file's directory.
LoadResult load_config_file(const std::string& path);
// Same for a YAML text (tests); `name` is used in messages, relative paths resolve against
// `base_dir`.
LoadResult load_config_text(const std::string& name, const std::string& text,
                            const std::string& base_dir = ".");

// "host:port" → parts. IPv6 literals are written [::1]:9477. Returns false when malformed.
bool split_host_port(const std::string& text, std::string& host, uint16_t& port);

}  // namespace wsn::config

namespace wsn::config {

struct HttpUrl {
  std::string scheme;  // "http" or "https"
  std::string host;
  uint16_t port = 0;
  std::string path;  // "/" when absent
};

// Parses http[s]://HOST[:PORT][/PATH]. On failure returns false with the reason in `why`.
bool parse_http_url(const std::string& text, HttpUrl& out, std::string& why);

}  // namespace wsn::config
