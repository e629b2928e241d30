// Rule files: YAML documents (one or more per file, separated by `---`) describing rules of any
// kind. The loader checks metadata and hands each rule's body (an EQL query, a Sigma detection,
// a Wasm module path) to the compiler of its kind, with the body's position in the file so
// that compile errors point at the right line and column.
//
//   id: wsn.linux.reverse_shell_dev_tcp
//   name: Reverse shell through /dev/tcp
//   description: A shell redirected its standard streams to a TCP socket.
//   severity: high                      # low | medium | high | critical
//   tags: [linux, attack.execution]
//   mitre: [T1059.004]                  # ATT&CK technique ids (also read from attack.tNNNN tags)
//   type: eql
//   query: |
//     process where event.action == "exec" and process.command_line : "*/dev/tcp/*"
//   actions: [ACTION, …]                # optional response actions (registered names)
//   enabled: true
//
// *.toml files are Elastic rule files, read by detect/elastic_rule_file.h.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "detect/tuning.h"
#include "wsn/diagnostics.h"
#include "wsn/plugins.h"
#include "wsn/rule.h"
#include "wsn/rule_kind.h"

namespace wsn {

// A rule a file describes but this engine does not run (an Elastic rule of another type or
// language, a deprecated rule): reported as a warning and counted by reason.
struct SkippedRule {
  std::string file;
  std::string name;    // the rule's name ("" when the file is not a rule at all)
  std::string reason;  // short and stable, for counting: "type new_terms, language kuery"
};

struct RuleLoadResult {
  std::vector<RuleSource> rules;
  // Rules refused for their metadata (a bad severity …) whose bodies are still compiled, only
  // for their diagnostics: one error must not hide another (never run).
  std::vector<RuleSource> check_only;
  // Every problem, kept as a diagnostic with the file text it points into until shown: errors,
  // and a warning for every skipped rule.
  std::vector<SourcedDiagnostic> diagnostics;
  std::vector<SkippedRule> skipped;
  // Exceptions, value lists and overlays read so far (detect/tuning.h); apply_tuning() resolves
  // them against `rules`.
  TuningSet tuning;
  size_t files = 0;

  size_t error_count() const { return count(DiagSeverity::kError); }
  size_t warning_count() const { return count(DiagSeverity::kWarning); }
  // Rendered (file:line:col: error: … with the source line and a caret), in report order.
  std::vector<std::string> errors() const { return rendered(DiagSeverity::kError); }
  std::vector<std::string> warnings() const { return rendered(DiagSeverity::kWarning); }

 private:
  size_t count(DiagSeverity which) const {
    size_t n = 0;
    for (const auto& d : diagnostics) n += d.diag.severity == which ? 1 : 0;
    return n;
  }
  std::vector<std::string> rendered(DiagSeverity which) const {
    std::vector<std::string> out;
    for (const auto& d : diagnostics) {
      if (d.diag.severity == which) out.push_back(d.render());
    }
    return out;
  }
};

// Loads every *.yml / *.yaml rule file, every *.toml Elastic rule file
// (detect/elastic_rule_file.h) and every *.ndjson Elastic exception-list export under each path (a
// file or a directory, recursively, in sorted order so loading is deterministic). Every problem of
// every file is reported; rules with errors are left out. Duplicate rule ids are errors. YAML
// documents of `lists:`, `exception_lists:` or `overlay:` tune the rules (detect/tuning.h),
// resolved by apply_tuning() once every file is read. `plugins` tells the rule kinds
// (`type:`, body key, extra keys) and the response actions a rule may name.
RuleLoadResult load_rule_files(const std::vector<std::string>& paths,
                               const PluginRegistry& plugins);

// Loads rules from one text (tests, stdin): an Elastic rule file when `file_name` ends in
// .toml, an exception-list export for .ndjson, YAML otherwise. Call apply_tuning(out) after the
// last text.
void load_rule_text(const std::string& file_name, const std::string& text, RuleLoadResult& out,
                    const PluginRegistry& plugins);

}  // namespace wsn
