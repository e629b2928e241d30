// Front door: source text → parser → QueryCompiler → matching engine.
#include <cctype>
#include <charconv>

#include "eql/compile/codes.h"
#include "eql/compile/compiler.h"
#include "eql/parse.h"
#include "match/engine.h"

namespace wsn::eql {
namespace {

using ValueLists = std::map<std::string, std::vector<std::string>>;

// Nodes of the exception expression carry this range once merged into a query: what the
// binder says about them there was already said against the exception text itself.
constexpr SourceRange kMergedRange{0xFFFFFFF0u, 0xFFFFFFF0u};

bool is_call(const Expr* e, std::string_view name) {
  if (e == nullptr || e->kind != ExprKind::kCall || e->s.size() != name.size()) return false;
  for (size_t k = 0; k < name.size(); ++k) {
    if (std::tolower(static_cast<unsigned char>(e->s[k])) != name[k]) return false;
  }
  return true;
}

// A value of a list as a literal for `field`: integers and booleans for fields of those types
// (list files and Elastic exception items write every value as a string).
Expr* typed_literal(AstArena& arena, const std::string& v, FieldType type, SourceRange range) {
  if (type == FieldType::kInt || type == FieldType::kUInt) {
    int64_t n = 0;
    const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec == std::errc() && p == v.data() + v.size() && !v.empty()) {
      Expr* e = arena.expr(ExprKind::kInt, range);
      e->i = n;
      return e;
    }
  } else if (type == FieldType::kBool && (v == "true" || v == "false")) {
    Expr* e = arena.expr(ExprKind::kBool, range);
    e->b = v == "true";
    return e;
  }
  Expr* e = arena.expr(ExprKind::kString, range);
  e->s = v;
  return e;
}

FieldType field_type(const Expr* e, const FieldRegistry& reg) {
  if (e == nullptr || e->kind != ExprKind::kField) return FieldType::kString;
  std::string name;
  for (const PathElem& p : e->path) {
    if (p.name.empty()) return FieldType::kString;
    name += (name.empty() ? "" : ".") + p.name;
  }
  const FieldId id = reg.find(name);
  return id == kInvalidField ? FieldType::kString : reg.type(id);
}

// Compile-time rewrites before binding:
//   in_list(field, "name") / in_list~(…)  →  field in (v1, v2, …) / field in~ (…)
// and, with `typed`, string literals compared with an integer or boolean field become numbers
// or booleans (exception values are strings whatever the field's type).
void rewrite(Expr* e, AstArena& arena, const FieldRegistry& reg, const ValueLists* lists,
             bool typed, Diagnostics& diags, uint32_t depth = 0) {
  if (e == nullptr || depth > 256) return;
  if (is_call(e, "in_list")) {
    if (e->args.size() != 2 || e->args[1]->kind != ExprKind::kString) {
      diags.error(code::kWrongArity,
                  "in_list takes a field and the name of a value list: in_list(field, \"name\")",
                  e->range);
      return;
    }
    const std::string& name = e->args[1]->s;
    const auto it = lists ? lists->find(name) : ValueLists::const_iterator{};
    if (lists == nullptr || it == lists->end()) {
      std::string known;
      if (lists) {
        for (const auto& [n, v] : *lists) known += (known.empty() ? "" : ", ") + n;
      }
      diags.error(code::kUnknownValueList,
                  "unknown value list '" + name + "' (lists: " + (known.empty() ? "none" : known) +
                      "; value lists are `lists:` documents, docs/rule-files.md)",
                  e->args[1]->range);
      return;
    }
    Expr* field = e->args[0];
    const FieldType type = field_type(field, reg);
    std::vector<Expr*> values;
    for (const std::string& v : it->second)
      values.push_back(typed_literal(arena, v, type, e->range));
    if (values.empty()) {  // an empty list matches nothing
      e->kind = ExprKind::kBool;
      e->b = false;
      e->args.clear();
      return;
    }
    e->kind = ExprKind::kIn;
    e->lhs = field;
    e->args = std::move(values);
    e->negated = false;
    rewrite(field, arena, reg, lists, typed, diags, depth + 1);
    return;
  }
  if (typed && (e->kind == ExprKind::kCompare || e->kind == ExprKind::kIn)) {
    const FieldType type = field_type(e->lhs, reg);
    if (type != FieldType::kString) {
      auto retype = [&](Expr*& v) {
        if (v && v->kind == ExprKind::kString) v = typed_literal(arena, v->s, type, v->range);
      };
      if (e->kind == ExprKind::kCompare) retype(e->rhs);
      for (Expr*& a : e->args) retype(a);
    }
  }
  rewrite(e->lhs, arena, reg, lists, typed, diags, depth + 1);
  rewrite(e->rhs, arena, reg, lists, typed, diags, depth + 1);
  for (Expr* a : e->args) rewrite(a, arena, reg, lists, typed, diags, depth + 1);
  if (e->subquery) rewrite(e->subquery->where, arena, reg, lists, typed, diags, depth + 1);
}

void rewrite_query(Query& q, AstArena& arena, const FieldRegistry& reg, const ValueLists* lists,
                   Diagnostics& diags) {
  auto steps = [&](std::vector<SequenceStep>& in, std::optional<SequenceStep>* until) {
    for (SequenceStep& s : in) {
      if (s.query) rewrite(s.query->where, arena, reg, lists, false, diags);
    }
    if (until && *until && (*until)->query) {
      rewrite((*until)->query->where, arena, reg, lists, false, diags);
    }
  };
  if (q.event) rewrite(q.event->where, arena, reg, lists, false, diags);
  steps(q.sequence.steps, &q.sequence.until);
  steps(q.join.steps, &q.join.until);
  steps(q.sample.steps, nullptr);
}

void mark_merged(Expr* e, uint32_t depth = 0) {
  if (e == nullptr || depth > 256) return;
  e->range = kMergedRange;
  mark_merged(e->lhs, depth + 1);
  mark_merged(e->rhs, depth + 1);
  for (Expr* a : e->args) mark_merged(a, depth + 1);
  for (PathElem& p : e->path) p.range = kMergedRange;
}

// `where` → `where and not (exception)`, in every step: an event an exception matches is not
// seen by the rule at all, as Elastic applies exceptions as a filter on the rule's search.
void add_exception(Query& q, AstArena& arena, Expr* exception) {
  auto guard = [&](EventQuery* eq) {
    if (eq == nullptr || eq->where == nullptr) return;
    Expr* n = arena.expr(ExprKind::kNot, kMergedRange);
    n->lhs = exception;
    Expr* a = arena.expr(ExprKind::kAnd, eq->where->range);
    a->args = {eq->where, n};
    eq->where = a;
  };
  auto steps = [&](std::vector<SequenceStep>& in, std::optional<SequenceStep>* until) {
    for (SequenceStep& s : in) guard(s.query);
    if (until && *until) guard((*until)->query);
  };
  guard(q.event);
  steps(q.sequence.steps, &q.sequence.until);
  steps(q.join.steps, &q.join.until);
  steps(q.sample.steps, nullptr);
}

// Drops what the binder said about the merged exception nodes (see kMergedRange).
void drop_merged(Diagnostics& diags) {
  Diagnostics kept;
  for (const Diagnostic& d : diags.items()) {
    if (d.range.begin == kMergedRange.begin) continue;
    kept.add(d);
  }
  diags = std::move(kept);
}

}  // namespace

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
    rewrite_query(parsed->query, *parsed->arena, reg, rules[k].value_lists, diags[k]);
    if (diags[k].has_errors()) continue;
    if (rules[k].exceptions != nullptr) {
      Diagnostics own;
      Diagnostics& ed = rules[k].exception_diags ? *rules[k].exception_diags : own;
      Expr* exc = parse_expression(*rules[k].exceptions, *parsed->arena, ed);
      // Errors point into the exception text (exception_diags), which the caller reports.
      const auto failed = [&] {
        if (rules[k].exception_diags == nullptr) {
          diags[k].error(code::kTypeMismatch, "the rule's exceptions do not compile", {0, 0});
        }
      };
      if (exc == nullptr) {
        failed();
        continue;
      }
      rewrite(exc, *parsed->arena, reg, rules[k].value_lists, /*typed=*/true, ed);
      match::Program scratch;
      if (ed.has_errors() || compile_expression(*exc, reg, opt, scratch, ed) == match::kNoNode) {
        failed();
        continue;
      }
      mark_merged(exc);
      add_exception(parsed->query, *parsed->arena, exc);
    }
    if (!parsed->query.pipes.empty()) {
      diags[k].error(code::kPipesNotAllowed,
                     "pipes ('| " + parsed->query.pipes[0].name +
                         "') post-process search results; detection rules cannot use them",
                     parsed->query.pipes[0].range);
      continue;
    }
    qc.compile(parsed->query, rules[k].rule_index, diags[k]);
    if (rules[k].exceptions != nullptr) drop_merged(diags[k]);
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
