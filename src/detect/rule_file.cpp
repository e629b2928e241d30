#include "detect/rule_file.h"

#include "common/did_you_mean.h"
#include "detect/elastic_rule_file.h"
#include "detect/sigma_documents.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace wsn {
namespace {

namespace fs = std::filesystem;

// Keys a rule document may have: those every rule may have, and each registered kind's body key
// and extra keys.
std::set<std::string> rule_keys(const PluginRegistry& plugins) {
  std::set<std::string> known = {"id",         "name",    "description", "severity",       "tags",
                                 "mitre",      "type",    "actions",     "enabled",        "author",
                                 "references", "version", "exceptions",  "exceptions_list"};
  for (const auto& k : plugins.rule_kinds()) {
    known.insert(k.body_key);
    known.insert(k.extra_keys.begin(), k.extra_keys.end());
  }
  return known;
}

struct FileContext {
  std::shared_ptr<SourceText> text;
  RuleLoadResult& out;
  std::set<std::string>* seen_ids;
  const PluginRegistry& plugins;
  std::set<std::string> known_keys = rule_keys(plugins);  // once per file, not per document

  // Byte offset of a yaml-cpp mark (0-based line/column) in the file text.
  uint32_t offset_of(const YAML::Mark& m) const {
    if (m.pos >= 0) return static_cast<uint32_t>(m.pos);
    return 0;
  }
  void error(const std::string& code, const std::string& msg, const YAML::Mark& m,
             uint32_t len = 1) {
    Diagnostic d;
    d.code = code;
    d.message = msg;
    d.range = {offset_of(m), offset_of(m) + len};
    out.diagnostics.push_back({std::move(d), text, {}});
  }
};

bool is_id_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
}

// "attack.t1059.004" → "T1059.004"; empty when the tag names no technique.
std::string technique_from_tag(const std::string& tag) {
  if (tag.size() < 9 || tag.compare(0, 8, "attack.t") != 0) return {};
  std::string id = "T" + tag.substr(8);
  for (size_t k = 1; k < id.size(); ++k) {
    if (!std::isdigit(static_cast<unsigned char>(id[k])) && id[k] != '.') return {};
  }
  return id;
}

bool valid_technique(const std::string& t) {
  // T1234 or T1234.567
  if (t.size() != 5 && t.size() != 9) return false;
  if (t[0] != 'T') return false;
  for (size_t k = 1; k < 5; ++k) {
    if (!std::isdigit(static_cast<unsigned char>(t[k]))) return false;
  }
  if (t.size() == 9) {
    if (t[5] != '.') return false;
    for (size_t k = 6; k < 9; ++k) {
      if (!std::isdigit(static_cast<unsigned char>(t[k]))) return false;
    }
  }
  return true;
}

// Where the text of a scalar node begins in the file, and the indentation of its later
// lines, so that diagnostics inside it land on the right file line/column.
void position_body(const YAML::Node& node, const SourceText& file, SourceText& body) {
  const YAML::Mark m = node.Mark();
  const std::string& t = file.text();
  size_t pos = m.pos >= 0 ? static_cast<size_t>(m.pos) : 0;
  const uint32_t line = static_cast<uint32_t>(m.line + 1);
  const uint32_t col = static_cast<uint32_t>(m.column + 1);
  if (pos < t.size() && (t[pos] == '|' || t[pos] == '>')) {
    // Block scalar: content starts on the next line, indented.
    size_t nl = t.find('\n', pos);
    if (nl == std::string::npos) {
      body.set_origin(line, col, 0);
      return;
    }
    size_t p = nl + 1;
    uint32_t indent = 0;
    while (p < t.size() && t[p] == ' ') {
      ++p;
      ++indent;
    }
    body.set_origin(line + 1, indent + 1, indent);
    return;
  }
  if (pos < t.size() && (t[pos] == '"' || t[pos] == '\'')) {
    body.set_origin(line, col + 1, static_cast<uint32_t>(m.column));
    return;
  }
  body.set_origin(line, col, static_cast<uint32_t>(m.column));
}

std::vector<std::string> string_list(FileContext& ctx, const YAML::Node& n, const char* key) {
  std::vector<std::string> out;
  if (!n) return out;
  if (n.IsScalar()) {
    out.push_back(n.as<std::string>());
    return out;
  }
  if (!n.IsSequence()) {
    ctx.error("RULE006", std::string("'") + key + "' must be a list of strings", n.Mark());
    return out;
  }
  for (const auto& item : n) {
    if (!item.IsScalar()) {
      ctx.error("RULE006", std::string("'") + key + "' must be a list of strings", item.Mark());
      continue;
    }
    out.push_back(item.as<std::string>());
  }
  return out;
}

