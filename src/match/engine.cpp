#include "match/engine.h"

#include <algorithm>
#include <span>
#include <unordered_map>

#include "match/eval.h"
#include "match/lineage.h"
#include "match/prefilter.h"
#include "match/rule_interest.h"
#include "match/sequence.h"
#include "match/strings.h"

namespace wsn::match {

namespace {

// One event predicate of a rule.
struct Unit {
  uint32_t rule = 0;
  CategoryId category = kAnyCategory;
  NodeRef where = kNoNode;
  bool gated = false;  // evaluated only after a prefilter hit
  uint32_t slot = 0;   // evaluation cache slot, shared by identical predicates
};

struct FieldScan {
  FieldId field = kInvalidField;
  AhoCorasick ac;
  std::vector<std::vector<uint32_t>> units_of_pattern;
};

// Equality index of one field: folded value -> units, integer value -> units. Values the index
// cannot decide (an address against strings, a float or text against integers) hit `undecided`.
struct FieldIndex {
  FieldId field = kInvalidField;
  std::unordered_map<std::string, std::vector<uint32_t>, FoldHash, FoldEq> by_string;
  std::unordered_map<int64_t, std::vector<uint32_t>> by_int;
  std::vector<uint32_t> string_units;  // every unit of by_string
  std::vector<uint32_t> int_units;     // every unit of by_int
};

struct Bucket {
  std::vector<FieldScan> scans;
  std::vector<FieldIndex> indexes;
  std::vector<uint32_t> always_rules;  // rules with an ungated predicate here
};

struct RuleInfo {
  uint32_t event_unit = 0;
  std::vector<uint32_t> step_units;  // per step
  int64_t until_unit = -1;
  std::vector<uint32_t> step_keys;  // per step: key class (see Engine::key_class)
  uint32_t until_key = 0;
  std::vector<uint32_t> real;                     // indexes of non-missing steps
  std::vector<std::vector<uint32_t>> missing_at;  // gap g (0..R): missing steps before real[g]
  bool leading = false;
  bool trailing = false;
};

class Engine : public CompiledRules, public std::enable_shared_from_this<Engine> {
 public:
  explicit Engine(RuleSetPlan plan);
  std::unique_ptr<Matcher> make_matcher() const override;
  void add_interest(EventInterest& out, const FieldRegistry& registry) const override {
    add_plan_interest(plan, registry, out);  // rule_interest.cpp
  }

  const Bucket* bucket(CategoryId c) const {
    if (c >= bucket_of_.size() || bucket_of_[c] < 0) return nullptr;
    return &buckets_[static_cast<size_t>(bucket_of_[c])];
  }

  RuleSetPlan plan;
  std::vector<Unit> units;
  std::vector<RuleInfo> info;
  Bucket any;
  uint32_t key_classes = 0;

 private:
  uint32_t add_unit(uint32_t rule, const EventPredicate& pred);
  uint32_t key_class(const RulePlan& rule, const StepPlan& step);
  bool signature(const Program& p, NodeRef r, std::string& out) const;
  std::unordered_map<std::string, uint32_t> key_class_of_;
  std::unordered_map<std::string, uint32_t> slot_of_;
  Bucket& bucket_for(CategoryId c);

