// The Sigma rule kind (docs/sigma.md): per-modifier and per-condition-form cases from
// tests/sigma/sigma_cases.yml (each citing the Sigma specification), collections, the mapping
// and its extension, diagnostics, and the conformance run over SigmaHQ's Linux rules (read in
// place from WSN_SHARED_DIR/conformance/sigma/rules/linux).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "bus/event_bus.h"
#include "detect/detection_stage.h"
#include "detect/rule_compiler.h"
#include "detect/rule_file.h"
#include "event/json_reader.h"
#include "sigma/condition.h"
#include "sigma/modifiers.h"
#include "sigma/sigma_rule_kind.h"

namespace wsn {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Loaded {
  FieldRegistry reg;
  std::unique_ptr<RuleKind> eql = PluginRegistry::builtin().rule_kind("eql")->create();
  std::unique_ptr<RuleKind> sigma = PluginRegistry::builtin().rule_kind("sigma")->create();
  RuleLoadResult files;
  RuleSetBuild build;

  std::vector<std::string> errors() const {
    std::vector<std::string> out = files.errors();
    for (auto& e : build.report.errors()) out.push_back(e);
    return out;
  }
  std::vector<std::string> warnings() const {
    std::vector<std::string> out = files.warnings();
    for (auto& e : build.report.warnings()) out.push_back(e);
    return out;
  }
  std::string all_diagnostics() const {
    std::string s;
    for (const auto& e : errors()) s += e;
    for (const auto& w : warnings()) s += w;
    return s;
  }
  std::string eql_of(size_t k) const {
    Diagnostics d;
    std::string q;
    if (k < files.rules.size()) sigma::rule_to_eql(files.rules[k], reg, d, q);
    return q;
  }
  // Ids of the rules that fire on one JSON event.
  std::vector<std::string> fired(const std::string& json) {
    RuleSetHolder holder;
    holder.publish(build.rule_set);
    std::vector<std::string> seen;
    DetectionStage stage(holder, [&](const RuleSet& set, uint32_t idx, auto, const MatchDetail*) {
      seen.push_back(set.rules[idx].id);
    });
    JsonEventReader reader(reg);
    EventBatch b;
    b.events.emplace_back();
    EXPECT_TRUE(reader.parse(json, b.events.back())) << reader.error() << ": " << json;
    b.size = 1;
    stage.process(b);
    std::sort(seen.begin(), seen.end());
    return seen;
  }
};

void build(Loaded& l) {
  apply_tuning(l.files);
  const NamedRuleKind kinds[] = {{"eql", l.eql.get()}, {"sigma", l.sigma.get()}};
  l.build = build_rule_set(l.files.rules, kinds, l.reg, 1);
}

std::unique_ptr<Loaded> load(const std::vector<std::pair<std::string, std::string>>& files) {
  auto l = std::make_unique<Loaded>();
  for (const auto& [name, text] : files) {
    load_rule_text(name, text, l->files, PluginRegistry::builtin());
  }
  build(*l);
  return l;
}

std::string first(const std::vector<std::string>& v) {
  return v.empty() ? "" : v[0];
}

const char* const kSuRule = R"(title: su run
id: su-run
name: su_run
logsource: {product: linux, category: process_creation}
detection:
  sel: {Image: /bin/su}
  condition: sel
)";

// --- Data-driven cases ------------------------------------------------------------------------

struct Case {
  std::string name, spec, logsource = "process_creation", detection, mapping;
  std::vector<std::string> match, no_match;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name;
}

std::vector<Case> cases() {
  std::vector<Case> out;
  const YAML::Node all =
      YAML::LoadFile(std::string(WSN_SOURCE_DIR) + "/tests/sigma/sigma_cases.yml");
  for (const auto& n : all) {
    Case c;
    c.name = n["name"].as<std::string>();
    if (n["spec"]) c.spec = n["spec"].as<std::string>();
    if (n["logsource"]) c.logsource = n["logsource"].as<std::string>();
    YAML::Emitter em;
    em << YAML::BeginMap << YAML::Key << "detection" << YAML::Value << n["detection"]
       << YAML::EndMap;
    c.detection = em.c_str();
    if (n["mapping"]) {
      YAML::Emitter m;
      m << YAML::BeginMap << YAML::Key << "sigma_mapping" << YAML::Value << n["mapping"]
        << YAML::EndMap;
      c.mapping = m.c_str();
    }
    for (const auto& e : n["match"]) c.match.push_back(e.as<std::string>());
    for (const auto& e : n["no_match"]) c.no_match.push_back(e.as<std::string>());
    out.push_back(std::move(c));
  }
  return out;
}

