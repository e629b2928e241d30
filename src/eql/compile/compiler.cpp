#include "eql/compile/compiler.h"

#include <algorithm>

#include "common/did_you_mean.h"

#include "eql/compile/binder.h"
#include "eql/compile/codes.h"

namespace wsn::eql {

using match::kNoNode;
using match::NodeRef;

QueryCompiler::QueryCompiler(FieldRegistry& reg, const CompileOptions& opt,
                             match::RuleSetPlan& plan)
    : reg_(reg), opt_(opt), plan_(plan) {}

namespace {

// ECS's event.category values: what sources put in events, so what a rule can name.
constexpr std::string_view kEcsCategories[] = {
    "api",      "authentication", "configuration", "database",      "driver",
    "email",    "file",           "host",          "iam",           "intrusion_detection",
    "library",  "malware",        "network",       "package",       "process",
    "registry", "session",        "threat",        "vulnerability", "web"};

}  // namespace

bool QueryCompiler::check_unknown_category(const EventQuery& q, Diagnostics& diags) {
  for (std::string_view c : kEcsCategories) {
    if (c == q.category) return true;
  }
  // A category no event carries makes a rule that never fires. One a letter or two from an ECS
  // category is a typo (`proces`): an error. Any other may be a log's own category (the reader
  // registers what events carry): a warning.
  const std::string near = closest_name(q.category, kEcsCategories);
  if (!near.empty()) {
    diags.error(code::kUnknownCategory,
                "unknown event category '" + q.category + "' (did you mean '" + near +
                    "'?); no source produces it, so this rule would never match",
                q.category_range);
    return false;
  }
  diags.warning(code::kUnknownCategory,
                "unknown event category '" + q.category +
                    "'; no built-in source produces it, so this matches only events of a log "
                    "that carries it (ECS categories: process, file, network, authentication, …)",
                q.category_range);
  return true;
}

bool QueryCompiler::event_predicate(const EventQuery& q, Binder& b, match::EventPredicate& out,
                                    Diagnostics& diags) {
  if (q.category == "any") {
    out.category = match::kAnyCategory;
  } else {
    if (opt_.dialect == Dialect::kElastic && opt_.warn_unknown_fields &&
        reg_.find_category(q.category) == categories::kUnknown &&
        !check_unknown_category(q, diags)) {
      return false;
    }
    out.category = reg_.intern_category(q.category);
    if (out.category == categories::kUnknown && q.category != "unknown") {
      diags.error(code::kTooManyCategories,
                  "cannot register event category '" + q.category + "': the table is full",
                  q.category_range);
      return false;
    }
  }
  out.where = b.predicate(q.where);
  return out.where != kNoNode;
}

bool QueryCompiler::steps(const std::vector<Expr*>& shared_by, const std::vector<SequenceStep>& in,
                          const std::optional<SequenceStep>& until, Binder& b,
                          match::RulePlan& rule, Diagnostics& diags, bool allow_runs) {
  // Step aliases: names of the steps before the one being compiled, with the event index
  // (1 + position among the positive steps) their fields are read at.
  std::vector<std::string> all_aliases;
  for (const SequenceStep& s : in) {
    if (!s.alias.empty()) all_aliases.push_back(s.alias);
  }
  if (!all_aliases.empty() && opt_.dialect != Dialect::kElastic) {
    for (const SequenceStep& s : in) {
      if (s.alias.empty()) continue;
      diags.error(code::kStepAlias,
                  "step aliases ('as " + s.alias +
                      "') are an Elastic Endpoint extension, accepted in the Elasticsearch "
                      "dialect only",
                  s.alias_range);
    }
    return false;
  }
  std::vector<std::pair<std::string, uint16_t>> visible;
  auto compile_step = [&](const SequenceStep& s, match::StepPlan& out) {
    if (s.query == nullptr) return false;
    // Missing-event and until steps are checked per event, without a partial: no aliases.
    b.set_aliases(s.missing || &s == (until ? &*until : nullptr)
                      ? std::vector<std::pair<std::string, uint16_t>>{}
                      : visible,
                  &all_aliases);
    bool ok = event_predicate(*s.query, b, out.pred, diags);
    out.uses_alias = b.take_alias_use();
    b.set_aliases({}, &all_aliases);
    for (const Expr* k : shared_by) {
      const NodeRef n = b.expr(k);
      ok &= n != kNoNode;
      out.keys.push_back(n);
    }
    for (const Expr* k : s.by) {
      const NodeRef n = b.expr(k);
      ok &= n != kNoNode;
      out.keys.push_back(n);
    }
    out.missing = s.missing;
    out.fork = s.fork;
    return ok;
  };
  bool ok = true;
  size_t key_count = 0;
  bool first = true;
  auto check_keys = [&](const SequenceStep& s, const match::StepPlan& p) {
    if (first) {
      key_count = p.keys.size();
      first = false;
    } else if (p.keys.size() != key_count) {
      diags.error(code::kKeyCountMismatch,
                  "every step must have the same number of join keys (" +
                      std::to_string(key_count) + "), this one has " +
                      std::to_string(p.keys.size()),
                  s.range);
      ok = false;
    }
  };
  for (const SequenceStep& s : in) {
    match::StepPlan p;
    if (!compile_step(s, p)) {
      ok = false;
      continue;
    }
    check_keys(s, p);
    const int64_t runs = allow_runs ? s.runs : 1;
    if (runs < 1 || runs > 100) {
      diags.error(code::kTooComplex, "'runs' must be between 1 and 100", s.range);
      ok = false;
      continue;
    }
    for (int64_t r = 0; r < runs; ++r) rule.steps.push_back(p);
    if (!s.alias.empty()) {
      size_t real = 0;
      for (const match::StepPlan& x : rule.steps) real += x.missing ? 0 : 1;
      visible.emplace_back(s.alias, static_cast<uint16_t>(real));  // 1 + index of this event
    }
  }
  if (until) {
    match::StepPlan p;
    if (!compile_step(*until, p)) {
      ok = false;
    } else {
      check_keys(*until, p);
      rule.until = std::move(p);
    }
  }
  b.set_aliases({}, nullptr);
  if (!ok) return false;
  // Which key positions may be null and still join.
  rule.key_nullable.assign(key_count, opt_.dialect == Dialect::kEndgame);
  for (size_t k = 0; k < shared_by.size() && k < key_count; ++k) {
    if (shared_by[k]->kind == ExprKind::kField && shared_by[k]->optional) {
      rule.key_nullable[k] = true;
    }
  }
  auto mark = [&](const SequenceStep& s) {
    for (size_t k = 0; k < s.by.size() && shared_by.size() + k < key_count; ++k) {
      if (s.by[k]->kind == ExprKind::kField && s.by[k]->optional) {
        rule.key_nullable[shared_by.size() + k] = true;
      }
    }
  };
  for (const SequenceStep& s : in) mark(s);
  if (until) mark(*until);
  rule.fold_key_case = opt_.dialect == Dialect::kEndgame && !opt_.case_sensitive;
  return true;
}

bool QueryCompiler::compile(const Query& q, uint32_t rule_index, Diagnostics& diags) {
  const size_t errors_before = diags.error_count();
  const size_t lineage_mark = plan_.lineages.size();
  const auto rule_pos = static_cast<uint32_t>(plan_.rules.size());
  match::RulePlan rule;
  rule.rule_index = rule_index;
  Binder b(reg_, opt_, rule.program, diags);
  b.set_lineage_hook([&](match::LineageKind kind, const EventQuery& sub) -> int64_t {
    match::LineagePlan lp;
    lp.rule = rule_pos;
    lp.kind = kind;
    if (!event_predicate(sub, b, lp.subquery, diags)) return -1;
    plan_.lineages.push_back(lp);
    return static_cast<int64_t>(plan_.lineages.size() - 1);
  });
  bool ok = true;
  switch (q.kind) {
    case QueryKind::kEvent:
      rule.shape = match::RuleShape::kEvent;
      ok = q.event != nullptr && event_predicate(*q.event, b, rule.event, diags);
      break;
    case QueryKind::kSequence: {
      rule.shape = match::RuleShape::kSequence;
      const Sequence& s = q.sequence;
      ok = steps(s.by, s.steps, s.until, b, rule, diags, /*allow_runs=*/true);
      rule.maxspan_ns = s.maxspan_ns.value_or(0);
      if (ok && rule.maxspan_ns == 0) {
        const bool edge_missing =
            !rule.steps.empty() && (rule.steps.front().missing || rule.steps.back().missing);
        if (edge_missing) {
          diags.error(code::kMissingNeedsMaxspan,
                      "a missing-event step at the start or end of a sequence needs "
                      "'with maxspan=...' to bound how long it is watched for",
                      q.range);
          ok = false;
        }
      }
      break;
    }
    case QueryKind::kJoin:
      rule.shape = match::RuleShape::kJoin;
      ok = steps(q.join.by, q.join.steps, q.join.until, b, rule, diags, /*allow_runs=*/false);
      break;
    case QueryKind::kSample:
      rule.shape = match::RuleShape::kSample;
      ok = steps(q.sample.by, q.sample.steps, std::nullopt, b, rule, diags,
                 /*allow_runs=*/false);
      rule.max_samples_per_key = std::max<uint32_t>(1, opt_.sample.max_samples_per_key);
      rule.sample_size = sample_size_;
      break;
  }
  if (!ok || diags.error_count() != errors_before) {
    plan_.lineages.resize(lineage_mark);
    return false;
  }
  plan_.rules.push_back(std::move(rule));
  return true;
}

void configure_shared_plan(RulePlanBuilder& builder, FieldRegistry& reg,
                           const CompileOptions& opt) {
  if (builder.configured) return;
  builder.plan.lineage = resolve_lineage(reg, opt);
  builder.plan.limits = opt.limits;
  builder.configured = true;
}

match::LineageConfig resolve_lineage(FieldRegistry& reg, const CompileOptions& opt) {
  const LineageOptions lo =
      opt.lineage
          ? *opt.lineage
          : (opt.dialect == Dialect::kEndgame ? LineageOptions::endgame() : LineageOptions::ecs());
  match::LineageConfig c;
  c.pid = reg.intern(lo.pid_field);
  c.ppid = reg.intern(lo.ppid_field);
  c.op_field = reg.intern(lo.op_field);
  c.create_codes = lo.create_codes;
  c.terminate_codes = lo.terminate_codes;
  c.create_names = lo.create_names;
  c.terminate_names = lo.terminate_names;
  c.process_category = reg.intern_category(lo.process_category);
  c.max_entries = lo.max_entries;
  return c;
}

NodeRef compile_expression(const Expr& e, FieldRegistry& reg, const CompileOptions& opt,
                           match::Program& prog, Diagnostics& diags) {
  Binder b(reg, opt, prog, diags);
  const size_t before = diags.error_count();
  const NodeRef r = b.expr(&e);
  return diags.error_count() == before ? r : kNoNode;
}

bool compile_pipes(const Query& q, FieldRegistry& reg, const CompileOptions& opt,
                   match::PipeProgram& out, Diagnostics& diags) {
  Binder b(reg, opt, out.program, diags);
  const bool multi = q.kind != QueryKind::kEvent;
  bool aggregates = false;
  bool ok = true;
  for (const Pipe& p : q.pipes) {
    b.set_pipe_context(multi, aggregates);
    match::PipeStage st;
    st.key_mode = b.default_mode();
    auto keys = [&]() {
      for (const Expr* a : p.args) {
        const NodeRef n = b.expr(a);
        ok &= n != kNoNode;
        st.keys.push_back(n);
      }
    };
    if (p.name == "head" || p.name == "tail") {
      st.kind = p.name == "head" ? match::PipeKind::kHead : match::PipeKind::kTail;
      st.count = 50;
      if (p.args.size() > 1 ||
          (p.args.size() == 1 && (p.args[0]->kind != ExprKind::kInt || p.args[0]->i < 0))) {
        diags.error(code::kBadPipeArgument,
                    "'" + p.name + "' takes one non-negative integer (the number of results)",
                    p.range);
        ok = false;
        continue;
      }
      if (p.args.size() == 1) st.count = p.args[0]->i;
    } else if (p.name == "count") {
      st.kind = match::PipeKind::kCount;
      keys();
      aggregates = true;
    } else if (p.name == "unique") {
      st.kind = match::PipeKind::kUnique;
      keys();
    } else if (p.name == "unique_count") {
      st.kind = match::PipeKind::kUniqueCount;
      keys();
      aggregates = true;
    } else if (p.name == "sort") {
      st.kind = match::PipeKind::kSort;
      keys();
    } else if (p.name == "filter") {
      st.kind = match::PipeKind::kFilter;
      if (p.args.size() != 1) {
        diags.error(code::kBadPipeArgument, "'filter' takes one condition", p.range);
        ok = false;
        continue;
      }
      st.filter = b.predicate(p.args[0]);
      ok &= st.filter != kNoNode;
    } else {
      diags.error(code::kBadPipeArgument, "unknown pipe '" + p.name + "'", p.range);
      ok = false;
      continue;
    }
    if ((st.kind == match::PipeKind::kUnique || st.kind == match::PipeKind::kSort ||
         st.kind == match::PipeKind::kUniqueCount) &&
        st.keys.empty() && ok) {
      diags.error(code::kBadPipeArgument, "'" + p.name + "' needs at least one key", p.range);
      ok = false;
    }
    out.stages.push_back(std::move(st));
  }
  return ok;
}

}  // namespace wsn::eql
