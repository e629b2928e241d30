// Sigma documents in YAML rule files (docs/sigma.md): told apart from native rules (which have
// `type:`) by `title` / `logsource` / `detection` / `correlation` / `action`. Each Sigma rule
// becomes a RuleSource of kind `sigma` whose body is its file's text and whose params name the
// documents that make it (`action: global` and `repeat` collections); the `sigma` rule kind
// (src/sigma) translates and compiles it. `sigma_mapping:` documents extend the built-in
// mapping (data/sigma/linux.yml) for every Sigma rule loaded with them.
#pragma once

#include <cstddef>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "wsn/diagnostics.h"

namespace YAML {
class Node;
}

namespace wsn {

struct RuleLoadResult;

// Collection state of one file: the `action: global` document and the last rule's documents.
struct SigmaFileState {
  std::vector<size_t> global;
  std::vector<size_t> previous;
};

bool is_sigma_document(const YAML::Node& doc);

// Loads document `index` of `text` (a Sigma rule, or a collection action).
void load_sigma_document(const std::shared_ptr<SourceText>& text,
                         const std::vector<YAML::Node>& docs, size_t index, SigmaFileState& state,
                         RuleLoadResult& out, std::set<std::string>& seen_ids);

// A `sigma_mapping:` document: checked, and kept for the Sigma rules (apply_tuning passes it).
void load_sigma_mapping_document(const std::shared_ptr<SourceText>& text, const YAML::Node& doc,
                                 RuleLoadResult& out);

// Hands the `sigma_mapping:` documents read so far to every Sigma rule (from apply_tuning).
void attach_sigma_mappings(RuleLoadResult& out);

}  // namespace wsn
