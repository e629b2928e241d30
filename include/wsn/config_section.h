// A plug-in's own section of the configuration file (`sources.<name>`, `sinks.<name>`,
// `actions.<name>`). The loader knows only the file's generic shape; each plug-in reads its
// section through this interface, which reports a bad value at its file position and key path:
//
//   config.yml:4:10: error: sinks.webhook.url: must start with http:// or https://, got 'x'
//
// Every reader leaves `out` unchanged when the key is absent, and also when the value is bad
// (then it reports an error and returns false). Paths are resolved against the directory of the
// configuration file. An absent section (present() false) reads as empty: the plug-in's
// defaults apply.
//
// Thread safety: used by one thread while the configuration loads; not kept afterwards.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wsn {

// What the engine is doing: `run` (live, on this host) or `replay` (a recorded log). Some
// defaults depend on it ("auto": the SQLite store, the HTTP endpoint, dedupe and throttling
// are on for run and off for replay).
enum class RunMode : uint8_t { kRun, kReplay };

// A plug-in's parsed settings. Each plug-in derives its own type and downcasts it in create().
class PluginConfig {
 public:
  virtual ~PluginConfig() = default;
};

class ConfigSection {
 public:
  virtual ~ConfigSection() = default;

  virtual const std::string& path() const = 0;  // "sinks.webhook"
  virtual bool present() const = 0;             // the section is in the file
  // The keys this plug-in understands; any other key is an error with a "did you mean" hint.
  virtual void known_keys(std::initializer_list<std::string_view> keys) = 0;
  virtual bool has(std::string_view key) const = 0;

  virtual bool read_string(std::string_view key, std::string& out) = 0;
  virtual bool read_bool(std::string_view key, bool& out) = 0;
  // true, false or auto (nullopt).
  virtual bool read_toggle(std::string_view key, std::optional<bool>& out) = 0;
  virtual bool read_uint(std::string_view key, uint64_t& out, uint64_t min, uint64_t max) = 0;
  // 500ms, 60s, 5m, 1h, 30d → nanoseconds, at least `min_ns`.
  virtual bool read_duration(std::string_view key, int64_t& out_ns, int64_t min_ns) = 0;
  // 4096, 64KiB, 100MiB, 1GiB → bytes, at least `min`.
  virtual bool read_size(std::string_view key, uint64_t& out, uint64_t min) = 0;
  // A file system path, resolved against the configuration file's directory ("-" kept).
  virtual bool read_path(std::string_view key, std::string& out) = 0;
  // One of `choices`.
  virtual bool read_choice(std::string_view key, std::string& out,
                           std::initializer_list<std::string_view> choices) = 0;
  virtual bool read_string_list(std::string_view key, std::vector<std::string>& out) = 0;
  // A mapping of strings to strings (e.g. HTTP headers).
  virtual bool read_string_map(std::string_view key, std::map<std::string, std::string>& out) = 0;

  // Reports a problem with the value of `key` ("" = the section itself).
  virtual void error(std::string_view key, const std::string& message) = 0;
  // Resolves a path the way read_path() does.
  virtual std::string resolve_path(std::string_view path) const = 0;
};

}  // namespace wsn
