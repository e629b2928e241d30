#include "detect/sigma_documents.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "common/text.h"
#include "detect/rule_file.h"
#include "sigma/compile.h"
#include "sigma/mapping.h"
#include "sigma/yaml_text.h"

namespace wsn {
namespace {

using sigma::scalar;

void diag(RuleLoadResult& out, const std::shared_ptr<SourceText>& text, DiagSeverity sev,
          const std::string& code, const std::string& msg, const YAML::Node& at, uint32_t len = 1) {
  Diagnostic d;
  d.severity = sev;
  d.code = code;
  d.message = msg;
  const YAML::Mark m = at.Mark();
  const uint32_t o = m.pos >= 0 ? static_cast<uint32_t>(m.pos) : 0;
  d.range = {o, o + len};
  out.diagnostics.push_back({std::move(d), text, {}});
}

std::vector<std::string> strings(const YAML::Node& n) {
  std::vector<std::string> out;
  if (!n) return out;
  if (n.IsScalar()) {
    out.push_back(n.as<std::string>());
  } else if (n.IsSequence()) {
    for (const auto& x : n) {
      if (x.IsScalar()) out.push_back(x.as<std::string>());
    }
  }
  return out;
}

// "attack.t1059.004" → "T1059.004"; empty when the tag names no technique.
std::string technique(const std::string& tag) {
  const std::string t = ascii_lower(tag);
  if (t.size() < 9 || t.compare(0, 8, "attack.t") != 0) return {};
  std::string id = "T" + t.substr(8);
  for (size_t k = 1; k < id.size(); ++k) {
    if (!std::isdigit(static_cast<unsigned char>(id[k])) && id[k] != '.') return {};
  }
  return id;
}

bool is_id_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
}

}  // namespace

bool is_sigma_document(const YAML::Node& doc) {
  if (!doc.IsMap()) return false;
  const YAML::Node type = doc["type"];
  if (type && !(type.IsScalar() && type.as<std::string>() == "sigma")) return false;
  const std::string action = scalar(doc["action"]);
  return doc["title"] || doc["logsource"] || doc["detection"] || doc["correlation"] ||
         action == "global" || action == "reset" || action == "repeat";
}

