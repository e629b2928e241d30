// Rule metadata shared by every rule kind (EQL, Sigma, Wasm).
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

enum class RuleKind : uint8_t { kEql, kSigma, kWasm };
std::string_view rule_kind_name(RuleKind k);

struct RuleMeta {
  std::string id;  // stable, unique within a rule set
  std::string name;
  std::string description;
  Severity severity = Severity::kMedium;
  RuleKind kind = RuleKind::kEql;
  std::vector<std::string> tags;    // free tags, e.g. "linux", "attack.execution"
  std::vector<std::string> mitre;   // ATT&CK technique ids, e.g. "T1059.004"
  std::vector<std::string> actions; // response actions, e.g. "kill"
  bool enabled = true;
  bool failed = false;  // loaded but did not compile (reported by validate/list)
  std::string source;  // file the rule came from ("" for built-in)
};

}  // namespace wsn