void load_document(FileContext& ctx, const YAML::Node& doc) {
  if (doc.IsNull()) return;  // empty document (e.g. trailing ---)
  if (!doc.IsMap()) {
    ctx.error("RULE001", "a rule document must be a mapping of keys to values", doc.Mark());
    return;
  }
  const size_t errors_before = ctx.out.error_count();
  // Sigma's mapping extensions (docs/sigma.md "Mapping").
  if (doc["sigma_mapping"] && !doc["id"]) {
    for (const auto& kv : doc) {
      const std::string k = kv.first.as<std::string>();
      if (k != "sigma_mapping") {
        ctx.error("RULE023", "a 'sigma_mapping' document has no other keys; found '" + k + "'",
                  kv.first.Mark(), static_cast<uint32_t>(k.size()));
      }
    }
    load_sigma_mapping_document(ctx.text, doc, ctx.out);
    return;
  }
  // Tuning documents (detect/tuning.h): value lists, shared exception lists, overlays.
  for (const char* key : {"lists", "exception_lists", "overlay"}) {
    const YAML::Node body = doc[key];
    if (!body || doc["id"]) continue;
    TuningReader tr{ctx.text, ctx.out};
    for (const auto& kv : doc) {
      const std::string k = kv.first.as<std::string>();
      if (k != key) {
        ctx.error("RULE023",
                  "a '" + std::string(key) + "' document has no other keys; found '" + k + "'",
                  kv.first.Mark(), static_cast<uint32_t>(k.size()));
      }
    }
    if (std::string(key) == "lists") {
      tr.lists_document(body);
    } else if (std::string(key) == "exception_lists") {
      tr.exception_lists_document(body);
    } else {
      tr.overlay_document(body);
    }
    return;
  }
  const std::set<std::string>& known = ctx.known_keys;
  for (const auto& kv : doc) {
    const std::string key = kv.first.as<std::string>();
    if (!known.count(key)) {
      const std::vector<std::string_view> names(known.begin(), known.end());
      const std::string near = closest_name(key, names);
      ctx.error(
          "RULE002",
          "unknown key '" + key + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)"),
          kv.first.Mark(), static_cast<uint32_t>(key.size()));
    }
  }
  RuleSource r;
  auto required = [&](const char* key) -> std::string {
    const YAML::Node n = doc[key];
    if (!n) {
      ctx.error("RULE003", std::string("missing required key '") + key + "'", doc.Mark());
      return {};
    }
    if (!n.IsScalar() || n.as<std::string>().empty()) {
      ctx.error("RULE004", std::string("'") + key + "' must be a non-empty string", n.Mark());
      return {};
    }
    return n.as<std::string>();
  };
  r.meta.id = required("id");
  r.meta.name = required("name");
  r.type = required("type");
  if (doc["description"] && doc["description"].IsScalar()) {
    r.meta.description = doc["description"].as<std::string>();
  }
  if (!r.meta.id.empty()) {
    if (!std::all_of(r.meta.id.begin(), r.meta.id.end(), is_id_char)) {
      ctx.error("RULE005",
                "rule id '" + r.meta.id + "' may only use letters, digits, '.', '_', '-'",
                doc["id"].Mark(), static_cast<uint32_t>(r.meta.id.size()));
    } else if (!ctx.seen_ids->insert(r.meta.id).second) {
      ctx.error("RULE007", "duplicate rule id '" + r.meta.id + "'", doc["id"].Mark(),
                static_cast<uint32_t>(r.meta.id.size()));
    }
  }
  if (const YAML::Node s = doc["severity"]) {
    const std::string v = s.IsScalar() ? s.as<std::string>() : "";
    if (!parse_severity(v, r.meta.severity)) {
      ctx.error("RULE008", "severity must be one of low, medium, high, critical", s.Mark());
    }
  }
  r.meta.tags = string_list(ctx, doc["tags"], "tags");
  r.meta.mitre = string_list(ctx, doc["mitre"], "mitre");
  for (const auto& t : r.meta.mitre) {
    if (!valid_technique(t)) {
      ctx.error("RULE009", "'" + t + "' is not an ATT&CK technique id (T1234 or T1234.001)",
                doc["mitre"].Mark());
    }
  }
  for (const auto& tag : r.meta.tags) {
    std::string t = technique_from_tag(tag);
    std::transform(t.begin(), t.end(), t.begin(), [](char c) { return std::toupper(c); });
    if (!t.empty() && std::find(r.meta.mitre.begin(), r.meta.mitre.end(), t) == r.meta.mitre.end())
      r.meta.mitre.push_back(t);
  }
  r.meta.references = string_list(ctx, doc["references"], "references");
  r.meta.authors = string_list(ctx, doc["author"], "author");
  if (const YAML::Node v = doc["version"]; v && v.IsScalar()) r.meta.version = v.as<std::string>();
  r.meta.actions = string_list(ctx, doc["actions"], "actions");
  for (const auto& a : r.meta.actions) {
    if (!ctx.plugins.action(a)) {
      std::string list;
      for (const auto& p : ctx.plugins.actions()) list += (list.empty() ? "" : ", ") + p.name;
      ctx.error("RULE010",
                "unknown action '" + a + "' (known: " + (list.empty() ? "none" : list) + ")",
                doc["actions"].Mark());
    }
  }
  if (const YAML::Node e = doc["enabled"]) {
    bool v = true;
    if (!e.IsScalar() || !YAML::convert<bool>::decode(e, v)) {
      ctx.error("RULE011", "'enabled' must be true or false", e.Mark());
    }
    r.meta.enabled = v;
  }
  r.meta.source = ctx.text->name();
  const RuleKindPlugin* kind = r.type.empty() ? nullptr : ctx.plugins.rule_kind(r.type);
  r.meta.kind = r.type;
  if (!kind) {
    if (!r.type.empty()) {
      std::string list;
      for (const auto& k : ctx.plugins.rule_kinds()) list += (list.empty() ? "" : ", ") + k.name;
      ctx.error("RULE012", "unknown rule type '" + r.type + "' (known: " + list + ")",
                doc["type"].Mark(), static_cast<uint32_t>(r.type.size()));
    }
    return;
  }
  const std::string body_key = kind->body_key;
  const YAML::Node body = doc[body_key];
  if (!body) {
    ctx.error(
        "RULE003",
        std::string("missing required key '") + body_key + "' for a rule of type '" + r.type + "'",
        doc.Mark());
  } else if (body.IsScalar()) {
    r.body = std::make_shared<SourceText>(ctx.text->name(), body.as<std::string>());
    position_body(body, *ctx.text, *r.body);
  } else {
    // Structured bodies (Sigma detection maps) are re-emitted as YAML for their compiler.
    YAML::Emitter em;
    em << body;
    r.body = std::make_shared<SourceText>(ctx.text->name(), em.c_str());
    r.body->set_origin(static_cast<uint32_t>(body.Mark().line + 1),
                       static_cast<uint32_t>(body.Mark().column + 1),
                       static_cast<uint32_t>(body.Mark().column));
  }
  // Kind-specific keys, handed to the compiler of the rule's kind.
  for (const std::string& key : kind->extra_keys) {
    if (const YAML::Node n = doc[key]) {
      if (n.IsScalar()) {
        r.params.emplace_back(key, n.as<std::string>());
      } else {
        YAML::Emitter em;
        em << n;
        r.params.emplace_back(key, em.c_str());
      }
    }
  }
  RuleTuningDef tuning;
  TuningReader tr{ctx.text, ctx.out};
  if (const YAML::Node e = doc["exceptions"]) tr.exceptions(e, "", tuning.exceptions);
  if (const YAML::Node e = doc["exceptions_list"]) tr.list_refs(e, tuning.exception_lists);
  if (ctx.out.error_count() == errors_before) {
    if (!tuning.exceptions.empty() || !tuning.exception_lists.empty()) {
      ctx.out.tuning.rules[r.meta.id] = std::move(tuning);
    }
    ctx.out.rules.push_back(std::move(r));
  } else if (r.body) {
    ctx.out.check_only.push_back(std::move(r));
  }
}

