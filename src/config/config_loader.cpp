// YAML → Config with every problem reported by position and key path.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/did_you_mean.h"
#include "config/config.h"
#include "config/config_overrides.h"
#include "config/units.h"

namespace wsn::config {
namespace {

namespace fs = std::filesystem;

class Reader {
 public:
  Reader(std::string file, std::string base_dir, std::vector<std::string>& errors,
         const std::vector<ConfigOverride>& overrides)
      : file_(std::move(file)),
        base_dir_(std::move(base_dir)),
        errors_(errors),
        overrides_(overrides) {}

  void error(const YAML::Node& n, const std::string& path, const std::string& msg) {
    error_at(n.Mark(), path, msg);
  }
  void error_at(const YAML::Mark& m, const std::string& path, const std::string& msg) {
    std::string where = file_;
    if (!m.is_null()) {
      where += ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
    } else if (const ConfigOverride* o = override_for(overrides_, path)) {
      where = "-o " + o->text;  // no position: the value came from the command line
    }
    const int line = m.is_null() ? 0 : m.line, col = m.is_null() ? 0 : m.column;
    found_.push_back(
        {line, col, where + ": error: " + (path.empty() ? "" : path + ": ") + msg + "\n"});
  }
  // Hands the errors over in file order.
  void finish() {
    std::stable_sort(found_.begin(), found_.end(), [](const Found& a, const Found& b) {
      return a.line != b.line ? a.line < b.line : a.col < b.col;
    });
    for (auto& f : found_) errors_.push_back(std::move(f.text));
    found_.clear();
  }
  size_t error_count() const { return found_.size(); }

  // Checks `n` is a mapping with only `known` keys. A null node (key with no value) is an
  // empty mapping.
  bool mapping(const YAML::Node& n, const std::string& path,
               std::initializer_list<std::string_view> known) {
    if (n.IsNull()) return false;
    if (!n.IsMap()) {
      error(n, path, "expected a mapping");
      return false;
    }
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        unknown_key(it->first, path, key, std::vector<std::string_view>(known));
      }
    }
    return true;
  }

  // "unknown key (did you mean 'file'? known: stdout, file, …)".
  void unknown_key(const YAML::Node& at, const std::string& path, const std::string& key,
                   const std::vector<std::string_view>& known) {
    std::string list;
    for (auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
    if (known.empty()) {
      error(at, join(path, key), "unknown key (" + path + " takes no settings)");
      return;
    }
    std::string hint;
    if (auto near = closest_name(key, known); !near.empty()) hint = "did you mean '" + near + "'? ";
    const ConfigOverride* o = override_for(overrides_, join(path, key));
    if (at.Mark().is_null() && o != nullptr) {
      // Falco's spelling of the output format, the habit -o comes from.
      if (path.empty() && key == "json_output") hint = "the alert format is sinks.stdout.format; ";
      // From -o: the key path is the message; there is no position to give.
      found_.push_back({0, 0,
                        "-o " + o->text + ": error: unknown configuration key '" + join(path, key) +
                            "' (" + hint + "known" + (path.empty() ? "" : " under " + path) + ": " +
                            list + ")\n"});
      return;
    }
    error(at, join(path, key), "unknown key (" + hint + "known: " + list + ")");
  }

  static std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }

  bool scalar(const YAML::Node& n, const std::string& path, std::string& out,
              const char* expected = "expected a string") {
    if (!n.IsScalar()) {
      error(n, path, expected);
      return false;
    }
    out = n.Scalar();
    return true;
  }

  void boolean(const YAML::Node& n, const std::string& path, bool& out) {
    std::string s;
    if (!scalar(n, path, s, "expected true or false")) return;
    if (s == "true") {
      out = true;
    } else if (s == "false") {
      out = false;
    } else {
      error(n, path, "expected true or false, got '" + s + "'");
    }
  }

  void toggle(const YAML::Node& n, const std::string& path, std::optional<bool>& out) {
    std::string s;
    if (!scalar(n, path, s, "expected true, false or auto")) return;
    if (s == "auto") {
      out.reset();
    } else if (s == "true") {
      out = true;
    } else if (s == "false") {
      out = false;
    } else {
      error(n, path, "expected true, false or auto, got '" + s + "'");
    }
  }

