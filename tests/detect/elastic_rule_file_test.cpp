// Elastic rule files (*.toml): both formats into RuleMeta, query positions in the TOML file,
// severity from risk_score, and every rule this engine does not run skipped with its reason.
// The fixtures are written for these tests in the shape of Elastic's files.
#include "detect/elastic_rule_file.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "detect/rule_compiler.h"
#include "detect/rule_file.h"

namespace wsn {
namespace {

namespace fs = std::filesystem;

RuleLoadResult load(const std::string& text, const std::string& name = "rules/x.toml") {
  RuleLoadResult r;
  load_rule_text(name, text, r, PluginRegistry::builtin());
  return r;
}

std::string first_error(const RuleLoadResult& r) {
  return r.errors().empty() ? "" : r.errors().front();
}

// The detection-rules format (elastic/detection-rules).
const char* const kDetectionRule = R"([metadata]
creation_date = "2024/01/01"
integration = ["endpoint"]
maturity = "production"
updated_date = "2024/01/02"

[rule]
author = ["Elastic", "WasmSentinel tests"]
description = """
A shell opened a TCP socket through /dev/tcp.
[rule]
query = 'not this one'
"""
false_positives = ["Administrators testing connectivity with bash."]
from = "now-9m"
index = ["logs-endpoint.events.process*"]
language = "eql"
license = "Elastic License v2"
name = "Reverse Shell via /dev/tcp"
references = ["https://example.org/dev-tcp", "https://example.org/bash"]
risk_score = 73
rule_id = "6f8b8f52-7d8a-4b7e-9f57-0e3d1d5c7a01"
severity = "high"
tags = ["Domain: Endpoint", "OS: Linux", "Tactic: Execution"]
timestamp_override = "event.ingested"
type = "eql"
query = '''
process where host.os.type == "linux" and event.type == "start" and
  process.name == "bash" and process.args : "*/dev/tcp/*"
'''

[[rule.threat]]
framework = "MITRE ATT&CK"
[[rule.threat.technique]]
id = "T1059"
name = "Command and Scripting Interpreter"
reference = "https://attack.mitre.org/techniques/T1059/"
[[rule.threat.technique.subtechnique]]
id = "T1059.004"
name = "Unix Shell"
reference = "https://attack.mitre.org/techniques/T1059/004/"

[rule.threat.tactic]
id = "TA0002"
name = "Execution"
reference = "https://attack.mitre.org/tactics/TA0002/"

[[rule.threat]]
framework = "MITRE ATT&CK"

[rule.threat.tactic]
id = "TA0011"
name = "Command and Control"
reference = "https://attack.mitre.org/tactics/TA0011/"
)";

// The endpoint behaviour-rule format (elastic/protections-artifacts, behavior/rules).
const char* const kEndpointRule = R"([rule]
description = """
Test fixture: a shell started by curl.
"""
id = "0d7f6c1e-3c5a-4f0e-9b1a-7a2c7e4b5d10"
license = "Elastic License v2"
name = "Download Piped to Shell"
os_list = ["linux"]
version = "1.0.2"

query = '''
process where event.action == "exec" and process.name == "sh" and process.parent.name == "curl"
'''

min_endpoint_version = "8.0.0"
optional_actions = []
[[actions]]
action = "kill_process"
field = "process.entity_id"
state = 0

[[threat]]
framework = "MITRE ATT&CK"
[[threat.technique]]
id = "T1105"
name = "Ingress Tool Transfer"
reference = "https://attack.mitre.org/techniques/T1105/"

[threat.tactic]
id = "TA0011"
name = "Command and Control"
reference = "https://attack.mitre.org/tactics/TA0011/"

[internal]
min_endpoint_version = "8.0.0"
)";