template <typename C>
std::string case_name(const ::testing::TestParamInfo<C>& info) {
  std::string out = std::to_string(info.index) + "_";
  for (char c : info.param.name) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

// The event object of a logsource (what the collector's Elastic Defend vocabulary gives).
std::string envelope(const std::string& logsource) {
  if (logsource == "network_connection") {
    return R"("event":{"category":["network"],"action":"connection_attempted"})";
  }
  if (logsource == "file_event") return R"("event":{"category":["file"],"action":"creation"})";
  return R"("event":{"category":["process"],"action":"exec"})";
}

std::string with_envelope(const std::string& logsource, const std::string& json) {
  if (json.find("\"event\"") != std::string::npos) return json;
  return "{" + envelope(logsource) + "," + json.substr(1);
}

class SigmaCase : public ::testing::TestWithParam<Case> {};

TEST_P(SigmaCase, MatchesAndDoesNotMatch) {
  const Case& c = GetParam();
  SCOPED_TRACE("spec: " + c.spec);
  const std::string rule = "title: " + c.name +
                           "\nid: case\nlogsource:\n  product: linux\n  category: " + c.logsource +
                           "\n" + c.detection + "\n";
  std::vector<std::pair<std::string, std::string>> files = {{"case.yml", rule}};
  if (!c.mapping.empty()) files.emplace_back("mapping.yml", c.mapping);
  auto l = load(files);
  ASSERT_TRUE(l->errors().empty()) << l->all_diagnostics() << "\n" << rule;
  ASSERT_EQ(l->files.rules.size(), 1u);
  const std::string eql = l->eql_of(0);
  for (const auto& e : c.match) {
    EXPECT_EQ(l->fired(with_envelope(c.logsource, e)), std::vector<std::string>{"case"})
        << "must match: " << e << "\nEQL:\n"
        << eql;
  }
  for (const auto& e : c.no_match) {
    EXPECT_TRUE(l->fired(with_envelope(c.logsource, e)).empty())
        << "must not match: " << e << "\nEQL:\n"
        << eql;
  }
}

INSTANTIATE_TEST_SUITE_P(Spec, SigmaCase, ::testing::ValuesIn(cases()), case_name<Case>);

// --- Helpers ----------------------------------------------------------------------------------

TEST(SigmaValues, Base64OffsetIsPySigmas) {
  // pySigma: b64encode(i * b' ' + value)[(0, 2, 3)[i] : (None, -3, -2)[(len(value) + i) % 3]]
  EXPECT_EQ(sigma::base64_offsets("/bin/bash"),
            (std::vector<std::string>{"L2Jpbi9iYXNo", "9iaW4vYmFza", "vYmluL2Jhc2"}));
}

TEST(SigmaCondition, IdentifierPatterns) {
  EXPECT_TRUE(sigma::identifier_matches("sel*", "selection_a"));
  EXPECT_TRUE(sigma::identifier_matches("*_a", "selection_a"));
  EXPECT_FALSE(sigma::identifier_matches("filter_*", "selection_a"));
}

// --- Files, collections, mapping --------------------------------------------------------------

const char* const kRule = R"(title: Netcat
id: 6a3c1d2e-0000-4000-8000-000000000001
level: high
tags: [attack.execution, attack.t1059.004]
logsource: {product: linux, category: process_creation}
detection:
  sel:
    Image|endswith: /nc
  condition: sel
)";

TEST(SigmaFiles, MetadataFromTheSigmaDocument) {
  auto l = load({{"r.yml", kRule}});
  ASSERT_TRUE(l->errors().empty()) << l->all_diagnostics();
  ASSERT_EQ(l->files.rules.size(), 1u);
  const RuleMeta& m = l->files.rules[0].meta;
  EXPECT_EQ(m.name, "Netcat");
  EXPECT_EQ(m.kind, "sigma");
  EXPECT_EQ(m.severity, Severity::kHigh);
  EXPECT_EQ(m.mitre, std::vector<std::string>{"T1059.004"});
}

TEST(SigmaFiles, SharesOnePlanWithEql) {
  auto l =
      load({{"r.yml", kRule},
            {"e.yml", "id: e\nname: E\ntype: eql\nquery: process where process.name == \"nc\"\n"}});
  ASSERT_TRUE(l->errors().empty()) << l->all_diagnostics();
  ASSERT_EQ(l->build.rule_set->compiled.size(), 1u);  // one matcher: one index, one prefilter
  EXPECT_EQ(
      l->fired(
          R"({"event":{"category":["process"],"action":"exec"},"process":{"executable":"/bin/nc","name":"nc"}})"),
      (std::vector<std::string>{"6a3c1d2e-0000-4000-8000-000000000001", "e"}));
}

