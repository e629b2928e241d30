// Options of the EQL binder/compiler: the dialect decides case rules, wildcard expansion of
// `==`, static typing strictness and how sequence keys treat null.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "match/plan.h"

namespace wsn::eql {

enum class Dialect : uint8_t {
  // Elasticsearch EQL: `==`/`!=`/`in`/functions are case-sensitive (`~` forms and `:` are not),
  // `==` never expands wildcards, type mismatches are errors, null join keys do not join
  // unless the key is an optional `?field`.
  kElastic,
  // Endgame EQL: every string operation follows `case_sensitive` (default: insensitive),
  // `field == "a*b"` is a wildcard match, fields are dynamically typed (mismatches involving
  // fields are warnings and evaluate to null), null is an ordinary join-key value.
  kEndgame,
};

// How process events feed `child of` / `descendant of` / `event of`.
struct LineageOptions {
  std::string pid_field;
  std::string ppid_field;
  std::string op_field;  // decides creation / termination
  std::vector<int64_t> create_codes, terminate_codes;
  std::vector<std::string> create_names, terminate_names;
  std::string process_category = "process";
  size_t max_entries = 1 << 16;

  // ECS: process.entity_id / process.parent.entity_id; event.type "start" / "end".
  static LineageOptions ecs();
  // Endgame: pid / ppid; opcode 1, 3, 9 create and 2, 4 terminate.
  static LineageOptions endgame();
};

// Elasticsearch's sample request parameters ([EQLDOC] "Samples"): `size` bounds the samples a
// query returns (default 10; 0: no bound), `max_samples_per_key` those of one key tuple.
struct SampleOptions {
  uint64_t size = 10;
  uint32_t max_samples_per_key = 1;
};

struct CompileOptions {
  Dialect dialect = Dialect::kElastic;
  bool case_sensitive = false;            // Endgame dialect only
  std::optional<LineageOptions> lineage;  // default: ecs() for Elastic, endgame() for Endgame
  match::SequenceLimits limits;
  bool warn_unknown_fields = true;  // EQL2101 for fields not in the registry
  // `sample` limits of ad-hoc queries (compile_eql_query). Detection rules (compile_eql_rules)
  // watch a stream with no result set to bound: they use max_samples_per_key only.
  SampleOptions sample;
};

}  // namespace wsn::eql
