// Rule metadata shared by every rule kind (EQL, Sigma, Wasm, or a plug-in's own).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wsn {

enum class Severity : uint8_t { kLow, kMedium, kHigh, kCritical };

std::string_view severity_label(Severity s);
// ECS event.severity number for a label (low 21, medium 47, high 73, critical 99 — the
// Elastic detection-rule risk scale).
int severity_score(Severity s);
bool parse_severity(std::string_view text, Severity& out);

// An exception of a rule (docs/rule-files.md "Exceptions"): events matching `condition` (an EQL
// expression) are suppressed. Shown by `list --json`.
struct RuleException {
  std::string name;       // item name (Elastic item_id/name, Falco exception name)
  std::string list;       // shared exception list id ("" for the rule's own exceptions)
  std::string source;     // file:line it was read from
  std::string condition;  // the EQL expression it compiles to
};

struct RuleMeta {
  std::string id;  // stable, unique within a rule set
  std::string name;
  std::string description;
  Severity severity = Severity::kMedium;
  std::string kind = "eql";                  // the registered rule kind (`type:` of the rule file)
  std::vector<std::string> tags;             // free tags, e.g. "linux", "attack.execution"
  std::vector<std::string> mitre;            // ATT&CK technique ids, e.g. "T1059.004"
  std::vector<std::string> actions;          // registered response actions to run on a detection
  std::vector<std::string> references;       // URLs for the analyst (not used by detection)
  std::vector<std::string> false_positives;  // known benign causes (Elastic rule files)
  std::vector<std::string> authors;
  std::string version;
  int risk_score = -1;  // 0..100 as the rule file gave it; -1: none (severity_score applies)
  bool enabled = true;
  bool failed = false;                    // loaded but did not compile (reported by validate/list)
  std::string source;                     // file the rule came from ("" for built-in)
  std::vector<RuleException> exceptions;  // compiled as `and not (…)` into the rule's query
};

}  // namespace wsn
