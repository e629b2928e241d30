// Deterministic generator of EQL detection rules (Elastic dialect, ECS fields) for the EQL
// benchmark. The mix follows what detection content looks like: ~80% single-event rules
// (field equality, `:` wildcards on command lines, `in` lists, startsWith, file-path patterns,
// network ports, a few regexes) and ~20% `sequence by process.entity_id with maxspan=…` rules
// of 2-3 steps, half of them with `until [process where event.type == "end"]`.
//
// Where the literals come from decides how often a rule fires (host_model.h; shares drawn
// before duplicates are redrawn, which lowers the attack share to about 40%):
//   45% attack    — one attacker technique of the host: fires on its rare attack events
//    2% noisy     — one everyday program, consistently: fires often (every set has a few)
//   23% near miss — an everyday program for the first condition, something absent for the
//                   next: passes the prefilter, is evaluated, never fires
//   30% foreign   — literals absent from the host: costs prefilter work only
// Rule k never depends on the requested count: smaller sets are prefixes of larger ones.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace wsn::bench::eql {

enum class RuleShape {
  kEquality,
  kWildcard,
  kInList,
  kStartsWith,
  kFilePattern,
  kNetwork,
  kRegex,
  kSequence
};

enum class RuleSource { kAttack, kNoisy, kNearMiss, kForeign };

struct GeneratedRule {
  std::string query;
  RuleShape shape = RuleShape::kEquality;
  RuleSource source = RuleSource::kForeign;
};

std::vector<GeneratedRule> generate_rules(size_t count, uint64_t seed = 11);

// Diagnostic: the query without its `event.type` / `event.action` conjuncts (the generic
// conditions nearly every real rule carries), to see what they cost the prefilter.
std::string strip_generic_conjuncts(std::string query);

// The rules as YAML rule documents (`---`-separated), ids bench.eql.NNNN.
std::string rules_yaml(std::span<const GeneratedRule> rules);

}  // namespace wsn::bench::eql