TEST(SigmaFiles, MultiDocumentAndGlobalCollections) {
  const char* text = R"(action: global
title: Shells
logsource: {product: linux, category: process_creation}
detection:
  condition: sel
---
id: a
detection:
  sel: {Image: /bin/sh}
---
id: b
detection:
  sel: {Image: /bin/bash}
---
action: repeat
id: c
detection:
  sel: {Image: /bin/zsh}
)";
  auto l = load({{"c.yml", text}});
  ASSERT_TRUE(l->errors().empty()) << l->all_diagnostics();
  ASSERT_EQ(l->files.rules.size(), 3u);
  EXPECT_EQ(l->files.rules[1].meta.name, "Shells");
  auto ev = [](const char* exe) {
    return std::string(
               R"({"event":{"category":["process"],"action":"exec"},"process":{"executable":")") +
           exe + "\"}}";
  };
  EXPECT_EQ(l->fired(ev("/bin/sh")), std::vector<std::string>{"a"});
  EXPECT_EQ(l->fired(ev("/bin/bash")), std::vector<std::string>{"b"});
  EXPECT_EQ(l->fired(ev("/bin/zsh")), std::vector<std::string>{"c"});
}

TEST(SigmaFiles, NativeRulesAndSigmaInOneDirectoryFile) {
  const std::string text =
      std::string("id: n\nname: N\ntype: eql\nquery: process where true\n---\n") + kRule;
  auto l = load({{"m.yml", text}});
  ASSERT_TRUE(l->errors().empty()) << l->all_diagnostics();
  EXPECT_EQ(l->files.rules.size(), 2u);
}

// `type: sigma` is accepted on a Sigma document (it once answered "cannot run yet"); a document
// of that type without Sigma's keys is told what is missing.
TEST(SigmaFiles, TypeSigmaIsASigmaDocument) {
  const std::string text = std::string("type: sigma\n") + kRule;
  auto l = load({{"t.yml", text}});
  ASSERT_TRUE(l->errors().empty()) << l->all_diagnostics();
  ASSERT_EQ(l->files.rules.size(), 1u);
  EXPECT_EQ(l->files.rules[0].meta.kind, "sigma");
  auto bad = load({{"u.yml",
                    "type: sigma\nid: x\nname: X\ndetection: {sel: {Image: x}, "
                    "condition: sel}\n"}});
  EXPECT_NE(first(bad->errors()).find("a Sigma rule needs a 'title' [SIGMA001]"), std::string::npos)
      << bad->all_diagnostics();
}

TEST(SigmaMapping, ExtensionDocumentAddsALogsourceAndFields) {
  const char* rule = R"(title: Windows-ish
id: w
logsource: {product: acme, service: app}
detection:
  sel: {Verb: deploy}
  condition: sel
)";
  const char* mapping = R"(sigma_mapping:
  logsources:
    - {product: acme, service: app, event_category: any, keywords: [message]}
  fields:
    Verb: event.action
)";
  auto l = load({{"w.yml", rule}, {"map.yml", mapping}});
  ASSERT_TRUE(l->errors().empty()) << l->all_diagnostics();
  EXPECT_TRUE(l->warnings().empty()) << l->all_diagnostics();
  EXPECT_EQ(l->fired(R"({"event":{"category":["process"],"action":"Deploy"}})"),
            std::vector<std::string>{"w"});
}

// --- Diagnostics ------------------------------------------------------------------------------

TEST(SigmaDiagnostics, UnknownModifierPointsAtIt) {
  auto l = load({{"bad.yml",
                  "title: t\nlogsource: {product: linux, category: process_creation}\ndetection:\n"
                  "  sel:\n    Image|bogus: x\n  condition: sel\n"}});
  EXPECT_NE(first(l->errors()).find("bad.yml:5:11: error: unknown modifier 'bogus'"),
            std::string::npos)
      << l->all_diagnostics();
  EXPECT_NE(first(l->errors()).find("[SIGMA008]"), std::string::npos);
}

TEST(SigmaDiagnostics, UnknownIdentifierInTheCondition) {
  auto l = load({{"bad.yml",
                  "title: t\nlogsource: {product: linux, category: process_creation}\ndetection:\n"
                  "  sel:\n    Image: x\n  condition: sel and not filtr\n"}});
  EXPECT_NE(first(l->errors()).find("bad.yml:6:26: error: unknown search identifier 'filtr'"),
            std::string::npos)
      << l->all_diagnostics();
}

TEST(SigmaDiagnostics, UnmappedFieldWarnsNamingIt) {
  auto l = load({{"f.yml",
                  "title: t\nlogsource: {product: linux, category: process_creation}\ndetection:\n"
                  "  sel:\n    Hashes|contains: abc\n  condition: sel\n"}});
  EXPECT_TRUE(l->errors().empty()) << l->all_diagnostics();
  EXPECT_NE(first(l->warnings()).find("f.yml:5:5: warning: field 'Hashes' has no mapping"),
            std::string::npos)
      << l->all_diagnostics();
}