// The documents of a file one YAML error made unreadable as a whole: each document parsed on
// its own, so an error in one is reported and the others still load. The text before a document
// is blanked (spaces, newlines kept), so positions (line, column, byte offset) stay the file's.
std::vector<YAML::Node> load_documents_one_by_one(FileContext& ctx, const std::string& text) {
  std::vector<YAML::Node> docs;
  std::vector<size_t> starts{0};  // byte offsets of the lines that open a document
  size_t line_start = 0;
  while (line_start < text.size()) {
    const size_t end = text.find('\n', line_start);
    const std::string_view line(text.data() + line_start,
                                (end == std::string::npos ? text.size() : end) - line_start);
    if (line_start > 0 && (line == "---" || line.rfind("--- ", 0) == 0))
      starts.push_back(line_start);
    if (end == std::string::npos) break;
    line_start = end + 1;
  }
  for (size_t k = 0; k < starts.size(); ++k) {
    const size_t from = starts[k];
    const size_t to = k + 1 < starts.size() ? starts[k + 1] : text.size();
    std::string padding = text.substr(0, from);
    for (char& c : padding) c = c == '\n' ? c : ' ';
    try {
      for (YAML::Node& d : YAML::LoadAll(padding + text.substr(from, to - from))) {
        docs.push_back(std::move(d));
      }
    } catch (const YAML::Exception& e) {
      ctx.error("RULE000", "invalid YAML: " + e.msg, e.mark);
    }
  }
  return docs;
}

