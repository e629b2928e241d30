#include "engine/engine.h"

namespace wsn {

std::vector<std::unique_ptr<RuleKindCompiler>> make_rule_compilers() {
  std::vector<std::unique_ptr<RuleKindCompiler>> out;
  return out;
}

}  // namespace wsn