  std::vector<int32_t> bucket_of_ = std::vector<int32_t>(FieldRegistry::kMaxCategories, -1);
  std::vector<Bucket> buckets_;
};

Bucket& Engine::bucket_for(CategoryId c) {
  if (c == kAnyCategory || c >= bucket_of_.size()) return any;
  if (bucket_of_[c] < 0) {
    bucket_of_[c] = static_cast<int32_t>(buckets_.size());
    buckets_.emplace_back();
  }
  return buckets_[static_cast<size_t>(bucket_of_[c])];
}

// A canonical text of a predicate built only from plain tests of the current event (the
// ubiquitous `event.type == "end"` of `until` clauses ...), so that identical predicates of
// different rules are evaluated once per event. False for anything else (functions, floats,
// lineage, variables), which then keeps a slot of its own.
bool Engine::signature(const Program& p, NodeRef r, std::string& out) const {
  const Node& n = p.node(r);
  out += '(';
  out += std::to_string(static_cast<int>(n.op));
  out += ' ';
  out += std::to_string(static_cast<int>(n.sub));
  out += n.cmode == CaseMode::kInsensitive ? "~ " : " ";
  switch (n.op) {
    case Op::kField:
      if (n.event_index != 0) return false;
      out += std::to_string(n.field);
      break;
    case Op::kConst: {
      const Value& v = p.constant(n.aux);
      if (v.kind == ValueKind::kFloat || v.kind == ValueKind::kStringList) return false;
      out += std::to_string(static_cast<int>(v.kind));
      out += value_to_string(v);
      break;
    }
    case Op::kInSet:
      out += p.set(n.aux).describe();
      break;
    case Op::kStrMatch:
      out += p.matcher(n.aux).describe();
      break;
    case Op::kCidr:
      out += p.cidrs(n.aux).describe();
      break;
    case Op::kAnd:
    case Op::kOr:
    case Op::kNot:
    case Op::kToBool:
    case Op::kIsNull:
    case Op::kIsNotNull:
    case Op::kCompare:
      break;
    default:
      return false;
  }
  for (NodeRef k : p.kids(r)) {
    if (!signature(p, k, out)) return false;
  }
  out += ')';
  return true;
}

uint32_t Engine::add_unit(uint32_t rule, const EventPredicate& pred) {
  Unit u;
  u.rule = rule;
  u.category = pred.category;
  u.where = pred.where;
  const auto id = static_cast<uint32_t>(units.size());
  u.slot = id;
  std::string sig = std::to_string(pred.category) + ':';
  if (pred.where != kNoNode && signature(plan.rules[rule].program, pred.where, sig)) {
    u.slot = slot_of_.try_emplace(sig, id).first->second;
  }
  Bucket& b = bucket_for(pred.category);
  auto req = extract_requirement(plan.rules[rule].program, pred.where);
  if (req && req->kind != RequirementKind::kLiteral) {
    u.gated = true;
    FieldIndex* index = nullptr;
    for (FieldIndex& x : b.indexes) {
      if (x.field == req->field) index = &x;
    }
    if (index == nullptr) {
      b.indexes.emplace_back();
      index = &b.indexes.back();
      index->field = req->field;
    }
    auto add_to = [id](std::vector<uint32_t>& us) {
      if (us.empty() || us.back() != id) us.push_back(id);
    };
    if (req->kind == RequirementKind::kExact) {
      for (const std::string& lit : req->literals) add_to(index->by_string[lit]);
      add_to(index->string_units);
    } else {
      for (int64_t v : req->ints) add_to(index->by_int[v]);
      add_to(index->int_units);
    }
  } else if (req) {
    u.gated = true;
    FieldScan* scan = nullptr;
    for (FieldScan& s : b.scans) {
      if (s.field == req->field) scan = &s;
    }
    if (scan == nullptr) {
      b.scans.emplace_back();
      scan = &b.scans.back();
      scan->field = req->field;
    }
    for (const std::string& lit : req->literals) {
      const uint32_t pid = scan->ac.add(lit);
      if (pid >= scan->units_of_pattern.size()) scan->units_of_pattern.resize(pid + 1);
      auto& us = scan->units_of_pattern[pid];
      if (us.empty() || us.back() != id) us.push_back(id);
    }
  } else if (b.always_rules.empty() || b.always_rules.back() != rule) {
    b.always_rules.push_back(rule);
  }
  units.push_back(u);
  return id;
}

// Steps whose join keys are the same plain fields, encoded the same way, produce the same key
// bytes for an event: they share a class, so the key is encoded once per event.
uint32_t Engine::key_class(const RulePlan& rule, const StepPlan& step) {
  std::string sig;
  for (NodeRef k : step.keys) {
    const Node& n = rule.program.node(k);
    if (n.op != Op::kField || n.event_index != 0) return key_classes++;
    sig += std::to_string(n.field);
    sig += ',';
  }
  sig += '|';
  for (size_t k = 0; k < step.keys.size(); ++k) {
    sig += k < rule.key_nullable.size() && rule.key_nullable[k] ? 'n' : '-';
  }
  sig += rule.fold_key_case ? 'f' : 's';
  auto [it, inserted] = key_class_of_.try_emplace(sig, key_classes);
  if (inserted) ++key_classes;
  return it->second;
}

Engine::Engine(RuleSetPlan p) : plan(std::move(p)) {
  info.resize(plan.rules.size());
  for (uint32_t r = 0; r < plan.rules.size(); ++r) {
    const RulePlan& rule = plan.rules[r];
    RuleInfo& ri = info[r];
    if (rule.shape == RuleShape::kEvent) {
      ri.event_unit = add_unit(r, rule.event);
      continue;
    }
    for (const StepPlan& s : rule.steps) {
      ri.step_units.push_back(add_unit(r, s.pred));
      ri.step_keys.push_back(key_class(rule, s));
    }
    if (rule.until) {
      ri.until_unit = add_unit(r, rule.until->pred);
      ri.until_key = key_class(rule, *rule.until);
    }
    ri.missing_at.emplace_back();
    for (uint32_t k = 0; k < rule.steps.size(); ++k) {
      if (rule.steps[k].missing) {
        ri.missing_at.back().push_back(k);
      } else {
        ri.real.push_back(k);
        ri.missing_at.emplace_back();
      }
    }
    ri.leading = !ri.missing_at.front().empty();
    ri.trailing = !ri.missing_at.back().empty();
  }
  for (Bucket* b = &any; b != nullptr;) {
    for (FieldScan& s : b->scans) s.ac.build();
    std::sort(b->always_rules.begin(), b->always_rules.end());
    b->always_rules.erase(std::unique(b->always_rules.begin(), b->always_rules.end()),
                          b->always_rules.end());
    if (b == &any) {
      b = buckets_.empty() ? nullptr : &buckets_[0];
    } else {
      const size_t next = static_cast<size_t>(b - buckets_.data()) + 1;
      b = next < buckets_.size() ? &buckets_[next] : nullptr;
    }
  }
}

class RuleMatcher final : public Matcher, public LineageOracle, public RuleMatcherInfo {
 public:
  explicit RuleMatcher(std::shared_ptr<const Engine> eng)
      : eng_(std::move(eng)),
        hit_stamp_(eng_->units.size(), 0),
        eval_stamp_(eng_->units.size(), 0),
        eval_result_(eng_->units.size(), 0),
        rule_stamp_(eng_->plan.rules.size(), 0),
        key_stamp_(eng_->key_classes, 0),
        key_ok_(eng_->key_classes, 0),
        key_cache_(eng_->key_classes),
        seqs_(eng_->plan.limits, eng_->plan.rules.size()),
        rule_evals_(eng_->plan.rules.size(), 0),
        rule_matches_(eng_->plan.rules.size(), 0) {
    for (const LineagePlan& lp : eng_->plan.lineages) {
      trackers_.emplace_back(lp.kind, eng_->plan.lineage);
    }
    joins_.resize(eng_->plan.rules.size());
    leading_seen_.resize(eng_->plan.rules.size());
    for (uint32_t r = 0; r < eng_->plan.rules.size(); ++r) {
      const RulePlan& rule = eng_->plan.rules[r];
      if (rule.shape == RuleShape::kSequence) {
        seqs_.configure(r, static_cast<uint32_t>(eng_->info[r].real.size() + 1), rule.maxspan_ns);
      } else if (rule.shape == RuleShape::kJoin) {
        joins_[r] = std::make_unique<JoinStore>(rule.steps.size(),
                                                eng_->plan.limits.max_join_keys_per_rule);
      }
    }
    cand_.reserve(eng_->plan.rules.size());
    emit_buf_.reserve(16);
  }

