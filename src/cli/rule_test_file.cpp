#include "cli/rule_test_file.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

#include "common/did_you_mean.h"

namespace wsn::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 9> kKeys = {
    "name",        "rule",          "rule_file",         "rules", "config", "events",
    "events_file", "expect_alerts", "expect_diagnostics"};

class TestReader {
 public:
  TestReader(const std::string& file, std::vector<std::string>& errors)
      : file_(file), errors_(errors) {}

  void error(const YAML::Node& at, const std::string& message) {
    const YAML::Mark m = at.Mark();
    std::string where = file_;
    if (!m.is_null()) {
      where += ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
    }
    errors_.push_back(where + ": error: " + message);
  }

  bool text(const YAML::Node& n, const std::string& key, std::string& out) {
    if (!n.IsScalar()) {
      error(n, key + ": expected a string (a block scalar `|` keeps lines as written)");
      return false;
    }
    out = n.Scalar();
    return true;
  }

  // A scalar or a list as the text the runner compares (lists as "[a, b]").
  bool value_text(const YAML::Node& n, const std::string& key, std::string& out) {
    if (n.IsScalar()) {
      out = n.Scalar();
      return true;
    }
    if (n.IsNull()) {
      out = "null";
      return true;
    }
    if (n.IsSequence()) {
      out = "[";
      for (size_t k = 0; k < n.size(); ++k) {
        std::string item;
        if (!n[k].IsScalar()) {
          error(n[k], key + ": expected a scalar in the list");
          return false;
        }
        out += (k ? ", " : "") + n[k].Scalar();
      }
      out += "]";
      return true;
    }
    error(n, key + ": expected a scalar or a list of scalars");
    return false;
  }

  void expected_alerts(const YAML::Node& n, std::vector<ExpectedAlert>& out) {
    if (n.IsNull()) return;  // `expect_alerts:` with nothing: no alert
    if (!n.IsSequence()) {
      error(n, "expect_alerts: expected a list of {rule: ID, FIELD: VALUE, …}");
      return;
    }
    for (size_t k = 0; k < n.size(); ++k) {
      const YAML::Node a = n[k];
      const std::string where = "expect_alerts[" + std::to_string(k) + "]";
      ExpectedAlert alert;
      if (a.IsScalar()) {  // a bare rule id
        alert.rule = a.Scalar();
        out.push_back(std::move(alert));
        continue;
      }
      if (!a.IsMap()) {
        error(a, where + ": expected a rule id or a mapping {rule: ID, FIELD: VALUE, …}");
        continue;
      }
      for (auto it = a.begin(); it != a.end(); ++it) {
        const std::string key = it->first.as<std::string>();
        if (key == "rule") {
          text(it->second, where + ".rule", alert.rule);
          continue;
        }
        std::string v;
        if (value_text(it->second, where + "." + key, v)) alert.fields.emplace_back(key, v);
      }
      if (alert.rule.empty()) error(a, where + ": missing 'rule' (the id of the alerting rule)");
      out.push_back(std::move(alert));
    }
  }

  void paths(const YAML::Node& n, std::vector<std::string>& out) {
    if (n.IsScalar()) {
      out.push_back(n.Scalar());
      return;
    }
    if (!n.IsSequence()) {
      error(n, "rules: expected a path or a list of paths (relative to the test file)");
      return;
    }
    for (size_t k = 0; k < n.size(); ++k) {
      std::string p;
      if (text(n[k], "rules[" + std::to_string(k) + "]", p)) out.push_back(p);
    }
  }

