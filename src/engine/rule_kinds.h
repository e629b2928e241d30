// Factories of the rule kinds this build provides; make_rule_compilers() (engine.h) lists them.
#pragma once

#include <memory>

#include "detect/rule_compiler.h"

namespace wsn {

std::unique_ptr<RuleKindCompiler> make_eql_rule_kind();

}  // namespace wsn
