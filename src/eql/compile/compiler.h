// EQL compiler: AST → predicate IR → wsn::CompiledRules.
//
// Pass order (one place, on purpose):
//   1. parse (src/eql/parse)                       — syntax, EQL1xxx
//   2. bind each expression (Binder)               — fields, types, functions, regexes, EQL2xxx
//      with constant folding and and/or simplification applied as nodes are built
//   3. shape the query (event / sequence / join)   — steps, runs expansion, keys, until
//   4. hand the RuleSetPlan to the matching engine — category index, prefilter, NFA
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>

#include "eql/ast.h"
#include "eql/compile/options.h"
#include "match/ir.h"
#include "match/pipes.h"
#include "match/plan.h"
#include "wsn/detector.h"
#include "wsn/diagnostics.h"
#include "wsn/schema.h"

namespace wsn::eql {

// Adds compiled queries to a RuleSetPlan.
class QueryCompiler {
 public:
  QueryCompiler(FieldRegistry& reg, const CompileOptions& opt, match::RuleSetPlan& plan);

  // Compiles the query (not its pipes) as rule `rule_index`. On errors (reported to `diags`)
  // nothing is added and false is returned.
  bool compile(const Query& q, uint32_t rule_index, Diagnostics& diags);
  // Bounds the results of a `sample` query (ES `size`): ad-hoc queries set it, detection rules
  // watch a stream and leave it unbounded (0).
  void set_sample_size(uint64_t n) { sample_size_ = n; }

 private:
  bool event_predicate(const EventQuery& q, class Binder& b, match::EventPredicate& out,
                       Diagnostics& diags);
  // EQL2103 for a category outside ECS's event.category values: an error for a near miss of
  // one (a typo such as `proces`; false), a warning otherwise (a log's own category).
  bool check_unknown_category(const EventQuery& q, Diagnostics& diags);
  bool steps(const std::vector<Expr*>& shared_by, const std::vector<SequenceStep>& in,
             const std::optional<SequenceStep>& until, class Binder& b, match::RulePlan& rule,
             Diagnostics& diags, bool allow_runs);

  FieldRegistry& reg_;
  const CompileOptions& opt_;
  match::RuleSetPlan& plan_;
  uint64_t sample_size_ = 0;
};

// Resolves the lineage options (explicit, or the dialect's default) to field ids.
match::LineageConfig resolve_lineage(FieldRegistry& reg, const CompileOptions& opt);

// The shared rule plan's lineage and limits, set by the first rule kind that adds EQL to it
// (EQL and Sigma rules both compile through EQL into that plan).
void configure_shared_plan(RulePlanBuilder& builder, FieldRegistry& reg, const CompileOptions& opt);

// Binds a lone expression into `prog` (expression-level tests, tools). kNoNode on errors.
match::NodeRef compile_expression(const Expr& e, FieldRegistry& reg, const CompileOptions& opt,
                                  match::Program& prog, Diagnostics& diags);

// Compiles the pipes of `q`. `multi_event` is true for sequence/join results.
bool compile_pipes(const Query& q, FieldRegistry& reg, const CompileOptions& opt,
                   match::PipeProgram& out, Diagnostics& diags);

struct EqlRuleSource {
  uint32_t rule_index = 0;  // reported to MatchSink
  const SourceText* source = nullptr;
  // An EQL expression matching the events the rule's exceptions suppress: compiled as
  // `and not (…)` into every step of the query (docs/rule-files.md "Exceptions"). Its
  // diagnostics go to `exception_diags` (they point into this text, not the query).
  const SourceText* exceptions = nullptr;
  Diagnostics* exception_diags = nullptr;
  // Named value lists for `in_list(field, "name")` / `in_list~(…)`, resolved at compile time.
  const std::map<std::string, std::vector<std::string>>* value_lists = nullptr;
};

// Parses and compiles rules. `diags` has one entry per rule; rules with errors are left out
// (the others still compile). Rules may not use pipes (EQL2014).
std::shared_ptr<const CompiledRules> compile_eql_rules(std::span<const EqlRuleSource> rules,
                                                       FieldRegistry& reg,
                                                       const CompileOptions& opt,
                                                       std::span<Diagnostics> diags);

// Adds rules to a plan shared with other IR rule kinds (the caller set its lineage and limits).
void add_eql_rules(std::span<const EqlRuleSource> rules, FieldRegistry& reg,
                   const CompileOptions& opt, match::RuleSetPlan& plan,
                   std::span<Diagnostics> diags);

// One ad-hoc query with its pipes (the conformance test, `wasm-sentinel query`).
struct CompiledQuery {
  std::shared_ptr<const CompiledRules> rules;  // one rule, index 0
  std::shared_ptr<const match::PipeProgram> pipes;
};
std::optional<CompiledQuery> compile_eql_query(const SourceText& src, FieldRegistry& reg,
                                               const CompileOptions& opt, Diagnostics& diags);

}  // namespace wsn::eql