  void test(const YAML::Node& doc, const std::string& dir, std::vector<RuleTest>& out) {
    RuleTest t;
    t.file = file_;
    t.dir = dir;
    t.line = doc.Mark().is_null() ? 1 : doc.Mark().line + 1;
    if (!doc.IsMap()) {
      error(doc,
            "a test is a mapping with name, rule or rules, events, and expect_alerts or "
            "expect_diagnostics");
      return;
    }
    const size_t before = errors_.size();
    for (auto it = doc.begin(); it != doc.end(); ++it) {
      const std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
      if (std::find(kKeys.begin(), kKeys.end(), key) != kKeys.end()) continue;
      std::string hint;
      if (auto near = closest_name(key, kKeys); !near.empty()) {
        hint = "did you mean '" + near + "'? ";
      }
      std::string known;
      for (auto k : kKeys) known += (known.empty() ? "" : ", ") + std::string(k);
      error(it->first, "unknown key '" + key + "' (" + hint + "known: " + known + ")");
    }
    if (const auto n = doc["name"]) text(n, "name", t.name);
    if (const auto n = doc["rule"]) text(n, "rule", t.rule_text);
    if (const auto n = doc["rule_file"]) text(n, "rule_file", t.rule_file);
    if (const auto n = doc["rules"]) paths(n, t.rule_paths);
    if (const auto n = doc["config"]) {
      if (n.IsScalar()) {
        t.config_text = n.Scalar();
      } else if (n.IsMap()) {
        t.config_text = YAML::Dump(n) + "\n";
      } else {
        error(n, "config: expected a mapping (the configuration file's keys) or its text");
      }
    }
    if (const auto n = doc["events"]) text(n, "events", t.events_text);
    if (const auto n = doc["events_file"]) text(n, "events_file", t.events_file);
    if (const auto n = doc["expect_alerts"]) {
      t.expect_alerts.emplace();
      expected_alerts(n, *t.expect_alerts);
    }
    if (const auto n = doc["expect_diagnostics"]) {
      std::string d;
      if (n.IsNull() || text(n, "expect_diagnostics", d)) t.expect_diagnostics = d;
    }
    if (t.name.empty()) error(doc, "a test needs a 'name'");
    if (t.rule_text.empty() && t.rule_paths.empty()) {
      error(doc, "test '" + t.name + "' names no rules: give 'rule' (inline) or 'rules' (paths)");
    }
    if (t.rule_file.find('/') != std::string::npos || t.rule_file.empty()) {
      error(doc["rule_file"], "rule_file: a plain file name such as rule.yml or rule.toml");
    }
    if (!t.expect_alerts && !t.expect_diagnostics) {
      error(doc, "test '" + t.name + "' expects nothing: give expect_alerts or expect_diagnostics");
    }
    if (t.expect_alerts && t.events_text.empty() && t.events_file.empty()) {
      error(doc, "test '" + t.name + "' expects alerts but has no 'events' or 'events_file'");
    }
    if (!t.events_text.empty() && !t.events_file.empty()) {
      error(doc["events_file"], "give 'events' or 'events_file', not both");
    }
    if (errors_.size() == before) out.push_back(std::move(t));
  }

 private:
  const std::string& file_;
  std::vector<std::string>& errors_;
};

}  // namespace

RuleTestFile read_rule_test_file(const std::string& path) {
  RuleTestFile out;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    out.errors.push_back(path + ": error: cannot read test file: " +
                         std::error_code(errno, std::generic_category()).message());
    return out;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  TestReader reader(path, out.errors);
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(ss.str());
  } catch (const YAML::Exception& e) {
    std::string where = path;
    if (!e.mark.is_null()) {
      where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    }
    out.errors.push_back(where + ": error: invalid YAML: " + e.msg);
    return out;
  }
  const fs::path parent = fs::path(path).parent_path();
  const std::string dir = parent.empty() ? "." : parent.string();
  try {
    for (const auto& doc : docs) {
      if (doc.IsNull()) continue;  // an empty document (e.g. after a trailing ---)
      reader.test(doc, dir, out.tests);
    }
  } catch (const YAML::Exception& e) {
    // Defensive: odd documents (complex keys) must give an error, not a crash.
    out.errors.push_back(path + ": error: " + e.msg);
  }
  if (out.tests.empty() && out.errors.empty()) {
    out.errors.push_back(path + ": error: no tests in this file");
  }
  return out;
}

}  // namespace wsn::cli
