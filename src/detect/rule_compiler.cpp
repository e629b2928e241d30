#include "detect/rule_compiler.h"

namespace wsn {

RuleSetBuild build_rule_set(const std::vector<RuleSource>& rules,
                            std::span<RuleKindCompiler* const> compilers, FieldRegistry& registry,
                            uint64_t generation) {
  RuleSetBuild out;
  auto set = std::make_shared<RuleSet>();
  set->generation = generation;
  for (const auto& r : rules) set->rules.push_back(r.meta);

  for (RuleKindCompiler* c : compilers) {
    std::vector<const RuleSource*> mine;
    std::vector<uint32_t> indices;
    for (uint32_t k = 0; k < rules.size(); ++k) {
      if (rules[k].meta.kind == c->kind() && rules[k].meta.enabled) {
        mine.push_back(&rules[k]);
        indices.push_back(k);
      }
    }
    if (mine.empty()) continue;
    if (auto compiled = c->compile(mine, indices, registry, out.report)) {
      set->compiled.push_back(std::move(compiled));
    }
  }
  for (uint32_t k : out.report.failed) {
    if (k < set->rules.size()) set->rules[k].failed = true;
  }
  for (auto& meta : set->rules) {
    bool supported = false;
    for (RuleKindCompiler* c : compilers) supported |= c->kind() == meta.kind;
    if (!supported) {
      out.report.errors.push_back(meta.source + ": error: rule '" + meta.id + "' has type '" +
                           std::string(rule_kind_name(meta.kind)) +
                           "', which this build cannot run yet\n");
      meta.failed = true;
    }
  }
  out.rule_set = std::move(set);
  return out;
}

}  // namespace wsn
