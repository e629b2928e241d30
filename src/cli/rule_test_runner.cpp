#include "cli/rule_test_runner.h"

#include <simdjson.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "cli/field_types_option.h"
#include "cli/line_diff.h"
#include "cli/operations.h"
#include "cli/paths.h"
#include "collect/replay/jsonl_replay_source.h"
#include "engine/engine.h"

namespace wsn::cli {
namespace {

namespace fs = std::filesystem;

// A scratch directory for the inline rule and events, removed when the test ends.
class ScratchDir {
 public:
  ScratchDir() {
    std::string templ = (fs::temp_directory_path() / "wsn-test-XXXXXX").string();
    if (::mkdtemp(templ.data()) != nullptr) path_ = templ;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  bool write(const std::string& name, const std::string& text) const {
    std::ofstream out(path_ + "/" + name, std::ios::binary);
    out << text;
    return static_cast<bool>(out);
  }

 private:
  std::string path_;
};

// Keeps every alert's ECS JSON, as `replay` would print it.
class CollectingSink final : public AlertSink {
 public:
  explicit CollectingSink(std::vector<std::string>& out) : out_(out) {}
  std::string_view name() const override { return "test"; }
  bool write(const Alert&, std::string_view json) override {
    out_.emplace_back(json);
    return true;
  }