  void process(const Event& e, MatchSink& sink) override;
  void finish(MatchSink& sink) override;
  MatcherStats stats() const override;
  void add_rule_counters(std::span<uint64_t> evaluations,
                         std::span<uint64_t> matches) const override;
  bool test(uint32_t slot, LineageKind, const Event& e) const override {
    return slot < trackers_.size() && trackers_[slot].test(e);
  }
  uint64_t lineage_evictions() const override {
    uint64_t n = 0;
    for (const LineageTracker& t : trackers_) n += t.evictions();
    return n;
  }
  uint64_t prefilter_skips() const override { return prefilter_skips_; }

 private:
  EvalContext context(const Event& e) {
    EvalContext ctx;
    current_ptr_ = &e;
    ctx.events = &current_ptr_;
    ctx.event_count = 1;
    ctx.scratch = &scratch_;
    ctx.lineage = this;
    return ctx;
  }
  bool unit_match(uint32_t u, const Event& e);
  void add_candidate(uint32_t rule) {
    if (rule_stamp_[rule] != stamp_) {
      rule_stamp_[rule] = stamp_;
      cand_.push_back(rule);
    }
  }
  void scan(const Bucket& b, const Event& e);
  void lookup(const FieldIndex& x, const Event& e);
  void hit_units(std::span<const uint32_t> units);
  const std::shared_ptr<const Event>& copy(const Event& e) {
    if (!current_copy_) current_copy_ = std::make_shared<const Event>(e);
    return current_copy_;
  }
  void emit(uint32_t rule, const std::vector<std::shared_ptr<const Event>>& events,
            MatchSink& sink);
  void run_sequence(uint32_t r, const Event& e, MatchSink& sink);
  void run_join(uint32_t r, const Event& e, MatchSink& sink);
  void complete(uint32_t r, uint32_t id, MatchSink& sink);
  bool key_of(uint32_t r, const StepPlan& step, uint32_t cls, const Event& e);