  void uint(const YAML::Node& n, const std::string& path, uint64_t& out, uint64_t min,
            uint64_t max) {
    std::string s;
    if (!scalar(n, path, s, "expected an integer")) return;
    uint64_t v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) {
      error(n, path, "expected an integer, got '" + s + "'");
      return;
    }
    if (v < min || v > max) {
      error(
          n, path,
          "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + s);
      return;
    }
    out = v;
  }

  void uint_or_auto(const YAML::Node& n, const std::string& path, std::optional<uint64_t>& out,
                    uint64_t max) {
    if (n.IsScalar() && n.Scalar() == "auto") {
      out.reset();
      return;
    }
    uint64_t v = 0;
    const size_t before = found_.size();
    uint(n, path, v, 0, max);
    if (found_.size() == before) out = v;
  }

  void duration(const YAML::Node& n, const std::string& path, int64_t& out, int64_t min) {
    std::string s;
    if (!scalar(n, path, s, "expected a duration such as 500ms, 60s, 5m, 1h or 30d")) return;
    int64_t v = 0;
    if (const char* why = parse_duration(s, v)) {
      error(n, path, std::string(why) + ", got '" + s + "'");
      return;
    }
    if (v < min) {
      error(n, path, "must be at least " + format_duration(min) + ", got '" + s + "'");
      return;
    }
    out = v;
  }

  void duration_or_auto(const YAML::Node& n, const std::string& path, std::optional<int64_t>& out) {
    if (n.IsScalar() && n.Scalar() == "auto") {
      out.reset();
      return;
    }
    int64_t v = 0;
    const size_t before = found_.size();
    duration(n, path, v, 0);
    if (found_.size() == before) out = v;
  }

  void size(const YAML::Node& n, const std::string& path, uint64_t& out, uint64_t min) {
    std::string s;
    if (!scalar(n, path, s, "expected a size such as 4096, 64KiB, 100MiB or 1GiB")) return;
    uint64_t v = 0;
    if (const char* why = parse_size(s, v)) {
      error(n, path, std::string(why) + ", got '" + s + "'");
      return;
    }
    if (v < min) {
      error(n, path, "must be at least " + format_size(min) + ", got '" + s + "'");
      return;
    }
    out = v;
  }

  // A file system path; relative ones resolve against the config file's directory.
  void path_value(const YAML::Node& n, const std::string& key_path, std::string& out) {
    std::string s;
    if (!scalar(n, key_path, s, "expected a path")) return;
    out = resolve_from(n, s);
  }

  // Paths from -o (nodes without a position) are relative to the working directory, as any
  // command-line path; the file's own are relative to the file.
  std::string resolve_from(const YAML::Node& n, const std::string& s) const {
    return n.Mark().is_null() && !overrides_.empty() ? s : resolve(s);
  }

  std::string resolve(const std::string& s) const {
    if (s.empty() || s == "-" || fs::path(s).is_absolute()) return s;
    return (fs::path(base_dir_) / s).lexically_normal().string();
  }

  void string_list(const YAML::Node& n, const std::string& path, std::vector<std::string>& out,
                   bool paths) {
    if (!n.IsSequence()) {
      error(n, path, "expected a list");
      return;
    }
    out.clear();
    for (size_t k = 0; k < n.size(); ++k) {
      std::string s;
      const std::string item_path = path + "[" + std::to_string(k) + "]";
      if (!scalar(n[k], item_path, s)) continue;
      if (s.empty()) {
        error(n[k], item_path, "must not be empty");
        continue;
      }
      out.push_back(paths ? resolve_from(n[k], s) : s);
    }
  }

  const std::string& file() const { return file_; }

 private:
  struct Found {
    int line, col;
    std::string text;
  };
  std::string file_;
  std::string base_dir_;
  std::vector<std::string>& errors_;
  const std::vector<ConfigOverride>& overrides_;
  std::vector<Found> found_;
};