void load_sigma_document(const std::shared_ptr<SourceText>& text,
                         const std::vector<YAML::Node>& docs, size_t index, SigmaFileState& st,
                         RuleLoadResult& out, std::set<std::string>& seen_ids) {
  const YAML::Node& own = docs[index];
  const std::string action = scalar(own["action"]);
  if (action == "global") {
    st.global = {index};
    st.previous.clear();
    return;
  }
  if (action == "reset") {
    st.global.clear();
    st.previous.clear();
    return;
  }
  std::vector<size_t> chain = st.global;
  if (action == "repeat") {
    if (st.previous.empty()) {
      diag(out, text, DiagSeverity::kError, "SIGMA015",
           "'action: repeat' repeats the previous rule of the file, and there is none",
           own["action"]);
      return;
    }
    chain = st.previous;
  } else if (!action.empty()) {
    diag(out, text, DiagSeverity::kError, "SIGMA015",
         "unknown Sigma collection action '" + action + "' (known: global, reset, repeat)",
         own["action"], static_cast<uint32_t>(action.size()));
    return;
  }
  chain.push_back(index);
  st.previous = chain;
  // The rule as its collection makes it (global and repeated documents merged in).
  YAML::Node doc = own;
  for (size_t k = chain.size() - 1; k-- > 0;) doc = sigma::merge_global(docs[chain[k]], doc);
  const std::string title = scalar(doc["title"]);
  if (doc["filter"] && !doc["detection"]) {
    diag(out, text, DiagSeverity::kWarning, "SIGMA014",
         "Sigma filter document '" + title +
             "' skipped: Sigma filters are not supported; use "
             "exceptions or an overlay (docs/rule-files.md)",
         doc["filter"]);
    out.skipped.push_back({text->name(), title, "sigma filter"});
    return;
  }
  RuleSource r;
  r.type = "sigma";
  r.meta.kind = "sigma";
  r.meta.source = text->name();
  r.body = text;
  std::string list;
  for (size_t k : chain) list += (list.empty() ? "" : ",") + std::to_string(k);
  r.params.emplace_back("sigma_documents", list);
  // A correlation rule (docs/sigma.md "Correlation rules"): compiled after the rules it names.
  if (doc["correlation"]) r.params.emplace_back("sigma_correlation", "1");
  const size_t errors_before = out.error_count();
  const YAML::Node title_node = doc["title"];
  if (title.empty()) {
    diag(out, text, DiagSeverity::kError, "SIGMA001", "a Sigma rule needs a 'title'",
         title_node ? title_node : doc);
  }
  r.meta.name = title;
  std::string id = scalar(doc["id"]);
  if (id.empty()) {
    id = "sigma-" + std::filesystem::path(text->name()).stem().string() + "-" +
         std::to_string(index);
  } else if (!std::all_of(id.begin(), id.end(), is_id_char)) {
    diag(out, text, DiagSeverity::kError, "SIGMA016",
         "rule id '" + id + "' may only use letters, digits, '.', '_', '-'", doc["id"],
         static_cast<uint32_t>(id.size()));
  }
  if (!seen_ids.insert(id).second) {
    diag(out, text, DiagSeverity::kError, "SIGMA017", "duplicate rule id '" + id + "'",
         doc["id"] ? doc["id"] : doc, static_cast<uint32_t>(id.size()));
  }
  r.meta.id = id;
  r.meta.description = scalar(doc["description"]);
  const std::string level = ascii_lower(scalar(doc["level"]));
  if (level == "informational" || level == "low") {
    r.meta.severity = Severity::kLow;
  } else if (level == "medium" || level.empty()) {
    r.meta.severity = Severity::kMedium;
  } else if (level == "high") {
    r.meta.severity = Severity::kHigh;
  } else if (level == "critical") {
    r.meta.severity = Severity::kCritical;
  } else {
    diag(out, text, DiagSeverity::kError, "SIGMA018",
         "unknown level '" + level + "' (known: informational, low, medium, high, critical)",
         doc["level"], static_cast<uint32_t>(level.size()));
  }
  r.meta.tags = strings(doc["tags"]);
  for (const std::string& tag : r.meta.tags) {
    const std::string t = technique(tag);
    if (!t.empty() && std::find(r.meta.mitre.begin(), r.meta.mitre.end(), t) == r.meta.mitre.end())
      r.meta.mitre.push_back(t);
  }
  r.meta.references = strings(doc["references"]);
  r.meta.authors = strings(doc["author"]);
  r.meta.false_positives = strings(doc["falsepositives"]);
  r.meta.version = scalar(doc["date"]);
  if (const YAML::Node m = doc["modified"]; m && m.IsScalar()) r.meta.version = m.as<std::string>();
  if (out.error_count() == errors_before) out.rules.push_back(std::move(r));
}

void load_sigma_mapping_document(const std::shared_ptr<SourceText>& text, const YAML::Node& doc,
                                 RuleLoadResult& out) {
  sigma::Mapping scratch;
  Diagnostics d;
  scratch.add(doc["sigma_mapping"], text->name(), d);
  for (const Diagnostic& x : d.items()) out.diagnostics.push_back({x, text, {}});
  if (d.has_errors()) return;
  YAML::Emitter em;
  em << doc;
  out.tuning.sigma_mappings.push_back(em.c_str());
}

void attach_sigma_mappings(RuleLoadResult& out) {
  if (out.tuning.sigma_mappings.empty()) return;
  for (RuleSource& r : out.rules) {
    if (r.meta.kind != "sigma") continue;
    auto& p = r.params;
    p.erase(std::remove_if(p.begin(), p.end(),
                           [](const auto& kv) { return kv.first == "sigma_mapping"; }),
            p.end());
    for (const std::string& m : out.tuning.sigma_mappings) p.emplace_back("sigma_mapping", m);
  }
}

}  // namespace wsn
