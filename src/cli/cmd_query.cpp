// `query`: ad-hoc hunting — one EQL query (with pipes), or the rules of a Sigma rule file
// (translated to EQL as the `sigma` rule kind does, docs/sigma.md), over an event log, matches
// printed as JSON lines.
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/field_types_option.h"
#include "collect/replay/jsonl_replay_source.h"
#include "collect/replay/wsnlog_replay_source.h"
#include "detect/rule_file.h"
#include "eql/compile/compiler.h"
#include "event/field_types.h"
#include "event/json_writer.h"
#include "match/pipes.h"
#include "record/log_set.h"
#include "sigma/sigma_rule_kind.h"
#include "wsn/plugins.h"

namespace wsn::cli {
namespace {

struct QueryOptions {
  std::string query;
  std::string events;
  std::string dialect = "elastic";
  bool case_sensitive = false;
  std::string fields;  // --fields FILE
  bool infer = true;   // type unknown fields of a JSON-lines log from its values
  bool show_eql = false;
};

// Standard input copied to a temporary file, so that a JSON-lines log read from it can be
// scanned for field types and then read; removed when this goes.
class StdinCopy {
 public:
  StdinCopy() = default;
  StdinCopy(const StdinCopy&) = delete;
  StdinCopy& operator=(const StdinCopy&) = delete;
  ~StdinCopy() {
    if (!path_.empty()) {
      std::error_code ec;
      std::filesystem::remove(path_, ec);
    }
  }
  bool make() {
    const char* dir = std::getenv("TMPDIR");
    std::string tmpl = std::string(dir && *dir ? dir : "/tmp") + "/wsn-query-XXXXXX";
    const int fd = ::mkstemp(tmpl.data());
    if (fd < 0) return false;
    ::close(fd);
    path_ = tmpl;
    // Copied with fread/fwrite: `out << rdbuf()` fails on an empty input.
    std::FILE* out = std::fopen(path_.c_str(), "wb");
    if (!out) return false;
    char buf[1 << 16];
    bool ok = true;
    for (size_t n; (n = std::fread(buf, 1, sizeof(buf), stdin)) > 0;) {
      if (std::fwrite(buf, 1, n, out) != n) {
        ok = false;
        break;
      }
    }
    ok = ok && !std::ferror(stdin);
    return std::fclose(out) == 0 && ok;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Types the fields of the JSON-lines log at `path` that `reg` does not know from their values,
// with a warning on standard error for each field whose values disagree.
void infer_field_types(const std::string& path, const std::string& shown, FieldRegistry& reg) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return;  // the reader reports it
  FieldTypeInference inference(reg, ReaderOptions{}.max_depth);
  const size_t max_line = ReaderOptions{}.max_line_bytes;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.size() > max_line) continue;
    inference.add_line(line);
  }
  for (const auto& w : inference.apply(reg, shown)) {
    fmt::print(stderr, "wasm-sentinel: warning: {}\n", w);
  }
}

// QUERY names a Sigma rule file (*.yml / *.yaml that exists): its rules as EQL queries, each
// `// from FILE:LINE`-commented. Diagnostics go to standard error; false on errors.
bool sigma_queries(const std::string& path, const FieldRegistry& reg,
                   std::vector<std::pair<std::string, std::string>>& out) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  RuleLoadResult loaded;
  load_rule_text(path, ss.str(), loaded, PluginRegistry::builtin());
  apply_tuning(loaded);
  for (const auto& w : loaded.warnings()) std::fputs(w.c_str(), stderr);
  for (const auto& e : loaded.errors()) std::fputs(e.c_str(), stderr);
  bool ok = loaded.error_count() == 0;
  for (const RuleSource& r : loaded.rules) {
    if (r.meta.kind != "sigma") continue;
    if (std::any_of(r.params.begin(), r.params.end(),
                    [](const auto& p) { return p.first == "sigma_correlation"; })) {
      fmt::print(stderr,
                 "wasm-sentinel: {}: correlation rule '{}' is not run by query (replay "
                 "runs it)\n",
                 path, r.meta.name);
      continue;
    }
    Diagnostics d;
    std::string eql;
    const bool translated = sigma::rule_to_eql(r, reg, d, eql);
    std::fputs(d.render(*r.body).c_str(), stderr);
    if (!translated) {
      ok = false;
      continue;
    }
    out.emplace_back(r.meta.name, std::move(eql));
  }
  if (ok && out.empty()) {
    fmt::print(stderr, "wasm-sentinel: {}: no Sigma rule in this file\n", path);
    return false;
  }
  return ok;
}

// Collects every match of the single compiled query, in stream order.
class Collector final : public MatchSink {
 public:
  void on_match(uint32_t, std::span<const Event* const> events) override {
    match::PipeResult r;
    for (const Event* e : events) r.events.push_back(std::make_shared<const Event>(*e));
    results.push_back(std::move(r));
  }
  std::vector<match::PipeResult> results;
};

void print_result(const match::PipeResult& r, const FieldRegistry& reg, std::string& line) {
  line.clear();
  if (r.aggregate) {
    line += "{\"key\":";
    append_json_string(r.key, line);
    line += fmt::format(",\"count\":{},\"percent\":{}", r.aggregate->count, r.aggregate->percent);
    if (!r.events.empty()) {
      line += ",\"event\":";
      write_event_json(*r.events.front(), reg, line);
    }
    line += '}';
  } else if (r.events.size() == 1) {
    write_event_json(*r.events.front(), reg, line);
  } else {
    line += "{\"sequence\":[";
    for (size_t k = 0; k < r.events.size(); ++k) {
      if (k) line += ',';
      write_event_json(*r.events[k], reg, line);
    }
    line += "]}";
  }
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stdout);
}