// Calls fn(value, path) when `key` is present in mapping `m`.
template <typename F>
void with_key(const YAML::Node& m, const std::string& path, const char* key, F&& fn) {
  const YAML::Node v = m[key];
  const std::string key_path = Reader::join(path, key);
  if (v) fn(v, key_path);
}

void read_rules(Reader& r, const YAML::Node& n, RulesConfig& c) {
  const std::string p = "rules";
  if (!r.mapping(n, p,
                 {"paths", "lists", "exceptions", "overlays", "sigma_mappings", "strict", "watch"}))
    return;
  with_key(n, p, "paths", [&](const YAML::Node& v, const std::string& kp) {
    r.string_list(v, kp, c.paths, true);
  });
  with_key(n, p, "lists", [&](const YAML::Node& v, const std::string& kp) {
    r.string_list(v, kp, c.lists, true);
  });
  with_key(n, p, "exceptions", [&](const YAML::Node& v, const std::string& kp) {
    r.string_list(v, kp, c.exceptions, true);
  });
  with_key(n, p, "overlays", [&](const YAML::Node& v, const std::string& kp) {
    r.string_list(v, kp, c.overlays, true);
  });
  with_key(n, p, "sigma_mappings", [&](const YAML::Node& v, const std::string& kp) {
    r.string_list(v, kp, c.sigma_mappings, true);
  });
  with_key(n, p, "strict",
           [&](const YAML::Node& v, const std::string& kp) { r.boolean(v, kp, c.strict); });
  with_key(n, p, "watch",
           [&](const YAML::Node& v, const std::string& kp) { r.toggle(v, kp, c.watch); });
}

void read_limits(Reader& r, const YAML::Node& n, LimitsConfig& c) {
  const std::string p = "limits";
  if (!r.mapping(n, p, {"bus_batches", "batch_size", "process_table", "dedupe_keys"})) return;
  with_key(n, p, "bus_batches", [&](const YAML::Node& v, const std::string& kp) {
    r.uint(v, kp, c.bus_batches, 2, 65536);
  });
  with_key(n, p, "batch_size", [&](const YAML::Node& v, const std::string& kp) {
    r.uint(v, kp, c.batch_size, 1, 65536);
  });
  with_key(n, p, "process_table", [&](const YAML::Node& v, const std::string& kp) {
    r.uint(v, kp, c.process_table, 0, 16u << 20);
  });
  with_key(n, p, "dedupe_keys", [&](const YAML::Node& v, const std::string& kp) {
    r.uint(v, kp, c.dedupe_keys, 1, 16u << 20);
  });
}

void read_alerts(Reader& r, const YAML::Node& n, AlertsConfig& c) {
  const std::string p = "alerts";
  if (!r.mapping(n, p, {"dedupe", "throttle", "ancestry_depth"})) return;
  with_key(n, p, "dedupe", [&](const YAML::Node& d, const std::string& dp) {
    if (!r.mapping(d, dp, {"window"})) return;
    with_key(d, dp, "window", [&](const YAML::Node& v, const std::string& kp) {
      r.duration_or_auto(v, kp, c.dedupe_window_ns);
    });
  });
  with_key(n, p, "throttle", [&](const YAML::Node& t, const std::string& tp) {
    if (!r.mapping(t, tp, {"max_alerts", "period"})) return;
    with_key(t, tp, "max_alerts", [&](const YAML::Node& v, const std::string& kp) {
      r.uint_or_auto(v, kp, c.throttle_max_alerts, 1u << 30);
    });
    with_key(t, tp, "period", [&](const YAML::Node& v, const std::string& kp) {
      r.duration(v, kp, c.throttle_period_ns, kSecond / 1000);
    });
  });
  with_key(n, p, "ancestry_depth", [&](const YAML::Node& v, const std::string& kp) {
    r.uint(v, kp, c.ancestry_depth, 0, 64);
  });
}

