// The wasm-sentinel configuration file (YAML): sources, rules, limits, alerts, sinks, HTTP,
// response. docs/configuration.md documents every key with its default; the defaults here are
// the same values. Some defaults depend on the command ("auto"): the alert store, the HTTP
// endpoint, alert dedupe and throttling are on for `run` and off for `replay`, so replaying a
// log without a config prints exactly the alerts, one per detection, and touches nothing else.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_overrides.h"
#include "wsn/config_section.h"
#include "wsn/plugins.h"
#include "wsn_install_paths.h"  // the state directory of the defaults

namespace wsn::config {

using Mode = RunMode;

// Each plug-in's parsed section, by plug-in name: every registered plug-in has an entry (its
// defaults when the file has no section for it).
using PluginSections = std::map<std::string, std::shared_ptr<const PluginConfig>>;

inline constexpr int64_t kSecond = 1'000'000'000;

struct RulesConfig {
  std::vector<std::string> paths;  // empty: the bundled rules
  // Tuning files loaded with whatever rules load (also with -r): value lists, exception lists
  // and overlays (docs/rule-files.md "Exceptions, value lists and overlays"). Reloaded with
  // the rules.
  std::vector<std::string> lists;
  std::vector<std::string> exceptions;
  std::vector<std::string> overlays;
  // Files of `sigma_mapping:` documents extending the built-in Sigma mapping (docs/sigma.md
  // "Mapping"), loaded and reloaded with the rules.
  std::vector<std::string> sigma_mappings;
  bool strict = false;
  // Reload when a file under a rules directory changes. nullopt: auto (on for run, off for
  // replay; replay of a stream on standard input may turn it on).
  std::optional<bool> watch;
  bool watch_enabled(Mode m) const { return watch.value_or(m == Mode::kRun); }
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

struct HttpConfig {
  std::optional<bool> enabled;  // nullopt: auto (on for run, off for replay)
  std::string listen = "127.0.0.1:9477";
  std::string token;       // bearer token for mutating API calls; empty: they are refused
  std::string token_file;  // read the token from this file instead (first line)

  bool is_enabled(Mode m) const { return enabled.value_or(m == Mode::kRun); }
};

// Settings every response action shares (each action's own are under actions.<name>).
struct ResponseConfig {
  bool dry_run = false;
  std::string audit_log = WSN_INSTALL_FULL_STATEDIR "/audit.jsonl";  // "-": standard error
};

// Custom fields (`schema.fields: {name: type}`), registered with their types before rules load.
struct SchemaConfig {
  std::vector<std::pair<std::string, FieldType>> fields;
};

struct Config {
  std::string file;  // where it was read from ("" for the built-in defaults)
  RulesConfig rules;
  LimitsConfig limits;
  AlertsConfig alerts;
  HttpConfig http;
  ResponseConfig response;
  SchemaConfig schema;
  PluginSections sources;  // sources.<name>
  PluginSections sinks;    // sinks.<name>
  PluginSections actions;  // actions.<name>
};

struct LoadResult {
  Config config;
  // Rendered diagnostics, one per problem: "FILE:LINE:COL: error: key.path: message\n".
  std::vector<std::string> errors;
  bool ok() const { return errors.empty(); }
};

// Reads and checks a configuration file. Every problem is reported (unknown keys, wrong types,
// bad values), each with its position and key path; plug-in sections are checked by their
// plug-ins in `plugins`. Relative paths in the file are resolved against the file's directory.
// `overrides` (-o KEY=VALUE) are set in the file's YAML first and checked with it; their errors
// name them ("-o KEY=VALUE: error: …"), and their relative paths are the working directory's.
LoadResult load_config_file(const std::string& path, const PluginRegistry& plugins,
                            const std::vector<ConfigOverride>& overrides = {});
// Same for a YAML text (tests); `name` is used in messages, relative paths resolve against
// `base_dir`.
LoadResult load_config_text(const std::string& name, const std::string& text,
                            const PluginRegistry& plugins, const std::string& base_dir = ".",
                            const std::vector<ConfigOverride>& overrides = {});
// The built-in defaults: every plug-in's section as if the file had none.
Config default_config(const PluginRegistry& plugins);

// The parsed section of plug-in `name` (sources.<name>, sinks.<name>, actions.<name>), or
// nullptr when the configuration holds none for it (a plug-in registered after it was read).
const PluginConfig* plugin_section(const PluginSections& sections, std::string_view name);

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