TEST(ElasticRuleFile, DetectionRuleFormatIntoRuleMeta) {
  const RuleLoadResult r = load(kDetectionRule);
  ASSERT_EQ(r.error_count(), 0u) << first_error(r);
  EXPECT_EQ(r.warning_count(), 0u);
  ASSERT_EQ(r.rules.size(), 1u);
  const RuleSource& s = r.rules[0];
  EXPECT_EQ(s.type, "eql");
  EXPECT_EQ(s.meta.kind, "eql");
  EXPECT_EQ(s.meta.id, "6f8b8f52-7d8a-4b7e-9f57-0e3d1d5c7a01");
  EXPECT_EQ(s.meta.name, "Reverse Shell via /dev/tcp");
  EXPECT_EQ(s.meta.description,
            "A shell opened a TCP socket through /dev/tcp.\n[rule]\nquery = 'not this one'");
  EXPECT_EQ(s.meta.severity, Severity::kHigh);
  EXPECT_EQ(s.meta.risk_score, 73);
  EXPECT_EQ(s.meta.source, "rules/x.toml");
  EXPECT_EQ(s.meta.tags,
            (std::vector<std::string>{"Domain: Endpoint", "OS: Linux", "Tactic: Execution",
                                      "attack.execution", "attack.command_and_control"}));
  EXPECT_EQ(s.meta.mitre, (std::vector<std::string>{"T1059", "T1059.004"}));
  EXPECT_EQ(s.meta.references,
            (std::vector<std::string>{"https://example.org/dev-tcp", "https://example.org/bash"}));
  EXPECT_EQ(s.meta.false_positives,
            (std::vector<std::string>{"Administrators testing connectivity with bash."}));
  EXPECT_EQ(s.meta.authors, (std::vector<std::string>{"Elastic", "WasmSentinel tests"}));
  EXPECT_TRUE(s.meta.enabled);
  // Compiled in the Elasticsearch dialect.
  EXPECT_EQ(s.params, (std::vector<std::pair<std::string, std::string>>{{"dialect", "elastic"}}));
  EXPECT_EQ(s.body->text(),
            "process where host.os.type == \"linux\" and event.type == \"start\" and\n"
            "  process.name == \"bash\" and process.args : \"*/dev/tcp/*\"\n");
  // The query begins on file line 28, column 1 (not at the `query =` inside the description).
  EXPECT_EQ(s.body->locate(0).line, 28u);
  EXPECT_EQ(s.body->locate(0).column, 1u);
  const uint32_t off = static_cast<uint32_t>(s.body->text().find("process.args"));
  EXPECT_EQ(s.body->locate(off).line, 29u);
  EXPECT_EQ(s.body->locate(off).column, 30u);
}

TEST(ElasticRuleFile, EndpointBehaviourRuleFormatIntoRuleMeta) {
  const RuleLoadResult r = load(kEndpointRule, "behavior/linux/x.toml");
  ASSERT_EQ(r.error_count(), 0u) << first_error(r);
  ASSERT_EQ(r.rules.size(), 1u);
  const RuleSource& s = r.rules[0];
  EXPECT_EQ(s.meta.id, "0d7f6c1e-3c5a-4f0e-9b1a-7a2c7e4b5d10");
  EXPECT_EQ(s.meta.name, "Download Piped to Shell");
  EXPECT_EQ(s.meta.description, "Test fixture: a shell started by curl.");
  EXPECT_EQ(s.meta.severity, Severity::kMedium);  // neither severity nor risk_score
  EXPECT_EQ(s.meta.risk_score, -1);
  EXPECT_EQ(s.meta.version, "1.0.2");
  EXPECT_EQ(s.meta.tags, (std::vector<std::string>{"attack.command_and_control"}));
  EXPECT_EQ(s.meta.mitre, (std::vector<std::string>{"T1105"}));
  EXPECT_TRUE(s.meta.actions.empty());  // [[actions]] are the endpoint's, not run here
  EXPECT_EQ(s.body->locate(0).line, 12u);
  EXPECT_EQ(s.body->locate(0).column, 1u);
}

// risk_score → severity when the rule has no severity; a severity label wins.
struct SeverityCase {
  const char* lines;
  Severity expected;
  int risk;
};