  std::shared_ptr<const Engine> eng_;
  ScratchArena scratch_;
  uint64_t stamp_ = 0;
  std::vector<uint64_t> hit_stamp_;
  std::vector<uint64_t> eval_stamp_;
  std::vector<uint8_t> eval_result_;
  std::vector<uint64_t> rule_stamp_;
  // Per key class, for the current event: the encoded key (or that it is null).
  std::vector<uint64_t> key_stamp_;
  std::vector<uint8_t> key_ok_;
  std::vector<std::string> key_cache_;
  std::vector<uint32_t> cand_;
  std::vector<LineageTracker> trackers_;
  SequenceStore seqs_;
  std::vector<std::unique_ptr<JoinStore>> joins_;
  std::vector<std::unordered_map<std::string, int64_t, ExactHash, ExactEq>> leading_seen_;
  std::vector<std::shared_ptr<const Event>> join_out_;
  std::string key_;
  std::vector<const Event*> emit_buf_;
  std::shared_ptr<const Event> current_copy_;
  const Event* current_ptr_ = nullptr;
  MatcherStats stats_;
  std::vector<uint64_t> rule_evals_;
  std::vector<uint64_t> rule_matches_;
  uint64_t prefilter_skips_ = 0;
};

std::unique_ptr<Matcher> Engine::make_matcher() const {
  return std::make_unique<RuleMatcher>(shared_from_this());
}

bool RuleMatcher::unit_match(uint32_t u, const Event& e) {
  const Unit& un = eng_->units[u];
  if (un.category != kAnyCategory && un.category != e.category()) return false;
  if (un.gated && hit_stamp_[u] != stamp_) {
    ++prefilter_skips_;
    return false;
  }
  if (eval_stamp_[un.slot] == stamp_) return eval_result_[un.slot] != 0;
  EvalContext ctx = context(e);
  const bool r = holds(eng_->plan.rules[un.rule].program, un.where, ctx);
  ++stats_.evaluations;
  ++rule_evals_[un.rule];
  eval_stamp_[un.slot] = stamp_;
  eval_result_[un.slot] = r ? 1 : 0;
  return r;
}

void RuleMatcher::hit_units(std::span<const uint32_t> units) {
  for (uint32_t u : units) {
    if (hit_stamp_[u] != stamp_) {
      hit_stamp_[u] = stamp_;
      add_candidate(eng_->units[u].rule);
    }
  }
}

void RuleMatcher::lookup(const FieldIndex& x, const Event& e) {
  const Value v = load_field(e, x.field);
  auto find_string = [&](std::string_view s) {
    if (x.by_string.empty()) return;
    auto it = x.by_string.find(s);
    if (it != x.by_string.end()) hit_units(it->second);
  };
  switch (v.kind) {
    case ValueKind::kString:
      find_string(v.s);  // text never equals an integer (values_equal)
      break;
    case ValueKind::kStringList:
      for (uint32_t k = 0; k < v.list_count; ++k) find_string(v.item(k));
      break;
    case ValueKind::kInt:
      if (!x.by_int.empty()) {
        auto it = x.by_int.find(v.i);
        if (it != x.by_int.end()) hit_units(it->second);
      }
      break;
    case ValueKind::kFloat:  // 4444.0 == 4444
      hit_units(x.int_units);
      break;
    case ValueKind::kIp:
      // An address equals text that parses to it in other spellings too.
      hit_units(x.string_units);
      break;
    default:
      break;
  }
}

void RuleMatcher::scan(const Bucket& b, const Event& e) {
  for (uint32_t r : b.always_rules) add_candidate(r);
  for (const FieldIndex& x : b.indexes) lookup(x, e);
  for (const FieldScan& fs : b.scans) {
    const Value v = load_field(e, fs.field);
    auto on_hit = [&](uint32_t pattern) { hit_units(fs.units_of_pattern[pattern]); };
    switch (v.kind) {
      case ValueKind::kString:
        fs.ac.scan(v.s, on_hit);
        break;
      case ValueKind::kStringList:
        for (uint32_t k = 0; k < v.list_count; ++k) fs.ac.scan(v.item(k), on_hit);
        break;
      case ValueKind::kIp:
        fs.ac.scan(v.ip->to_string(), on_hit);
        break;
      default:
        break;
    }
  }
}

void RuleMatcher::emit(uint32_t rule, const std::vector<std::shared_ptr<const Event>>& events,
                       MatchSink& sink) {
  emit_buf_.clear();
  for (const auto& ev : events) emit_buf_.push_back(ev.get());
  ++rule_matches_[rule];
  sink.on_match(eng_->plan.rules[rule].rule_index, emit_buf_);
}

bool RuleMatcher::key_of(uint32_t r, const StepPlan& step, uint32_t cls, const Event& e) {
  if (key_stamp_[cls] == stamp_) {
    if (key_ok_[cls] == 0) return false;
    key_.assign(key_cache_[cls]);
    return true;
  }
  const RulePlan& rp = eng_->plan.rules[r];
  EvalContext ctx = context(e);
  const bool ok = encode_key(rp.program, step.keys, ctx, rp.key_nullable, rp.fold_key_case, key_);
  key_stamp_[cls] = stamp_;
  key_ok_[cls] = ok ? 1 : 0;
  if (ok) key_cache_[cls].assign(key_);
  return ok;
}

void RuleMatcher::complete(uint32_t r, uint32_t id, MatchSink& sink) {
  const RuleInfo& ri = eng_->info[r];
  if (ri.trailing) {
    // Held until maxspan passes without a trailing missing event.
    seqs_.place(id, static_cast<uint32_t>(ri.real.size()));
    return;
  }
  emit(r, seqs_.get(id).events, sink);
  seqs_.release(id);
}

void RuleMatcher::run_sequence(uint32_t r, const Event& e, MatchSink& sink) {
  const RulePlan& rp = eng_->plan.rules[r];
  const RuleInfo& ri = eng_->info[r];
  const auto stages = static_cast<uint32_t>(ri.real.size());
  const int64_t now = e.time_ns();
  if (rp.until && seqs_.any_placed(r, 1, stages) &&
      unit_match(static_cast<uint32_t>(ri.until_unit), e) &&
      key_of(r, *rp.until, ri.until_key, e)) {
    stats_.expired_sequences += seqs_.remove_key(r, key_, 1, stages);
  }
  for (uint32_t g = 0; g < ri.missing_at.size(); ++g) {
    if (g > 0 && !seqs_.any_placed(r, g, g)) continue;
    for (uint32_t m : ri.missing_at[g]) {
      if (!unit_match(ri.step_units[m], e) || !key_of(r, rp.steps[m], ri.step_keys[m], e)) {
        continue;
      }
      if (g == 0) {
        auto& seen = leading_seen_[r];
        if (seen.size() >= eng_->plan.limits.max_pending_per_rule) seen.clear();
        seen[key_] = now;
      } else {
        stats_.expired_sequences += seqs_.remove_key(r, key_, g, g);
      }
    }
  }
  // Later steps first, so that one event advances a partial by one step only.
  for (uint32_t j = stages; j-- > 0;) {
    const uint32_t s = ri.real[j];
    if (j > 0 && !seqs_.any_placed(r, j, j)) continue;
    if (!unit_match(ri.step_units[s], e) || !key_of(r, rp.steps[s], ri.step_keys[s], e)) continue;
    if (j == 0) {
      if (ri.leading) {
        auto it = leading_seen_[r].find(key_);
        if (it != leading_seen_[r].end() && it->second <= now &&
            now - it->second <= rp.maxspan_ns) {
          continue;
        }
      }
      const uint32_t id = seqs_.create(r, key_, now);
      seqs_.get(id).events.push_back(copy(e));
      if (stages == 1) {
        complete(r, id, sink);
      } else {
        seqs_.place(id, 1);
      }
      continue;
    }
    const int64_t found = seqs_.find(r, j, key_);
    if (found < 0) continue;
    uint32_t id = static_cast<uint32_t>(found);
    if (rp.steps[s].fork) {
      id = seqs_.clone(id);
    } else {
      seqs_.unplace(id);
    }
    seqs_.get(id).events.push_back(copy(e));
    if (j + 1 == stages) {
      complete(r, id, sink);
    } else {
      seqs_.place(id, j + 1);
    }
  }
}

void RuleMatcher::run_join(uint32_t r, const Event& e, MatchSink& sink) {
  const RulePlan& rp = eng_->plan.rules[r];
  const RuleInfo& ri = eng_->info[r];
  JoinStore& js = *joins_[r];
  if (rp.until && unit_match(static_cast<uint32_t>(ri.until_unit), e) &&
      key_of(r, *rp.until, ri.until_key, e)) {
    stats_.expired_sequences += js.remove(key_) ? 1 : 0;
  }
  for (uint32_t p = 0; p < rp.steps.size(); ++p) {
    if (!unit_match(ri.step_units[p], e) || !key_of(r, rp.steps[p], ri.step_keys[p], e)) continue;
    if (js.fill(key_, p, copy(e), join_out_)) emit(r, join_out_, sink);
  }
}

void RuleMatcher::process(const Event& e, MatchSink& sink) {
  scratch_.reset();
  ++stamp_;
  current_copy_.reset();
  cand_.clear();
  const int64_t now = e.time_ns();
  seqs_.expire(now, [&](uint32_t id) {
    Partial& p = seqs_.get(id);
    const RuleInfo& ri = eng_->info[p.rule];
    if (ri.trailing && p.placed && p.stage == ri.real.size()) {
      emit(p.rule, p.events, sink);
    } else {
      ++stats_.expired_sequences;
    }
  });
  if (const Bucket* b = eng_->bucket(e.category())) scan(*b, e);
  scan(eng_->any, e);
  // Lineage before rules: a process event updates the trees its own rules then test.
  for (size_t slot = 0; slot < trackers_.size(); ++slot) {
    LineageTracker& t = trackers_[slot];
    t.on_event(e);
    const LineagePlan& lp = eng_->plan.lineages[slot];
    if (lp.subquery.category != kAnyCategory && lp.subquery.category != e.category()) continue;
    EvalContext ctx = context(e);
    ++stats_.evaluations;
    if (holds(eng_->plan.rules[lp.rule].program, lp.subquery.where, ctx)) {
      t.on_subquery_match(e);
    }
  }
  std::sort(cand_.begin(), cand_.end());
  for (uint32_t r : cand_) {
    const RulePlan& rp = eng_->plan.rules[r];
    switch (rp.shape) {
      case RuleShape::kEvent:
        if (unit_match(eng_->info[r].event_unit, e)) {
          const Event* one[] = {&e};
          ++rule_matches_[r];
          sink.on_match(rp.rule_index, one);
        }
        break;
      case RuleShape::kSequence:
        run_sequence(r, e, sink);
        break;
      case RuleShape::kJoin:
        run_join(r, e, sink);
        break;
    }
  }
}

void RuleMatcher::finish(MatchSink& sink) {
  for (uint32_t r = 0; r < eng_->plan.rules.size(); ++r) {
    const RuleInfo& ri = eng_->info[r];
    if (eng_->plan.rules[r].shape != RuleShape::kSequence || !ri.trailing) continue;
    for (uint32_t id : seqs_.placed_in(r, static_cast<uint32_t>(ri.real.size()))) {
      emit(r, seqs_.get(id).events, sink);
      seqs_.release(id);
    }
  }
}

MatcherStats RuleMatcher::stats() const {
  MatcherStats s = stats_;
  s.pending_sequences = seqs_.pending();
  s.evicted_sequences = seqs_.evicted();
  for (const auto& j : joins_) {
    if (j) {
      s.pending_sequences += j->pending();
      s.evicted_sequences += j->evicted();
    }
  }
  return s;
}

void RuleMatcher::add_rule_counters(std::span<uint64_t> evaluations,
                                    std::span<uint64_t> matches) const {
  for (size_t r = 0; r < eng_->plan.rules.size(); ++r) {
    const uint32_t idx = eng_->plan.rules[r].rule_index;
    if (idx < evaluations.size()) evaluations[idx] += rule_evals_[r];
    if (idx < matches.size()) matches[idx] += rule_matches_[r];
  }
}

}  // namespace

std::shared_ptr<const CompiledRules> build_rules(RuleSetPlan plan) {
  return std::make_shared<Engine>(std::move(plan));
}

}  // namespace wsn::match
