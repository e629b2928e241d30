// Sigma logsources and field names → the engine's events (docs/sigma.md "Mapping").
//
// The built-in mapping is data/sigma/linux.yml, compiled in. `sigma_mapping:` documents in rule
// files extend it (pySigma processing-pipeline semantics where they apply: a field mapping per
// logsource, then a global one; a logsource condition added to every rule of that logsource).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "wsn/diagnostics.h"

namespace YAML {
class Node;
}

namespace wsn::sigma {

// One Sigma field as an event field, with optional value translation ("true" → "egress").
struct FieldMapping {
  std::string field;
  std::map<std::string, std::string> values;  // keys lower-cased
};

struct LogsourceMapping {
  // The Sigma logsource keys this entry matches; nullopt: the rule must not have that key.
  // "*" matches any value.
  std::optional<std::string> product, category, service;
  std::string event_category = "any";  // EQL event category of the rule's query
  std::string condition;               // EQL condition added to the query ("" none)
  std::vector<std::string> keywords;   // fields a keyword is searched in
  std::map<std::string, FieldMapping> fields;
  std::string origin;  // "file:line" of the entry, for messages
};

class Mapping {
 public:
  // data/sigma/linux.yml.
  static const Mapping& builtin();
  static const char* builtin_text();

  // Adds the body of a `sigma_mapping:` document. Problems go to `diags` at the node's offset
  // in its text (SIGMA020). `origin_file` names the file for `origin`.
  void add(const YAML::Node& body, const std::string& origin_file, Diagnostics& diags);

  // The entry for a rule's logsource (lower-cased values; "" for an absent key), or null. The
  // most specific entry wins (an entry naming more keys), the later one on a tie.
  const LogsourceMapping* logsource(const std::string& product, const std::string& category,
                                    const std::string& service) const;
  // A Sigma field name for a logsource (its own fields, then the global ones), or null.
  const FieldMapping* field(const LogsourceMapping* ls, const std::string& name) const;
  // Values of a placeholder (`expand` modifier), or null.
  const std::vector<std::string>* placeholder(const std::string& name) const;

  const std::vector<LogsourceMapping>& logsources() const { return logsources_; }
  const std::map<std::string, FieldMapping>& fields() const { return fields_; }

 private:
  std::vector<LogsourceMapping> logsources_;
  std::map<std::string, FieldMapping> fields_;
  std::map<std::string, std::vector<std::string>> placeholders_;
};

}  // namespace wsn::sigma
