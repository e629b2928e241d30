// Elastic rule files (*.toml), loaded unmodified beside the YAML rule files, in two formats:
//
//   detection-rules (elastic/detection-rules): [metadata] maturity …, [rule] rule_id, name,
//     description, severity, risk_score, language, type, query, tags, references,
//     false_positives, author, version …, [[rule.threat]] ATT&CK mapping;
//   endpoint behaviour rules (elastic/protections-artifacts): [rule] id, name, description,
//     query, os_list, version …, top-level [[threat]], [[actions]], [internal].
//
// EQL rules become rules of the `eql` kind compiled in the Elasticsearch dialect, their query
// positioned in the TOML file so that compile errors point at its line and column. Rules this
// engine does not run (another type or language, deprecated) are skipped with a warning each
// and counted in RuleLoadResult::skipped. docs/rule-files.md, "Elastic rule files".
//
// Thread safety: plain functions of their arguments.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <string_view>

#include "detect/rule_file.h"

namespace wsn {

// Loads the rule of one Elastic rule file's text. `seen_ids` holds the ids loaded so far
// (a duplicate is an error) and receives this rule's.
void load_elastic_rule_text(const std::string& file_name, const std::string& text,
                            RuleLoadResult& out, std::set<std::string>& seen_ids,
                            const PluginRegistry& plugins);

// Byte offset in a TOML text where the value of `key` in table `table` begins ("" for the
// top-level table, "rule" for [rule]), found by a line scan that steps over multi-line strings;
// npos when absent. Only bare keys and plain table headers (what rule files use).
size_t find_toml_value(std::string_view text, std::string_view table, std::string_view key);

}  // namespace wsn