TEST(SigmaDiagnostics, UnmappedLogsourceIsLeftOutWithAWarning) {
  auto l = load({{"w.yml",
                  "title: t\nlogsource: {product: windows, category: process_creation}\n"
                  "detection:\n  sel:\n    Image: x\n  condition: sel\n"}});
  EXPECT_TRUE(l->errors().empty()) << l->all_diagnostics();
  EXPECT_NE(first(l->warnings())
                .find("w.yml:2:12: warning: logsource {product: windows, "
                      "category: process_creation} has no mapping"),
            std::string::npos)
      << l->all_diagnostics();
  ASSERT_EQ(l->build.rule_set->rules.size(), 1u);
  EXPECT_TRUE(l->build.rule_set->rules[0].failed);
}

TEST(SigmaDiagnostics, UnsupportedCorrelationsAreErrors) {
  auto l = load({{"c.yml",
                  "title: many\ncorrelation:\n  type: value_percentile\n  rules: [x]\n"
                  "  group-by: [User]\n  timespan: 1h\n  condition: {lte: 1, field: Image}\n"}});
  EXPECT_NE(first(l->errors())
                .find("c.yml:3:9: error: correlation type 'value_percentile' is not supported"),
            std::string::npos)
      << l->all_diagnostics();
  auto u = load({{"c.yml",
                  "title: many\ncorrelation:\n  type: event_count\n  rules: [nope]\n"
                  "  group-by: [User]\n  timespan: 1h\n  condition: {gte: 10}\n"}});
  EXPECT_NE(first(u->errors()).find("c.yml:4:11: error: correlation refers to 'nope'"),
            std::string::npos)
      << u->all_diagnostics();
}

// Conditions are maps of the specification's bounds; each problem points at its line.
TEST(SigmaDiagnostics, CorrelationConditionsAreChecked) {
  const std::string base = std::string(kSuRule) + "---\ntitle: c\ncorrelation:\n";
  const std::pair<std::string, std::string> cases[] = {
      {"  type: value_count\n  rules: [su_run]\n  timespan: 1h\n  condition: {gte: 2, over: 3, "
       "field: User}\n",
       "c.yml:14:23: error: unknown condition 'over'"},
      {"  type: value_count\n  rules: [su_run]\n  timespan: 1h\n  condition: {gte: 2}\n",
       "value_count needs the field it aggregates"},
      {"  type: event_count\n  rules: [su_run]\n  timespan: 1h\n  condition: {gte: 2.5}\n",
       "'gte' needs a whole number of at least 0"},
      {"  type: event_count\n  rules: [su_run]\n  timespan: 1h\n  condition: {gt: 5, lt: 6}\n",
       "this condition never holds"},
      {"  type: event_count\n  rules: [su_run]\n  timespan: 1h\n  condition: {lt: 1}\n",
       "this condition never holds"},
      {"  type: value_count\n  rules: [su_run]\n  timespan: 1h\n  condition: {gte: 20000, field: "
       "User}\n",
       "a count above 10000 is not supported here"},
      {"  type: value_sum\n  rules: [su_run]\n  timespan: 1h\n  condition: {gt: 1, field: [A, "
       "B]}\n",
       "value_sum aggregates one numeric field"},
      {"  type: event_count\n  rules: [su_run]\n  timespan: 1h\n  condition: {gte: 2, field: "
       "User}\n",
       "'field' belongs to value_count, value_sum and value_avg"},
      {"  type: temporal_ordered\n  rules: [su_run, su-run]\n  timespan: 1h\n  condition: {gte: "
       "1}\n",
       "temporal_ordered supports only the condition that every rule matches"},
      {"  type: event_count\n  rules: [su_run]\n  timespan: 1h\n", "event_count needs a condition"},
  };
  for (const auto& [text, message] : cases) {
    auto l = load({{"c.yml", base + text}});
    EXPECT_NE(first(l->errors()).find(message), std::string::npos) << text << "\n"
                                                                   << l->all_diagnostics();
  }
}

TEST(SigmaDiagnostics, EveryProblemOfARuleIsReported) {
  auto l = load({{"bad.yml",
                  "title: t\nlogsource: {product: linux, category: process_creation}\ndetection:\n"
                  "  sel:\n    Image|bogus: x\n  condition: sel or nope\n"}});
  EXPECT_EQ(l->errors().size(), 2u) << l->all_diagnostics();
}

