// build_rule_set() hands every loaded rule to the rule kind named by its `type:` and bundles the
// results into one immutable RuleSet snapshot. Kinds that compile to the predicate IR (EQL, and
// Sigma next) add their rules to ONE shared plan, built into one matcher: one category index,
// one prefilter scan per event and one sequence store however many IR kinds and files there
// are. Other kinds (Wasm, plug-ins) contribute their own CompiledRules.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "detect/rule_file.h"
#include "wsn/detector.h"
#include "wsn/rule_kind.h"
#include "wsn/schema.h"

namespace wsn {

// A rule kind of an engine under its registered name.
struct NamedRuleKind {
  std::string name;
  RuleKind* kind = nullptr;
};

struct RuleSetBuild {
  std::shared_ptr<const RuleSet> rule_set;
  RuleReport report;
};

// Compiles every rule with the kind of its type. Rules of a kind with no entry in `kinds` are
// errors. Disabled rules are kept in the metadata but not compiled.
RuleSetBuild build_rule_set(const std::vector<RuleSource>& rules,
                            std::span<const NamedRuleKind> kinds, FieldRegistry& registry,
                            uint64_t generation);

}  // namespace wsn