TEST(ElasticRuleFile, SeverityFromRiskScoreBands) {
  const SeverityCase cases[] = {
      {"risk_score = 0\n", Severity::kLow, 0},
      {"risk_score = 21\n", Severity::kLow, 21},
      {"risk_score = 22\n", Severity::kMedium, 22},
      {"risk_score = 47\n", Severity::kMedium, 47},
      {"risk_score = 48\n", Severity::kHigh, 48},
      {"risk_score = 73\n", Severity::kHigh, 73},
      {"risk_score = 74\n", Severity::kCritical, 74},
      {"risk_score = 100\n", Severity::kCritical, 100},
      {"risk_score = 99\nseverity = \"low\"\n", Severity::kLow, 99},
      {"severity = \"critical\"\n", Severity::kCritical, -1},
      {"", Severity::kMedium, -1},
  };
  for (const SeverityCase& c : cases) {
    const RuleLoadResult r = load(std::string("[rule]\nrule_id = \"a\"\nname = \"A\"\n") + c.lines +
                                  "type = \"eql\"\nlanguage = \"eql\"\nquery = 'any where true'\n");
    ASSERT_EQ(r.rules.size(), 1u) << c.lines << first_error(r);
    EXPECT_EQ(r.rules[0].meta.severity, c.expected) << c.lines;
    EXPECT_EQ(r.rules[0].meta.risk_score, c.risk) << c.lines;
  }
}

// A type or language this engine does not run: skipped with one warning naming the reason.
struct SkipCase {
  const char* keys;
  const char* reason;
};

TEST(ElasticRuleFile, RulesOfOtherTypesAreSkippedWithTheirReason) {
  const SkipCase cases[] = {
      {"type = \"query\"\nlanguage = \"kuery\"\n", "type query, language kuery"},
      {"type = \"new_terms\"\nlanguage = \"kuery\"\n", "type new_terms, language kuery"},
      {"type = \"threshold\"\nlanguage = \"kuery\"\n", "type threshold, language kuery"},
      {"type = \"esql\"\nlanguage = \"esql\"\n", "type esql, language esql"},
      {"type = \"machine_learning\"\n", "type machine_learning, language none"},
      {"type = \"threat_match\"\nlanguage = \"kuery\"\n", "type threat_match, language kuery"},
      {"type = \"query\"\nlanguage = \"lucene\"\n", "type query, language lucene"},
      {"type = \"eql\"\nlanguage = \"kuery\"\n", "type eql, language kuery"},
  };
  for (const SkipCase& c : cases) {
    const RuleLoadResult r = load(std::string("[rule]\nrule_id = \"a\"\nname = \"Other\"\n") +
                                  c.keys + "query = 'x : y'\n");
    EXPECT_TRUE(r.rules.empty()) << c.keys;
    EXPECT_EQ(r.error_count(), 0u) << c.keys << first_error(r);
    ASSERT_EQ(r.warnings().size(), 1u) << c.keys;
    ASSERT_EQ(r.skipped.size(), 1u) << c.keys;
    EXPECT_EQ(r.skipped[0].reason, c.reason);
    EXPECT_EQ(r.skipped[0].name, "Other");
    EXPECT_EQ(r.skipped[0].file, "rules/x.toml");
    const std::string expected = std::string("rules/x.toml:4:8: warning: rule 'Other' (") +
                                 c.reason +
                                 ") is not run by this engine: only EQL rules are (type \"eql\", "
                                 "language \"eql\") [RULE016]";
    EXPECT_EQ(r.warnings()[0].substr(0, expected.size()), expected) << r.warnings()[0];
  }
}

TEST(ElasticRuleFile, DeprecatedRulesAreSkipped) {
  const RuleLoadResult r = load(
      "[metadata]\nmaturity = \"deprecated\"\n\n[rule]\nrule_id = \"a\"\nname = \"Old\"\n"
      "type = \"eql\"\nlanguage = \"eql\"\nquery = 'process where true'\n");
  EXPECT_TRUE(r.rules.empty());
  EXPECT_EQ(r.error_count(), 0u);
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_EQ(r.skipped[0].reason, "deprecated");
  ASSERT_EQ(r.warnings().size(), 1u);
  EXPECT_NE(r.warnings()[0].find("rules/x.toml:2:12: warning: rule 'Old' is deprecated"),
            std::string::npos)
      << r.warnings()[0];
  EXPECT_NE(r.warnings()[0].find("[RULE017]"), std::string::npos);
}

