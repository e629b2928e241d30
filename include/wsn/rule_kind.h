// Rule kinds: what turns the rules of one `type:` (eql, wasm, a plug-in's own) into something
// the detection stage runs. A kind registers its name, body key and extra keys (RuleKindPlugin
// in wsn/plugins.h) and a factory of RuleKind objects, one per engine.
//
// The rule-file loader reads the metadata every kind shares (id, name, severity, tags, actions
// …), the kind's body key (`query:`, `module:` …) and the extra keys the kind declares, and
// hands each rule to its kind as a RuleSource. Kinds whose rules compile to the engine's
// predicate IR (EQL, Sigma) add them to one shared plan, so every such rule shares one
// category index, one prefilter scan per event and one sequence store; other kinds (Wasm, a
// plug-in's own) return their own CompiledRules with their own Matcher.
//
// Thread safety: a RuleKind belongs to one Engine; compile()/add_to_plan() run under the
// engine's load lock (never concurrently), on any thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wsn/detector.h"
#include "wsn/diagnostics.h"
#include "wsn/rule.h"
#include "wsn/schema.h"

namespace wsn {

// One rule as read from its file.
struct RuleSource {
  RuleMeta meta;
  std::string type;                  // the rule kind's name
  std::shared_ptr<SourceText> body;  // the body key's text (structured bodies re-emitted as
                                     // YAML), positioned in its file for diagnostics
  // The kind's extra keys present in the document (structured values re-emitted as YAML).
  std::vector<std::pair<std::string, std::string>> params;
  // The rule's exceptions as one EQL expression that matches the events to suppress (null: no
  // exceptions). IR kinds compile it as `and not (…)` into every step (docs/rule-files.md).
  std::shared_ptr<SourceText> exceptions;
  // Named value lists (`lists:`), for `in_list(field, "name")` in queries.
  std::shared_ptr<const std::map<std::string, std::vector<std::string>>> value_lists;
};

// What a rule load found, kept as diagnostic objects with the text they point into (the
// engine renders them: file:line:col: error: … with the source line and a caret).
struct RuleReport {
  std::vector<SourcedDiagnostic> diagnostics;
  std::vector<uint32_t> failed;  // rule indices that did not compile

  // A diagnostic whose range points into `source` (a rule's body: RuleSource::body).
  void add(Diagnostic d, std::shared_ptr<const SourceText> source) {
    diagnostics.push_back({std::move(d), std::move(source), {}});
  }
  // A problem with no position in a text, reported against a file name.
  void add_message(DiagSeverity severity, std::string file, std::string message,
                   std::string code = {}) {
    Diagnostic d;
    d.severity = severity;
    d.code = std::move(code);
    d.message = std::move(message);
    diagnostics.push_back({std::move(d), nullptr, std::move(file)});
  }
  size_t error_count() const {
    size_t n = 0;
    for (const auto& d : diagnostics) n += d.diag.severity == DiagSeverity::kError ? 1 : 0;
    return n;
  }
  // Rendered, in report order.
  std::vector<std::string> errors() const { return rendered(DiagSeverity::kError); }
  std::vector<std::string> warnings() const { return rendered(DiagSeverity::kWarning); }

 private:
  std::vector<std::string> rendered(DiagSeverity which) const {
    std::vector<std::string> out;
    for (const auto& d : diagnostics) {
      if (d.diag.severity == which) out.push_back(d.render());
    }
    return out;
  }
};

// The shared predicate-IR plan that IR kinds add to (defined inside the engine; opaque here).
class RulePlanBuilder;

class RuleKind {
 public:
  virtual ~RuleKind() = default;

  // Kinds with their own runner: compiles `rules`; rule k must be reported to MatchSink as
  // rule_index `indices[k]`. Appends rendered diagnostics to `report` and the index of every
  // rule with errors to `report.failed`; those rules are left out. nullptr: nothing to run.
  virtual std::shared_ptr<const CompiledRules> compile(std::span<const RuleSource* const> rules,
                                                       std::span<const uint32_t> indices,
                                                       FieldRegistry& registry,
                                                       RuleReport& report) = 0;

  // IR kinds (built into the engine) return true and add their rules to the shared plan
  // instead of compile().
  virtual bool compiles_to_shared_plan() const { return false; }
  virtual void add_to_plan(std::span<const RuleSource* const> rules,
                           std::span<const uint32_t> indices, FieldRegistry& registry,
                           RulePlanBuilder& plan, RuleReport& report) {
    (void)rules, (void)indices, (void)registry, (void)plan, (void)report;
  }
};

}  // namespace wsn
