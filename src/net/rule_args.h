// A network rule written as the arguments of `net rule add` ("--id 7 --src 10.0.0.0/8
// --dport 22 --proto tcp --action drop"): how the configuration file's `sources.xdp.rules`
// entries and the test case files spell rules, so there is one syntax to learn.
#pragma once

#include <string_view>

#include "net/net_rule.h"

namespace wsn::net {

// Parses and validates one rule; the error names the option and what is wrong with it.
Result<NetRule> parse_rule_args(std::string_view text);

}  // namespace wsn::net