// docs/diagnostics.md lists every SIGMA code the Sigma front end emits, and nothing else.
TEST(SigmaDiagnostics, EveryCodeIsDocumented) {
  std::set<std::string> emitted;
  for (const char* file :
       {"/src/sigma/mapping.cpp", "/src/sigma/compile.cpp", "/src/sigma/sigma_rule_kind.cpp",
        "/src/sigma/correlation.cpp", "/src/detect/sigma_documents.cpp"}) {
    const std::string text = read(std::string(WSN_SOURCE_DIR) + file);
    for (size_t p = text.find("\"SIGMA"); p != std::string::npos; p = text.find("\"SIGMA", p + 1)) {
      emitted.insert(text.substr(p + 1, 8));
    }
  }
  ASSERT_GE(emitted.size(), 10u);
  std::set<std::string> documented;
  std::istringstream doc(read(std::string(WSN_SOURCE_DIR) + "/docs/diagnostics.md"));
  for (std::string line; std::getline(doc, line);) {
    if (line.rfind("| SIGMA", 0) != 0) continue;
    EXPECT_TRUE(documented.insert(line.substr(2, 8)).second) << "listed twice: " << line;
  }
  EXPECT_EQ(documented, emitted);
}

// Damaged rules never crash the loader or the compiler: every SigmaHQ Linux rule cut short at
// several places, and conditions nested or negated past the limit.
TEST(SigmaRobustness, TruncatedRulesAndDeepConditions) {
  const std::string dir = std::string(WSN_SHARED_DIR) + "/conformance/sigma/rules/linux";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << dir;
  size_t loads = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.path().extension() != ".yml") continue;
    const std::string text = read(e.path().string());
    for (size_t cut = text.size() / 7; cut < text.size(); cut += text.size() / 7 + 1) {
      auto l = load({{e.path().filename().string(), text.substr(0, cut)}});
      ++loads;
    }
  }
  EXPECT_GT(loads, 1000u);
  std::string nots, parens;
  for (int k = 0; k < 200; ++k) nots += "not ";
  for (int k = 0; k < 200; ++k) parens += "(";
  for (const std::string& cond : {nots, nots + "sel", parens + "sel", std::string("1 of"),
                                  std::string("sel and"), std::string("(sel")}) {
    auto l = load({{"deep.yml",
                    "title: t\nlogsource: {product: linux, category: process_creation}\n"
                    "detection:\n  sel: {Image: x}\n  condition: '" +
                        cond + "'\n"}});
    EXPECT_FALSE(l->errors().empty()) << cond;
  }
}

// --- Correlation rules (sigma-correlation-rules-specification.md) --------------------------

std::string exec_at(int second, const std::string& exe, const std::string& user) {
  return R"({"@timestamp":"2026-12-07T10:00:)" + std::string(second < 10 ? "0" : "") +
         std::to_string(second) +
         R"(Z","event":{"category":["process"],"action":"exec"},"process":{"executable":")" + exe +
         R"("},"user":{"name":")" + user + R"("}})";
}

// Every event through one detection stage; per event, the ids that fired.
std::vector<std::vector<std::string>> run(Loaded& l, const std::vector<std::string>& events) {
  RuleSetHolder holder;
  holder.publish(l.build.rule_set);
  std::vector<std::string> seen;
  DetectionStage stage(holder, [&](const RuleSet& set, uint32_t idx, auto, const MatchDetail*) {
    seen.push_back(set.rules[idx].id);
  });
  JsonEventReader reader(l.reg);
  std::vector<std::vector<std::string>> out;
  for (const std::string& json : events) {
    EventBatch b;
    b.events.emplace_back();
    EXPECT_TRUE(reader.parse(json, b.events.back())) << reader.error() << ": " << json;
    b.size = 1;
    seen.clear();
    stage.process(b);
    std::sort(seen.begin(), seen.end());
    seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
    out.push_back(seen);
  }
  return out;
}

// "event_count: The resulting query must count events for each group specified by group-by
// separately. The condition finally defines how many events must occur to generate a search
// hit." — fires at the threshold, not below, per group, within the timespan.
TEST(SigmaCorrelation, EventCountFiresAtItsThresholdPerGroup) {
  const std::string corr = std::string(kSuRule) +
                           "---\ntitle: su burst\nid: su-burst\ncorrelation:\n  type: event_count\n"
                           "  rules: [su_run]\n  group-by: [User]\n  timespan: 1m\n"
                           "  condition: {gte: 3}\n";
  auto l = load({{"c.yml", corr}});
  ASSERT_TRUE(l->errors().empty()) << l->all_diagnostics();
  using V = std::vector<std::string>;
  const auto out = run(*l, {exec_at(1, "/bin/su", "alice"), exec_at(2, "/bin/su", "bob"),
                            exec_at(3, "/bin/su", "alice"), exec_at(4, "/bin/su", "bob"),
                            exec_at(5, "/bin/su", "alice")});
  // generate is false by default: su-run itself does not alert.
  EXPECT_EQ(out, (std::vector<V>{{}, {}, {}, {}, {"su-burst"}}));
  // Below the threshold within the timespan: nothing (the third event is 2 minutes later).
  auto late = load({{"c.yml", corr}});
  const auto out2 = run(
      *late,
      {exec_at(1, "/bin/su", "alice"), exec_at(2, "/bin/su", "alice"),
       R"({"@timestamp":"2026-12-07T10:03:00Z","event":{"category":["process"],"action":"exec"},"process":{"executable":"/bin/su"},"user":{"name":"alice"}})"});
  EXPECT_EQ(out2, (std::vector<V>{{}, {}, {}}));
}

