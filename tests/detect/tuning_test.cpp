// Exceptions, value lists and overlays (docs/rule-files.md "Exceptions, value lists and
// overlays"): value lists in exceptions and queries, overlays, unknown ids, sequences. Every
// exception operator (matching and not) and the diagnostics of bad tuning documents are data:
// tests/rules/exception_operators.test and tuning_diagnostics.test (`wasm-sentinel test`). Rules
// compile with the real EQL rule kind: exceptions are `and not (…)` in the rule's own plan.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "bus/event_bus.h"
#include "detect/detection_stage.h"
#include "detect/rule_compiler.h"
#include "detect/rule_file.h"
#include "event/json_reader.h"

namespace wsn {
namespace {

struct Loaded {
  FieldRegistry reg;
  std::unique_ptr<RuleKind> eql = PluginRegistry::builtin().rule_kind("eql")->create();
  RuleLoadResult files;
  RuleSetBuild build;

  std::vector<std::string> diagnostics() const {
    std::vector<std::string> out = files.errors();
    for (auto& w : files.warnings()) out.push_back(w);
    for (auto& e : build.report.errors()) out.push_back(e);
    return out;
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

std::unique_ptr<Loaded> load(const std::vector<std::pair<std::string, std::string>>& files) {
  auto l = std::make_unique<Loaded>();
  for (const auto& [name, text] : files) {
    load_rule_text(name, text, l->files, PluginRegistry::builtin());
  }
  apply_tuning(l->files);
  const NamedRuleKind kinds[] = {{"eql", l->eql.get()}};
  l->build = build_rule_set(l->files.rules, kinds, l->reg, 1);
  return l;
}

const char* const kRule = "id: r\nname: R\ntype: eql\nquery: process where true\n";

std::string event(const std::string& process, const std::string& extra = "") {
  return R"({"event":{"category":["process"]},"process":)" + process +
         (extra.empty() ? "" : "," + extra) + "}";
}

const std::string kBash = event(R"({"name":"bash","pid":42})", R"("user":{"name":"root"})");
const std::string kZsh = event(R"({"name":"zsh","pid":43})", R"("user":{"name":"alice"})");
const std::string kSh = event(R"({"name":"sh","pid":44})");

TEST(ValueLists, InListInQueries) {
  auto l = load({{"lists.yml", "lists:\n  shells: [bash, zsh]\n"},
                 {"r.yml",
                  "id: q\nname: Q\ntype: eql\nquery: process where in_list(process.name, "
                  "\"shells\")\n---\nid: ci\nname: CI\ntype: eql\nquery: process where "
                  "in_list~(process.name, \"shells\")\n---\nid: neg\nname: N\ntype: eql\n"
                  "query: process where not in_list(process.name, \"shells\")\n"}});
  ASSERT_TRUE(l->diagnostics().empty()) << l->diagnostics().front();
  EXPECT_EQ(l->fired(kBash), (std::vector<std::string>{"ci", "q"}));
  EXPECT_EQ(l->fired(event(R"({"name":"BASH"})")), (std::vector<std::string>{"ci", "neg"}));
  EXPECT_EQ(l->fired(kSh), (std::vector<std::string>{"neg"}));
}

TEST(ValueLists, UnknownListInAQueryIsAnError) {
  auto l = load({{"r.yml",
                  "id: q\nname: Q\ntype: eql\nquery: process where "
                  "in_list(process.name, \"nope\")\n"}});
  const auto d = l->diagnostics();
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].find("r.yml:4:"), std::string::npos) << d[0];
  EXPECT_NE(d[0].find("unknown value list 'nope'"), std::string::npos) << d[0];
  EXPECT_NE(d[0].find("[EQL2019]"), std::string::npos) << d[0];
  EXPECT_TRUE(l->build.rule_set->rules[0].failed);
}

TEST(ValueLists, UnknownListInAnExceptionIsAnError) {
  auto l = load({{"r.yml", std::string(kRule) +
                               "exceptions:\n  - entries: [{field: process.name, type: list, "
                               "list: {id: nope}}]\n"}});
  const auto e = l->files.errors();
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("r.yml:6:"), std::string::npos) << e[0];
  EXPECT_NE(e[0].find("unknown value list 'nope'"), std::string::npos) << e[0];
  EXPECT_NE(e[0].find("[RULE020]"), std::string::npos) << e[0];
}

TEST(Exceptions, SequenceStepsAllSeeTheException) {
  // Elastic applies exceptions as a filter on the rule's search: no step sees the event.
  auto l = load({{"r.yml",
                  "id: s\nname: S\ntype: eql\nquery: sequence [process where true] "
                  "[process where true]\nexceptions:\n  - entries: [{field: process.name, "
                  "type: match, value: bash}]\n"}});
  ASSERT_TRUE(l->diagnostics().empty()) << l->diagnostics().front();
  RuleSetHolder holder;
  holder.publish(l->build.rule_set);
  size_t alerts = 0;
  DetectionStage stage(holder,
                       [&](const RuleSet&, uint32_t, auto, const MatchDetail*) { ++alerts; });
  JsonEventReader reader(l->reg);
  EventBatch b;
  for (const std::string& e : {kBash, kZsh, kBash, kZsh}) {
    b.events.emplace_back();
    ASSERT_TRUE(reader.parse(e, b.events.back()));
  }
  b.size = b.events.size();
  stage.process(b);
  EXPECT_EQ(alerts, 1u);  // zsh → zsh only
}

// Exceptions are part of the rule's query in the one shared plan: rules with and without them
// share one matcher, and the prefilter still drops events the rule's positive conditions rule
// out (here the literal "bash") before any evaluation — the exception costs no extra pass.
TEST(Exceptions, CompileIntoTheSharedPlanAndKeepThePrefilter) {
  auto l = load({{"r.yml",
                  "id: a\nname: A\ntype: eql\nquery: process where process.name == \"bash\"\n"
                  "exceptions:\n  - entries: [{field: user.name, type: match, value: root}]\n"
                  "---\nid: b\nname: B\ntype: eql\nquery: file where file.path == \"/x\"\n"}});
  ASSERT_TRUE(l->diagnostics().empty()) << l->diagnostics().front();
  EXPECT_EQ(l->build.rule_set->compiled.size(), 1u);
  RuleSetHolder holder;
  holder.publish(l->build.rule_set);
  size_t alerts = 0;
  DetectionStage stage(holder,
                       [&](const RuleSet&, uint32_t, auto, const MatchDetail*) { ++alerts; });
  JsonEventReader reader(l->reg);
  EventBatch b;
  for (const std::string& e : {kZsh, kSh}) {
    b.events.emplace_back();
    ASSERT_TRUE(reader.parse(e, b.events.back()));
  }
  b.size = b.events.size();
  stage.process(b);
  EXPECT_EQ(alerts, 0u);
  EXPECT_EQ(stage.stats().matcher.evaluations, 0u) << "the prefilter let a non-bash event through";
  EventBatch c;
  for (const std::string& e : {kBash, event(R"({"name":"bash"})", R"("user":{"name":"alice"})")}) {
    c.events.emplace_back();
    ASSERT_TRUE(reader.parse(e, c.events.back()));
  }
  c.size = c.events.size();
  stage.process(c);
  EXPECT_EQ(alerts, 1u);  // root is excepted, alice is not
}

TEST(Exceptions, ListJsonFieldsAreFilled) {
  auto l = load(
      {{"r.yml", std::string(kRule) + "exceptions:\n  - item_id: trusted\n    entries: [{field: "
                                      "process.name, type: match, value: bash}]\n"}});
  ASSERT_TRUE(l->diagnostics().empty()) << l->diagnostics().front();
  const RuleMeta& m = l->build.rule_set->rules[0];
  ASSERT_EQ(m.exceptions.size(), 1u);
  EXPECT_EQ(m.exceptions[0].name, "trusted");
  EXPECT_EQ(m.exceptions[0].source, "r.yml:6");
  EXPECT_EQ(m.exceptions[0].condition, "(process.name == \"bash\")");
  EXPECT_EQ(m.source, "r.yml");
}

TEST(Exceptions, SharedListsAttachByRuleOrByList) {
  auto l = load(
      {{"a.yml",
        "id: a\nname: A\ntype: eql\nquery: process where true\nexceptions_list: [admins]\n---\n"
        "id: b\nname: B\ntype: eql\nquery: process where true\n---\n"
        "id: c\nname: C\ntype: eql\nquery: process where true\n"},
       {"shared.yml",
        "exception_lists:\n  - list_id: admins\n    items:\n      - entries: [{field: "
        "user.name, type: match, value: root}]\n  - list_id: shells\n    rules: [b]\n    items:\n"
        "      - {name: z, fields: [process.name], values: [[zsh]]}\n"}});
  ASSERT_TRUE(l->diagnostics().empty()) << l->diagnostics().front();
  EXPECT_EQ(l->fired(kBash), (std::vector<std::string>{"b", "c"}));  // root: a suppressed
  EXPECT_EQ(l->fired(kZsh), (std::vector<std::string>{"a", "c"}));   // zsh: b suppressed
}

TEST(Exceptions, ElasticNdjsonExport) {
  // The shape of Kibana's exception-list export: the list, its items, a summary line.
  const std::string ndjson =
      R"({"_version":"WzEsMV0=","description":"Trusted","list_id":"trusted","name":"Trusted","namespace_type":"single","type":"detection"})"
      "\n"
      R"({"comments":[],"description":"bash by root","entries":[{"field":"process.name","operator":"included","type":"match","value":"bash"},{"field":"user.name","operator":"included","type":"match_any","value":["root","admin"]}],"item_id":"bash-root","list_id":"trusted","name":"bash by root","namespace_type":"single","os_types":["linux"],"tags":[],"type":"simple"})"
      "\n"
      R"({"exported_exceptions_count":1,"exported_items_count":1,"missing_exceptions_count":0})"
      "\n";
  auto l = load({{"trusted.ndjson", ndjson},
                 {"r.yml", std::string(kRule) + "exceptions_list: [{list_id: trusted}]\n"}});
  ASSERT_TRUE(l->diagnostics().empty()) << l->diagnostics().front();
  EXPECT_TRUE(l->fired(kBash).empty());
  EXPECT_EQ(l->fired(kZsh), (std::vector<std::string>{"r"}));
  const RuleMeta& m = l->build.rule_set->rules[0];
  ASSERT_EQ(m.exceptions.size(), 1u);
  EXPECT_EQ(m.exceptions[0].list, "trusted");
  EXPECT_EQ(m.exceptions[0].name, "bash-root");
  EXPECT_EQ(m.exceptions[0].source, "trusted.ndjson:2");
}

TEST(Overlay, DisablesResSeveritiesAndAppends) {
  auto l = load({{"a.yml",
                  "id: a\nname: A\ntype: eql\nquery: process where true\n---\n"
                  "id: b\nname: B\ntype: eql\nseverity: low\nquery: process where true\n---\n"
                  "id: c\nname: C\ntype: eql\nquery: process where true\nexceptions:\n"
                  "  - entries: [{field: process.name, type: match, value: sh}]\n"},
                 {"lists.yml",
                  "exception_lists:\n  - list_id: admins\n    items:\n"
                  "      - entries: [{field: user.name, type: match, value: root}]\n"},
                 {"overlay.yml",
                  "overlay:\n  - id: a\n    enabled: false\n  - id: b\n    severity: critical\n"
                  "    tags: [tuned]\n  - id: c\n    exceptions:\n      - {name: z, fields: "
                  "[process.name], values: [[zsh]]}\n    exceptions_list: [admins]\n"}});
  ASSERT_TRUE(l->diagnostics().empty()) << l->diagnostics().front();
  const auto& rules = l->build.rule_set->rules;
  EXPECT_FALSE(rules[0].enabled);
  EXPECT_EQ(rules[1].severity, Severity::kCritical);
  EXPECT_EQ(rules[1].tags, (std::vector<std::string>{"tuned"}));
  EXPECT_EQ(rules[2].exceptions.size(), 3u);  // its own, the overlay's, the list's
  EXPECT_EQ(l->fired(kBash), (std::vector<std::string>{"b"}));  // c: root suppressed
  EXPECT_EQ(l->fired(kZsh), (std::vector<std::string>{"b"}));   // c: zsh suppressed
  EXPECT_EQ(l->fired(kSh), (std::vector<std::string>{"b"}));    // c: its own exception
  EXPECT_EQ(l->fired(event(R"({"name":"vi"})")), (std::vector<std::string>{"b", "c"}));
}

TEST(Overlay, AppliesToElasticTomlRules) {
  const char* toml =
      "[metadata]\ncreation_date = \"2024/01/01\"\n\n[rule]\nauthor = [\"Elastic\"]\n"
      "description = \"d\"\nname = \"T\"\nrisk_score = 47\nrule_id = \"e1\"\nseverity = "
      "\"medium\"\ntype = \"eql\"\nlanguage = \"eql\"\nquery = '''\nprocess where true\n'''\n";
  auto l = load({{"t.toml", toml},
                 {"o.yml",
                  "overlay:\n  - id: e1\n    severity: low\n    exceptions:\n"
                  "      - entries: [{field: process.name, type: match, value: bash}]\n"}});
  ASSERT_TRUE(l->diagnostics().empty()) << l->diagnostics().front();
  EXPECT_EQ(l->build.rule_set->rules[0].severity, Severity::kLow);
  EXPECT_TRUE(l->fired(kBash).empty());
  EXPECT_EQ(l->fired(kZsh), (std::vector<std::string>{"e1"}));
}

TEST(Exceptions, ElasticTomlRulesNameTheirExceptionLists) {
  const char* toml =
      "[rule]\ndescription = \"d\"\nname = \"T\"\nrisk_score = 47\nrule_id = \"e2\"\n"
      "severity = \"medium\"\ntype = \"eql\"\nlanguage = \"eql\"\n"
      "query = \"process where true\"\n\n[[rule.exceptions_list]]\nid = \"abc\"\n"
      "list_id = \"trusted\"\nnamespace_type = \"single\"\ntype = \"detection\"\n";
  auto l = load({{"t.toml", toml},
                 {"x.yml",
                  "exception_lists:\n  - list_id: trusted\n    items:\n"
                  "      - entries: [{field: process.name, type: match, value: bash}]\n"}});
  ASSERT_TRUE(l->diagnostics().empty()) << l->diagnostics().front();
  EXPECT_TRUE(l->fired(kBash).empty());
  EXPECT_EQ(l->fired(kZsh), (std::vector<std::string>{"e2"}));
}

// Hostile or broken exception exports: diagnostics, never a crash.
TEST(Exceptions, BrokenNdjsonLinesAreDiagnosed) {
  const std::string ndjson =
      "not json at all {\n"
      "[1, 2]\n"
      "{\"entries\": []}\n"
      "{\"list_id\": \"x\", \"entries\": \"nope\"}\n"
      "{\"list_id\": \"x\", \"entries\": [{\"field\": \"a\", \"type\": \"nested\", "
      "\"entries\": [{\"field\": \"b\", \"type\": \"nested\", \"entries\": []}]}]}\n"
      "{\"list_id\": \"x\", \"entries\": [{\"field\": [1], \"type\": {\"a\": 1}}]}\n"
      "{\"list_id\": \"x\", \"entries\": [{\"field\": \"a\", \"type\": \"match_any\", "
      "\"value\": [[1], {\"b\": 2}]}]}\n";
  auto l = load({{"bad.ndjson", ndjson}});
  const auto e = l->files.errors();
  EXPECT_GE(e.size(), 6u);
  for (const auto& x : e) EXPECT_EQ(x.rfind("bad.ndjson:", 0), 0u) << x;
}

TEST(Overlay, UnknownRuleIdIsAWarningNamingFileAndLine) {
  auto l = load({{"r.yml", kRule}, {"overlay.yml", "overlay:\n  - id: r\n  - id: nope\n"}});
  EXPECT_TRUE(l->files.errors().empty());
  const auto w = l->files.warnings();
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].rfind("overlay.yml:3:9: warning: overlay names unknown rule id 'nope'", 0), 0u)
      << w[0];
  EXPECT_NE(w[0].find("[RULE022]"), std::string::npos) << w[0];
}