int run_query(const QueryOptions& o) {
  FieldRegistry reg;
  if (!apply_field_types_reporting(reg, nullptr, o.fields)) return kExitInvalidRules;
  StdinCopy stdin_copy;
  std::string events_path = o.events;
  if (o.events == "-") {
    if (!stdin_copy.make()) {
      fmt::print(stderr, "wasm-sentinel: cannot buffer standard input in a temporary file\n");
      return kExitRuntimeError;
    }
    events_path = stdin_copy.path();
  }
  const bool binary = record::is_binary_log(events_path);
  const std::string shown = o.events == "-" ? "<stdin>" : o.events;
  // A binary log carries its types; JSON lines say them only by their values.
  if (!binary && o.infer) infer_field_types(events_path, shown, reg);
  eql::CompileOptions opt;
  if (o.dialect == "endgame") {
    opt.dialect = eql::Dialect::kEndgame;
    opt.case_sensitive = o.case_sensitive;
  }
  // The queries: QUERY itself, or the rules of the Sigma rule file it names.
  std::vector<std::pair<std::string, std::string>> queries;
  const std::filesystem::path as_path(o.query);
  std::error_code ec;
  if ((as_path.extension() == ".yml" || as_path.extension() == ".yaml") &&
      std::filesystem::is_regular_file(as_path, ec)) {
    if (!sigma_queries(o.query, reg, queries)) return kExitInvalidRules;
  } else {
    queries.emplace_back("<query>", o.query);
  }
  std::vector<eql::CompiledQuery> compiled;
  for (const auto& [name, text] : queries) {
    if (o.show_eql) fmt::print(stderr, "{}:\n{}\n", name, text);
    SourceText src(name == "<query>" ? name : o.query + " (Sigma rule '" + name + "' as EQL)",
                   text);
    Diagnostics diags;
    auto c = eql::compile_eql_query(src, reg, opt, diags);
    std::fputs(diags.render(src).c_str(), stderr);
    if (!c) return kExitInvalidRules;
    compiled.push_back(std::move(*c));
  }

  auto events =
      binary ? read_wsnlog_file(
                   events_path, reg,
                   [](const std::string& m) { fmt::print(stderr, "wasm-sentinel: {}\n", m); })
             : read_jsonl_file(events_path, reg, ReaderOptions{}, [&](const MalformedLine& m) {
                 fmt::print(stderr, "{}:{}: malformed event: {}\n", shown, m.line, m.reason);
               });
  if (!events.ok()) {
    fmt::print(stderr, "wasm-sentinel: {}\n", events.error().message);
    return kExitRuntimeError;
  }
  std::string line;
  for (const eql::CompiledQuery& q : compiled) {
    auto matcher = q.rules->make_matcher();
    matcher->set_live_events(false);  // recorded events: decided by the events alone
    Collector collector;
    for (const Event& e : events.value()) matcher->process(e, collector);
    matcher->finish(collector);
    const auto out = match::run_pipes(*q.pipes, std::move(collector.results));
    for (const auto& r : out) print_result(r, reg, line);
  }
  std::fflush(stdout);
  return kExitOk;
}

}  // namespace

void register_query(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<QueryOptions>();
  CLI::App* cmd = app.add_subcommand(
      "query",
      "Hunt: run one EQL query over an event log and print the matches as JSON lines (a\n"
      "sequence match prints {\"sequence\":[...]}, count/unique_count print aggregates).\n"
      "Pipes: head N, tail N, count [fields], unique fields, unique_count fields,\n"
      "filter EXPR, sort fields.\n"
      "Example: wasm-sentinel query 'process where process.name == \"curl\" | head 5' \\\n"
      "           --events data/sample/linux-activity.jsonl\n"
      "QUERY may also name a Sigma rule file (*.yml): its rules hunt over the log, as the\n"
      "`sigma` rule kind translates them (docs/sigma.md); --show-eql prints the translation.");
  cmd->add_option("QUERY", o->query, "The EQL query, or a Sigma rule file (*.yml, *.yaml)")
      ->required();
  cmd->add_option("-e,--events", o->events,
                  "Event log: a binary .wsnlog recording or JSON lines ('-' for standard input)")
      ->required();
  cmd->add_option("--dialect", o->dialect,
                  "elastic (default: == is case-sensitive) or endgame (== is case-insensitive "
                  "and wildcard-aware)")
      ->check(CLI::IsMember({"elastic", "endgame"}));
  cmd->add_flag("--show-eql", o->show_eql,
                "Print each query on standard error before it runs (a Sigma rule as EQL).");
  cmd->add_flag("--case-sensitive", o->case_sensitive,
                "With --dialect endgame: compare strings case-sensitively.");
  add_fields_option(cmd, o->fields);
  cmd->add_flag("!--no-infer", o->infer,
                "Do not type unknown fields of a JSON-lines log from its values (they stay "
                "strings, as `replay` reads them).");
  cmd->callback([o, &exit_code] { exit_code = run_query(*o); });
}

}  // namespace wsn::cli