TEST(SigmaCorrelation, GenerateKeepsTheReferencedRulesAlerting) {
  const std::string corr = std::string(kSuRule) +
                           "---\ntitle: su burst\nid: su-burst\ncorrelation:\n  type: event_count\n"
                           "  rules: [su-run]\n  group-by: [User]\n  timespan: 1m\n"
                           "  generate: true\n  condition: {\n  gt:\n    1\n  }\n  ";
  auto l = load({{"c.yml", corr}});
  ASSERT_TRUE(l->errors().empty()) << l->all_diagnostics();
  using V = std::vector<std::string>;
  EXPECT_EQ(run(*l, {exec_at(1, "/bin/su", "alice"), exec_at(2, "/bin/su", "alice")}),
            (std::vector<V>{{"su-run"}, {"su-burst", "su-run"}}));
}

// "temporal_ordered ... requires in addition that the events appear in the order provided in
// the rule attribute." — with group-by and aliases.
TEST(SigmaCorrelation, TemporalOrderedNeedsTheOrderAndTheGroup) {
  const std::string text = std::string(kSuRule) + R"(---
title: id run
id: id-run
name: id_run
logsource: {product: linux, category: process_creation}
detection:
  sel: {Image: /usr/bin/id}
  condition: sel
---
title: su then id
id: su-then-id
correlation:
  type: temporal_ordered
  rules: [su_run, id_run]
  group-by: [actor]
  aliases:
    actor: {su_run: User, id_run: User}
  timespan: 1m
)";
  using V = std::vector<std::string>;
  auto l = load({{"t.yml", text}});
  ASSERT_TRUE(l->errors().empty()) << l->all_diagnostics();
  EXPECT_EQ(run(*l, {exec_at(1, "/bin/su", "alice"), exec_at(2, "/usr/bin/id", "alice")}),
            (std::vector<V>{{}, {"su-then-id"}}));
  auto wrong_order = load({{"t.yml", text}});
  EXPECT_EQ(run(*wrong_order, {exec_at(1, "/usr/bin/id", "alice"), exec_at(2, "/bin/su", "alice")}),
            (std::vector<V>{{}, {}}));
  auto other_user = load({{"t.yml", text}});
  EXPECT_EQ(run(*other_user, {exec_at(1, "/bin/su", "alice"), exec_at(2, "/usr/bin/id", "bob")}),
            (std::vector<V>{{}, {}}));
}

// "temporal: All events defined by the rules referred by the rule field must occur in the time
// frame defined by timespan. The values of fields defined in group-by must all have the same
// value" — in any order.
TEST(SigmaCorrelation, TemporalFiresInAnyOrderWithinTheTimespan) {
  const std::string text = std::string(kSuRule) + R"(---
title: id run
id: id-run
name: id_run
logsource: {product: linux, category: process_creation}
detection:
  sel: {Image: /usr/bin/id}
  condition: sel
---
title: su and id
id: su-and-id
correlation:
  type: temporal
  rules: [su_run, id_run]
  group-by: [User]
  timespan: 1m
  condition: {gte: 2}
)";
  using V = std::vector<std::string>;
  auto a = load({{"t.yml", text}});
  ASSERT_TRUE(a->errors().empty()) << a->all_diagnostics();
  EXPECT_EQ(run(*a, {exec_at(1, "/bin/su", "alice"), exec_at(2, "/usr/bin/id", "alice")}),
            (std::vector<V>{{}, {"su-and-id"}}));
  auto b = load({{"t.yml", text}});
  EXPECT_EQ(run(*b, {exec_at(1, "/usr/bin/id", "alice"), exec_at(2, "/bin/su", "alice")}),
            (std::vector<V>{{}, {"su-and-id"}}));
  auto c = load({{"t.yml", text}});
  EXPECT_EQ(run(*c, {exec_at(1, "/usr/bin/id", "alice"), exec_at(2, "/bin/su", "bob")}),
            (std::vector<V>{{}, {}}));
  auto d = load({{"t.yml", text}});
  EXPECT_EQ(run(*d, {exec_at(1, "/usr/bin/id", "alice"), exec_at(1, "/usr/bin/id", "alice")}),
            (std::vector<V>{{}, {}}));
}

