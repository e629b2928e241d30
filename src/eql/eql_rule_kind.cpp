// The EQL rule kind plug-in: a rule's body (`query:`) is an EQL query (Elastic dialect),
// compiled into the rule set's shared predicate-IR plan.
#include "eql/eql_rule_kind.h"

#include "eql/compile/compiler.h"

namespace wsn {
namespace {

class EqlRuleKind final : public RuleKind {
 public:
  std::shared_ptr<const CompiledRules> compile(std::span<const RuleSource* const>,
                                               std::span<const uint32_t>, FieldRegistry&,
                                               RuleReport&) override {
    return nullptr;  // compiles_to_shared_plan()
  }
  bool compiles_to_shared_plan() const override { return true; }

  void add_to_plan(std::span<const RuleSource* const> rules, std::span<const uint32_t> indices,
                   FieldRegistry& registry, RulePlanBuilder& builder, RuleReport& report) override {
    eql::CompileOptions options;  // Elastic dialect, ECS lineage
    if (!builder.configured) {
      builder.plan.lineage = eql::resolve_lineage(registry, options);
      builder.plan.limits = options.limits;
      builder.configured = true;
    }
    std::vector<eql::EqlRuleSource> sources;
    sources.reserve(rules.size());
    for (size_t k = 0; k < rules.size(); ++k) sources.push_back({indices[k], rules[k]->body.get()});
    std::vector<Diagnostics> diags(rules.size());
    eql::add_eql_rules(sources, registry, options, builder.plan, diags);
    for (size_t k = 0; k < rules.size(); ++k) {
      if (diags[k].has_errors()) report.failed.push_back(indices[k]);
      for (const Diagnostic& d : diags[k].items()) report.add(d, rules[k]->body);
    }
  }
};

}  // namespace

namespace plugins {

RuleKindPlugin eql_rule_kind_plugin() {
  RuleKindPlugin p;
  p.name = "eql";
  p.summary = "EQL queries (Elastic dialect), compiled to the shared predicate IR";
  p.body_key = "query";
  p.create = [] { return std::unique_ptr<RuleKind>(std::make_unique<EqlRuleKind>()); };
  return p;
}

}  // namespace plugins
}  // namespace wsn
