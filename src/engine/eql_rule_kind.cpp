// The EQL rule kind: rule bodies are EQL queries (Elastic dialect), compiled to the predicate IR.
#include "engine/rule_kinds.h"

#include "eql/compile/compiler.h"

namespace wsn {
namespace {

class EqlRuleKind final : public RuleKindCompiler {
 public:
  RuleKind kind() const override { return RuleKind::kEql; }

  std::shared_ptr<const CompiledRules> compile(std::span<const RuleSource* const> rules,
                                               std::span<const uint32_t> indices,
                                               FieldRegistry& registry,
                                               RuleReport& report) override {
    std::vector<eql::EqlRuleSource> sources;
    sources.reserve(rules.size());
    for (size_t k = 0; k < rules.size(); ++k) {
      sources.push_back({indices[k], rules[k]->body.get()});
    }
    std::vector<Diagnostics> diags(rules.size());
    eql::CompileOptions options;  // Elastic dialect, ECS lineage
    auto compiled = eql::compile_eql_rules(sources, registry, options, diags);
    for (size_t k = 0; k < rules.size(); ++k) {
      if (diags[k].has_errors()) report.failed.push_back(indices[k]);
      for (const Diagnostic& d : diags[k].items()) {
        auto& into = d.severity == DiagSeverity::kError ? report.errors : report.warnings;
        into.push_back(render_diagnostic(d, *rules[k]->body));
      }
    }
    return compiled;
  }
};

}  // namespace

std::unique_ptr<RuleKindCompiler> make_eql_rule_kind() { return std::make_unique<EqlRuleKind>(); }

}  // namespace wsn
