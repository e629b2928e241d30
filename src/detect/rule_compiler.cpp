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
    if (auto compiled = c->compile(mine, indices, registry, out.errors)) {
      set->compiled.push_back(std::move(compiled));
    }
  }
  for (const auto& r : rules) {
    bool supported = false;
    for (RuleKindCompiler* c : compilers) supported |= c->kind() == r.meta.kind;
    if (!supported) {
      out.errors.push_back(r.meta.source + ": error: rule '" + r.meta.id + "' has type '" +
                           std::string(rule_kind_name(r.meta.kind)) +
                           "', which this build cannot run yet\n");
    }
  }
  out.rule_set = std::move(set);
  return out;
}

}  // namespace wsn
