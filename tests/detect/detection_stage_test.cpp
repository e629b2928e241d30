#include "detect/detection_stage.h"

#include <gtest/gtest.h>

#include "bus/event_bus.h"
#include "detect/rule_compiler.h"

namespace wsn {
namespace {

// A real (if tiny) rule kind: matches events whose process.name equals the rule body, and
// counts pending state so snapshot swaps can be observed.
class NameRules final : public CompiledRules {
 public:
  NameRules(std::vector<std::string> names, std::vector<uint32_t> indices)
      : names_(std::move(names)), indices_(std::move(indices)) {}
  std::unique_ptr<Matcher> make_matcher() const override {
    return std::make_unique<M>(names_, indices_);
  }

 private:
  struct M final : Matcher {
    M(const std::vector<std::string>& n, const std::vector<uint32_t>& i) : names(n), indices(i) {}
    void process(const Event& e, MatchSink& sink) override {
      FieldView v;
      for (size_t k = 0; k < names.size(); ++k) {
        ++st.evaluations;
        if (e.get(fields::kProcessName, v) && v.s == names[k]) {
          const Event* ev = &e;
          sink.on_match(indices[k], {&ev, 1});
        }
      }
    }
    MatcherStats stats() const override { return st; }
    const std::vector<std::string>& names;
    const std::vector<uint32_t>& indices;
    MatcherStats st;
  };
  std::vector<std::string> names_;
  std::vector<uint32_t> indices_;
};

class NameCompiler final : public RuleKind {
 public:
  std::shared_ptr<const CompiledRules> compile(std::span<const RuleSource* const> rules,
                                               std::span<const uint32_t> indices, FieldRegistry&,
                                               RuleReport& report) override {
    std::vector<std::string> names;
    std::vector<uint32_t> idx;
    for (size_t k = 0; k < rules.size(); ++k) {
      if (rules[k]->body->text().empty()) {
        report.add_message(DiagSeverity::kError, rules[k]->meta.source, "empty");
        continue;
      }
      names.push_back(rules[k]->body->text());
      idx.push_back(indices[k]);
    }
    return std::make_shared<NameRules>(names, idx);
  }
};

std::vector<RuleSource> sources(const std::string& yaml) {
  RuleLoadResult r;
  load_rule_text("t.yml", yaml, r, PluginRegistry::builtin());
  EXPECT_TRUE(r.errors().empty());
  return r.rules;
}

EventBatch batch_of(std::initializer_list<const char*> names) {
  EventBatch b;
  for (const char* n : names) {
    Event& e = b.events.emplace_back();
    e.set_string(fields::kProcessName, n);
  }
  b.size = b.events.size();
  return b;
}

TEST(DetectionStage, RoutesMatchesWithRuleIndexAndCounts) {
  FieldRegistry reg;
  NameCompiler c;
  const NamedRuleKind cs[] = {{"eql", &c}};
  auto build = build_rule_set(sources("id: a\nname: A\ntype: eql\nquery: nc\n---\n"
                                      "id: b\nname: B\ntype: eql\nenabled: false\nquery: sh\n---\n"
                                      "id: c\nname: C\ntype: eql\nquery: curl\n"),
                              cs, reg, 1);
  ASSERT_TRUE(build.report.errors().empty());
  RuleSetHolder holder;
  holder.publish(build.rule_set);
  std::vector<std::string> seen;
  DetectionStage stage(holder,
                       [&](const RuleSet& set, uint32_t idx, auto events, const MatchDetail*) {
                         ASSERT_EQ(events.size(), 1u);
                         seen.push_back(set.rules[idx].id);
                       });
  stage.process(batch_of({"nc", "sh", "curl", "ls", "nc"}));
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "c", "a"}));
  const DetectionStats s = stage.stats();
  EXPECT_EQ(s.events, 5u);
  EXPECT_EQ(s.matches, 3u);
  EXPECT_EQ(s.matcher.evaluations, 10u);  // the disabled rule is not compiled
  EXPECT_EQ(stage.rule_matches(), (std::vector<uint64_t>{2, 0, 1}));
}

TEST(DetectionStage, NewSnapshotTakesEffectAtTheNextBatch) {
  FieldRegistry reg;
  NameCompiler c;
  const NamedRuleKind cs[] = {{"eql", &c}};
  RuleSetHolder holder;
  holder.publish(
      build_rule_set(sources("id: a\nname: A\ntype: eql\nquery: nc\n"), cs, reg, 1).rule_set);
  std::vector<std::string> seen;
  DetectionStage stage(holder, [&](const RuleSet& set, uint32_t idx, auto, const MatchDetail*) {
    seen.push_back(set.rules[idx].id);
  });
  stage.process(batch_of({"nc", "sh"}));
  holder.publish(
      build_rule_set(sources("id: z\nname: Z\ntype: eql\nquery: sh\n"), cs, reg, 2).rule_set);
  stage.process(batch_of({"nc", "sh"}));
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "z"}));
  EXPECT_EQ(stage.stats().reloads, 1u);
}

TEST(DetectionStage, RulesOfAKindWithoutCompilerAreReported) {
  FieldRegistry reg;
  NameCompiler c;
  const NamedRuleKind cs[] = {{"eql", &c}};
  auto build = build_rule_set(sources("id: w\nname: W\ntype: wasm\nmodule: x.wasm\n"), cs, reg, 1);
  ASSERT_EQ(build.report.errors().size(), 1u);
  EXPECT_NE(build.report.errors()[0].find(
                "rule 'w' has type 'wasm', which this engine has no rule kind for"),
            std::string::npos);
}

}  // namespace
}  // namespace wsn