 private:
  std::vector<std::string>& out_;
};

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size()) {
    text.replace(at, from.size(), to);
  }
}

std::string one_line(std::string s) {
  replace_all(s, "\n", "\\n");
  return s;
}

// The text a selected field compares as: strings as they are, lists as "[a, b]", anything
// else as compact JSON.
std::string value_text(simdjson::dom::element e) {
  if (e.is_string()) return one_line(std::string(e.get_string().value()));
  if (e.is_array()) {
    std::string out = "[";
    bool first = true;
    for (simdjson::dom::element item : e.get_array()) {
      out += (first ? "" : ", ") + value_text(item);
      first = false;
    }
    return out + "]";
  }
  return simdjson::minify(e);
}

// `path` (dotted; a number indexes a list) inside `e`. Keys may hold dots themselves
// ("@timestamp", flattened names): the longest matching key wins.
bool lookup(simdjson::dom::element e, std::string_view path, simdjson::dom::element& out) {
  if (path.empty()) {
    out = e;
    return true;
  }
  if (e.is_object()) {
    const simdjson::dom::object obj = e.get_object();
    for (size_t end = path.size();;) {
      simdjson::dom::element child;
      if (obj.at_key(path.substr(0, end)).get(child) == simdjson::SUCCESS &&
          lookup(child, end == path.size() ? "" : path.substr(end + 1), out)) {
        return true;
      }
      const size_t shorter = path.rfind('.', end - 1);
      if (shorter == std::string_view::npos || shorter == 0) return false;
      end = shorter;
    }
  }
  if (e.is_array()) {
    const size_t dot = path.find('.');
    const std::string index(path.substr(0, dot));
    if (index.empty() || index.find_first_not_of("0123456789") != std::string::npos) return false;
    simdjson::dom::element child;
    if (e.get_array().at(std::stoul(index)).get(child) != simdjson::SUCCESS) return false;
    return lookup(child, dot == std::string_view::npos ? "" : path.substr(dot + 1), out);
  }
  return false;
}

// An alert as one comparable line: the rule id, then the fields `keys` selects. A field the
// alert itself lacks is read from its last (triggering) event.
std::string alert_line(simdjson::dom::parser& parser, const std::string& json,
                       const std::vector<std::pair<std::string, std::string>>& keys) {
  simdjson::dom::element root;
  if (parser.parse(json).get(root) != simdjson::SUCCESS) return "<unparsable alert JSON>";
  simdjson::dom::element id;
  std::string line = lookup(root, "rule.id", id) ? value_text(id) : "<no rule id>";
  simdjson::dom::element events, last;
  const bool has_event =
      lookup(root, "events", events) && events.is_array() && events.get_array().size() > 0 &&
      events.get_array().at(events.get_array().size() - 1).get(last) == simdjson::SUCCESS;
  for (const auto& [key, expected] : keys) {
    simdjson::dom::element v;
    const bool found = lookup(root, key, v) || (has_event && lookup(last, key, v));
    line += "  " + key + "=" + (found ? value_text(v) : "<missing>");
  }
  return line;
}

std::string expected_line(const ExpectedAlert& a) {
  std::string line = a.rule;
  for (const auto& [key, value] : a.fields) line += "  " + key + "=" + one_line(value);
  return line;
}

// Trailing newlines do not count: a block scalar keeps one, an empty expectation has none.
std::string trimmed(std::string s) {
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

RuleTestOutcome fail(std::string report) {
  return {false, std::move(report)};
}

std::string under(const std::string& dir, const std::string& path) {
  if (fs::path(path).is_absolute() || dir == ".") return path;
  return dir + "/" + path;
}

}  // namespace

RuleTestOutcome run_rule_test(const RuleTest& test) {
  ScratchDir scratch;
  if (scratch.path().empty()) return fail("cannot create a scratch directory");
  // Paths in what the engine says are shown relative to the test file (or bare, for the
  // scratch files), so expectations do not depend on where the tests run.
  auto stable = [&](std::string text) {
    replace_all(text, scratch.path() + "/", "");
    if (test.dir != ".") replace_all(text, test.dir + "/", "");
    return text;
  };

  std::vector<std::string> rule_paths;
  if (!test.rule_text.empty()) {
    if (!scratch.write(test.rule_file, test.rule_text)) return fail("cannot write the rule");
    rule_paths.push_back(scratch.path() + "/" + test.rule_file);
  }
  for (const auto& p : test.rule_paths) rule_paths.push_back(under(test.dir, p));

  config::Config cfg = config::default_config(PluginRegistry::builtin());
  if (!test.config_text.empty()) {
    config::LoadResult r =
        config::load_config_text("config", test.config_text, PluginRegistry::builtin(), test.dir);
    if (!r.ok()) {
      std::string errors;
      for (const auto& e : r.errors) errors += e;
      return fail("invalid configuration:\n" + stable(errors));
    }
    cfg = std::move(r.config);
  }

  // As `validate` and `replay` do: field types, then the rules, warnings before errors.
  Engine engine(engine_options(cfg, rule_paths, bundled_rules_dir()));
  if (!apply_field_types_reporting(engine.registry(), &cfg, "")) {
    return fail("invalid schema.fields in the configuration");
  }
  std::vector<std::string> errors, warnings;
  engine.load_rules(errors, &warnings);
  std::string diagnostics;
  for (const auto& w : warnings) diagnostics += w;
  for (const auto& e : errors) diagnostics += e;

  std::vector<std::string> alerts;
  if (test.expect_alerts) {
    EngineSetup setup;  // replay: dry-run actions, replay's defaults, no standard output
    setup.skip_sinks.push_back("stdout");
    std::vector<std::string> setup_warnings;
    if (Status st = engine.configure(cfg, setup, setup_warnings); !st.ok()) {
      return fail("the configuration cannot be set up: " + stable(st.error().message));
    }
    engine.alerts().add_sink(std::make_unique<CollectingSink>(alerts));
    std::string events_path, events_name;
    if (!test.events_file.empty()) {
      events_path = under(test.dir, test.events_file);
      events_name = test.events_file;
    } else {
      if (!scratch.write("events.jsonl", test.events_text)) return fail("cannot write events");
      events_path = scratch.path() + "/events.jsonl";
      events_name = "events";
    }
    JsonlReplaySource source(events_path, engine.registry(), ReaderOptions{},
                             [&](const MalformedLine& m) {
                               diagnostics += events_name + ":" + std::to_string(m.line) +
                                              ": malformed event: " + std::string(m.reason) + "\n";
                             });
    RunStats stats;
    if (Status st = engine.run(source, stats); !st.ok()) {
      return fail("replay failed: " + stable(st.error().message));
    }
  }
  diagnostics = stable(diagnostics);

  std::string report;
  if (test.expect_diagnostics) {
    if (trimmed(*test.expect_diagnostics) != trimmed(diagnostics)) {
      report += "diagnostics differ:\n" +
                unified_line_diff(split_lines(*test.expect_diagnostics), split_lines(diagnostics));
    }
  } else if (!errors.empty() || diagnostics.find("malformed event") != std::string::npos) {
    report +=
        "unexpected diagnostics (add expect_diagnostics if they are intended):\n" + diagnostics;
  }
  if (test.expect_alerts) {
    std::vector<std::string> expected, actual;
    simdjson::dom::parser parser;
    for (const auto& a : *test.expect_alerts) expected.push_back(expected_line(a));
    static const std::vector<std::pair<std::string, std::string>> kNoKeys;
    for (size_t k = 0; k < alerts.size(); ++k) {
      const auto& keys = k < test.expect_alerts->size() ? (*test.expect_alerts)[k].fields : kNoKeys;
      actual.push_back(alert_line(parser, alerts[k], keys));
    }
    if (expected != actual) report += "alerts differ:\n" + unified_line_diff(expected, actual);
  }
  return {report.empty(), report};
}

}  // namespace wsn::cli