// Data-driven: tests/sigma/sigma_correlation_cases.yml, each correlation type and condition form
// at its threshold and not below.
struct CorrelationCase {
  std::string name, spec, correlation, details;
  std::vector<std::string> events;  // JSON lines
  std::vector<int64_t> fires;       // seconds of the events the alerts report
};

void PrintTo(const CorrelationCase& c, std::ostream* os) {
  *os << c.name;
}

constexpr int64_t kCaseEpochSeconds = 1796637600;  // 2026-12-07T10:00:00Z

std::string case_event(const YAML::Node& n, int pid) {
  const int64_t t = n["t"].as<int64_t>();
  char ts[32];
  std::snprintf(ts, sizeof ts, "2026-12-07T%02d:%02d:%02dZ", static_cast<int>(10 + t / 3600),
                static_cast<int>(t / 60 % 60), static_cast<int>(t % 60));
  const std::string run = n["run"].as<std::string>();
  const std::string exe = run == "su" ? "/bin/su" : run == "id" ? "/usr/bin/id" : "/usr/bin/curl";
  std::string json = std::string(R"({"@timestamp":")") + ts +
                     R"(","event":{"category":["process"],"action":"exec"},"process":{"pid":)" +
                     std::to_string(pid) + R"(,"executable":")" + exe + "\"";
  if (n["cmd"]) json += R"(,"command_line":")" + n["cmd"].as<std::string>() + "\"";
  json += R"(},"user":{"name":")" + n["user"].as<std::string>() + "\"}";
  if (n["bytes"]) json += R"(,"destination":{"bytes":)" + n["bytes"].as<std::string>() + "}";
  return json + "}";
}

std::vector<CorrelationCase> correlation_cases() {
  std::vector<CorrelationCase> out;
  const YAML::Node all =
      YAML::LoadFile(std::string(WSN_SOURCE_DIR) + "/tests/sigma/sigma_correlation_cases.yml");
  for (const auto& n : all) {
    CorrelationCase c;
    c.name = n["name"].as<std::string>();
    c.spec = n["spec"].as<std::string>();
    YAML::Emitter em;
    em << YAML::BeginMap << YAML::Key << "correlation" << YAML::Value << n["correlation"]
       << YAML::EndMap;
    c.correlation = em.c_str();
    if (n["details"]) c.details = n["details"].as<std::string>();
    int pid = 100;
    for (const auto& e : n["events"]) {
      const int repeat = e["repeat"] ? e["repeat"].as<int>() : 1;
      for (int k = 0; k < repeat; ++k) c.events.push_back(case_event(e, pid++));
    }
    for (const auto& f : n["fires"]) c.fires.push_back(f.as<int64_t>());
    out.push_back(std::move(c));
  }
  return out;
}

const char* const kCaseBaseRules = R"(title: su run
name: su_run
id: su-run
logsource: {product: linux, category: process_creation}
detection: {sel: {Image: /bin/su}, condition: sel}
---
title: id run
name: id_run
id: id-run
logsource: {product: linux, category: process_creation}
detection: {sel: {Image: /usr/bin/id}, condition: sel}
---
title: curl run
name: curl_run
id: curl-run
logsource: {product: linux, category: process_creation}
detection: {sel: {Image: /usr/bin/curl}, condition: sel}
---
sigma_mapping:
  fields: {BytesSent: destination.bytes}
---
title: the correlation
id: corr
)";

class SigmaCorrelationCase : public ::testing::TestWithParam<CorrelationCase> {};

TEST_P(SigmaCorrelationCase, FiresAtItsThresholdAndNotBelow) {
  const CorrelationCase& c = GetParam();
  SCOPED_TRACE("spec: " + c.spec);
  auto l = load({{"c.yml", kCaseBaseRules + c.correlation + "\n"}});
  ASSERT_TRUE(l->errors().empty()) << l->all_diagnostics() << c.correlation;
  RuleSetHolder holder;
  holder.publish(l->build.rule_set);
  std::vector<int64_t> fired;
  std::vector<std::string> details;
  DetectionStage stage(holder, [&](const RuleSet& set, uint32_t idx,
                                   std::span<const Event* const> events, const MatchDetail* d) {
    if (set.rules[idx].id != "corr") return;
    fired.push_back(events.back()->time_ns() / 1000000000 - kCaseEpochSeconds);
    details.emplace_back(d ? d->details : "");
  });
  JsonEventReader reader(l->reg);
  for (const std::string& json : c.events) {
    Event e;
    ASSERT_TRUE(reader.parse(json, e)) << reader.error() << ": " << json;
    stage.process(e);
  }
  stage.finish();
  EXPECT_EQ(fired, c.fires);
  if (!c.details.empty()) {
    ASSERT_FALSE(details.empty());
    EXPECT_EQ(details[0], c.details);
  }
}