void load_text(const std::string& name, const std::string& text, RuleLoadResult& out,
               std::set<std::string>& seen, const PluginRegistry& plugins) {
  FileContext ctx{std::make_shared<SourceText>(name, text), out, &seen, plugins};
  ++out.files;
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const YAML::Exception&) {
    docs = load_documents_one_by_one(ctx, text);
  }
  SigmaFileState sigma;
  for (size_t k = 0; k < docs.size(); ++k) {
    const YAML::Node& doc = docs[k];
    try {
      if (is_sigma_document(doc)) {
        load_sigma_document(ctx.text, docs, k, sigma, out, seen);
      } else {
        load_document(ctx, doc);
      }
    } catch (const YAML::Exception& e) {
      ctx.error("RULE000", "invalid rule: " + e.msg, e.mark);
    }
  }
}

bool is_rule_file(const fs::path& p) {
  const auto ext = p.extension();
  return ext == ".yml" || ext == ".yaml" || ext == ".toml" || ext == ".ndjson";
}

// A WebAssembly binary, by its magic ("\0asm"), whatever its name.
bool is_wasm_module(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, 4) && std::string_view(magic, 4) == std::string_view("\0asm", 4);
}

// A problem with a file as a whole (no position in a text).
void file_error(RuleLoadResult& out, const std::string& file, std::string message) {
  Diagnostic d;
  d.message = std::move(message);
  out.diagnostics.push_back({std::move(d), nullptr, file});
}

}  // namespace

void load_rule_text(const std::string& file_name, const std::string& text, RuleLoadResult& out,
                    const PluginRegistry& plugins) {
  std::set<std::string> seen;
  for (const auto& r : out.rules) seen.insert(r.meta.id);
  if (fs::path(file_name).extension() == ".toml") {
    load_elastic_rule_text(file_name, text, out, seen, plugins);
  } else if (fs::path(file_name).extension() == ".ndjson") {
    load_exception_ndjson(file_name, text, out);
  } else {
    load_text(file_name, text, out, seen, plugins);
  }
}

RuleLoadResult load_rule_files(const std::vector<std::string>& paths,
                               const PluginRegistry& plugins) {
  RuleLoadResult out;
  std::set<std::string> seen;
  std::vector<fs::path> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      const size_t before = files.size();
      size_t others = 0;
      for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::end(it);
           it.increment(ec)) {
        if (!it->is_regular_file()) continue;
        if (is_rule_file(it->path())) {
          files.push_back(it->path());
        } else {
          ++others;
        }
      }
      if (ec) {
        file_error(out, p, "cannot read rules directory: " + ec.message());
      } else if (files.size() == before) {
        // A directory that yields nothing is a mistake, not an empty rule set.
        file_error(out, p,
                   "no rule files (*.yml, *.yaml, *.toml) in this directory" +
                       (others ? " (" + std::to_string(others) +
                                     " other file(s): Wasm modules and other content are named "
                                     "by the rule files that use them)"
                               : std::string()));
      }
    } else if (fs::exists(p, ec)) {
      if (is_rule_file(p)) {
        files.emplace_back(p);
      } else if (is_wasm_module(p)) {
        file_error(out, p,
                   "a WebAssembly module, not a rule file: a Wasm rule is a YAML rule file of "
                   "`type: wasm` whose `module:` key names the module (docs/wasm-runtime.md); "
                   "give -r that rule file or its directory");
      } else {
        file_error(out, p,
                   "not a rule file: rule files are YAML (.yml, .yaml), Elastic rule files "
                   "(.toml) or Elastic exception-list exports (.ndjson); a .wasm module is named "
                   "by the `module:` key of a rule file");
      }
    } else {
      file_error(out, p, "no such rule file or directory");
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      file_error(out, f.string(), "cannot open rule file");
      continue;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    if (f.extension() == ".toml") {
      load_elastic_rule_text(f.string(), ss.str(), out, seen, plugins);
    } else if (f.extension() == ".ndjson") {
      load_exception_ndjson(f.string(), ss.str(), out);
    } else {
      load_text(f.string(), ss.str(), out, seen, plugins);
    }
  }
  apply_tuning(out);
  return out;
}

}  // namespace wsn
