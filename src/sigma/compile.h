// A Sigma rule (one YAML document, `action: global` parts merged in) → one EQL query over the
// mapped events, with `// from FILE:LINE` comments naming the Sigma line each part came from.
// The query is compiled by the EQL compiler into the shared rule plan (sigma_rule_kind.cpp),
// so Sigma and EQL rules share the category index, the prefilter and the evaluation.
#pragma once

#include <string>

#include "sigma/mapping.h"
#include "wsn/diagnostics.h"
#include "wsn/schema.h"

namespace YAML {
class Node;
}

namespace wsn::sigma {

enum class Outcome {
  kOk,        // `eql` is the query
  kError,     // errors in `diags`
  kUnmapped,  // the logsource has no mapping: a warning in `diags`, the rule is left out
};

// `file_text` is the text the document's YAML marks point into (diagnostic offsets are its
// byte offsets); `file_name` names it in the comments.
// What correlations need of a translated rule: its event category, its condition (the text
// after `where`) and its logsource's mapping (for `group-by` fields).
struct RuleParts {
  std::string category;
  std::string condition;
  const LogsourceMapping* logsource = nullptr;
};

Outcome compile_rule(const YAML::Node& doc, const Mapping& mapping, const FieldRegistry& reg,
                     const std::string& file_name, const std::string& file_text, Diagnostics& diags,
                     std::string& eql, RuleParts* parts = nullptr);

// Merges an `action: global` document into a rule document (maps merge recursively, the rule's
// own values win), as Sigma collections define.
YAML::Node merge_global(const YAML::Node& global, const YAML::Node& doc);

}  // namespace wsn::sigma
