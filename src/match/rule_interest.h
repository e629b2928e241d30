// Interest of an EQL rule set (wsn::EventInterest): what its predicates can match, read from
// the compiled plan. Every event test (single-event rules, each sequence / join step including
// `![...]` and `until`, lineage subqueries) contributes its category and, when its top-level
// conjunction (or a disjunction whose every branch does) pins them down, the event.action /
// event.type values and file.path prefixes it requires. Anything not understood leaves the
// dimension unconstrained, so the result is never narrower than what the rules can match.
#pragma once

#include "match/plan.h"
#include "wsn/detector.h"

namespace wsn::match {

void add_plan_interest(const RuleSetPlan& plan, const FieldRegistry& registry,
                       EventInterest& out);

}  // namespace wsn::match
