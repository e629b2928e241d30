#include "match/engine.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <charconv>
#include <cstdio>
#include <optional>
#include <span>
#include <unordered_map>
#include <utility>

#include "match/aggregate_store.h"
#include "match/eval.h"
#include "match/lineage.h"
#include "match/prefilter.h"
#include "match/rule_interest.h"
#include "match/sequence.h"
#include "match/strings.h"

namespace wsn::match {

namespace {

std::atomic<bool> g_reference_matching{false};

// What a value adds to a sum or an average: a number, or text that is one (log fields are text).
std::optional<double> amount_of(const Value& v) {
  switch (v.kind) {
    case ValueKind::kInt:
      return static_cast<double>(v.i);
    case ValueKind::kFloat:
      return v.f;
    case ValueKind::kString: {
      double d = 0;
      const auto r = std::from_chars(v.s.data(), v.s.data() + v.s.size(), d);
      if (r.ec == std::errc() && r.ptr == v.s.data() + v.s.size() && !v.s.empty()) return d;
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

// One event predicate of a rule.
struct Unit {
  uint32_t rule = 0;
  CategoryId category = kAnyCategory;
  NodeRef where = kNoNode;
  bool gated = false;  // evaluated only after a prefilter hit
  uint8_t needed = 0;  // gated: bit k set for requirement k; all must be hit in one event
  uint32_t slot = 0;   // evaluation cache slot, shared by identical predicates
  // The `until` of a sequence rule, dispatched by key in its group (RuleMatcher::run_until)
  // instead of making its rule a candidate: an ending process must not visit every rule with an
  // `until`. UINT32_MAX: not such an `until`.
  uint32_t until_group = UINT32_MAX;
  // Lazy fields (Engine::unit_lazy) to scan once the first requirement is met.
  uint32_t lazy_first = 0;
  uint32_t lazy_count = 0;
  // A top-level conjunct on an ECS enumeration field (`event.type == "start"` ...), shared by
  // every unit with the same one and evaluated once per event: the prefilter leaves such
  // fields out (every event of a category has one of a few values), so without it the end of
  // each process would evaluate every `process.name == …` start step in full. Every such
  // conjunct is one (`event.type == "start" and event.action == "exec"`): Engine::unit_guards
  // [guard, guard + guard_count).
  uint32_t guard = 0;
  uint32_t guard_count = 0;
  // With guards: the conjuncts of `where` that are not guards, Engine::unit_rest [rest,
  // +rest_count), evaluated instead of `where` once the guards hold.
  uint32_t rest = 0;
  uint32_t rest_count = 0;
  bool use_rest = false;
  // A sequence step that only acts on partial matches waiting at this stage (a later step, or a
  // missing step after the first): its rule is not run for it while none waits (0: any time).
  uint32_t waits_at = 0;
};

// Sequence rules whose `until` is the same predicate (one evaluation slot) on the same join key
// fields (one key class): `until [process where event.type == "end"]` by process.entity_id, in
// most rule sets. An event meeting it looks its key up once and visits only the partial matches
// holding that key, whichever rules they belong to.
struct UntilGroup {
  uint32_t rule = 0;  // the first member: its `until` step computes the key
  uint32_t key_class = 0;
  uint32_t unit = 0;  // its `until` unit, the only one in the prefilter
};

struct Guard {
  uint32_t rule = 0;  // whose program holds `node`
  NodeRef node = kNoNode;
};

// Requirements per unit (prefilter extract_requirements); prefilter entries name a unit and
// which of its requirements they meet: unit << kReqBits | requirement.
constexpr uint32_t kReqBits = 2;
constexpr size_t kMaxRequirements = 1u << kReqBits;

struct FieldScan {
  FieldId field = kInvalidField;
  AhoCorasick ac;
  // Built by add_unit, per pattern: the prefilter entries it meets anywhere in the value, and
  // those that need it at the start (prefix), the end (suffix) or as the whole value.
  std::vector<std::vector<uint32_t>> units_of_pattern;
  std::vector<std::vector<uint32_t>> prefix_units;
  std::vector<std::vector<uint32_t>> suffix_units;
  std::vector<std::vector<uint32_t>> whole_units;
  // The same, flattened once the rule set is built (Engine::Engine) so that an occurrence costs
  // one load of its pattern's bounds: entries[at[p].any, at[p].suffix) anywhere, then up to
  // .prefix the suffix entries, up to .whole the prefix entries, up to .end the whole entries.
  struct PatternEntries {
    uint32_t any, suffix, prefix, whole, end, size;  // size: the pattern's length
  };
  std::vector<PatternEntries> at;
  std::vector<uint32_t> entries;
  bool primary = false;  // some unit's first requirement reads this field
  int32_t lazy = -1;     // otherwise: its lazy slot (scanned only when a unit asks)
  bool merged = false;   // `any` bucket: also in every category bucket (Engine::merge_any)
  uint32_t memo = 0;     // its memo in RuleMatcher::memos_
  void flatten() {
    at.resize(units_of_pattern.size());
    for (size_t p = 0; p < at.size(); ++p) {
      auto append = [this](const std::vector<uint32_t>& v) {
        entries.insert(entries.end(), v.begin(), v.end());
        return static_cast<uint32_t>(entries.size());
      };
      PatternEntries& pe = at[p];
      pe.any = static_cast<uint32_t>(entries.size());
      pe.suffix = append(units_of_pattern[p]);
      pe.prefix = append(suffix_units[p]);
      pe.whole = append(prefix_units[p]);
      pe.end = append(whole_units[p]);
      pe.size = static_cast<uint32_t>(ac.pattern_size(static_cast<uint32_t>(p)));
    }
    units_of_pattern = {};
    prefix_units = {};
    suffix_units = {};
    whole_units = {};
  }
  // Calls on_entries(span) with the entries `text` meets, occurrence by occurrence.
  template <typename F>
  void scan(std::string_view text, F&& on_entries) const {
    const uint32_t* const e = entries.data();
    ac.scan(text, [&](uint32_t pattern, size_t end) {
      const PatternEntries& pe = at[pattern];
      if (pe.any != pe.suffix) on_entries(std::span<const uint32_t>(e + pe.any, e + pe.suffix));
      if (end == text.size() && pe.suffix != pe.prefix) {
        on_entries(std::span<const uint32_t>(e + pe.suffix, e + pe.prefix));
      }
      if (end == pe.size && pe.prefix != pe.end) {
        on_entries(std::span<const uint32_t>(e + pe.prefix, e + pe.whole));
        if (end == text.size()) on_entries(std::span<const uint32_t>(e + pe.whole, e + pe.end));
      }
    });
  }
};

// Equality index of one field: folded value -> prefilter entries, integer value -> entries.
// Values the index cannot decide (an address against strings, a float or text against
// integers) hit every entry of the kind (string_units, int_units).
struct FieldIndex {
  FieldId field = kInvalidField;
  StringSet by_string = StringSet(true);              // folded values
  std::vector<std::vector<uint32_t>> string_entries;  // per member of by_string
  std::unordered_map<int64_t, std::vector<uint32_t>> by_int;
  std::vector<uint32_t> string_units;  // every entry of by_string
  std::vector<uint32_t> int_units;     // every entry of by_int
  bool primary = false;
  int32_t lazy = -1;
  bool merged = false;  // as FieldScan::merged
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
  uint32_t until_group = UINT32_MAX;              // units[until_unit].until_group
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
  // What hit_units reads of each unit, packed (16 bytes): the prefilter's entries visit units
  // in no order, and a whole Unit per entry costs a cache line or two.
  struct UnitSelection {
    uint32_t rule = 0;
    uint32_t until_group = UINT32_MAX;
    uint32_t waits_at = 0;
    uint8_t needed = 0;
    bool guarded = false;  // guard_count > 0
    bool lazy = false;     // lazy_count > 0
  };
  std::vector<UnitSelection> selection;
  std::vector<Guard> guards;
  std::vector<uint32_t> unit_guards;  // per unit [guard, +guard_count): indexes in guards
  std::vector<NodeRef> unit_rest;     // per unit [rest, +rest_count): conjuncts to evaluate
  std::vector<UntilGroup> until_groups;
  std::vector<RuleInfo> info;
  Bucket any;
  uint32_t key_classes = 0;
  bool reference = g_reference_matching.load();  // set_reference_matching
  // Fields that only serve later requirements are scanned only for events that met some unit's
  // first requirement: a near miss costs the rare extra scan, not a scan of every event.
  uint32_t lazy_slots = 0;
  uint32_t scan_memos = 0;          // FieldScans, each with a memo in RuleMatcher::memos_
  std::vector<uint32_t> unit_lazy;  // per unit [lazy_first, +lazy_count): lazy slots

 private:
  uint32_t add_unit(uint32_t rule, const EventPredicate& pred);
  uint32_t key_class(const RulePlan& rule, const StepPlan& step);
  bool signature(const Program& p, NodeRef r, std::string& out) const;
  void add_guards(uint32_t rule, const EventPredicate& pred, Unit& u);
  void merge_any();
  // The until group an `until` with this predicate and key class joins, or UINT32_MAX.
  uint32_t until_group_for(uint32_t rule, const EventPredicate& pred, uint32_t key_class) const;
  struct Secondary {  // a later requirement of a unit, on the field at `pos` of its bucket
    uint32_t unit;
    CategoryId category;
    bool scan;
    uint32_t pos;
  };
  std::vector<Secondary> secondaries_;
  std::unordered_map<std::string, uint32_t> key_class_of_;
  std::unordered_map<std::string, uint32_t> slot_of_;
  std::unordered_map<std::string, uint32_t> guard_of_;
  std::unordered_map<uint64_t, uint32_t> until_group_of_;  // slot << 32 | key class -> group
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
    case Op::kMustNot:
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

namespace {

// Whether every field `r` reads is an ECS enumeration field of the current event, or one that
// every event of the host shares (`host.os.type == "linux"`).
bool reads_enumerations_only(const Program& p, NodeRef r) {
  const Node& n = p.node(r);
  if (n.op == Op::kField && (n.event_index != 0 || (!is_low_cardinality_field(n.field) &&
                                                    !is_host_constant_field(n.field)))) {
    return false;
  }
  for (NodeRef k : p.kids(r)) {
    if (!reads_enumerations_only(p, k)) return false;
  }
  return true;
}

}  // namespace

// At most this many guards per unit: the rest of the where-clause checks the others.
constexpr uint32_t kMaxGuards = 4;

void Engine::add_guards(uint32_t rule, const EventPredicate& pred, Unit& u) {
  u.guard = static_cast<uint32_t>(unit_guards.size());
  u.guard_count = 0;
  const Program& p = plan.rules[rule].program;
  u.rest = static_cast<uint32_t>(unit_rest.size());
  u.rest_count = 0;
  u.use_rest = false;
  if (pred.where == kNoNode || p.node(pred.where).op != Op::kAnd) return;
  std::vector<NodeRef> rest;
  for (NodeRef k : p.kids(pred.where)) {
    std::string sig = std::to_string(pred.category) + ':';
    if (u.guard_count == kMaxGuards || !signature(p, k, sig) || !reads_enumerations_only(p, k)) {
      rest.push_back(k);
      continue;
    }
    const auto [it, inserted] = guard_of_.try_emplace(sig, static_cast<uint32_t>(guards.size()));
    if (inserted) guards.push_back({rule, k});
    unit_guards.push_back(it->second);
    ++u.guard_count;
  }
  // The guards hold whenever the predicate is evaluated, so only the other conjuncts are: the
  // `and` holds exactly when each of them holds too.
  if (u.guard_count > 0) {
    u.use_rest = true;
    u.rest_count = static_cast<uint32_t>(rest.size());
    unit_rest.insert(unit_rest.end(), rest.begin(), rest.end());
  }
}

uint32_t Engine::until_group_for(uint32_t rule, const EventPredicate& pred,
                                 uint32_t key_class) const {
  std::string sig = std::to_string(pred.category) + ':';  // as add_unit names a slot
  if (pred.where == kNoNode || !signature(plan.rules[rule].program, pred.where, sig)) {
    return UINT32_MAX;
  }
  const auto slot = slot_of_.find(sig);
  if (slot == slot_of_.end()) return UINT32_MAX;
  const auto group = until_group_of_.find(uint64_t{slot->second} << 32 | key_class);
  return group == until_group_of_.end() ? UINT32_MAX : group->second;
}

uint32_t Engine::add_unit(uint32_t rule, const EventPredicate& pred) {
  Unit u;
  u.rule = rule;
  u.category = pred.category;
  u.where = pred.where;
  if (!reference) add_guards(rule, pred, u);
  const auto id = static_cast<uint32_t>(units.size());
  u.slot = id;
  std::string sig = std::to_string(pred.category) + ':';
  if (!reference && pred.where != kNoNode && signature(plan.rules[rule].program, pred.where, sig)) {
    u.slot = slot_of_.try_emplace(sig, id).first->second;
  }
  Bucket& b = bucket_for(pred.category);
  const auto reqs =
      reference ? std::vector<RequirementAlternatives>{}
                : extract_requirement_sets(plan.rules[rule].program, pred.where, kMaxRequirements);
  for (uint32_t k = 0; k < reqs.size(); ++k) {
    const uint32_t entry = id << kReqBits | k;
    auto add_to = [entry](std::vector<uint32_t>& es) {
      if (es.empty() || es.back() != entry) es.push_back(entry);
    };
    u.gated = true;
    u.needed = static_cast<uint8_t>(u.needed | 1u << k);
    // Any one alternative meets requirement k: each is indexed under the same entry.
    for (const Requirement& req : reqs[k]) {
      if (req.kind != RequirementKind::kLiteral) {
        FieldIndex* index = nullptr;
        for (FieldIndex& x : b.indexes) {
          if (x.field == req.field) index = &x;
        }
        if (index == nullptr) {
          b.indexes.emplace_back();
          index = &b.indexes.back();
          index->field = req.field;
        }
        if (k == 0) index->primary = true;
        if (k > 0) {
          secondaries_.push_back(
              {id, pred.category, false, static_cast<uint32_t>(index - b.indexes.data())});
        }
        if (req.kind == RequirementKind::kExact) {
          for (const std::string& lit : req.literals) {
            const size_t at = index->by_string.insert(lit);
            if (at >= index->string_entries.size()) index->string_entries.resize(at + 1);
            add_to(index->string_entries[at]);
          }
          add_to(index->string_units);
        } else {
          for (int64_t v : req.ints) add_to(index->by_int[v]);
          add_to(index->int_units);
        }
        continue;
      }
      FieldScan* scan = nullptr;
      for (FieldScan& fs : b.scans) {
        if (fs.field == req.field) scan = &fs;
      }
      if (scan == nullptr) {
        b.scans.emplace_back();
        scan = &b.scans.back();
        scan->field = req.field;
      }
      if (k == 0) scan->primary = true;
      if (k > 0) {
        secondaries_.push_back(
            {id, pred.category, true, static_cast<uint32_t>(scan - b.scans.data())});
      }
      for (size_t l = 0; l < req.literals.size(); ++l) {
        const uint32_t pid = scan->ac.add(req.literals[l]);
        if (pid >= scan->units_of_pattern.size()) {
          scan->units_of_pattern.resize(pid + 1);
          scan->prefix_units.resize(pid + 1);
          scan->suffix_units.resize(pid + 1);
          scan->whole_units.resize(pid + 1);
        }
        const LiteralAnchor a = l < req.anchors.size() ? req.anchors[l] : LiteralAnchor::kAnywhere;
        add_to(a == LiteralAnchor::kPrefix   ? scan->prefix_units[pid]
               : a == LiteralAnchor::kSuffix ? scan->suffix_units[pid]
               : a == LiteralAnchor::kWhole  ? scan->whole_units[pid]
                                             : scan->units_of_pattern[pid]);
      }
    }
  }
  if (reqs.empty() && (b.always_rules.empty() || b.always_rules.back() != rule)) {
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

namespace {

// merge_any for one kind of requirement structure (FieldScan or FieldIndex): each primary one of
// the `any` bucket is copied (`copy(from, to)`) into the same field's structure of every
// category bucket, made primary there if new, unless a bucket reads the field lazily.
template <typename T, typename Copy>
void merge_into_buckets(std::vector<T>& any_items, std::vector<Bucket>& buckets,
                        std::vector<T> Bucket::*items, Copy copy) {
  for (T& a : any_items) {
    if (!a.primary) continue;
    const bool lazy_somewhere = std::any_of(buckets.begin(), buckets.end(), [&](const Bucket& b) {
      return std::any_of((b.*items).begin(), (b.*items).end(),
                         [&](const T& x) { return x.field == a.field && !x.primary; });
    });
    if (lazy_somewhere) continue;
    for (Bucket& b : buckets) {
      std::vector<T>& list = b.*items;
      auto it =
          std::find_if(list.begin(), list.end(), [&](const T& x) { return x.field == a.field; });
      if (it == list.end()) {
        list.emplace_back();
        it = list.end() - 1;
        it->field = a.field;
        it->primary = true;
      }
      copy(a, *it);
    }
    a.merged = true;
  }
}

void append_entries(std::vector<uint32_t>& to, const std::vector<uint32_t>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

}  // namespace

// Rules of no category (`any where`, Sigma rules with a product but no category) read the same
// fields as the category rules: `process.executable`, `file.path`. Their first requirements are
// copied into every category bucket, so an event's field is scanned or looked up once, not once
// per bucket; the `any` bucket then skips them for events of a category with a bucket. Not for
// a field some bucket reads lazily (its scan must not become unconditional there).
void Engine::merge_any() {
  if (buckets_.empty()) return;
  merge_into_buckets(any.scans, buckets_, &Bucket::scans, [](const FieldScan& a, FieldScan& to) {
    for (uint32_t p = 0; p < a.units_of_pattern.size(); ++p) {
      const uint32_t pid = to.ac.add(a.ac.pattern(p));
      if (pid >= to.units_of_pattern.size()) {
        to.units_of_pattern.resize(pid + 1);
        to.prefix_units.resize(pid + 1);
        to.suffix_units.resize(pid + 1);
        to.whole_units.resize(pid + 1);
      }
      append_entries(to.units_of_pattern[pid], a.units_of_pattern[p]);
      append_entries(to.prefix_units[pid], a.prefix_units[p]);
      append_entries(to.suffix_units[pid], a.suffix_units[p]);
      append_entries(to.whole_units[pid], a.whole_units[p]);
    }
  });
  merge_into_buckets(any.indexes, buckets_, &Bucket::indexes,
                     [](const FieldIndex& a, FieldIndex& to) {
                       const auto& members = a.by_string.members();
                       for (size_t k = 0; k < members.size(); ++k) {
                         const size_t at = to.by_string.insert(members[k]);
                         if (at >= to.string_entries.size()) to.string_entries.resize(at + 1);
                         append_entries(to.string_entries[at], a.string_entries[k]);
                       }
                       for (const auto& [value, entries] : a.by_int)
                         append_entries(to.by_int[value], entries);
                       append_entries(to.string_units, a.string_units);
                       append_entries(to.int_units, a.int_units);
                     });
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
    uint32_t stage = 0;  // partials wait at `stage` for the next real step
    const auto real_steps = static_cast<uint32_t>(std::count_if(
        rule.steps.begin(), rule.steps.end(), [](const StepPlan& s) { return !s.missing; }));
    for (uint32_t k = 0; k < rule.steps.size(); ++k) {
      // A trailing missing step acts on held matches, which wait in no stage map: ungated.
      const bool trailing = rule.steps[k].missing && stage == real_steps;
      if (rule.shape == RuleShape::kSequence && !trailing) units[ri.step_units[k]].waits_at = stage;
      if (!rule.steps[k].missing) ++stage;
    }
    if (rule.until) {
      ri.until_key = key_class(rule, *rule.until);
      const uint32_t joined = rule.shape == RuleShape::kSequence
                                  ? until_group_for(r, rule.until->pred, ri.until_key)
                                  : UINT32_MAX;
      if (joined != UINT32_MAX) {
        // The group's unit stands for this one: its prefilter entries and its evaluation are
        // the same, so an ending process meets one `until` entry, not one per rule.
        ri.until_group = joined;
        ri.until_unit = until_groups[joined].unit;
      } else {
        const uint32_t u = add_unit(r, rule.until->pred);
        ri.until_unit = u;
        // An ungated `until` (no literal to wait for) is checked with the rule's steps instead.
        if (rule.shape == RuleShape::kSequence && units[u].gated) {
          const auto group = static_cast<uint32_t>(until_groups.size());
          until_group_of_[uint64_t{units[u].slot} << 32 | ri.until_key] = group;
          until_groups.push_back({r, ri.until_key, u});
          ri.until_group = units[u].until_group = group;
        }
      }
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
  if (!reference) merge_any();
  for (Bucket* b = &any; b != nullptr;) {
    for (FieldScan& s : b->scans) {
      s.ac.build();
      s.flatten();
      s.memo = scan_memos++;
      if (!s.primary) s.lazy = static_cast<int32_t>(lazy_slots++);
    }
    for (FieldIndex& x : b->indexes) {
      if (!x.primary) x.lazy = static_cast<int32_t>(lazy_slots++);
    }
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
  for (const Secondary& sec : secondaries_) {  // in unit order
    Bucket& b = bucket_for(sec.category);
    const int32_t lazy = sec.scan ? b.scans[sec.pos].lazy : b.indexes[sec.pos].lazy;
    if (lazy < 0) continue;
    Unit& u = units[sec.unit];
    if (u.lazy_count == 0) u.lazy_first = static_cast<uint32_t>(unit_lazy.size());
    unit_lazy.push_back(static_cast<uint32_t>(lazy));
    ++u.lazy_count;
  }
  secondaries_.clear();
  for (const Unit& u : units) {
    selection.push_back(
        {u.rule, u.until_group, u.waits_at, u.needed, u.guard_count > 0, u.lazy_count > 0});
  }
}

class RuleMatcher final : public Matcher, public LineageOracle, public RuleMatcherInfo {
 public:
  explicit RuleMatcher(std::shared_ptr<const Engine> eng)
      : eng_(std::move(eng)),
        memos_(eng_->scan_memos),
        hits_(eng_->units.size(), 0),
        lazy_stamp_(eng_->lazy_slots, 0),
        eval_stamp_(eng_->units.size(), 0),
        eval_result_(eng_->units.size(), 0),
        guard_stamp_(eng_->guards.size(), 0),
        guard_result_(eng_->guards.size(), 0),
        cand_words_((eng_->plan.rules.size() + 63) / 64, 0),
        keys_(eng_->key_classes),
        seqs_(eng_->plan.limits, eng_->plan.rules.size()),
        rule_evals_(eng_->plan.rules.size(), 0),
        rule_matches_(eng_->plan.rules.size(), 0) {
    for (const LineagePlan& lp : eng_->plan.lineages) {
      trackers_.emplace_back(lp.kind, eng_->plan.lineage);
    }
    joins_.resize(eng_->plan.rules.size());
    samples_.resize(eng_->plan.rules.size());
    aggregate_of_.assign(eng_->plan.rules.size(), UINT32_MAX);
    held_.resize(eng_->plan.rules.size());
    leading_seen_.resize(eng_->plan.rules.size());
    for (uint32_t r = 0; r < eng_->plan.rules.size(); ++r) {
      const RulePlan& rule = eng_->plan.rules[r];
      if (rule.shape == RuleShape::kSequence) {
        seqs_.configure(r, static_cast<uint32_t>(eng_->info[r].real.size() + 1), rule.maxspan_ns);
      } else if (rule.shape == RuleShape::kJoin) {
        joins_[r] = std::make_unique<JoinStore>(rule.steps.size(),
                                                eng_->plan.limits.max_join_keys_per_rule);
      } else if (rule.shape == RuleShape::kSample) {
        samples_[r] = std::make_unique<SampleStore>(rule.steps.size(),
                                                    eng_->plan.limits.max_join_keys_per_rule,
                                                    rule.max_samples_per_key, rule.sample_size);
      } else if (rule.shape == RuleShape::kAggregate) {
        aggregates_.push_back({r, std::make_unique<AggregateStore>(rule.aggregate, rule.maxspan_ns,
                                                                   eng_->plan.limits)});
        aggregate_of_[r] = static_cast<uint32_t>(aggregates_.size() - 1);
      }
    }
    emit_buf_.reserve(16);
    until_stamp_.assign(eng_->until_groups.size(), 0);
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
  uint64_t evaluations_held() const override { return evaluations_held_; }
  uint64_t partials_opened() const override { return seqs_.created(); }
  uint64_t memo_hits() const override { return memo_hits_; }
  uint64_t memo_misses() const override { return memo_misses_; }
  size_t select_only(const Event& e) override;

 private:
  // One context, reused: building one zeroes its variable array, and evaluation leaves the
  // variables as it found them (arraySearch restores its binding).
  EvalContext& context(const Event& e) {
    current_ptr_ = &e;
    ctx_.events = &current_ptr_;
    ctx_.event_count = 1;
    ctx_.scratch = &scratch_;
    ctx_.lineage = this;
    return ctx_;
  }
  bool unit_match(uint32_t u, const Event& e);
  bool unit_match_partial(uint32_t u, const Event& e, const Partial& p);
  // The guards of a unit on the current event (true without any), each evaluated once per
  // event. Not counted as an evaluation: like the prefilter, they only rule predicates out.
  bool guard_holds(const Unit& un) {
    for (uint32_t k = 0; k < un.guard_count; ++k) {
      const uint32_t g = eng_->unit_guards[un.guard + k];
      if (guard_stamp_[g] != stamp_) {
        const Guard& gd = eng_->guards[g];
        guard_stamp_[g] = stamp_;
        guard_result_[g] =
            holds(eng_->plan.rules[gd.rule].program, gd.node, context(*event_)) ? 1 : 0;
      }
      if (guard_result_[g] == 0) return false;
    }
    return true;
  }
  void add_candidate(uint32_t rule) {
    const uint32_t w = rule >> 6;
    cand_words_[w] |= uint64_t{1} << (rule & 63);
    if (w < cand_lo_) cand_lo_ = w;
    if (w + 1 > cand_hi_) cand_hi_ = w + 1;
  }
  // skip_merged: the event's category has a bucket, which holds the merged requirements.
  void scan(const Bucket& b, const Event& e, bool skip_merged = false);
  void lookup(const FieldIndex& x, const Event& e);
  void scan_field(const FieldScan& fs, const Event& e);
  void scan_text(const FieldScan& fs, std::string_view text);
  void hit_units(std::span<const uint32_t> entries);  // prefilter entries
  // The current event's copy for joins, made once per event.
  const std::shared_ptr<const Event>& copy(const Event& e) {
    if (!current_copy_) current_copy_ = std::make_shared<const Event>(e);
    return current_copy_;
  }
  // The current event's copy for sequences (an id in seqs_.copies()), made once per event; the
  // matcher holds it until the next event.
  uint32_t copy_id(const Event& e) {
    if (current_copy_id_ == kNoCopy) {
      current_copy_id_ = seqs_.copies().make(e);
      seqs_.copies().hold(current_copy_id_);
    }
    return current_copy_id_;
  }
  void emit_partial(uint32_t rule, const Partial& p, MatchSink& sink);
  void emit(uint32_t rule, const std::vector<std::shared_ptr<const Event>>& events,
            MatchSink& sink);
  void run_rule(uint32_t r, const Event& e, MatchSink& sink);
  void run_until(uint32_t group, const Event& e);
  void run_sequence(uint32_t r, const Event& e, MatchSink& sink);
  void run_join(uint32_t r, const Event& e, MatchSink& sink);
  void run_sample(uint32_t r, const Event& e, MatchSink& sink);
  void run_aggregate(uint32_t r, const Event& e, MatchSink& sink);
  // Reports a decision of an aggregating rule: its event and the metric in the alert's details.
  void emit_aggregate(uint32_t r, const Event& e, double metric, bool at_least, MatchSink& sink);
  void expire_aggregates(int64_t now, MatchSink& sink);
  void complete(uint32_t r, uint32_t id, MatchSink& sink);
  bool missing_discards(uint32_t r, const Partial& p, uint32_t stage, int64_t now);
  // The key of `step` for the current event, or null when it does not join (a null key).
  struct CachedKey;
  CachedKey* key_of(uint32_t r, const StepPlan& step, uint32_t cls, const Event& e);
  // Id of the key in the sequence store (kNoKey: no partial holds it).
  uint32_t key_id(CachedKey& k) {
    if (k.epoch != seqs_.key_epoch()) {
      k.id = seqs_.key_id(k.ref());
      k.epoch = seqs_.key_epoch();
    }
    return k.id;
  }

  std::shared_ptr<const Engine> eng_;
  ScratchArena scratch_;
  // Per FieldScan: the entries recent values met (a direct-mapped memo keyed by the exact
  // bytes). An event repeats its process's name, executable and command line in every file
  // and network event of that process, and a host runs the same commands over and over, so a
  // value is mostly scanned once; a miss costs a hash and a copy beside the scan. Short values
  // scan faster than they hash and compare; long ones are mostly unique, and the bound keeps a
  // memo within kSlots x (kMaxBytes + 72) bytes per scanned field (~164 KiB).
  struct ScanMemo {
    static constexpr size_t kSlots = 512;
    static constexpr size_t kMinBytes = 12;
    static constexpr size_t kMaxBytes = 256;
    struct Slot {
      uint64_t hash = 0;
      bool filled = false;
      std::string text;
      std::vector<uint32_t> entries;  // in the order the scan met them
    };
    std::vector<Slot> slots;  // allocated on first use
  };
  std::vector<ScanMemo> memos_;
  uint64_t memo_hits_ = 0;
  uint64_t memo_misses_ = 0;
  uint64_t stamp_ = 0;
  // Per unit: the stamp of the last event that met one of its requirements, shifted left by
  // kMaxRequirements, or'ed with which (bit k: requirement k); one word per unit.
  std::vector<uint64_t> hits_;
  // The requirements of unit `u` the current event met (0 when it met none).
  uint32_t met(uint32_t u) const {
    const uint64_t h = hits_[u];
    return (h >> kMaxRequirements) == stamp_ ? static_cast<uint32_t>(h & kMaskBits) : 0;
  }
  static constexpr uint64_t kMaskBits = (uint64_t{1} << kMaxRequirements) - 1;
  std::vector<uint64_t> lazy_stamp_;  // per lazy slot: == stamp_ when it is to be scanned
  std::vector<uint64_t> eval_stamp_;
  std::vector<uint8_t> eval_result_;
  std::vector<uint64_t> guard_stamp_;  // per Engine::guards entry, as eval_stamp_
  std::vector<uint8_t> guard_result_;
  // Candidate rules of the current event: a bitmap over rule indexes, so that they are visited
  // in rule order without sorting; words [cand_lo_, cand_hi_) may be non-zero.
  std::vector<uint64_t> cand_words_;
  std::vector<uint32_t> until_hits_;   // until groups some unit of which the prefilter met
  std::vector<uint64_t> until_stamp_;  // per until group: == stamp_ once in until_hits_
  uint32_t cand_lo_ = UINT32_MAX;
  uint32_t cand_hi_ = 0;
  // Per key class, for the current event: the encoded key (or that it is null), its hash, and
  // its id in the sequence store as of store epoch `epoch`.
  struct CachedKey {
    uint64_t stamp = 0;
    bool ok = false;
    std::string bytes;
    uint64_t hash = 0;
    uint32_t id = kNoKey;
    uint64_t epoch = ~uint64_t{0};
    KeyRef ref() const { return {bytes, hash}; }
  };
  std::vector<CachedKey> keys_;
  std::vector<LineageTracker> trackers_;
  SequenceStore seqs_;
  std::vector<std::unique_ptr<JoinStore>> joins_;
  std::vector<std::unique_ptr<SampleStore>> samples_;
  // Aggregating rules (RuleShape::kAggregate), in rule order, and each rule's index in it.
  struct Aggregating {
    uint32_t rule;
    std::unique_ptr<AggregateStore> store;
  };
  std::vector<Aggregating> aggregates_;
  std::vector<uint32_t> aggregate_of_;
  std::string value_bytes_;  // run_aggregate's encoded value
  std::string detail_text_;  // emit_aggregate's details
  // Per rule: completed matches held for a trailing missing step (id, stamp), oldest first.
  std::vector<std::vector<std::pair<uint32_t, uint64_t>>> held_;
  std::vector<std::unordered_map<std::string, int64_t, ExactHash, ExactEq>> leading_seen_;
  std::vector<std::shared_ptr<const Event>> join_out_;
  std::vector<const Event*> emit_buf_;
  std::vector<const Event*> alias_events_;  // unit_match_partial's context
  std::shared_ptr<const Event> current_copy_;
  static constexpr uint32_t kNoCopy = 0xFFFFFFFFu;
  uint32_t current_copy_id_ = kNoCopy;
  const Event* current_ptr_ = nullptr;
  const Event* event_ = nullptr;  // the event being matched (guard_holds)
  EvalContext ctx_;
  MatcherStats stats_;
  std::vector<uint64_t> rule_evals_;
  std::vector<uint64_t> rule_matches_;
  uint64_t prefilter_skips_ = 0;
  uint64_t evaluations_held_ = 0;
};

std::unique_ptr<Matcher> Engine::make_matcher() const {
  return std::make_unique<RuleMatcher>(shared_from_this());
}

// A step reading an earlier step's event (an alias): evaluated with the partial's events at
// context indexes 1.., so never shared or cached across partials.
bool RuleMatcher::unit_match_partial(uint32_t u, const Event& e, const Partial& p) {
  const Unit& un = eng_->units[u];
  if (un.category != kAnyCategory && un.category != e.category()) return false;
  if (un.gated && met(u) != un.needed) {
    ++prefilter_skips_;
    return false;
  }
  if (!guard_holds(un)) return false;
  alias_events_.clear();
  alias_events_.push_back(&e);
  for (uint32_t c : p.events) alias_events_.push_back(&seqs_.copies().get(c));
  EvalContext& ctx = context(e);
  ctx.events = alias_events_.data();
  ctx.event_count = static_cast<uint32_t>(alias_events_.size());
  const bool r = holds(eng_->plan.rules[un.rule].program, un.where, ctx);
  ++stats_.evaluations;
  evaluations_held_ += r ? 1 : 0;
  ++rule_evals_[un.rule];
  return r;
}

bool RuleMatcher::unit_match(uint32_t u, const Event& e) {
  const Unit& un = eng_->units[u];
  if (un.category != kAnyCategory && un.category != e.category()) return false;
  if (un.gated && met(u) != un.needed) {
    ++prefilter_skips_;
    return false;
  }
  if (eval_stamp_[un.slot] == stamp_) return eval_result_[un.slot] != 0;
  if (!guard_holds(un)) return false;
  const Program& prog = eng_->plan.rules[un.rule].program;
  bool r = true;
  if (un.use_rest) {
    EvalContext& ctx = context(e);
    for (uint32_t k = 0; k < un.rest_count && r; ++k) {
      r = holds(prog, eng_->unit_rest[un.rest + k], ctx);
    }
  } else {
    r = holds(prog, un.where, context(e));
  }
  ++stats_.evaluations;
  evaluations_held_ += r ? 1 : 0;
  ++rule_evals_[un.rule];
  eval_stamp_[un.slot] = stamp_;
  eval_result_[un.slot] = r ? 1 : 0;
  return r;
}

void RuleMatcher::hit_units(std::span<const uint32_t> entries) {
  const Engine& eng = *eng_;
  for (uint32_t entry : entries) {
    const uint32_t u = entry >> kReqBits;
    const uint32_t req = entry & (kMaxRequirements - 1);
    const uint64_t mask = (met(u) | 1u << req);
    hits_[u] = stamp_ << kMaxRequirements | mask;
    const Engine::UnitSelection& sel = eng.selection[u];
    if (mask == sel.needed) {
      if (sel.until_group != UINT32_MAX) {
        if (until_stamp_[sel.until_group] != stamp_) {
          until_stamp_[sel.until_group] = stamp_;
          until_hits_.push_back(sel.until_group);
        }
      } else if ((sel.waits_at == 0 || seqs_.any_placed(sel.rule, sel.waits_at, sel.waits_at)) &&
                 (!sel.guarded || guard_holds(eng.units[u]))) {
        add_candidate(sel.rule);
      }
    } else if (req == 0 && sel.lazy) {
      const Unit& un = eng.units[u];
      for (uint32_t k = 0; k < un.lazy_count; ++k) {
        lazy_stamp_[eng.unit_lazy[un.lazy_first + k]] = stamp_;
      }
    }
  }
}

void RuleMatcher::lookup(const FieldIndex& x, const Event& e) {
  const Value v = load_field(e, x.field);
  auto find_string = [&](std::string_view s) {
    const int64_t at = x.by_string.index_of(s);
    if (at >= 0) hit_units(x.string_entries[static_cast<size_t>(at)]);
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

void RuleMatcher::scan(const Bucket& b, const Event& e, bool skip_merged) {
  for (uint32_t r : b.always_rules) add_candidate(r);
  for (const FieldIndex& x : b.indexes) {
    if (x.lazy < 0 && !(skip_merged && x.merged)) lookup(x, e);
  }
  for (const FieldScan& fs : b.scans) {
    if (fs.lazy < 0 && !(skip_merged && fs.merged)) scan_field(fs, e);
  }
  // Fields of later requirements, when some unit met its first one.
  for (const FieldIndex& x : b.indexes) {
    if (x.lazy >= 0 && lazy_stamp_[static_cast<uint32_t>(x.lazy)] == stamp_) lookup(x, e);
  }
  for (const FieldScan& fs : b.scans) {
    if (fs.lazy >= 0 && lazy_stamp_[static_cast<uint32_t>(fs.lazy)] == stamp_) scan_field(fs, e);
  }
}

void RuleMatcher::scan_field(const FieldScan& fs, const Event& e) {
  const Value v = load_field(e, fs.field);
  switch (v.kind) {
    case ValueKind::kString:
      scan_text(fs, v.s);
      break;
    case ValueKind::kStringList:
      for (uint32_t k = 0; k < v.list_count; ++k) scan_text(fs, v.item(k));
      break;
    case ValueKind::kIp:
      scan_text(fs, v.ip->to_string());
      break;
    default:
      break;
  }
}

void RuleMatcher::scan_text(const FieldScan& fs, std::string_view text) {
  if (text.size() < ScanMemo::kMinBytes || text.size() > ScanMemo::kMaxBytes) {
    fs.scan(text, [this](std::span<const uint32_t> es) { hit_units(es); });
    return;
  }
  ScanMemo& memo = memos_[fs.memo];
  if (memo.slots.empty()) memo.slots.resize(ScanMemo::kSlots);
  const uint64_t h = hash_bytes(text, false);
  ScanMemo::Slot& slot = memo.slots[h & (ScanMemo::kSlots - 1)];
  if (slot.hash == h && slot.filled && slot.text == text) {
    ++memo_hits_;
    hit_units(slot.entries);
    return;
  }
  ++memo_misses_;
  slot.filled = false;
  slot.entries.clear();
  fs.scan(text, [&slot](std::span<const uint32_t> es) {
    slot.entries.insert(slot.entries.end(), es.begin(), es.end());
  });
  slot.text.assign(text);
  slot.hash = h;
  slot.filled = true;
  hit_units(slot.entries);
}

void RuleMatcher::emit_partial(uint32_t rule, const Partial& p, MatchSink& sink) {
  emit_buf_.clear();
  for (uint32_t c : p.events) emit_buf_.push_back(&seqs_.copies().get(c));
  ++rule_matches_[rule];
  sink.on_match(eng_->plan.rules[rule].rule_index, emit_buf_);
}

void RuleMatcher::emit(uint32_t rule, const std::vector<std::shared_ptr<const Event>>& events,
                       MatchSink& sink) {
  emit_buf_.clear();
  for (const auto& ev : events) emit_buf_.push_back(ev.get());
  ++rule_matches_[rule];
  sink.on_match(eng_->plan.rules[rule].rule_index, emit_buf_);
}

RuleMatcher::CachedKey* RuleMatcher::key_of(uint32_t r, const StepPlan& step, uint32_t cls,
                                            const Event& e) {
  CachedKey& k = keys_[cls];
  if (k.stamp != stamp_) {
    const RulePlan& rp = eng_->plan.rules[r];
    EvalContext& ctx = context(e);
    k.stamp = stamp_;
    k.ok = encode_key(rp.program, step.keys, ctx, rp.key_nullable, rp.fold_key_case, k.bytes);
    k.hash = k.ok ? hash_key(k.bytes) : 0;
    k.epoch = ~uint64_t{0};
  }
  return k.ok ? &k : nullptr;
}

// Missing events at the ends follow Elasticsearch's acceptance rules ([TW]
// doCheckMissingEvents; docs/eql-semantics.md "Elasticsearch dialect"): a leading event alone
// discards a match only within maxspan of its last event; with leading and trailing steps only a
// pair of events within maxspan discards it; a trailing event alone discards it within maxspan
// of its first event.
void RuleMatcher::complete(uint32_t r, uint32_t id, MatchSink& sink) {
  const RuleInfo& ri = eng_->info[r];
  const Partial& p = seqs_.get(id);
  const bool leading_found = p.leading_ns != INT64_MIN;
  if (ri.leading && leading_found && !ri.trailing) {
    const int64_t last = seqs_.copies().get(p.events[p.events.size() - 1]).time_ns();
    if (last - p.leading_ns <= eng_->plan.rules[r].maxspan_ns) {
      seqs_.release(id);
      ++stats_.expired_sequences;
      return;
    }
  }
  if (ri.trailing && (!ri.leading || leading_found)) {
    // Held until maxspan from the first event has passed on the event clock without a
    // trailing missing event (emitted then, or at finish()): in a stream the trailing events
    // are still to come, where Elasticsearch queries stored ones (issue #145323). Held ones are
    // live but in no stage map, since every candidate is judged on its own (several may hold
    // one key).
    Partial& h = seqs_.get(id);
    h.stage = static_cast<uint32_t>(ri.real.size());
    auto& held = held_[r];
    if (held.size() > 64 && held.size() > 2 * seqs_.pending()) {
      std::erase_if(held, [&](const std::pair<uint32_t, uint64_t>& x) {
        return !seqs_.get(x.first).live || seqs_.get(x.first).stamp != x.second;
      });
    }
    held.emplace_back(id, h.stamp);
    return;
  }
  emit_partial(r, p, sink);
  seqs_.release(id);
}

// A missing-step event for the partial held at `stage` with its key: true when it discards the
// partial. Middle steps look at (last event, next event) exclusive [TW]; trailing ones see
// events after the last one, within maxspan of the first (or, with leading steps, of the
// leading event).
bool RuleMatcher::missing_discards(uint32_t r, const Partial& p, uint32_t stage, int64_t now) {
  const RuleInfo& ri = eng_->info[r];
  const int64_t last = seqs_.copies().get(p.events[p.events.size() - 1]).time_ns();
  if (now <= last) return false;
  if (stage == ri.real.size() && ri.leading) {
    return p.leading_ns != INT64_MIN && now - p.leading_ns <= eng_->plan.rules[r].maxspan_ns;
  }
  return true;
}

void RuleMatcher::run_sequence(uint32_t r, const Event& e, MatchSink& sink) {
  const RulePlan& rp = eng_->plan.rules[r];
  const RuleInfo& ri = eng_->info[r];
  const auto stages = static_cast<uint32_t>(ri.real.size());
  const int64_t now = e.time_ns();
  if (rp.until && ri.until_group == UINT32_MAX && seqs_.any_placed(r, 1, stages) &&
      unit_match(static_cast<uint32_t>(ri.until_unit), e)) {
    if (CachedKey* k = key_of(r, *rp.until, ri.until_key, e)) {
      stats_.expired_sequences += seqs_.remove_key(r, key_id(*k), 1, stages);
    }
  }
  for (uint32_t g = 0; g < ri.missing_at.size(); ++g) {
    const bool trailing = g == stages;  // held matches are in no stage map: always look
    if (g > 0 && !trailing && !seqs_.any_placed(r, g, g)) continue;
    for (uint32_t m : ri.missing_at[g]) {
      if (!unit_match(ri.step_units[m], e)) continue;
      CachedKey* k = key_of(r, rp.steps[m], ri.step_keys[m], e);
      if (k == nullptr) continue;
      if (g == 0) {
        auto& seen = leading_seen_[r];
        if (seen.size() >= eng_->plan.limits.max_pending_per_rule) seen.clear();
        seen[k->bytes] = now;
      } else if (trailing) {
        const uint32_t key = key_id(*k);
        if (key == kNoKey) continue;
        seqs_.for_each_with_key(key, [&](uint32_t id) {
          const Partial& p = seqs_.get(id);
          if (p.rule != r || p.placed || p.stage != stages) return;
          if (!missing_discards(r, p, g, now)) return;
          seqs_.release(id);
          ++stats_.expired_sequences;
        });
      } else {
        const int64_t found = seqs_.find(r, g, key_id(*k));
        if (found >= 0 && missing_discards(r, seqs_.get(static_cast<uint32_t>(found)), g, now)) {
          seqs_.release(static_cast<uint32_t>(found));
          ++stats_.expired_sequences;
        }
      }
    }
  }
  // Later steps first, so that one event advances a partial by one step only.
  for (uint32_t j = stages; j-- > 0;) {
    const uint32_t s = ri.real[j];
    if (j > 0 && !seqs_.any_placed(r, j, j)) continue;
    const bool per_partial = j > 0 && rp.steps[s].uses_alias;
    if (!per_partial && !unit_match(ri.step_units[s], e)) continue;
    CachedKey* k = key_of(r, rp.steps[s], ri.step_keys[s], e);
    if (k == nullptr) continue;
    if (per_partial) {
      // The key first: the one partial waiting here with it decides what the aliases read.
      const int64_t waiting = seqs_.find(r, j, key_id(*k));
      if (waiting < 0 ||
          !unit_match_partial(ri.step_units[s], e, seqs_.get(static_cast<uint32_t>(waiting)))) {
        continue;
      }
    }
    if (j == 0) {
      const uint32_t id = seqs_.create(r, k->ref(), now);
      if (ri.leading) {
        // The latest leading event strictly before this first event ([TW]: `< ts(first)`).
        auto it = leading_seen_[r].find(k->bytes);
        if (it != leading_seen_[r].end() && it->second < now) {
          seqs_.get(id).leading_ns = it->second;
        }
      }
      seqs_.add_event(id, copy_id(e));
      if (stages == 1) {
        complete(r, id, sink);
      } else {
        seqs_.place(id, 1);
      }
      continue;
    }
    const int64_t found = seqs_.find(r, j, key_id(*k));
    if (found < 0) continue;
    uint32_t id = static_cast<uint32_t>(found);
    if (rp.steps[s].fork) {
      id = seqs_.clone(id);
    } else {
      seqs_.unplace(id);
    }
    seqs_.add_event(id, copy_id(e));
    if (j + 1 == stages) {
      complete(r, id, sink);
    } else {
      seqs_.place(id, j + 1);
    }
  }
}

// The key comes before the predicate: most ending processes hold no partial match, and then
// the key (cached per event and key class) says so without evaluating anything. Otherwise the
// partials holding the key are the only ones visited; each placed one whose rule is in the
// group goes when the `until` holds (one shared evaluation).
void RuleMatcher::run_until(uint32_t group, const Event& e) {
  const UntilGroup& g = eng_->until_groups[group];
  CachedKey* k = key_of(g.rule, *eng_->plan.rules[g.rule].until, g.key_class, e);
  if (k == nullptr) return;
  const uint32_t key = key_id(*k);
  if (key == kNoKey) return;
  seqs_.for_each_with_key(key, [&](uint32_t id) {
    const Partial& p = seqs_.get(id);
    const RuleInfo& ri = eng_->info[p.rule];
    if (ri.until_group != group || !p.placed || p.stage < 1) return;
    if (!unit_match(static_cast<uint32_t>(ri.until_unit), e)) return;
    seqs_.release(id);
    ++stats_.expired_sequences;
  });
}

void RuleMatcher::run_join(uint32_t r, const Event& e, MatchSink& sink) {
  const RulePlan& rp = eng_->plan.rules[r];
  const RuleInfo& ri = eng_->info[r];
  JoinStore& js = *joins_[r];
  if (rp.until && unit_match(static_cast<uint32_t>(ri.until_unit), e)) {
    if (const CachedKey* k = key_of(r, *rp.until, ri.until_key, e)) {
      stats_.expired_sequences += js.remove(k->bytes) ? 1 : 0;
    }
  }
  for (uint32_t p = 0; p < rp.steps.size(); ++p) {
    if (!unit_match(ri.step_units[p], e)) continue;
    if (const CachedKey* k = key_of(r, rp.steps[p], ri.step_keys[p], e)) {
      if (js.fill(k->bytes, p, copy(e), join_out_)) emit(r, join_out_, sink);
    }
  }
}

// Each filter the event passes offers it under that filter's key (filters may key on
// different fields); the store decides when one distinct event per filter is available.
void RuleMatcher::run_sample(uint32_t r, const Event& e, MatchSink& sink) {
  const RulePlan& rp = eng_->plan.rules[r];
  const RuleInfo& ri = eng_->info[r];
  SampleStore& ss = *samples_[r];
  for (uint32_t f = 0; f < rp.steps.size(); ++f) {
    if (!unit_match(ri.step_units[f], e)) continue;
    if (const CachedKey* k = key_of(r, rp.steps[f], ri.step_keys[f], e)) {
      if (ss.offer(k->bytes, f, copy(e), join_out_)) emit(r, join_out_, sink);
    }
  }
}

// Each step the event meets adds it to its group (the step's join keys) with what it
// contributes: its value (distinct counts; a tuple is encoded as a join key is, and a null value
// contributes nothing), its amount (sums, averages; a number, or text that is one), or which step
// it met (temporal). An event counts once for event counts, sums and averages, whatever number
// of the referenced rules it meets.
void RuleMatcher::run_aggregate(uint32_t r, const Event& e, MatchSink& sink) {
  const RulePlan& rp = eng_->plan.rules[r];
  const RuleInfo& ri = eng_->info[r];
  const AggregatePlan& ap = rp.aggregate;
  AggregateStore& store = *aggregates_[aggregate_of_[r]].store;
  for (uint32_t s = 0; s < rp.steps.size(); ++s) {
    if (!unit_match(ri.step_units[s], e)) continue;
    CachedKey* k = key_of(r, rp.steps[s], ri.step_keys[s], e);
    if (k == nullptr) continue;
    AggregateStore::Input in;
    if (ap.metric == AggregateMetric::kDistinctValues) {
      if (ap.step_is_value) {
        value_bytes_.assign(1, static_cast<char>(s));
      } else if (s >= ap.values.size() ||
                 !encode_key(rp.program, ap.values[s], context(e), {}, false, value_bytes_)) {
        continue;
      }
      in.value = value_bytes_;
    } else if (ap.metric != AggregateMetric::kEvents) {
      if (s >= ap.values.size() || ap.values[s].empty()) continue;
      const std::optional<double> n = amount_of(evaluate(rp.program, ap.values[s][0], context(e)));
      if (!n) continue;
      in.amount = *n;
    }
    double metric = 0;
    if (store.add(k->ref(), in, e.time_ns(), ap.at_close ? copy(e) : nullptr, metric)) {
      emit_aggregate(r, e, metric, false, sink);
    }
    if (ap.metric != AggregateMetric::kDistinctValues) break;
  }
}

void RuleMatcher::emit_aggregate(uint32_t r, const Event& e, double metric, bool at_least,
                                 MatchSink& sink) {
  const AggregatePlan& ap = eng_->plan.rules[r].aggregate;
  char number[32];
  std::snprintf(number, sizeof number, "%.15g", metric);
  detail_text_.assign(ap.description);
  detail_text_ += at_least ? " = at least " : " = ";
  detail_text_ += number;
  MatchDetail detail;
  detail.details = detail_text_;
  const Event* one[] = {&e};
  ++rule_matches_[r];
  sink.on_match_detail(eng_->plan.rules[r].rule_index, one, detail);
}

void RuleMatcher::expire_aggregates(int64_t now, MatchSink& sink) {
  for (const Aggregating& a : aggregates_) {
    if (a.store->next_deadline() >= now) continue;
    for (const AggregateStore::Fired& f : a.store->expire(now)) {
      if (f.event) emit_aggregate(a.rule, *f.event, f.metric, f.at_least, sink);
    }
  }
}

void RuleMatcher::process(const Event& e, MatchSink& sink) {
  scratch_.reset();
  ++stamp_;
  current_copy_.reset();
  if (current_copy_id_ != kNoCopy) {
    seqs_.copies().drop(current_copy_id_);
    current_copy_id_ = kNoCopy;
  }
  const int64_t now = e.time_ns();
  event_ = &e;
  seqs_.expire(now, [&](uint32_t id) {
    Partial& p = seqs_.get(id);
    const RuleInfo& ri = eng_->info[p.rule];
    if (ri.trailing && !p.placed && p.stage == ri.real.size()) {
      emit_partial(p.rule, p, sink);
    } else {
      ++stats_.expired_sequences;
    }
  });
  if (!aggregates_.empty()) expire_aggregates(now, sink);
  // One prefilter pass per event for every IR rule of the set, whichever kind wrote it.
  ++stats_.prefilter_scans;
  const Bucket* own = eng_->bucket(e.category());
  if (own != nullptr) scan(*own, e);
  scan(eng_->any, e, own != nullptr);
  // Lineage before rules: a process event updates the trees its own rules then test.
  for (size_t slot = 0; slot < trackers_.size(); ++slot) {
    LineageTracker& t = trackers_[slot];
    t.on_event(e);
    const LineagePlan& lp = eng_->plan.lineages[slot];
    if (lp.subquery.category != kAnyCategory && lp.subquery.category != e.category()) continue;
    EvalContext& ctx = context(e);
    ++stats_.evaluations;
    if (holds(eng_->plan.rules[lp.rule].program, lp.subquery.where, ctx)) {
      t.on_subquery_match(e);
    }
  }
  // Before any rule's steps, as run_sequence orders them: `until` removes, then steps advance.
  for (uint32_t u : until_hits_) run_until(u, e);
  until_hits_.clear();
  const uint32_t lo = cand_lo_, hi = cand_hi_;
  cand_lo_ = UINT32_MAX;
  cand_hi_ = 0;
  for (uint32_t w = lo; w < hi; ++w) {
    for (uint64_t bits = std::exchange(cand_words_[w], 0); bits != 0; bits &= bits - 1) {
      run_rule(w * 64 + static_cast<uint32_t>(std::countr_zero(bits)), e, sink);
    }
  }
}

size_t RuleMatcher::select_only(const Event& e) {
  scratch_.reset();
  ++stamp_;
  event_ = &e;
  const Bucket* own = eng_->bucket(e.category());
  if (own != nullptr) scan(*own, e);
  scan(eng_->any, e, own != nullptr);
  size_t n = until_hits_.size();
  until_hits_.clear();
  for (uint32_t w = cand_lo_; w < cand_hi_; ++w) {
    n += static_cast<size_t>(std::popcount(std::exchange(cand_words_[w], 0)));
  }
  cand_lo_ = UINT32_MAX;
  cand_hi_ = 0;
  return n;
}

void RuleMatcher::run_rule(uint32_t r, const Event& e, MatchSink& sink) {
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
    case RuleShape::kSample:
      run_sample(r, e, sink);
      break;
    case RuleShape::kAggregate:
      run_aggregate(r, e, sink);
      break;
  }
}

void RuleMatcher::finish(MatchSink& sink) {
  // Windows still open at the end of the input close now, in rule and deadline order.
  for (const Aggregating& a : aggregates_) {
    for (const AggregateStore::Fired& f : a.store->finish()) {
      if (f.event) emit_aggregate(a.rule, *f.event, f.metric, f.at_least, sink);
    }
  }
  for (uint32_t r = 0; r < eng_->plan.rules.size(); ++r) {
    const RuleInfo& ri = eng_->info[r];
    if (eng_->plan.rules[r].shape != RuleShape::kSequence || !ri.trailing) continue;
    for (const auto& [id, stamp] : held_[r]) {
      const Partial& p = seqs_.get(id);
      if (!p.live || p.stamp != stamp) continue;
      emit_partial(r, p, sink);
      seqs_.release(id);
    }
    held_[r].clear();
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
  for (const auto& m : samples_) {
    if (m) {
      s.pending_sequences += m->pending();
      s.evicted_sequences += m->evicted();
    }
  }
  for (const Aggregating& a : aggregates_) {
    s.correlation_groups += a.store->groups();
    s.correlation_evictions += a.store->evicted();
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

void set_reference_matching(bool on) {
  g_reference_matching.store(on);
}

std::shared_ptr<const CompiledRules> build_rules(RuleSetPlan plan) {
  return std::make_shared<Engine>(std::move(plan));
}

}  // namespace wsn::match