void read_http(Reader& r, const YAML::Node& n, HttpConfig& c) {
  const std::string p = "http";
  if (!r.mapping(n, p, {"enabled", "listen", "token", "token_file"})) return;
  with_key(n, p, "enabled",
           [&](const YAML::Node& v, const std::string& kp) { r.toggle(v, kp, c.enabled); });
  with_key(n, p, "listen", [&](const YAML::Node& v, const std::string& kp) {
    std::string l, host;
    uint16_t port = 0;
    if (!r.scalar(v, kp, l)) return;
    if (!split_host_port(l, host, port)) {
      r.error(v, kp, "expected HOST:PORT such as 127.0.0.1:9477, got '" + l + "'");
      return;
    }
    c.listen = l;
  });
  with_key(n, p, "token", [&](const YAML::Node& v, const std::string& kp) {
    if (!r.scalar(v, kp, c.token)) return;
    if (!c.token.empty() && c.token.size() < 16) r.error(v, kp, "must be at least 16 characters");
  });
  with_key(n, p, "token_file", [&](const YAML::Node& v, const std::string& kp) {
    r.path_value(v, kp, c.token_file);
    if (c.token_file.empty()) return;
    if (n["token"] && !c.token.empty()) {
      r.error(v, kp, "set either http.token or http.token_file, not both");
      return;
    }
    std::ifstream in(c.token_file);
    std::string line;
    if (!in || !std::getline(in, line)) {
      r.error(v, kp, "cannot read token file " + c.token_file);
      return;
    }
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.size() < 16) {
      r.error(v, kp, "the token in " + c.token_file + " must be at least 16 characters");
      return;
    }
    c.token = line;
  });
}

void read_response(Reader& r, const YAML::Node& n, ResponseConfig& c) {
  const std::string p = "response";
  if (!r.mapping(n, p, {"dry_run", "audit_log"})) return;
  with_key(n, p, "dry_run",
           [&](const YAML::Node& v, const std::string& kp) { r.boolean(v, kp, c.dry_run); });
  with_key(n, p, "audit_log", [&](const YAML::Node& v, const std::string& kp) {
    r.path_value(v, kp, c.audit_log);
    if (c.audit_log.empty()) r.error(v, kp, "expected a file path or '-' (standard error)");
  });
}

// A plug-in's section over its YAML node (wsn/config_section.h).
class YamlSection final : public ConfigSection {
 public:
  YamlSection(Reader& r, YAML::Node node, std::string path)
      : r_(r), node_(std::move(node)), path_(std::move(path)) {
    present_ = node_ && !node_.IsNull();
    if (present_ && !node_.IsMap()) {
      r_.error(node_, path_, "expected a mapping");
      present_ = false;
    }
  }

  const std::string& path() const override { return path_; }
  bool present() const override { return present_; }
  void known_keys(std::initializer_list<std::string_view> keys) override {
    if (present_) r_.mapping(node_, path_, keys);
  }
  bool has(std::string_view key) const override { return value(key).has_value(); }