TEST(Exceptions, UnknownExceptionListIsAWarning) {
  auto l = load({{"r.yml", std::string(kRule) + "exceptions_list: [nope]\n"}});
  const auto w = l->files.warnings();
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("r.yml:5:19: warning: unknown exception list 'nope'"), std::string::npos)
      << w[0];
  EXPECT_EQ(l->fired(kBash), (std::vector<std::string>{"r"}));
}

TEST(Exceptions, WasmRulesCannotHaveExceptions) {
  auto l = std::make_unique<Loaded>();
  load_rule_text("w.yml",
                 "id: w\nname: W\ntype: wasm\nmodule: x.wasm\nexceptions:\n  - entries: "
                 "[{field: process.name, type: match, value: bash}]\n",
                 l->files, PluginRegistry::builtin());
  apply_tuning(l->files);
  ASSERT_TRUE(l->files.errors().empty());
  const RuleKindPlugin* plugin = PluginRegistry::builtin().rule_kind("wasm");
  ASSERT_NE(plugin, nullptr);
  std::unique_ptr<RuleKind> wasm = plugin->create();
  const NamedRuleKind kinds[] = {{"wasm", wasm.get()}};
  auto build = build_rule_set(l->files.rules, kinds, l->reg, 1);
  const auto e = build.report.errors();
  ASSERT_FALSE(e.empty());
  EXPECT_TRUE(std::any_of(e.begin(), e.end(), [](const std::string& x) {
    return x.find("[RULE025]") != std::string::npos;
  })) << e[0];
  EXPECT_TRUE(build.rule_set->rules[0].failed);
}

}  // namespace
}  // namespace wsn
