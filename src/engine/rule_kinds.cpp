#include "engine/rule_kinds.h"

#include "engine/engine.h"

namespace wsn {

std::vector<std::unique_ptr<RuleKindCompiler>> make_rule_compilers() {
  std::vector<std::unique_ptr<RuleKindCompiler>> out;
  out.push_back(make_eql_rule_kind());
  out.push_back(make_wasm_rule_kind());
  return out;
}

}  // namespace wsn
