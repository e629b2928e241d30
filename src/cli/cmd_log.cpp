// `log`: look into binary flight-recorder logs (docs/flight-recorder.md).
//   log cat FILE...          records as JSON lines (events in the event-format of
//                            docs/event-format.md, so `log cat x.wsnlog | replay -` works)
//   log stats FILE...        headers, segments, blocks, records by kind, events by category,
//                            time range, sizes, damage
//   log convert IN OUT       re-write a log (JSON lines or binary) in OUT's format
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/event_recorder.h"
#include "cli/exit_codes.h"
#include "cli/record_options.h"
#include "collect/replay/jsonl_replay_source.h"
#include "collect/replay/wsnlog_replay_source.h"
#include "event/json_writer.h"
#include "event/timestamp.h"
#include "record/log_set.h"

namespace wsn::cli {
namespace {

struct LogOptions {
  std::vector<std::string> files;
  std::string kind = "events";  // cat: events | alerts | notes | all
  bool json = false;            // stats
  std::string input;            // convert
  std::string output;
  RecordFlags record;
};

void print_problem(const std::string& m) {
  fmt::print(stderr, "wasm-sentinel: {}\n", m);
}

void put_line(std::string& line) {
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stdout);
}

int log_cat(const LogOptions& o) {
  FieldRegistry reg;
  const bool events = o.kind == "events" || o.kind == "all";
  const bool alerts = o.kind == "alerts" || o.kind == "all";
  const bool notes = o.kind == "notes" || o.kind == "all";
  const bool tagged = o.kind == "all";  // {"event":..}, {"alert":..}, {"note":".."}
  int rc = kExitOk;
  Event e;
  std::string line;
  for (const std::string& file : o.files) {
    auto opened = record::LogSetReader::open(file, reg);
    if (!opened.ok()) {
      print_problem(opened.error().message);
      rc = kExitRuntimeError;
      continue;
    }
    record::LogSetReader& r = *opened.value();
    std::string_view payload;
    for (bool more = true; more;) {
      line.clear();
      switch (r.next(e, payload)) {
        case record::LogSetReader::Next::kEvent:
          if (!events) break;
          if (tagged) line += "{\"event\":";
          write_event_json(e, reg, line, /*with_live_decisions=*/true);
          if (tagged) line += '}';
          put_line(line);
          break;
        case record::LogSetReader::Next::kAlert:
          if (!alerts) break;
          if (tagged) line += "{\"alert\":";
          line += payload;
          if (tagged) line += '}';
          put_line(line);
          break;
        case record::LogSetReader::Next::kNote:
          if (!notes) break;
          line += tagged ? "{\"note\":" : "";
          append_json_string(payload, line);
          if (tagged) line += '}';
          put_line(line);
          break;
        case record::LogSetReader::Next::kMalformed:
        case record::LogSetReader::Next::kError:
          print_problem(r.error());
          break;
        case record::LogSetReader::Next::kEnd:
          more = false;
          break;
      }
    }
    const record::ReadStats s = r.stats();
    if (s.corrupt_blocks > 0 || s.torn_tail_bytes > 0) {
      print_problem(fmt::format("{}: {} corrupt block(s) skipped ({} bytes), torn tail of {} bytes",
                                file, s.corrupt_blocks, s.skipped_bytes, s.torn_tail_bytes));
    }
  }
  std::fflush(stdout);
  return rc;
}

std::string time_text(int64_t ns) {
  std::string out;
  format_rfc3339(ns, out);
  return out;
}

std::string json_string(std::string_view s) {
  std::string out;
  append_json_string(s, out);
  return out;
}

void print_stats_json(const std::string& file, const record::LogSetReader& r,
                      const std::map<std::string, uint64_t>& categories) {
  const record::ReadStats s = r.stats();
  const record::FileHeader& h = r.headers().front();
  std::string out = "{\"file\":" + json_string(file);
  out += fmt::format(",\"format_version\":{},\"schema\":\"{:016x}\"", h.version, h.schema);
  out += ",\"build_id\":" + json_string(h.build_id);
  out += ",\"ruleset_hash\":" + json_string(h.ruleset_hash);
  out += ",\"host\":" + json_string(h.host);
  out += ",\"created\":" + json_string(time_text(h.created_ns));
  out += fmt::format(",\"recording\":\"{:016x}\"", h.recording);
  out += ",\"segments\":[";
  for (size_t k = 0; k < r.segments().size(); ++k) {
    if (k) out += ',';
    out += fmt::format("{{\"index\":{},\"path\":{}}}", r.segments()[k].index,
                       json_string(r.segments()[k].path));
  }
  out += fmt::format(
      "],\"blocks\":{},\"records\":{},\"events\":{},\"alerts\":{},\"notes\":{},"
      "\"malformed_records\":{},\"corrupt_blocks\":{},\"skipped_bytes\":{},"
      "\"torn_tail_bytes\":{},\"type_mismatches\":{},\"file_bytes\":{},"
      "\"compressed_bytes\":{},\"raw_bytes\":{}",
      s.blocks, s.records, s.events, s.alerts, s.notes, s.malformed_records, s.corrupt_blocks,
      s.skipped_bytes, s.torn_tail_bytes, s.type_mismatches, s.file_bytes, s.compressed_bytes,
      s.raw_bytes);
  out += ",\"categories\":{";
  bool first = true;
  for (const auto& [name, n] : categories) {
    if (!first) out += ',';
    first = false;
    out += json_string(name) + ":" + std::to_string(n);
  }
  out += "}";
  if (s.events > 0) {
    out += ",\"first_event\":" + json_string(time_text(s.first_time_ns));
    out += ",\"last_event\":" + json_string(time_text(s.last_time_ns));
  }
  out += "}";
  put_line(out);
}

void print_stats_text(const std::string& file, const record::LogSetReader& r,
                      const std::map<std::string, uint64_t>& categories) {
  const record::ReadStats s = r.stats();
  const record::FileHeader& h = r.headers().front();
  fmt::print("{}\n", file);
  fmt::print("  format version {}, schema {:016x}, recording {:016x}\n", h.version, h.schema,
             h.recording);
  fmt::print("  written by {} on {} at {}\n", h.build_id.empty() ? "?" : h.build_id,
             h.host.empty() ? "?" : h.host, time_text(h.created_ns));
  fmt::print("  rule set {}\n", h.ruleset_hash.empty() ? "(none)" : h.ruleset_hash);
  fmt::print("  segments {}:", r.segments().size());
  for (const auto& seg : r.segments()) fmt::print(" {}", seg.index);
  fmt::print("\n  blocks {}, records {}: {} events, {} alerts, {} notes, {} malformed\n", s.blocks,
             s.records, s.events, s.alerts, s.notes, s.malformed_records);
  if (s.events > 0) {
    fmt::print("  events from {} to {}\n", time_text(s.first_time_ns), time_text(s.last_time_ns));
  }
  std::string cats;
  for (const auto& [name, n] : categories) cats += fmt::format(" {} {},", name, n);
  if (!cats.empty()) cats.pop_back();
  fmt::print("  events by category:{}\n", cats.empty() ? " -" : cats);
  const double ratio = s.compressed_bytes > 0 ? static_cast<double>(s.raw_bytes) /
                                                    static_cast<double>(s.compressed_bytes)
                                              : 0.0;
  fmt::print("  size {} bytes on disk; blocks {} compressed, {} raw ({:.1f}x)\n", s.file_bytes,
             s.compressed_bytes, s.raw_bytes, ratio);
  fmt::print(
      "  damage: {} corrupt block(s) ({} bytes skipped), torn tail {} bytes, {} type "
      "mismatches\n",
      s.corrupt_blocks, s.skipped_bytes, s.torn_tail_bytes, s.type_mismatches);
}

int log_stats(const LogOptions& o) {
  int rc = kExitOk;
  for (const std::string& file : o.files) {
    FieldRegistry reg;
    auto opened = record::LogSetReader::open(file, reg);
    if (!opened.ok()) {
      print_problem(opened.error().message);
      rc = kExitRuntimeError;
      continue;
    }
    record::LogSetReader& r = *opened.value();
    std::vector<uint64_t> by_id;
    Event e;
    std::string_view payload;
    for (;;) {
      const auto n = r.next(e, payload);
      if (n == record::LogSetReader::Next::kEnd) break;
      if (n == record::LogSetReader::Next::kEvent) {
        if (e.category() >= by_id.size()) by_id.resize(e.category() + 1u, 0);
        ++by_id[e.category()];
      } else if (n == record::LogSetReader::Next::kError) {
        print_problem(r.error());
      }
    }
    std::map<std::string, uint64_t> categories;
    for (size_t c = 0; c < by_id.size(); ++c) {
      if (by_id[c] > 0)
        categories[std::string(reg.category_name(static_cast<CategoryId>(c)))] += by_id[c];
    }
    if (o.json) {
      print_stats_json(file, r, categories);
    } else {
      print_stats_text(file, r, categories);
    }
  }
  std::fflush(stdout);
  return rc;
}

// Hands each event of a source straight to a recorder.
class RecorderWriter final : public EventWriter {
 public:
  explicit RecorderWriter(EventRecorder& r) : recorder_(r) {}
  Event& next() override {
    event_.clear();
    return event_;
  }
  void commit() override { recorder_.write(event_); }
  void flush() override {}
  void count_malformed(uint64_t n) override { malformed += n; }
  uint64_t malformed = 0;