  bool read_string(std::string_view key, std::string& out) override {
    return with(key,
                [&](const YAML::Node& v, const std::string& kp) { return r_.scalar(v, kp, out); });
  }
  bool read_bool(std::string_view key, bool& out) override {
    return checked(key,
                   [&](const YAML::Node& v, const std::string& kp) { r_.boolean(v, kp, out); });
  }
  bool read_toggle(std::string_view key, std::optional<bool>& out) override {
    return checked(key, [&](const YAML::Node& v, const std::string& kp) { r_.toggle(v, kp, out); });
  }
  bool read_uint(std::string_view key, uint64_t& out, uint64_t min, uint64_t max) override {
    return checked(
        key, [&](const YAML::Node& v, const std::string& kp) { r_.uint(v, kp, out, min, max); });
  }
  bool read_duration(std::string_view key, int64_t& out_ns, int64_t min_ns) override {
    return checked(key, [&](const YAML::Node& v, const std::string& kp) {
      r_.duration(v, kp, out_ns, min_ns);
    });
  }
  bool read_size(std::string_view key, uint64_t& out, uint64_t min) override {
    return checked(key,
                   [&](const YAML::Node& v, const std::string& kp) { r_.size(v, kp, out, min); });
  }
  bool read_path(std::string_view key, std::string& out) override {
    return checked(key,
                   [&](const YAML::Node& v, const std::string& kp) { r_.path_value(v, kp, out); });
  }
  bool read_choice(std::string_view key, std::string& out,
                   std::initializer_list<std::string_view> choices) override {
    return with(key, [&](const YAML::Node& v, const std::string& kp) {
      std::string s;
      if (!r_.scalar(v, kp, s)) return false;
      if (std::find(choices.begin(), choices.end(), s) == choices.end()) {
        std::string list;
        for (size_t k = 0; k < choices.size(); ++k) {
          list += (k == 0                    ? ""
                   : k + 1 == choices.size() ? " or "
                                             : ", ") +
                  std::string(choices.begin()[k]);
        }
        r_.error(v, kp, "expected " + list + ", got '" + s + "'");
        return false;
      }
      out = s;
      return true;
    });
  }
  bool read_string_list(std::string_view key, std::vector<std::string>& out) override {
    return checked(key, [&](const YAML::Node& v, const std::string& kp) {
      r_.string_list(v, kp, out, /*paths=*/false);
    });
  }
  bool read_string_map(std::string_view key, std::map<std::string, std::string>& out) override {
    return with(key, [&](const YAML::Node& h, const std::string& hp) {
      if (!h.IsMap()) {
        r_.error(h, hp, "expected a mapping of names to values");
        return false;
      }
      bool ok = true;
      for (auto it = h.begin(); it != h.end(); ++it) {
        std::string name, v;
        if (!r_.scalar(it->first, hp, name) || !r_.scalar(it->second, Reader::join(hp, name), v)) {
          ok = false;
          continue;
        }
        out[name] = v;
      }
      return ok;
    });
  }

  void error(std::string_view key, const std::string& message) override {
    const auto v = value(key);
    const std::string kp = key.empty() ? path_ : Reader::join(path_, key);
    if (v) {
      r_.error(*v, kp, message);
    } else if (present_) {
      r_.error(node_, kp, message);
    } else {
      r_.error_at(YAML::Mark::null_mark(), kp, message);
    }
  }
  std::string resolve_path(std::string_view path) const override {
    return r_.resolve(std::string(path));
  }

 private:
  std::optional<YAML::Node> value(std::string_view key) const {
    if (!present_) return std::nullopt;
    if (key.empty()) return node_;
    const YAML::Node v = node_[std::string(key)];
    if (!v) return std::nullopt;
    return v;
  }
  template <typename F>
  bool with(std::string_view key, F&& fn) {
    const auto v = value(key);
    if (!v) return false;
    return fn(*v, Reader::join(path_, key));
  }
  // For Reader helpers that report errors but return nothing: ok when no error was added.
  template <typename F>
  bool checked(std::string_view key, F&& fn) {
    return with(key, [&](const YAML::Node& v, const std::string& kp) {
      const size_t before = r_.error_count();
      fn(v, kp);
      return r_.error_count() == before;
    });
  }

  Reader& r_;
  YAML::Node node_;
  std::string path_;
  bool present_ = false;
};

// `sources:`, `sinks:` or `actions:`: each key names a registered plug-in, whose parser reads
// its section. Every plug-in gets its settings, its defaults when the file has no section.
template <typename Plugin>
void read_plugin_sections(Reader& r, const YAML::Node& root, const std::string& group,
                          const std::vector<Plugin>& plugins, PluginSections& out) {
  const YAML::Node n = root ? root[group] : YAML::Node();
  std::vector<std::string_view> names;
  for (const auto& p : plugins) names.push_back(p.name);
  if (n && !n.IsNull()) {
    if (!n.IsMap()) {
      r.error(n, group, "expected a mapping");
    } else {
      for (auto it = n.begin(); it != n.end(); ++it) {
        const std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
        if (std::find(names.begin(), names.end(), key) == names.end()) {
          r.unknown_key(it->first, group, key, names);
        }
      }
    }
  }
  for (const auto& p : plugins) {
    const YAML::Node section = n && n.IsMap() ? n[p.name] : YAML::Node();
    YamlSection s(r, section, group + "." + p.name);
    if (p.configure) out[p.name] = p.configure(s);
  }
}