// Problems of the file itself: one diagnostic each, with its code.
struct ProblemCase {
  const char* text;
  const char* code;
  DiagSeverity severity;
};

TEST(ElasticRuleFile, FileProblemsHaveCodes) {
  const ProblemCase cases[] = {
      {"[metadata]\nmaturity = \"production\"\n", "RULE014", DiagSeverity::kWarning},
      {"[rule\nname = \"x\"\n", "RULE013", DiagSeverity::kError},
      {"[rule]\nname = \"A\"\ntype = \"eql\"\nlanguage = \"eql\"\nquery = 'any where true'\n",
       "RULE003", DiagSeverity::kError},
      {"[rule]\nrule_id = \"a\"\nname = \"A\"\ntype = \"eql\"\nlanguage = \"eql\"\n", "RULE003",
       DiagSeverity::kError},
      {"[rule]\nrule_id = \"a\"\nname = 3\ntype = \"eql\"\nlanguage = \"eql\"\nquery = 'a'\n",
       "RULE004", DiagSeverity::kError},
      {"[rule]\nrule_id = \"a\"\nname = \"A\"\nseverity = \"urgent\"\ntype = \"eql\"\n"
       "language = \"eql\"\nquery = 'any where true'\n",
       "RULE008", DiagSeverity::kError},
      {"[rule]\nrule_id = \"a\"\nname = \"A\"\nrisk_score = 101\ntype = \"eql\"\n"
       "language = \"eql\"\nquery = 'any where true'\n",
       "RULE015", DiagSeverity::kError},
  };
  for (const ProblemCase& c : cases) {
    const RuleLoadResult r = load(c.text);
    EXPECT_TRUE(r.rules.empty()) << c.text;
    ASSERT_EQ(r.diagnostics.size(), 1u) << c.text << first_error(r);
    EXPECT_EQ(r.diagnostics[0].diag.code, c.code) << c.text << r.diagnostics[0].render();
    EXPECT_EQ(r.diagnostics[0].diag.severity, c.severity) << c.text;
  }
}

TEST(ElasticRuleFile, DuplicateIdsAcrossFilesAreErrors) {
  RuleLoadResult r;
  load_rule_text("a.toml", kDetectionRule, r, PluginRegistry::builtin());
  load_rule_text("b.toml", kDetectionRule, r, PluginRegistry::builtin());
  EXPECT_EQ(r.rules.size(), 1u);
  ASSERT_EQ(r.errors().size(), 1u);
  EXPECT_NE(r.errors()[0].find("b.toml:22:11: error: duplicate rule id"), std::string::npos)
      << r.errors()[0];
}

// Compiles loaded rules with the built-in EQL kind; returns the rendered errors.
std::vector<std::string> compile_errors(const RuleLoadResult& loaded) {
  auto kind = PluginRegistry::builtin().rule_kind("eql")->create();
  const NamedRuleKind kinds[] = {{"eql", kind.get()}};
  FieldRegistry registry;
  return build_rule_set(loaded.rules, kinds, registry, 1).report.errors();
}

TEST(ElasticRuleFile, QueryErrorsPointIntoTheTomlFile) {
  std::string text = kDetectionRule;
  const std::string good = "  process.name == \"bash\" and process.args : \"*/dev/tcp/*\"\n";
  text.replace(text.find(good), good.size(),
               "  process.name == \"bash\" and process.args :: \"*/dev/tcp/*\"\n");
  const RuleLoadResult r = load(text);
  ASSERT_EQ(r.rules.size(), 1u) << first_error(r);
  const std::vector<std::string> errors = compile_errors(r);
  ASSERT_FALSE(errors.empty());
  // The second ':' of "::" on file line 29.
  EXPECT_EQ(errors[0].substr(0, 22), "rules/x.toml:29:44: er") << errors[0];
  // Rendered with the file's line (re-indented by 4) and a caret under that ':'.
  EXPECT_NE(errors[0].find("\n    process.name == \"bash\" and process.args :: \"*/dev/tcp/*\"\n" +
                           std::string(45, ' ') + "^\n"),
            std::string::npos)
      << errors[0];
}

