// Binder: turns EQL AST expressions into predicate-IR nodes of one match::Program.
//
// It resolves field paths to FieldIds once (unknown fields are interned as strings and are null
// when absent), checks types and function arity against the function library, validates
// regexes and CIDRs, folds constants and applies the dialect's case and wildcard rules.
// Every problem is reported to Diagnostics with the exact AST range; a failed subtree yields
// kNoNode and binding continues so that several errors are reported at once.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "eql/ast.h"
#include "eql/compile/options.h"
#include "match/ir.h"
#include "wsn/diagnostics.h"
#include "wsn/schema.h"

namespace wsn::eql {

class Binder {
 public:
  // Compiles `child of [q]` and friends: returns the lineage slot, or -1 after reporting.
  using LineageHook = std::function<int64_t(match::LineageKind, const EventQuery&)>;

  Binder(FieldRegistry& reg, const CompileOptions& opt, match::Program& prog, Diagnostics& diags);

  void set_lineage_hook(LineageHook hook) { lineage_hook_ = std::move(hook); }
  // Pipe context: `events[n].field` selects the n-th event of a sequence result, and (after
  // count / unique_count) `count` and `percent` name the aggregates.
  void set_pipe_context(bool multi_event, bool aggregates) {
    multi_event_ = multi_event;
    aggregates_ = aggregates;
  }

  // Step aliases (Elastic Endpoint `[…] as event0`): `visible` maps the names later steps may
  // read to their event index in the evaluation context (1 + the aliased event's position in
  // the partial match); a reference to any other name of `all` is an error (EQL2018).
  void set_aliases(std::vector<std::pair<std::string, uint16_t>> visible,
                   const std::vector<std::string>* all) {
    aliases_ = std::move(visible);
    all_aliases_ = all;
  }
  // Whether an alias was read since the last call.
  bool take_alias_use() { return std::exchange(alias_used_, false); }

  match::NodeRef expr(const Expr* e);
  // Boolean context (where, and/or/not operands): Endgame converts by truthiness, Elastic
  // requires a boolean.
  match::NodeRef predicate(const Expr* e);

  match::CaseMode default_mode() const { return default_mode_; }
  bool strict() const { return opt_.dialect == Dialect::kElastic; }

 private:
  match::NodeRef field(const Expr* e);
  // `invert_range` builds the opposite of a range comparison (`not f > x` is `f <= x`).
  match::NodeRef compare(const Expr* e, bool invert_range = false);
  // Elasticsearch dialect: `not e` as the query DSL decides it (docs/eql-semantics.md,
  // "Elasticsearch dialect"): must_not for what translates to a query, 3VL not for scripts.
  match::NodeRef elastic_not(const Expr* e);
  // The negation of `x` (the operand `subject` is tested): Elasticsearch's must_not (absent
  // fields satisfy it) when `subject` is a plain field in the Elastic dialect, else 3VL not.
  match::NodeRef negate(match::NodeRef x, const Expr* subject);
  match::NodeRef in(const Expr* e);
  match::NodeRef string_match(const Expr* e);
  match::NodeRef arith(const Expr* e);
  match::NodeRef call(const Expr* e);
  match::NodeRef lineage(const Expr* e);
  match::NodeRef pattern_call(const Expr* e, match::FunctionId id, match::CaseMode mode);
  match::NodeRef array_loop(const Expr* e, match::LoopKind kind);

  match::CaseMode mode_for(bool tilde) const;
  match::StaticType type(match::NodeRef r) const { return prog_.node(r).type; }
  // Reports a type problem: an error for literals or in the strict dialect, else a warning
  // (the operation then evaluates to null at run time). Returns false for errors.
  bool type_problem(const Expr* at, match::NodeRef n, const std::string& message);
  bool check_arg(match::ArgType want, match::NodeRef n, const Expr* at, std::string_view fn,
                 size_t pos);
  bool literal_strings(const Expr* call, size_t from, std::vector<std::string>& out);
  void error(const char* code, std::string message, SourceRange range);

  FieldRegistry& reg_;
  const CompileOptions& opt_;
  match::Program& prog_;
  Diagnostics& diags_;
  match::CaseMode default_mode_;
  LineageHook lineage_hook_;
  // A variable bound by arraySearch / arrayCount. Over a string list it is each item. Over an
  // array of objects (flattened per leaf path, Elasticsearch style) `object_prefix` is the
  // array's path: `v.<iter>` is each item of the list `<prefix>.<iter>`, and any other
  // `v.<leaf>` is the whole list `<prefix>.<leaf>` (element correlation is not kept).
  struct ScopeVar {
    std::string name;
    std::string object_prefix;
    std::string iter;
  };
  // Registered fields below `prefix.` (an object or an array of objects), at most `limit`.
  std::vector<FieldId> object_children(const std::string& prefix, size_t limit) const;
  std::optional<std::string> object_array_prefix(const Expr* arr) const;

  std::vector<ScopeVar> scope_;  // innermost last
  std::vector<std::pair<std::string, uint16_t>> aliases_;
  const std::vector<std::string>* all_aliases_ = nullptr;
  bool alias_used_ = false;
  bool multi_event_ = false;
  bool aggregates_ = false;
};

}  // namespace wsn::eql
