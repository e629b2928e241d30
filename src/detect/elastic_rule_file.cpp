#include "detect/elastic_rule_file.h"

#include <cpptoml.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <sstream>
#include <vector>

namespace wsn {
namespace {

using Table = std::shared_ptr<cpptoml::table>;

bool blank(char c) {
  return c == ' ' || c == '\t';
}
bool bare_key_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// One rule file: the text diagnostics point into, and where they go.
struct TomlRuleFile {
  std::shared_ptr<SourceText> text;
  RuleLoadResult& out;

  // Offset of `key`'s value in `table`, or the start of the file when it has none.
  uint32_t at(std::string_view table, std::string_view key) const {
    const size_t p = find_toml_value(text->text(), table, key);
    return p == std::string_view::npos ? 0 : static_cast<uint32_t>(p);
  }
  void report(DiagSeverity severity, const std::string& code, std::string message,
              uint32_t offset = 0) {
    Diagnostic d;
    d.severity = severity;
    d.code = code;
    d.message = std::move(message);
    d.range = {offset, offset + 1};
    out.diagnostics.push_back({std::move(d), text, {}});
  }
  void error(const std::string& code, std::string message, uint32_t offset = 0) {
    report(DiagSeverity::kError, code, std::move(message), offset);
  }
  // A rule (or file) left out on purpose: one warning and one counted line each.
  void skip(const std::string& code, const std::string& name, const std::string& reason,
            std::string message, uint32_t offset = 0) {
    report(DiagSeverity::kWarning, code, std::move(message), offset);
    out.skipped.push_back({text->name(), name, reason});
  }
};

// "Command and Control" → "attack.command_and_control", the tag YAML rules use for a tactic.
std::string tactic_tag(std::string_view name) {
  std::string tag = "attack.";
  for (const char c : trim(name)) {
    tag +=
        c == ' ' || c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return tag;
}

void add_unique(std::vector<std::string>& list, std::string item) {
  if (!item.empty() && std::find(list.begin(), list.end(), item) == list.end()) {
    list.push_back(std::move(item));
  }
}

// [[rule.threat]] / [[threat]]: tactics become attack.* tags, techniques and sub-techniques
// ATT&CK ids, as `tags:` / `mitre:` do in a YAML rule.
void read_threats(const std::shared_ptr<cpptoml::table_array>& threats, RuleMeta& meta) {
  if (!threats) return;
  for (const Table& threat : *threats) {
    const std::string framework = threat->get_as<std::string>("framework").value_or("");
    if (!framework.empty() && framework != "MITRE ATT&CK") continue;
    if (const Table tactic = threat->get_table("tactic")) {
      if (auto name = tactic->get_as<std::string>("name")) add_unique(meta.tags, tactic_tag(*name));
    }
    const auto techniques = threat->get_table_array("technique");
    if (!techniques) continue;
    for (const Table& technique : *techniques) {
      add_unique(meta.mitre, technique->get_as<std::string>("id").value_or(""));
      if (const auto subs = technique->get_table_array("subtechnique")) {
        for (const Table& sub : *subs)
          add_unique(meta.mitre, sub->get_as<std::string>("id").value_or(""));
      }
    }
  }
}

std::vector<std::string> strings(const Table& t, const char* key) {
  return t->get_array_of<std::string>(key).value_or(std::vector<std::string>{});
}

// Elastic's risk-score bands (low 21, medium 47, high 73, critical 99): the severity of a rule
// that gives a risk_score and no severity.
Severity severity_of_risk(int64_t score) {
  if (score <= 21) return Severity::kLow;
  if (score <= 47) return Severity::kMedium;
  if (score <= 73) return Severity::kHigh;
  return Severity::kCritical;
}

// Positions the query text inside the file: a '''/""" string starts after its delimiter (and
// the newline right after it, which TOML drops), a one-line string after its quote. When the
// file's bytes there are not the query verbatim (escapes in a basic string) diagnostics point
// at the start of the value instead.
void position_query(const std::string& file, size_t value, SourceText& body) {
  size_t start = value;
  const std::string_view rest = std::string_view(file).substr(value);
  if (rest.starts_with("'''") || rest.starts_with("\"\"\"")) {
    start += 3;
    if (file.compare(start, 2, "\r\n") == 0) {
      start += 2;
    } else if (start < file.size() && file[start] == '\n') {
      start += 1;
    }
  } else if (rest.starts_with("'") || rest.starts_with("\"")) {
    start += 1;
  }
  if (file.compare(start, body.text().size(), body.text()) != 0) start = value;
  uint32_t line = 1;
  size_t line_start = 0;
  for (size_t k = 0; k < start; ++k) {
    if (file[k] == '\n') {
      ++line;
      line_start = k + 1;
    }
  }
  body.set_origin(line, static_cast<uint32_t>(start - line_start + 1), 0);
}

void load_rule(TomlRuleFile& f, const Table& root, std::set<std::string>& seen_ids,
               const PluginRegistry& plugins) {
  const Table rule = root->get_table("rule");
  if (!rule) {
    f.skip("RULE014", "", "not a rule file",
           "not an Elastic rule file: no [rule] table (nothing loaded from it)");
    return;
  }
  // detection-rules name the id `rule_id`; endpoint behaviour rules `id`.
  const bool detection_rule = rule->contains("rule_id") || !rule->contains("id");
  const char* id_key = detection_rule ? "rule_id" : "id";
  const size_t errors_before = f.out.error_count();
  auto required = [&](const char* key) -> std::string {
    if (!rule->contains(key)) {
      f.error("RULE003", std::string("missing required key '") + key + "' in [rule]",
              f.at("", "rule"));
      return {};
    }
    const std::string v = rule->get_as<std::string>(key).value_or("");
    if (v.empty()) {
      f.error("RULE004", std::string("'") + key + "' must be a non-empty string",
              f.at("rule", key));
    }
    return v;
  };
  RuleSource r;
  r.meta.name = required("name");
  const std::string label = "rule '" + (r.meta.name.empty() ? f.text->name() : r.meta.name) + "'";

  const Table metadata = root->get_table("metadata");
  const std::string maturity =
      metadata ? metadata->get_as<std::string>("maturity").value_or("") : "";
  if (maturity == "deprecated") {
    f.skip("RULE017", r.meta.name, "deprecated",
           label + " is deprecated ([metadata] maturity = \"deprecated\"): not loaded",
           f.at("metadata", "maturity"));
    return;
  }
  // Endpoint behaviour rules are all EQL and name no type or language.
  const std::string type = rule->get_as<std::string>("type").value_or(detection_rule ? "" : "eql");
  const std::string language =
      rule->get_as<std::string>("language").value_or(detection_rule ? "" : "eql");
  if (type != "eql" || language != "eql") {
    const std::string reason = "type " + (type.empty() ? std::string("none") : type) +
                               ", language " + (language.empty() ? std::string("none") : language);
    f.skip("RULE016", r.meta.name, reason,
           label + " (" + reason +
               ") is not run by this engine: only EQL rules are (type \"eql\", language \"eql\")",
           f.at("rule", rule->contains("type") ? "type" : "language"));
    return;
  }

  r.meta.id = required(id_key);
  r.meta.description = std::string(trim(rule->get_as<std::string>("description").value_or("")));
  r.meta.source = f.text->name();
  if (!r.meta.id.empty() && !seen_ids.insert(r.meta.id).second) {
    f.error("RULE007", "duplicate rule id '" + r.meta.id + "'", f.at("rule", id_key));
  }
  if (rule->contains("risk_score")) {
    const auto score = rule->get_as<int64_t>("risk_score");
    if (!score || *score < 0 || *score > 100) {
      f.error("RULE015", "'risk_score' must be an integer from 0 to 100",
              f.at("rule", "risk_score"));
    } else {
      r.meta.risk_score = static_cast<int>(*score);
      r.meta.severity = severity_of_risk(*score);
    }
  }
  if (rule->contains("severity")) {  // the rule's own label wins over its risk score's band
    if (!parse_severity(rule->get_as<std::string>("severity").value_or(""), r.meta.severity)) {
      f.error("RULE008", "severity must be one of low, medium, high, critical",
              f.at("rule", "severity"));
    }
  }
  r.meta.tags = strings(rule, "tags");
  read_threats(rule->get_table_array("threat"), r.meta);
  read_threats(root->get_table_array("threat"), r.meta);
  r.meta.references = strings(rule, "references");
  r.meta.false_positives = strings(rule, "false_positives");
  r.meta.authors = strings(rule, "author");
  if (auto v = rule->get_as<std::string>("version")) {
    r.meta.version = *v;
  } else if (auto n = rule->get_as<int64_t>("version")) {
    r.meta.version = std::to_string(*n);
  }

  r.type = "eql";
  r.meta.kind = r.type;
  if (!plugins.rule_kind(r.type)) {
    f.error("RULE012", "rule type 'eql' is not registered in this engine", f.at("rule", "type"));
  }
  const std::string query = required("query");
  if (!query.empty()) {
    r.body = std::make_shared<SourceText>(f.text->name(), query);
    position_query(f.text->text(), f.at("rule", "query"), *r.body);
  }
  r.params.emplace_back("dialect", "elastic");
  if (f.out.error_count() != errors_before) return;
  // Shared exception lists the rule names (Elastic: exceptions_list = [{list_id = "…", …}]),
  // resolved with the other tuning by apply_tuning (detect/tuning.h).
  if (const auto lists = rule->get_table_array("exceptions_list")) {
    RuleTuningDef tuning;
    for (const auto& t : *lists) {
      const std::string id = t->get_as<std::string>("list_id").value_or("");
      if (id.empty()) continue;
      TuningPos at;
      at.text = f.text;
      at.offset = f.at("rule", "exceptions_list");
      tuning.exception_lists.emplace_back(id, at);
    }
    if (!tuning.exception_lists.empty()) f.out.tuning.rules[r.meta.id] = std::move(tuning);
  }
  f.out.rules.push_back(std::move(r));
}

}  // namespace

size_t find_toml_value(std::string_view t, std::string_view table, std::string_view key) {
  std::string_view current;  // the table of the lines being read ("" before any header)
  size_t i = 0;
  while (i < t.size()) {
    size_t p = i;
    while (p < t.size() && blank(t[p])) ++p;
    size_t eol = t.find('\n', p);
    if (eol == std::string_view::npos) eol = t.size();
    if (p < eol && t[p] == '[') {
      size_t b = p;
      while (b < eol && t[b] == '[') ++b;
      const size_t e = t.find(']', b);
      current = trim(t.substr(b, (e == std::string_view::npos || e > eol ? eol : e) - b));
      i = eol + 1;
      continue;
    }
    size_t k = p;
    while (k < eol && bare_key_char(t[k])) ++k;
    size_t q = k;
    while (q < eol && blank(t[q])) ++q;
    if (k > p && q < eol && t[q] == '=') {
      size_t v = q + 1;
      while (v < eol && blank(t[v])) ++v;
      if (current == table && t.substr(p, k - p) == key) return v;
      // Step over a multi-line string: its lines are not keys or headers.
      for (const std::string_view delim : {std::string_view("'''"), std::string_view("\"\"\"")}) {
        if (t.substr(v, 3) != delim) continue;
        const size_t close = t.find(delim, v + 3);
        if (close == std::string_view::npos) return std::string_view::npos;
        eol = t.find('\n', close + 3);
        if (eol == std::string_view::npos) eol = t.size();
        break;
      }
    }
    i = eol + 1;
  }
  return std::string_view::npos;
}

void load_elastic_rule_text(const std::string& file_name, const std::string& text,
                            RuleLoadResult& out, std::set<std::string>& seen_ids,
                            const PluginRegistry& plugins) {
  TomlRuleFile f{std::make_shared<SourceText>(file_name, text), out};
  ++out.files;
  Table root;
  try {
    std::istringstream in(text);
    cpptoml::parser parser(in);
    root = parser.parse();
  } catch (const cpptoml::parse_exception& e) {
    // cpptoml says "… at line N": point at that line.
    const std::string what = e.what();
    uint32_t offset = 0;
    if (const size_t at = what.rfind(" at line "); at != std::string::npos) {
      const unsigned long line = std::strtoul(what.c_str() + at + 9, nullptr, 10);
      size_t p = 0;
      for (unsigned long l = 1; l < line && p != std::string::npos; ++l) {
        p = text.find('\n', p);
        if (p != std::string::npos) ++p;
      }
      if (p != std::string::npos && p < text.size()) offset = static_cast<uint32_t>(p);
    }
    f.error("RULE013", "invalid TOML: " + what, offset);
    return;
  }
  load_rule(f, root, seen_ids, plugins);
}

}  // namespace wsn
