// The EQL rule kind plug-in (rules of `type: eql`, body `query:`).
#pragma once

#include "wsn/plugins.h"

namespace wsn::plugins {

RuleKindPlugin eql_rule_kind_plugin();

}  // namespace wsn::plugins
