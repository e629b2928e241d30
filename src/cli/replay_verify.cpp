#include "cli/replay_verify.h"

#include <fmt/core.h>

#include <algorithm>
#include <string_view>

#include "cli/event_recorder.h"
#include "cli/exit_codes.h"
#include "cli/field_types_option.h"
#include "cli/operations.h"
#include "cli/paths.h"
#include "cli/rule_loading.h"
#include "collect/replay/wsnlog_replay_source.h"
#include "engine/engine.h"
#include "record/log_set.h"

namespace wsn::cli {
namespace {

// Keeps the alert lines the replay raises.
class CaptureSink final : public AlertSink {
 public:
  explicit CaptureSink(std::vector<std::string>& out) : out_(out) {}
  std::string_view name() const override { return "verify"; }
  bool write(const Alert&, std::string_view json) override {
    out_.emplace_back(json);
    return true;
  }

 private:
  std::vector<std::string>& out_;
};

// The string value after `"key":"` in an alert line we wrote ("" when absent).
std::string_view json_string_after(std::string_view json, std::string_view key) {
  const size_t at = json.find(key);
  if (at == std::string_view::npos) return {};
  const size_t begin = at + key.size();
  const size_t end = json.find('"', begin);
  return end == std::string_view::npos ? std::string_view() : json.substr(begin, end - begin);
}

// "rule wsn.linux.x at 2026-11-20T09:41:03.273Z (event evt-1)": enough to find the alert.
std::string describe(std::string_view alert) {
  std::string out = "rule ";
  out += json_string_after(alert, "\"rule\":{\"id\":\"");
  out += " at ";
  out += json_string_after(alert, "\"@timestamp\":\"");
  const std::string_view events = alert.substr(std::min(alert.size(), alert.find("\"events\":[")));
  const std::string_view id = json_string_after(events, "\"id\":\"");
  if (!id.empty()) {
    out += " (event ";
    out += id;
    out += ")";
  }
  return out;
}

// The alerts the live run stored, with the headers of the recording; false after saying why.
bool read_recorded_alerts(const std::string& path, std::vector<std::string>& alerts,
                          record::FileHeader& header) {
  FieldRegistry scratch;
  auto opened = record::LogSetReader::open(path, scratch);
  if (!opened.ok()) {
    fmt::print(stderr, "wasm-sentinel: {}\n", opened.error().message);
    return false;
  }
  record::LogSetReader& reader = *opened.value();
  header = reader.header();
  Event e;
  std::string_view payload;
  for (;;) {
    const auto next = reader.next(e, payload);
    if (next == record::LogSetReader::Next::kEnd) break;
    if (next == record::LogSetReader::Next::kAlert) alerts.emplace_back(payload);
    if (next == record::LogSetReader::Next::kError) {
      fmt::print(stderr, "wasm-sentinel: {}\n", reader.error());
    }
  }
  return true;
}

// Prints the differences; the number of positions that differ.
size_t report_differences(const std::vector<std::string>& recorded,
                          const std::vector<std::string>& replayed) {
  size_t differing = 0, shown = 0;
  constexpr size_t kShown = 10;
  const size_t n = std::max(recorded.size(), replayed.size());
  for (size_t k = 0; k < n; ++k) {
    const std::string* a = k < recorded.size() ? &recorded[k] : nullptr;
    const std::string* b = k < replayed.size() ? &replayed[k] : nullptr;
    if (a && b && *a == *b) continue;
    ++differing;
    if (shown++ >= kShown) continue;
    fmt::print(stderr, "wasm-sentinel: verify: alert {}: recorded {}; replayed {}\n", k + 1,
               a ? describe(*a) : "nothing", b ? describe(*b) : "nothing");
  }
  if (shown > kShown) {
    fmt::print(stderr, "wasm-sentinel: verify: ... and {} more\n", shown - kShown);
  }
  // The same alerts in another order, or different alerts?
  std::vector<std::string_view> x(recorded.begin(), recorded.end());
  std::vector<std::string_view> y(replayed.begin(), replayed.end());
  std::sort(x.begin(), x.end());
  std::sort(y.begin(), y.end());
  std::vector<std::string_view> only_recorded, only_replayed;
  std::set_difference(x.begin(), x.end(), y.begin(), y.end(), std::back_inserter(only_recorded));
  std::set_difference(y.begin(), y.end(), x.begin(), x.end(), std::back_inserter(only_replayed));
  fmt::print(
      stderr,
      "wasm-sentinel: verify: {} alert(s) only in the recording, {} only in the replay"
      "{}\n",
      only_recorded.size(), only_replayed.size(),
      only_recorded.empty() && only_replayed.empty() ? " (the same alerts, in another order)" : "");
  return differing;
}

}  // namespace

int replay_verify(const std::string& path, const VerifyOptions& o) {
  if (path == "-" || !record::is_binary_log(path)) {
    fmt::print(stderr,
               "wasm-sentinel: --verify needs a binary recording made by `run --record "
               "FILE.wsnlog` (it keeps the alerts the run raised); {} is not one\n",
               path);
    return kExitUsage;
  }
  std::vector<std::string> recorded;
  record::FileHeader header;
  if (!read_recorded_alerts(path, recorded, header)) return kExitRuntimeError;

  config::Config cfg;
  if (!load_config_reporting(o.config, cfg, o.overrides)) return kExitInvalidRules;
  // Alerts as `run` shapes them (its dedupe and throttle defaults), but nothing leaves the
  // process: no sinks, no HTTP, no watcher; actions only dry-run (a recording is not live) and
  // their audit lines go to standard error.
  cfg.alerts.dedupe_window_ns = cfg.alerts.dedupe_window(config::Mode::kRun);
  cfg.alerts.throttle_max_alerts = cfg.alerts.throttle_max(config::Mode::kRun);
  cfg.response.audit_log = "-";
  Engine engine(engine_options(cfg, o.rules, bundled_rules_dir()));
  if (!apply_field_types_reporting(engine.registry(), &cfg, o.fields)) return kExitInvalidRules;
  load_rules_reporting(engine);
  if (engine.rules()->rules.empty()) {
    fmt::print(stderr, "wasm-sentinel: error: no rules loaded; nothing to verify with\n");
    return kExitInvalidRules;
  }
  const std::string now_hash = ruleset_hash(*engine.rules());
  if (!header.ruleset_hash.empty() && header.ruleset_hash != now_hash) {
    fmt::print(stderr,
               "wasm-sentinel: verify: warning: the rules differ from those the recording was "
               "made with (rule-set hash {} then, {} now): differences may come from that\n",
               header.ruleset_hash, now_hash);
  }
  if (header.build_id != engine_build_id()) {
    fmt::print(stderr, "wasm-sentinel: verify: note: recorded by {}, verified by {}\n",
               header.build_id, engine_build_id());
  }
  EngineSetup setup;
  setup.mode = config::Mode::kReplay;
  setup.live = false;
  for (const SinkPlugin& p : engine.plugins().sinks()) setup.skip_sinks.push_back(p.name);
  std::vector<std::string> warnings;
  if (Status st = engine.configure(cfg, setup, warnings); !st.ok()) {
    fmt::print(stderr, "wasm-sentinel: {}\n", st.error().message);
    return kExitRuntimeError;
  }
  std::vector<std::string> replayed;
  engine.alerts().add_sink(std::make_unique<CaptureSink>(replayed));

  WsnlogReplaySource source(path, engine.registry(), [](const std::string& m) {
    fmt::print(stderr, "wasm-sentinel: {}\n", m);
  });
  RunStats stats;
  if (Status st = engine.run(source, stats); !st.ok()) {
    fmt::print(stderr, "wasm-sentinel: {}\n", st.error().message);
    return kExitRuntimeError;
  }
  if (recorded == replayed) {
    if (!o.quiet) {
      fmt::print(stderr,
                 "wasm-sentinel: verify: {} events replayed; {} alerts, identical to the {} the "
                 "recording holds\n",
                 stats.bus.processed, replayed.size(), recorded.size());
    }
    return kExitOk;
  }
  const size_t differing = report_differences(recorded, replayed);
  fmt::print(stderr,
             "wasm-sentinel: verify: {} events replayed; {} alerts recorded, {} replayed; {} "
             "position(s) differ\n",
             stats.bus.processed, recorded.size(), replayed.size(), differing);
  return kExitVerifyDiffers;
}

}  // namespace wsn::cli
