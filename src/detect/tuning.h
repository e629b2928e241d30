// Tuning without forking a rule (docs/rule-files.md "Exceptions, value lists and overlays"):
//
//   - exceptions: Elastic exception-list items (an AND of entries `{field, operator:
//     included|excluded, type: match|match_any|wildcard|exists|list|nested, value}`) or
//     Falco-style `{name, fields, comps, values}` tuples, on a rule (`exceptions:`) or in a
//     shared exception list (`exception_lists:` documents, Elastic `*.ndjson` exports);
//   - value lists (`lists:` documents), for `is in list` entries and `in_list(field, "name")`;
//   - overlays (`overlay:` documents): disable, re-severity, add tags, exceptions or shared
//     lists to a rule by id, without editing its file.
//
// The loader (rule_file.cpp) reads these documents into a TuningSet; apply_tuning() then
// resolves them against the loaded rules: each rule's exceptions become one EQL expression
// (RuleSource::exceptions) that the EQL rule kind compiles as `and not (…)` into the query.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wsn/diagnostics.h"
#include "wsn/rule.h"

namespace YAML {
class Node;
}

namespace wsn {

struct RuleLoadResult;

// A place in a loaded file, for diagnostics and for `list --json`.
struct TuningPos {
  std::shared_ptr<SourceText> text;
  uint32_t offset = 0;
  uint32_t length = 1;
  std::string where() const;  // "file:line"
};

// One exception item: matches when every one of its entries does.
struct ExceptionItemDef {
  std::string name;
  std::string list_id;    // "" for a rule's own exceptions
  std::string condition;  // EQL expression, e.g. `(process.name == "x" and user.id != null)`
  std::vector<std::pair<std::string, TuningPos>> value_lists;  // `is in list` references
  TuningPos pos;
};

struct ExceptionListDef {
  std::string list_id;
  std::vector<ExceptionItemDef> items;
  std::vector<std::pair<std::string, TuningPos>> rules;  // `rules:` it attaches itself to
  TuningPos pos;
};

struct OverlayDef {
  std::string rule_id;
  TuningPos pos;  // of the id
  std::optional<bool> enabled;
  std::optional<Severity> severity;
  std::vector<std::string> tags;
  std::vector<ExceptionItemDef> exceptions;
  std::vector<std::pair<std::string, TuningPos>> exception_lists;
};

// A rule's own exceptions and the shared lists it names, as its document gave them.
struct RuleTuningDef {
  std::vector<ExceptionItemDef> exceptions;
  std::vector<std::pair<std::string, TuningPos>> exception_lists;
};

struct TuningSet {
  std::map<std::string, std::vector<std::string>> value_lists;
  std::map<std::string, TuningPos> value_list_pos;
  std::vector<ExceptionListDef> exception_lists;
  std::vector<OverlayDef> overlays;
  std::map<std::string, RuleTuningDef> rules;  // by rule id
  // `sigma_mapping:` documents (re-emitted YAML), for every Sigma rule (detect/sigma_documents.h).
  std::vector<std::string> sigma_mappings;
};

// Readers used by the rule-file loaders. `pos_of` turns a node into a position in its file;
// problems are reported through `error(code, message, node)`; each returns false on errors.
struct TuningReader {
  std::shared_ptr<SourceText> text;
  RuleLoadResult& out;
  void error(const std::string& code, const std::string& msg, const YAML::Node& at,
             DiagSeverity severity = DiagSeverity::kError);
  TuningPos pos(const YAML::Node& n, uint32_t length = 1) const;

  // `exceptions:` of a rule or an overlay: a list of Elastic items or Falco exceptions.
  bool exceptions(const YAML::Node& n, const std::string& list_id,
                  std::vector<ExceptionItemDef>& items);
  // One Elastic exception item (`entries:` …), as in an ndjson export line.
  bool elastic_item(const YAML::Node& n, const std::string& list_id,
                    std::vector<ExceptionItemDef>& items);
  // `exceptions_list:` — list ids, as strings or Elastic `{list_id: …}` objects.
  bool list_refs(const YAML::Node& n, std::vector<std::pair<std::string, TuningPos>>& refs);
  // Whole documents: `lists:`, `exception_lists:`, `overlay:`.
  void lists_document(const YAML::Node& n);
  void exception_lists_document(const YAML::Node& n);
  void overlay_document(const YAML::Node& n);
};

// Reads an Elastic exception-list export (ndjson: one JSON object a line — the list, its
// items, and an export summary).
void load_exception_ndjson(const std::string& name, const std::string& text, RuleLoadResult& out);

// Resolves the tuning read so far against out.rules: applies overlays (enabled, severity, tags,
// exceptions), attaches shared exception lists, checks the value lists entries name, and sets
// every rule's RuleSource::exceptions, ::value_lists and RuleMeta::exceptions. Called once,
// after every file is read (load_rule_files does; tests that load texts call it themselves).
void apply_tuning(RuleLoadResult& out);

}  // namespace wsn