INSTANTIATE_TEST_SUITE_P(Spec, SigmaCorrelationCase, ::testing::ValuesIn(correlation_cases()),
                         case_name<CorrelationCase>);

// The state of aggregating correlations is visible (wsn_correlation_groups) and expires by event
// time: a group whose last event has left the timespan is dropped.
TEST(SigmaCorrelation, GroupsAreCountedAndIdleOnesExpireByEventTime) {
  auto l = load(
      {{"c.yml", std::string(kSuRule) + "---\ntitle: c\nid: c\ncorrelation:\n  type: value_count\n"
                                        "  rules: [su_run]\n  group-by: [User]\n  timespan: 1m\n"
                                        "  condition: {field: CommandLine, gte: 5}\n"}});
  ASSERT_TRUE(l->errors().empty()) << l->all_diagnostics();
  RuleSetHolder holder;
  holder.publish(l->build.rule_set);
  DetectionStage stage(holder, [](const RuleSet&, uint32_t, auto, const MatchDetail*) {});
  JsonEventReader reader(l->reg);
  auto feed = [&](const std::string& json) {
    Event e;
    ASSERT_TRUE(reader.parse(json, e)) << reader.error();
    stage.process(e);
  };
  auto su_at = [](const std::string& time, const std::string& user) {
    return R"({"@timestamp":"2026-12-07T10:)" + time +
           R"(Z","event":{"category":["process"],"action":"exec"},"process":{"executable":)"
           R"("/bin/su","command_line":"su root"},"user":{"name":")" +
           user + "\"}}";
  };
  for (const char* user : {"alice", "bob", "carol"}) feed(su_at("00:01", user));
  EXPECT_EQ(stage.stats().matcher.correlation_groups, 3u);
  feed(su_at("05:00", "dave"));
  EXPECT_EQ(stage.stats().matcher.correlation_groups, 1u);
  EXPECT_EQ(stage.stats().matcher.correlation_evictions, 0u);
}

// --- Conformance: SigmaHQ's Linux rules, read in place ----------------------------------------

TEST(SigmaConformance, SigmaHqLinuxRulesLoadWithEveryFieldMapped) {
  const std::string dir = std::string(WSN_SHARED_DIR) + "/conformance/sigma/rules/linux";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  const auto start = std::chrono::steady_clock::now();
  Loaded l;
  l.files = load_rule_files({dir}, PluginRegistry::builtin());
  const NamedRuleKind kinds[] = {{"eql", l.eql.get()}, {"sigma", l.sigma.get()}};
  l.build = build_rule_set(l.files.rules, kinds, l.reg, 1);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  size_t files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    files += e.path().extension() == ".yml" ? 1 : 0;
  }
  size_t loaded = 0;
  std::vector<std::string> left_out;
  for (const RuleMeta& m : l.build.rule_set->rules) {
    if (m.failed) {
      left_out.push_back(m.source);
    } else {
      ++loaded;
    }
  }
  std::printf("sigma linux rules: %zu/%zu load (%.1f%%), %zu left out, %.2f s\n", loaded, files,
              files ? 100.0 * static_cast<double>(loaded) / static_cast<double>(files) : 0.0,
              left_out.size() + l.files.skipped.size(), seconds);
  for (const auto& f : left_out) std::printf("  left out: %s\n", f.c_str());
  for (const auto& s : l.files.skipped)
    std::printf("  skipped: %s (%s)\n", s.file.c_str(), s.reason.c_str());
  EXPECT_GE(static_cast<double>(loaded), 0.98 * static_cast<double>(files));
  // Every loaded rule's fields are mapped: no SIGMA006 (unmapped field) and no unknown-field
  // warning from the EQL compiler.
  for (const auto& w : l.warnings()) {
    EXPECT_EQ(w.find("[SIGMA006]"), std::string::npos) << w;
    EXPECT_EQ(w.find("[EQL2101]"), std::string::npos) << w;
  }
  for (const auto& e : l.errors()) ADD_FAILURE() << e;
  EXPECT_LT(seconds, 60.0);
  // Every loaded rule runs: an event goes through all of them without a crash.
  EXPECT_NO_FATAL_FAILURE(l.fired(
      R"({"event":{"category":["process"],"action":"exec"},"process":{"executable":"/bin/sh","command_line":"sh -c id"}})"));
}

}  // namespace
}  // namespace wsn