 private:
  EventRecorder& recorder_;
  Event event_;
};

int log_convert(const LogOptions& o) {
  auto opts = recorder_options(o.record);
  if (!opts.ok()) {
    print_problem(opts.error().message);
    return kExitUsage;
  }
  FieldRegistry reg;
  std::unique_ptr<EventSource> source;
  if (record::is_binary_log(o.input)) {
    source = std::make_unique<WsnlogReplaySource>(o.input, reg, print_problem);
  } else {
    const std::string shown = o.input == "-" ? "<stdin>" : o.input;
    source = std::make_unique<JsonlReplaySource>(
        o.input, reg, ReaderOptions{}, [shown](const MalformedLine& m) {
          fmt::print(stderr, "{}:{}: malformed event: {}\n", shown, m.line, m.reason);
        });
  }
  auto recorder = EventRecorder::open(o.output, reg, opts.value());
  if (!recorder.ok()) {
    print_problem(recorder.error().message);
    return kExitRuntimeError;
  }
  RecorderWriter writer(*recorder.value());
  const Status st = source->run(writer);
  std::string error;
  const bool written = recorder.value()->close(error);
  if (!st.ok()) {
    print_problem(st.error().message);
    return kExitRuntimeError;
  }
  if (!written) {
    print_problem(error);
    return kExitRuntimeError;
  }
  return kExitOk;
}

}  // namespace

