// The Wasm rule kind plug-in: a rule's body (`module:`) is the path of a .wasm module, relative
// to its rule file; `config` (bytes for wsn_init) and `fail: open|closed` are optional.
#pragma once

#include <memory>

#include "wasm/options.h"
#include "wsn/plugins.h"

namespace wsn {

// A Wasm rule kind with the given runtime options (tests; the plug-in uses the defaults).
std::unique_ptr<RuleKind> make_wasm_rule_kind(std::shared_ptr<const wasm::WasmOptions> options);

namespace plugins {
RuleKindPlugin wasm_rule_kind_plugin();
}  // namespace plugins

}  // namespace wsn
