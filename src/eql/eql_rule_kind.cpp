// The EQL rule kind plug-in: a rule's body (`query:`) is an EQL query (Elastic dialect),
// compiled into the rule set's shared predicate-IR plan. `dialect: endgame` selects the Endgame
// dialect (docs/eql-semantics.md) for one rule.
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
    eql::configure_shared_plan(builder, registry, options);
    // A rule's `dialect` (Elastic rule files set "elastic"; YAML rules may choose). One pass per
    // dialect: add_eql_rules skips the rules whose source is null.
    std::vector<eql::Dialect> dialects(rules.size(), options.dialect);
    std::vector<bool> bad(rules.size(), false);
    for (size_t k = 0; k < rules.size(); ++k) {
      for (const auto& [key, value] : rules[k]->params) {
        if (key != "dialect") continue;
        if (value == "elastic") {
          dialects[k] = eql::Dialect::kElastic;
        } else if (value == "endgame") {
          dialects[k] = eql::Dialect::kEndgame;
        } else {
          bad[k] = true;
          report.add_message(DiagSeverity::kError, rules[k]->meta.source,
                             "rule '" + rules[k]->meta.id + "': unknown EQL dialect '" + value +
                                 "' (known: elastic, endgame)",
                             "RULE018");
          report.failed.push_back(indices[k]);
        }
      }
    }
    std::vector<Diagnostics> diags(rules.size());
    std::vector<Diagnostics> exception_diags(rules.size());
    for (const eql::Dialect dialect : {eql::Dialect::kElastic, eql::Dialect::kEndgame}) {
      std::vector<eql::EqlRuleSource> sources;
      sources.reserve(rules.size());
      bool any = false;
      for (size_t k = 0; k < rules.size(); ++k) {
        const bool here = !bad[k] && dialects[k] == dialect;
        any = any || here;
        sources.push_back({indices[k], here ? rules[k]->body.get() : nullptr,
                           rules[k]->exceptions.get(), &exception_diags[k],
                           rules[k]->value_lists.get()});
      }
      if (!any) continue;
      eql::CompileOptions opt = options;
      opt.dialect = dialect;
      // Every rule shares the plan's (ECS) process lineage, whatever its dialect.
      if (dialect == eql::Dialect::kEndgame) opt.lineage = eql::LineageOptions::ecs();
      eql::add_eql_rules(sources, registry, opt, builder.plan, diags);
    }
    for (size_t k = 0; k < rules.size(); ++k) {
      if (diags[k].has_errors() || exception_diags[k].has_errors()) {
        report.failed.push_back(indices[k]);
      }
      for (const Diagnostic& d : diags[k].items()) report.add(d, rules[k]->body);
      for (const Diagnostic& d : exception_diags[k].items()) report.add(d, rules[k]->exceptions);
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
  p.extra_keys = {"dialect"};  // elastic (default) | endgame
  p.create = [] { return std::unique_ptr<RuleKind>(std::make_unique<EqlRuleKind>()); };
  return p;
}

}  // namespace plugins
}  // namespace wsn