void read_schema(Reader& r, const YAML::Node& n, SchemaConfig& c) {
  const std::string p = "schema";
  if (!r.mapping(n, p, {"fields"})) return;
  with_key(n, p, "fields", [&](const YAML::Node& f, const std::string& fp) {
    if (!f.IsMap()) {
      r.error(f, fp, "expected a mapping of field names to types");
      return;
    }
    for (auto it = f.begin(); it != f.end(); ++it) {
      std::string name, type;
      if (!r.scalar(it->first, fp, name)) continue;
      const std::string kp = Reader::join(fp, name);
      if (!r.scalar(it->second, kp, type)) continue;
      const auto t = parse_field_type(type);
      if (name.empty()) {
        r.error(it->first, kp, "a field name must not be empty");
      } else if (!t) {
        r.error(it->second, kp,
                "unknown type '" + type +
                    "' (known: string, int, uint, bool, ip, timestamp, string_list)");
      } else {
        c.fields.emplace_back(name, *t);
      }
    }
  });
}

}  // namespace

LoadResult load_config_text(const std::string& name, const std::string& text,
                            const PluginRegistry& plugins, const std::string& base_dir,
                            const std::vector<ConfigOverride>& overrides) {
  LoadResult out;
  out.config.file = name;
  Reader r(name, base_dir, out.errors, overrides);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    r.error_at(e.mark, "", "invalid YAML: " + e.msg);
    r.finish();
    return out;
  }
  apply_overrides(root, overrides, out.errors);
  Config& c = out.config;
  if (!root.IsNull() && !r.mapping(root, "",
                                   {"version", "rules", "schema", "sources", "limits", "alerts",
                                    "sinks", "actions", "http", "response"})) {
    r.finish();
    return out;
  }
  const YAML::Node doc = root.IsNull() ? YAML::Node() : root;
  try {
    if (doc) {
      with_key(doc, "", "version", [&](const YAML::Node& v, const std::string& kp) {
        uint64_t version = 1;
        r.uint(v, kp, version, 1, 1);
      });
      with_key(doc, "", "rules",
               [&](const YAML::Node& v, const std::string&) { read_rules(r, v, c.rules); });
      with_key(doc, "", "schema",
               [&](const YAML::Node& v, const std::string&) { read_schema(r, v, c.schema); });
      with_key(doc, "", "limits",
               [&](const YAML::Node& v, const std::string&) { read_limits(r, v, c.limits); });
      with_key(doc, "", "alerts",
               [&](const YAML::Node& v, const std::string&) { read_alerts(r, v, c.alerts); });
      with_key(doc, "", "http",
               [&](const YAML::Node& v, const std::string&) { read_http(r, v, c.http); });
      with_key(doc, "", "response",
               [&](const YAML::Node& v, const std::string&) { read_response(r, v, c.response); });
    }
    read_plugin_sections(r, doc, "sources", plugins.sources(), c.sources);
    read_plugin_sections(r, doc, "sinks", plugins.sinks(), c.sinks);
    read_plugin_sections(r, doc, "actions", plugins.actions(), c.actions);
  } catch (const YAML::Exception& e) {
    // Defensive: node access on odd documents (e.g. complex keys) must not escape as a crash.
    r.error_at(e.mark, "", e.msg);
  }
  r.finish();
  return out;
}

Config default_config(const PluginRegistry& plugins) {
  LoadResult r = load_config_text("", "", plugins);
  return std::move(r.config);
}

LoadResult load_config_file(const std::string& path, const PluginRegistry& plugins,
                            const std::vector<ConfigOverride>& overrides) {
  std::error_code dir_ec;
  if (fs::is_directory(path, dir_ec)) {
    LoadResult out;
    out.errors.push_back(path +
                         ": error: is a directory, not a configuration file (give the "
                         "YAML file, e.g. /etc/wasm-sentinel/config.yml)\n");
    return out;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadResult out;
    out.errors.push_back(path + ": error: cannot read configuration file: " +
                         std::error_code(errno, std::generic_category()).message() + "\n");
    return out;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  const fs::path parent = fs::path(path).parent_path();
  return load_config_text(path, ss.str(), plugins, parent.empty() ? "." : parent.string(),
                          overrides);
}

}  // namespace wsn::config
