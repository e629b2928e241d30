// Front door: source text → parser → QueryCompiler → matching engine.
#include "eql/compile/codes.h"
#include "eql/compile/compiler.h"
#include "eql/parse.h"
#include "match/engine.h"

namespace wsn::eql {

std::shared_ptr<const CompiledRules> compile_eql_rules(std::span<const EqlRuleSource> rules,
                                                       FieldRegistry& reg,
                                                       const CompileOptions& opt,
                                                       std::span<Diagnostics> diags) {
  match::RuleSetPlan plan;
  plan.lineage = resolve_lineage(reg, opt);
  plan.limits = opt.limits;
  add_eql_rules(rules, reg, opt, plan, diags);
  return match::build_rules(std::move(plan));
}

void add_eql_rules(std::span<const EqlRuleSource> rules, FieldRegistry& reg,
                   const CompileOptions& opt, match::RuleSetPlan& plan,
                   std::span<Diagnostics> diags) {
  QueryCompiler qc(reg, opt, plan);
  for (size_t k = 0; k < rules.size() && k < diags.size(); ++k) {
    if (rules[k].source == nullptr) continue;
    auto parsed = parse_query(*rules[k].source, diags[k]);
    if (!parsed) continue;
    if (!parsed->query.pipes.empty()) {
      diags[k].error(code::kPipesNotAllowed,
                     "pipes ('| " + parsed->query.pipes[0].name +
                         "') post-process search results; detection rules cannot use them",
                     parsed->query.pipes[0].range);
      continue;
    }
    qc.compile(parsed->query, rules[k].rule_index, diags[k]);
  }
}

std::optional<CompiledQuery> compile_eql_query(const SourceText& src, FieldRegistry& reg,
                                               const CompileOptions& opt, Diagnostics& diags) {
  auto parsed = parse_query(src, diags);
  if (!parsed) return std::nullopt;
  match::RuleSetPlan plan;
  plan.lineage = resolve_lineage(reg, opt);
  plan.limits = opt.limits;
  QueryCompiler qc(reg, opt, plan);
  qc.set_sample_size(opt.sample.size);
  auto pipes = std::make_shared<match::PipeProgram>();
  const bool query_ok = qc.compile(parsed->query, 0, diags);
  const bool pipes_ok = compile_pipes(parsed->query, reg, opt, *pipes, diags);
  if (!query_ok || !pipes_ok) return std::nullopt;
  CompiledQuery out;
  out.rules = match::build_rules(std::move(plan));
  out.pipes = std::move(pipes);
  return out;
}

}  // namespace wsn::eql