TEST(ElasticRuleFile, OneLineQueryPosition) {
  const RuleLoadResult r = load(
      "[rule]\nrule_id = \"a\"\nname = \"A\"\ntype = \"eql\"\nlanguage = \"eql\"\n"
      "query = \"process whre true\"\n");
  ASSERT_EQ(r.rules.size(), 1u) << first_error(r);
  const std::vector<std::string> errors = compile_errors(r);
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0].substr(0, 25), "rules/x.toml:6:18: error:") << errors[0];
  EXPECT_NE(errors[0].find("[EQL1003]"), std::string::npos) << errors[0];
}

TEST(ElasticRuleFile, LoadsBesideYamlFromADirectory) {
  const fs::path dir = fs::temp_directory_path() / ("wsn_elastic_" + std::to_string(::getpid()));
  fs::create_directories(dir / "elastic");
  std::ofstream(dir / "elastic/a.toml") << kDetectionRule;
  std::ofstream(dir / "elastic/b.toml") << kEndpointRule;
  std::ofstream(dir / "elastic/c.toml")
      << "[rule]\nrule_id = \"k\"\nname = \"K\"\n"
         "type = \"query\"\nlanguage = \"kuery\"\nquery = 'a:b'\n";
  std::ofstream(dir / "y.yml") << "id: y\nname: Y\ntype: eql\nquery: process where true\n";
  const RuleLoadResult r = load_rule_files({dir.string()}, PluginRegistry::builtin());
  fs::remove_all(dir);
  EXPECT_EQ(r.error_count(), 0u) << first_error(r);
  EXPECT_EQ(r.files, 4u);
  EXPECT_EQ(r.rules.size(), 3u);
  EXPECT_EQ(r.skipped.size(), 1u);
  EXPECT_TRUE(compile_errors(r).empty());
}

TEST(ElasticRuleFile, FindTomlValueStepsOverMultiLineStrings) {
  const std::string t =
      "a = 1\n[rule]\nx = \"\"\"\n[other]\nq = 2\n\"\"\"\nq = 3\n[other]\nq = 4\n";
  EXPECT_EQ(find_toml_value(t, "", "a"), 4u);
  EXPECT_EQ(t.substr(find_toml_value(t, "rule", "q"), 1), "3");
  EXPECT_EQ(t.substr(find_toml_value(t, "other", "q"), 1), "4");
  EXPECT_EQ(find_toml_value(t, "rule", "missing"), std::string::npos);
}

TEST(EqlRuleKind, UnknownDialectIsAnError) {
  const RuleLoadResult r =
      load("id: a\nname: A\ntype: eql\ndialect: sql\nquery: process where true\n", "x.yml");
  ASSERT_EQ(r.rules.size(), 1u) << first_error(r);
  const std::vector<std::string> errors = compile_errors(r);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("unknown EQL dialect 'sql' (known: elastic, endgame) [RULE018]"),
            std::string::npos)
      << errors[0];
}

TEST(EqlRuleKind, EndgameDialectPerRule) {
  // `==` with a wildcard: a wildcard match in Endgame, a type-correct literal compare in Elastic.
  const RuleLoadResult r = load(
      "id: a\nname: A\ntype: eql\ndialect: endgame\nquery: process where process.name == \"x*\"\n"
      "---\nid: b\nname: B\ntype: eql\nquery: process where process.name == \"x*\"\n",
      "x.yml");
  ASSERT_EQ(r.rules.size(), 2u) << first_error(r);
  EXPECT_TRUE(compile_errors(r).empty());
}

}  // namespace
}  // namespace wsn
