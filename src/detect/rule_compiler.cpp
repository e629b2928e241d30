#include "detect/rule_compiler.h"

#include "common/check.h"
#include "match/engine.h"
#include "match/plan.h"

namespace wsn {

RuleSetBuild build_rule_set(const std::vector<RuleSource>& rules,
                            std::span<const NamedRuleKind> kinds, FieldRegistry& registry,
                            uint64_t generation) {
  RuleSetBuild out;
  auto set = std::make_shared<RuleSet>();
  set->generation = generation;
  for (const auto& r : rules) set->rules.push_back(r.meta);

  RulePlanBuilder shared;
  bool any_ir = false;
  for (const NamedRuleKind& k : kinds) {
    std::vector<const RuleSource*> mine;
    std::vector<uint32_t> indices;
    for (uint32_t i = 0; i < rules.size(); ++i) {
      if (rules[i].meta.kind == k.name && rules[i].meta.enabled) {
        mine.push_back(&rules[i]);
        indices.push_back(i);
      }
    }
    if (mine.empty()) continue;
    if (!k.kind->compiles_to_shared_plan()) {
      // Exceptions compile into the shared predicate-IR plan as `and not (…)`; a kind with its
      // own runner has no query to add them to.
      for (size_t j = 0; j < mine.size(); ++j) {
        if (mine[j]->exceptions == nullptr) continue;
        out.report.add_message(DiagSeverity::kError, mine[j]->meta.source,
                               "rule '" + mine[j]->meta.id + "' of type '" + k.name +
                                   "' has exceptions, but exceptions apply to query rules "
                                   "(type eql) only",
                               "RULE025");
        out.report.failed.push_back(indices[j]);
      }
    }
    if (k.kind->compiles_to_shared_plan()) {
      k.kind->add_to_plan(mine, indices, registry, shared, out.report);
      any_ir = true;
    } else if (auto compiled = k.kind->compile(mine, indices, registry, out.report)) {
      set->compiled.push_back(std::move(compiled));
    }
  }
  if (any_ir) {
    // First, so IR rules are matched before the others see the event (as before the merge).
    set->compiled.insert(set->compiled.begin(), match::build_rules(std::move(shared.plan)));
  }
  for (uint32_t k : out.report.failed) {
    WSN_DCHECK(k < set->rules.size(), "a rule kind reported a rule index it was not given");
    if (k < set->rules.size()) set->rules[k].failed = true;
  }
  for (auto& meta : set->rules) {
    bool supported = false;
    for (const NamedRuleKind& k : kinds) supported |= k.name == meta.kind;
    if (!supported) {
      out.report.add_message(DiagSeverity::kError, meta.source,
                             "rule '" + meta.id + "' has type '" + meta.kind +
                                 "', which this engine has no rule kind for");
      meta.failed = true;
    }
  }
  out.rule_set = std::move(set);
  return out;
}

}  // namespace wsn
