// YAML → Config with every problem reported by position and key path.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/config.h"
#include "config/units.h"

namespace wsn::config {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kFacilities[] = {"kern",     "user",   "mail",   "daemon", "auth",
                                            "syslog",   "lpr",    "news",   "uucp",   "cron",
                                            "authpriv", "ftp",    "local0", "local1", "local2",
                                            "local3",   "local4", "local5", "local6", "local7"};

class Reader {
 public:
  Reader(std::string file, std::string base_dir, std::vector<std::string>& errors)
      : file_(std::move(file)), base_dir_(std::move(base_dir)), errors_(errors) {}

  void error(const YAML::Node& n, const std::string& path, const std::string& msg) {
    error_at(n.Mark(), path, msg);
  }
  void error_at(const YAML::Mark& m, const std::string& path, const std::string& msg) {
    std::string where = file_;
    if (!m.is_null())
      where += ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
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
        std::string list;
        for (auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
        error(it->first, join(path, key), "unknown key (known: " + list + ")");
      }
    }
    return true;
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
    out = resolve(s);
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
      out.push_back(paths ? resolve(s) : s);
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
  if (!r.mapping(n, p, {"paths", "strict", "watch"})) return;
  with_key(n, p, "paths", [&](const YAML::Node& v, const std::string& kp) {
    r.string_list(v, kp, c.paths, true);
  });
  with_key(n, p, "strict",
           [&](const YAML::Node& v, const std::string& kp) { r.boolean(v, kp, c.strict); });
  with_key(n, p, "watch",
           [&](const YAML::Node& v, const std::string& kp) { r.toggle(v, kp, c.watch); });
}

void read_sources(Reader& r, const YAML::Node& n, SourcesConfig& c) {
  const std::string p = "sources";
  if (!r.mapping(n, p, {"ebpf"})) return;
  with_key(n, p, "ebpf", [&](const YAML::Node& e, const std::string& ep) {
    if (!r.mapping(e, ep, {"enabled", "ring_buffer", "process_table", "host_name", "hooks"})) {
      return;
    }
    with_key(e, ep, "enabled",
             [&](const YAML::Node& v, const std::string& kp) { r.boolean(v, kp, c.ebpf.enabled); });
    with_key(e, ep, "ring_buffer", [&](const YAML::Node& v, const std::string& kp) {
      r.size(v, kp, c.ebpf.ring_buffer_bytes, 4096);
    });
    with_key(e, ep, "process_table", [&](const YAML::Node& v, const std::string& kp) {
      r.uint(v, kp, c.ebpf.process_table, 1024, 16u << 20);
    });
    with_key(e, ep, "host_name", [&](const YAML::Node& v, const std::string& kp) {
      r.scalar(v, kp, c.ebpf.host_name);
    });
    with_key(e, ep, "hooks", [&](const YAML::Node& v, const std::string& kp) {
      std::string h;
      if (!r.scalar(v, kp, h)) return;
      if (h == "rules") {
        c.ebpf.hooks = EbpfSourceConfig::Hooks::kRules;
      } else if (h == "all") {
        c.ebpf.hooks = EbpfSourceConfig::Hooks::kAll;
      } else {
        r.error(v, kp, "expected rules or all, got '" + h + "'");
      }
    });
  });
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

void read_sinks(Reader& r, const YAML::Node& n, SinksConfig& c) {
  const std::string p = "sinks";
  if (!r.mapping(n, p, {"stdout", "file", "syslog", "webhook", "sqlite"})) return;
  with_key(n, p, "stdout", [&](const YAML::Node& s, const std::string& sp) {
    if (!r.mapping(s, sp, {"enabled", "format"})) return;
    with_key(s, sp, "enabled", [&](const YAML::Node& v, const std::string& kp) {
      r.boolean(v, kp, c.stdout_sink.enabled);
    });
    with_key(s, sp, "format", [&](const YAML::Node& v, const std::string& kp) {
      std::string f;
      if (!r.scalar(v, kp, f)) return;
      if (f == "json") {
        c.stdout_sink.format = TextFormat::kJson;
      } else if (f == "text") {
        c.stdout_sink.format = TextFormat::kText;
      } else {
        r.error(v, kp, "expected json or text, got '" + f + "'");
      }
    });
  });
  with_key(n, p, "file", [&](const YAML::Node& s, const std::string& sp) {
    if (!r.mapping(s, sp, {"path", "max_size", "max_files"})) return;
    with_key(s, sp, "path",
             [&](const YAML::Node& v, const std::string& kp) { r.path_value(v, kp, c.file.path); });
    with_key(s, sp, "max_size", [&](const YAML::Node& v, const std::string& kp) {
      r.size(v, kp, c.file.max_bytes, 4096);
    });
    with_key(s, sp, "max_files", [&](const YAML::Node& v, const std::string& kp) {
      r.uint(v, kp, c.file.max_files, 1, 1000);
    });
  });
  with_key(n, p, "syslog", [&](const YAML::Node& s, const std::string& sp) {
    if (!r.mapping(s, sp, {"enabled", "address", "facility", "app_name"})) return;
    with_key(s, sp, "enabled", [&](const YAML::Node& v, const std::string& kp) {
      r.boolean(v, kp, c.syslog.enabled);
    });
    with_key(s, sp, "address", [&](const YAML::Node& v, const std::string& kp) {
      std::string a;
      if (!r.scalar(v, kp, a)) return;
      std::string host;
      uint16_t port = 0;
      if (a.rfind("unix:", 0) == 0 && a.size() > 5) {
        c.syslog.address = "unix:" + r.resolve(a.substr(5));
      } else if (a.rfind("udp:", 0) == 0 && split_host_port(a.substr(4), host, port) && port) {
        c.syslog.address = a;
      } else {
        r.error(v, kp, "expected unix:PATH or udp:HOST:PORT, got '" + a + "'");
      }
    });
    with_key(s, sp, "facility", [&](const YAML::Node& v, const std::string& kp) {
      std::string f;
      if (!r.scalar(v, kp, f)) return;
      if (std::find(std::begin(kFacilities), std::end(kFacilities), f) == std::end(kFacilities)) {
        r.error(v, kp,
                "unknown facility '" + f + "' (use daemon, auth, authpriv, local0..local7, …)");
        return;
      }
      c.syslog.facility = f;
    });
    with_key(s, sp, "app_name", [&](const YAML::Node& v, const std::string& kp) {
      std::string a;
      if (!r.scalar(v, kp, a)) return;
      const bool printable =
          std::all_of(a.begin(), a.end(), [](char ch) { return ch > 32 && ch < 127; });
      if (a.empty() || a.size() > 48 || !printable) {
        r.error(v, kp,
                "must be 1-48 printable ASCII characters without spaces (RFC 5424 APP-NAME)");
        return;
      }
      c.syslog.app_name = a;
    });
  });
  with_key(n, p, "webhook", [&](const YAML::Node& s, const std::string& sp) {
    if (!r.mapping(s, sp,
                   {"url", "batch_size", "flush_interval", "timeout", "retry_initial", "retry_max",
                    "queue_size", "spool_dir", "spool_max_size", "headers"})) {
      return;
    }
    auto& w = c.webhook;
    with_key(s, sp, "url", [&](const YAML::Node& v, const std::string& kp) {
      std::string u;
      if (!r.scalar(v, kp, u)) return;
      HttpUrl parsed;
      std::string why;
      if (!u.empty() && !parse_http_url(u, parsed, why)) {
        r.error(v, kp, why + ", got '" + u + "'");
        return;
      }
      w.url = u;
    });
    with_key(s, sp, "batch_size", [&](const YAML::Node& v, const std::string& kp) {
      r.uint(v, kp, w.batch_size, 1, 10000);
    });
    with_key(s, sp, "flush_interval", [&](const YAML::Node& v, const std::string& kp) {
      r.duration(v, kp, w.flush_interval_ns, kSecond / 1000);
    });
    with_key(s, sp, "timeout", [&](const YAML::Node& v, const std::string& kp) {
      r.duration(v, kp, w.timeout_ns, kSecond / 1000);
    });
    with_key(s, sp, "retry_initial", [&](const YAML::Node& v, const std::string& kp) {
      r.duration(v, kp, w.retry_initial_ns, kSecond / 1000);
    });
    with_key(s, sp, "retry_max", [&](const YAML::Node& v, const std::string& kp) {
      r.duration(v, kp, w.retry_max_ns, kSecond / 1000);
      if (w.retry_max_ns < w.retry_initial_ns) {
        r.error(v, kp,
                "must not be shorter than sinks.webhook.retry_initial (" +
                    format_duration(w.retry_initial_ns) + ")");
      }
    });
    with_key(s, sp, "queue_size", [&](const YAML::Node& v, const std::string& kp) {
      r.uint(v, kp, w.queue_size, 1, 10'000'000);
    });
    with_key(s, sp, "spool_dir",
             [&](const YAML::Node& v, const std::string& kp) { r.path_value(v, kp, w.spool_dir); });
    with_key(s, sp, "spool_max_size", [&](const YAML::Node& v, const std::string& kp) {
      r.size(v, kp, w.spool_max_bytes, 64 * 1024);
    });
    with_key(s, sp, "headers", [&](const YAML::Node& h, const std::string& hp) {
      if (!h.IsMap()) {
        r.error(h, hp, "expected a mapping of header names to values");
        return;
      }
      for (auto it = h.begin(); it != h.end(); ++it) {
        std::string name, value;
        if (!r.scalar(it->first, hp, name) || !r.scalar(it->second, Reader::join(hp, name), value))
          continue;
        const bool token = !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
          return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_';
        });
        if (!token) {
          r.error(it->first, Reader::join(hp, name), "not a valid HTTP header name");
        } else if (value.find_first_of("\r\n") != std::string::npos) {
          r.error(it->second, Reader::join(hp, name), "header values must not contain line breaks");
        } else {
          w.headers[name] = value;
        }
      }
    });
  });
  with_key(n, p, "sqlite", [&](const YAML::Node& s, const std::string& sp) {
    if (!r.mapping(s, sp, {"enabled", "path", "max_age", "max_rows"})) return;
    with_key(s, sp, "enabled", [&](const YAML::Node& v, const std::string& kp) {
      r.toggle(v, kp, c.sqlite.enabled);
    });
    with_key(s, sp, "path", [&](const YAML::Node& v, const std::string& kp) {
      r.path_value(v, kp, c.sqlite.path);
      if (c.sqlite.path.empty() || c.sqlite.path == "-") r.error(v, kp, "expected a file path");
    });
    with_key(s, sp, "max_age", [&](const YAML::Node& v, const std::string& kp) {
      r.duration(v, kp, c.sqlite.max_age_ns, 0);
    });
    with_key(s, sp, "max_rows", [&](const YAML::Node& v, const std::string& kp) {
      r.uint(v, kp, c.sqlite.max_rows, 0, uint64_t{1} << 40);
    });
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

}  // namespace

LoadResult load_config_text(const std::string& name, const std::string& text,
                            const std::string& base_dir) {
  LoadResult out;
  out.config.file = name;
  Reader r(name, base_dir, out.errors);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    r.error_at(e.mark, "", "invalid YAML: " + e.msg);
    r.finish();
    return out;
  }
  if (root.IsNull()) return out;  // an empty file: every default
  Config& c = out.config;
  if (!r.mapping(
          root, "",
          {"version", "rules", "sources", "limits", "alerts", "sinks", "http", "response"})) {
    r.finish();
    return out;
  }
  with_key(root, "", "version", [&](const YAML::Node& v, const std::string& kp) {
    uint64_t version = 1;
    r.uint(v, kp, version, 1, 1);
  });
  try {
    with_key(root, "", "rules",
             [&](const YAML::Node& v, const std::string&) { read_rules(r, v, c.rules); });
    with_key(root, "", "sources",
             [&](const YAML::Node& v, const std::string&) { read_sources(r, v, c.sources); });
    with_key(root, "", "limits",
             [&](const YAML::Node& v, const std::string&) { read_limits(r, v, c.limits); });
    with_key(root, "", "alerts",
             [&](const YAML::Node& v, const std::string&) { read_alerts(r, v, c.alerts); });
    with_key(root, "", "sinks",
             [&](const YAML::Node& v, const std::string&) { read_sinks(r, v, c.sinks); });
    with_key(root, "", "http",
             [&](const YAML::Node& v, const std::string&) { read_http(r, v, c.http); });
    with_key(root, "", "response",
             [&](const YAML::Node& v, const std::string&) { read_response(r, v, c.response); });
  } catch (const YAML::Exception& e) {
    // Defensive: node access on odd documents (e.g. complex keys) must not escape as a crash.
    r.error_at(e.mark, "", e.msg);
  }
  r.finish();
  return out;
}

LoadResult load_config_file(const std::string& path) {
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
  return load_config_text(path, ss.str(), parent.empty() ? "." : parent.string());
}

}  // namespace wsn::config
