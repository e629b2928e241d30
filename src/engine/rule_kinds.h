// Factories of the rule kinds this build provides; make_rule_compilers() (engine.h) lists them.
#pragma once

#include <memory>

#include "detect/rule_compiler.h"

namespace wsn {

namespace wasm {
struct WasmOptions;
}

std::unique_ptr<RuleKindCompiler> make_eql_rule_kind();
// Wasm rules (docs/wasm-runtime.md); options from the environment, or given.
std::unique_ptr<RuleKindCompiler> make_wasm_rule_kind();
std::unique_ptr<RuleKindCompiler> make_wasm_rule_kind(
    std::shared_ptr<const wasm::WasmOptions> options);

}  // namespace wsn