void register_log(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<LogOptions>();
  CLI::App* cmd = app.add_subcommand(
      "log",
      "Look into binary flight-recorder logs (*.wsnlog; a rotated recording by its base\n"
      "name, all segments in order). See docs/flight-recorder.md.");
  cmd->require_subcommand(1);
  CLI::App* cat = cmd->add_subcommand(
      "cat",
      "Print the records as JSON lines: events in the event format (so\n"
      "`wasm-sentinel log cat x.wsnlog | wasm-sentinel replay -` raises the same alerts),\n"
      "alerts as recorded, notes as JSON strings; --kind all tags each line\n"
      "({\"event\":..}, {\"alert\":..}, {\"note\":\"..\"}).");
  cat->add_option("FILE", o->files, "Binary logs")->required();
  cat->add_option("--kind", o->kind, "events (default), alerts, notes or all")
      ->check(CLI::IsMember({"events", "alerts", "notes", "all"}));
  cat->callback([o, &exit_code] { exit_code = log_cat(*o); });

  CLI::App* stats = cmd->add_subcommand(
      "stats",
      "Summarise each log: header (build, rule set, host, creation time), segments, blocks,\n"
      "records by kind, events by category, time range, compressed and raw size, damage.");
  stats->add_option("FILE", o->files, "Binary logs")->required();
  stats->add_flag("--json", o->json, "One JSON object per FILE instead of text.");
  stats->callback([o, &exit_code] { exit_code = log_stats(*o); });

  CLI::App* convert = cmd->add_subcommand(
      "convert",
      "Re-write an event log (binary or JSON lines; '-' reads standard input) in the format\n"
      "of OUTPUT (*.wsnlog binary, else JSON lines; or --record-format).\n"
      "Example: wasm-sentinel log convert events.jsonl events.wsnlog");
  convert->add_option("INPUT", o->input, "Event log to read")->required();
  convert->add_option("OUTPUT", o->output, "Log to write (created with mode 0600)")->required();
  add_record_flags(convert, o->record);
  convert->callback([o, &exit_code] { exit_code = log_convert(*o); });
}

}  // namespace wsn::cli
