// The Sigma rule kind plug-in (docs/sigma.md): Sigma documents in rule files (title, logsource,
// detection) become rules of kind `sigma`, compiled through EQL into the shared plan.
#pragma once

#include <string>

#include "wsn/plugins.h"

namespace wsn::plugins {

RuleKindPlugin sigma_rule_kind_plugin();

}  // namespace wsn::plugins

namespace wsn::sigma {

// The EQL query a loaded Sigma rule compiles to (`query` hunts with it). Diagnostics point
// into the rule's file (RuleSource::body). False when the rule does not translate.
bool rule_to_eql(const RuleSource& rule, const FieldRegistry& registry, Diagnostics& diags,
                 std::string& eql);

}  // namespace wsn::sigma
