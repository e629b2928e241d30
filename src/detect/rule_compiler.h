// Rule kinds plug into the detection stage through a RuleKindCompiler: EQL, Sigma and Wasm each
// provide one. build_rule_set() hands every loaded rule to the compiler of its kind and bundles
// the results into one immutable RuleSet snapshot.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "detect/rule_file.h"
#include "wsn/detector.h"
#include "wsn/schema.h"

namespace wsn {

// Rendered diagnostics of a rule load (file:line:col: error: … with source line and caret).
struct RuleReport {
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
  std::vector<uint32_t> failed;  // rule indices that did not compile
};

class RuleKindCompiler {
 public:
  virtual ~RuleKindCompiler() = default;
  virtual RuleKind kind() const = 0;
  // Compiles `rules`; rule k must be reported to MatchSink as rule_index `indices[k]`. Appends
  // rendered diagnostics to `report` and the index of every rule with errors to
  // `report.failed`; those rules are left out.
  virtual std::shared_ptr<const CompiledRules> compile(std::span<const RuleSource* const> rules,
                                                       std::span<const uint32_t> indices,
                                                       FieldRegistry& registry,
                                                       RuleReport& report) = 0;
};

struct RuleSetBuild {
  std::shared_ptr<const RuleSet> rule_set;
  RuleReport report;
};

// Compiles every rule with the compiler of its kind. Rules of a kind with no compiler are
// errors. Disabled rules are kept in the metadata but not compiled.
RuleSetBuild build_rule_set(const std::vector<RuleSource>& rules,
                            std::span<RuleKindCompiler* const> compilers, FieldRegistry& registry,
                            uint64_t generation);

}  // namespace wsn
