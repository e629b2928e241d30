#include "detect/tuning.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <set>

#include "common/text.h"
#include "detect/rule_file.h"
#include "detect/sigma_documents.h"
#include "eql/eql_text.h"
#include "sigma/yaml_text.h"

namespace wsn {
namespace {

using sigma::scalar;

bool ident_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '@';
}
bool ident_char(char c) {
  return ident_start(c) || std::isdigit(static_cast<unsigned char>(c));
}

// A field name as an EQL field reference: plain segments as they are, others `escaped`.
std::string eql_field(const std::string& name) {
  std::string out;
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    const std::string seg = name.substr(start, dot - start);
    const bool plain =
        !seg.empty() && ident_start(seg[0]) && std::all_of(seg.begin(), seg.end(), ident_char);
    if (!out.empty() || start > 0) out += '.';
    if (plain) {
      out += seg;
    } else {
      out += '`';
      for (char c : seg) out += c == '`' ? std::string("``") : std::string(1, c);
      out += '`';
    }
    start = dot + 1;
  }
  return out;
}

bool valid_field(const std::string& f) {
  if (f.empty() || f.front() == '.' || f.back() == '.') return false;
  return f.find("..") == std::string::npos;
}

std::string join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

}  // namespace

std::string TuningPos::where() const {
  if (!text) return {};
  return text->name() + ":" + std::to_string(text->locate(offset).line);
}

TuningPos TuningReader::pos(const YAML::Node& n, uint32_t length) const {
  TuningPos p;
  p.text = text;
  const YAML::Mark m = n.Mark();
  p.offset = m.pos >= 0 ? static_cast<uint32_t>(m.pos) : 0;
  p.length = length;
  return p;
}

void TuningReader::error(const std::string& code, const std::string& msg, const YAML::Node& at,
                         DiagSeverity severity) {
  Diagnostic d;
  d.severity = severity;
  d.code = code;
  d.message = msg;
  const TuningPos p = pos(at);
  d.range = {p.offset, p.offset + 1};
  out.diagnostics.push_back({std::move(d), text, {}});
}

namespace {

// One entry (or a nested entry with its parent's field prefix) → EQL condition.
bool elastic_entry(TuningReader& r, const YAML::Node& e, const std::string& prefix,
                   ExceptionItemDef& item, std::string& cond, int depth) {
  if (!e.IsMap()) {
    r.error("RULE019", "an exception entry must be a mapping {field, operator, type, value}", e);
    return false;
  }
  static const std::set<std::string> keys = {"field", "operator", "type",
                                             "value", "list",     "entries"};
  for (const auto& kv : e) {
    const std::string k = scalar(kv.first);
    if (!keys.count(k)) {
      r.error("RULE019",
              "unknown key '" + k +
                  "' in an exception entry (known: field, operator, type, "
                  "value, list, entries)",
              kv.first);
      return false;
    }
  }
  const std::string field_name = scalar(e["field"]);
  if (!valid_field(field_name)) {
    r.error("RULE019", "an exception entry needs a 'field' (an ECS field name)",
            e["field"] ? e["field"] : e);
    return false;
  }
  const std::string field = eql_field(prefix.empty() ? field_name : prefix + "." + field_name);
  const std::string op = e["operator"] ? ascii_lower(scalar(e["operator"])) : "included";
  bool negated = false;
  if (op == "excluded") {
    negated = true;
  } else if (op != "included") {
    r.error("RULE019", "'operator' must be 'included' or 'excluded', got '" + op + "'",
            e["operator"]);
    return false;
  }
  // Elastic's `type` values, and the names its UI shows for them.
  std::string type = ascii_lower(scalar(e["type"]));
  if (type == "is") type = "match";
  if (type == "is one of") type = "match_any";
  if (type == "matches") type = "wildcard";
  if (type == "is in list") type = "list";
  const YAML::Node value = e["value"];
  auto one_value = [&](std::string& out) {
    if (!value || !value.IsScalar()) {
      r.error("RULE019", "'" + type + "' needs one 'value'", value ? value : e);
      return false;
    }
    out = value.as<std::string>();
    return true;
  };
  std::string c;
  if (type == "match" || type == "wildcard") {
    std::string v;
    if (!one_value(v)) return false;
    c = field + (type == "match" ? " == " : " like ") + eql::string_literal(v);
  } else if (type == "match_any") {
    std::vector<std::string> vs;
    if (value && value.IsScalar()) {
      vs.push_back(eql::string_literal(value.as<std::string>()));
    } else if (value && value.IsSequence() && value.size() > 0) {
      for (const auto& v : value) {
        if (!v.IsScalar()) {
          r.error("RULE019", "'match_any' values must be strings", v);
          return false;
        }
        vs.push_back(eql::string_literal(v.as<std::string>()));
      }
    } else {
      r.error("RULE019", "'match_any' needs 'value': a non-empty list", value ? value : e);
      return false;
    }
    c = field + " in (" + join(vs, ", ") + ")";
  } else if (type == "exists") {
    c = field + " != null";
  } else if (type == "list") {
    // Elastic: "list": {"id": "…", "type": "keyword"}; a plain `value: id` is accepted too.
    // (Nodes are references into the document: never assigned, only read.)
    std::string id;
    const YAML::Node list = e["list"];
    const bool from_list = list && (list.IsMap() || list.IsScalar());
    if (list && list.IsMap()) {
      id = scalar(list["id"]);
    } else if (list && list.IsScalar()) {
      id = list.as<std::string>();
    } else if (value && value.IsScalar()) {
      id = value.as<std::string>();
    }
    const TuningPos at = from_list ? r.pos(list) : value ? r.pos(value) : r.pos(e);
    if (id.empty()) {
      r.error("RULE019", "'list' needs the value list's id: list: {id: NAME}", e);
      return false;
    }
    item.value_lists.emplace_back(id, at);
    c = "in_list(" + field + ", " + eql::string_literal(id) + ")";
  } else if (type == "nested") {
    const YAML::Node entries = e["entries"];
    if (!entries || !entries.IsSequence() || entries.size() == 0 || depth > 8) {
      r.error("RULE019", "'nested' needs 'entries': a non-empty list of entries",
              entries ? entries : e);
      return false;
    }
    std::vector<std::string> parts;
    for (const auto& sub : entries) {
      std::string sc;
      if (!elastic_entry(r, sub, prefix.empty() ? field_name : prefix + "." + field_name, item, sc,
                         depth + 1)) {
        return false;
      }
      parts.push_back(sc);
    }
    c = "(" + join(parts, " and ") + ")";
  } else {
    r.error("RULE019",
            "unknown exception entry type '" + scalar(e["type"]) +
                "' (known: match, match_any, wildcard, exists, list, nested)",
            e["type"] ? e["type"] : e);
    return false;
  }
  cond = negated ? "not (" + c + ")" : c;
  return true;
}

// Falco: {name, fields: [a, b], comps: [=, in], values: [[x, [y, z]], …]}; each tuple is one
// item. A lone field takes a list of values.
bool falco_exception(TuningReader& r, const YAML::Node& n, std::vector<ExceptionItemDef>& items) {
  static const std::set<std::string> keys = {"name", "fields", "comps", "values"};
  for (const auto& kv : n) {
    const std::string k = scalar(kv.first);
    if (!keys.count(k)) {
      r.error("RULE019",
              "unknown key '" + k +
                  "' in a Falco-style exception (known: name, fields, comps, "
                  "values)",
              kv.first);
      return false;
    }
  }
  const std::string name = scalar(n["name"]);
  if (name.empty()) {
    r.error("RULE019", "a Falco-style exception needs a 'name'", n);
    return false;
  }
  std::vector<std::string> fields;
  const YAML::Node f = n["fields"];
  const bool single = f && f.IsScalar();
  if (single) {
    fields.push_back(f.as<std::string>());
  } else if (f && f.IsSequence()) {
    for (const auto& x : f) fields.push_back(scalar(x));
  }
  if (fields.empty() || !std::all_of(fields.begin(), fields.end(), valid_field)) {
    r.error("RULE019", "'fields' must be a field name or a list of field names", f ? f : n);
    return false;
  }
  std::vector<std::string> comps(fields.size(), "=");
  if (const YAML::Node c = n["comps"]) {
    if (c.IsScalar() && single) {
      comps[0] = c.as<std::string>();
    } else if (c.IsSequence() && c.size() == fields.size()) {
      for (size_t k = 0; k < fields.size(); ++k) comps[k] = ascii_lower(scalar(c[k]));
    } else {
      r.error("RULE019",
              "'comps' must have one comparison per field (" + std::to_string(fields.size()) + ")",
              c);
      return false;
    }
  }
  static const std::set<std::string> known = {
      "=", "!=", "in", "startswith", "endswith", "contains", "glob", "<", "<=", ">", ">="};
  for (size_t k = 0; k < comps.size(); ++k) {
    if (!known.count(comps[k])) {
      r.error("RULE019",
              "unknown comparison '" + comps[k] +
                  "' (known: =, !=, in, startswith, endswith, contains, glob, <, <=, >, >=)",
              n["comps"]);
      return false;
    }
  }
  const YAML::Node values = n["values"];
  if (!values || !values.IsSequence()) {
    r.error("RULE019", "'values' must be a list of value tuples", values ? values : n);
    return false;
  }
  for (const auto& tuple : values) {
    std::vector<YAML::Node> vs;
    if (single) {
      vs.push_back(tuple);
    } else if (tuple.IsSequence() && tuple.size() == fields.size()) {
      for (const auto& v : tuple) vs.push_back(v);
    } else {
      r.error("RULE019",
              "each value tuple must have " + std::to_string(fields.size()) +
                  " value(s), one per field",
              tuple);
      return false;
    }
    std::vector<std::string> parts;
    for (size_t k = 0; k < fields.size(); ++k) {
      const std::string field = eql_field(fields[k]);
      const std::string& op = comps[k];
      const YAML::Node& v = vs[k];
      if (op == "in") {
        std::vector<std::string> list;
        if (v.IsSequence() && v.size() > 0) {
          for (const auto& x : v) list.push_back(eql::string_literal(scalar(x)));
        } else if (v.IsScalar()) {
          list.push_back(eql::string_literal(v.as<std::string>()));
        } else {
          r.error("RULE019", "'in' takes a non-empty list of values", v);
          return false;
        }
        parts.push_back(field + " in (" + join(list, ", ") + ")");
        continue;
      }
      if (!v.IsScalar()) {
        r.error("RULE019", "'" + op + "' takes one value", v);
        return false;
      }
      const std::string lit = eql::string_literal(v.as<std::string>());
      if (op == "=") {
        parts.push_back(field + " == " + lit);
      } else if (op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=") {
        parts.push_back(field + " " + op + " " + lit);
      } else if (op == "startswith") {
        parts.push_back("startsWith(" + field + ", " + lit + ")");
      } else if (op == "endswith") {
        parts.push_back("endsWith(" + field + ", " + lit + ")");
      } else if (op == "contains") {
        parts.push_back("stringContains(" + field + ", " + lit + ")");
      } else {  // glob
        parts.push_back(field + " like " + lit);
      }
    }
    ExceptionItemDef item;
    item.name = name;
    item.condition = "(" + join(parts, " and ") + ")";
    item.pos = r.pos(tuple);
    items.push_back(std::move(item));
  }
  return true;
}

}  // namespace

bool TuningReader::elastic_item(const YAML::Node& n, const std::string& list_id,
                                std::vector<ExceptionItemDef>& items) {
  const YAML::Node entries = n["entries"];
  if (!entries || !entries.IsSequence() || entries.size() == 0) {
    error("RULE019", "an exception item needs 'entries': a non-empty list", entries ? entries : n);
    return false;
  }
  ExceptionItemDef item;
  item.name = scalar(n["item_id"]);
  if (item.name.empty()) item.name = scalar(n["name"]);
  item.list_id = list_id;
  item.pos = pos(n);
  std::vector<std::string> parts;
  for (const auto& e : entries) {
    std::string c;
    if (!elastic_entry(*this, e, "", item, c, 0)) return false;
    parts.push_back(c);
  }
  item.condition = "(" + join(parts, " and ") + ")";
  items.push_back(std::move(item));
  return true;
}

bool TuningReader::exceptions(const YAML::Node& n, const std::string& list_id,
                              std::vector<ExceptionItemDef>& items) {
  if (!n.IsSequence()) {
    error("RULE019", "'exceptions' must be a list of exception items", n);
    return false;
  }
  bool ok = true;
  for (const auto& x : n) {
    if (!x.IsMap()) {
      error("RULE019",
            "an exception is a mapping: an Elastic item ({entries: […]}) or a Falco-style "
            "exception ({name, fields, comps, values})",
            x);
      ok = false;
    } else if (x["entries"]) {
      ok &= elastic_item(x, list_id, items);
    } else if (x["fields"]) {
      ok &= falco_exception(*this, x, items);
      for (auto& i : items) i.list_id = list_id;
    } else {
      error("RULE019",
            "an exception needs 'entries' (Elastic exception item) or 'fields' (Falco-style)", x);
      ok = false;
    }
  }
  return ok;
}

bool TuningReader::list_refs(const YAML::Node& n,
                             std::vector<std::pair<std::string, TuningPos>>& refs) {
  auto one = [&](const YAML::Node& x) {
    std::string id = x.IsMap() ? scalar(x["list_id"]) : scalar(x);
    if (id.empty()) {
      error("RULE019", "an exception list reference is a list id or {list_id: ID}", x);
      return false;
    }
    refs.emplace_back(id, pos(x, static_cast<uint32_t>(x.IsScalar() ? id.size() : 1)));
    return true;
  };
  if (n.IsScalar()) return one(n);
  if (!n.IsSequence()) {
    error("RULE019", "'exceptions_list' must be a list of exception list ids", n);
    return false;
  }
  bool ok = true;
  for (const auto& x : n) ok &= one(x);
  return ok;
}

void TuningReader::lists_document(const YAML::Node& n) {
  if (!n.IsMap()) {
    error("RULE023", "'lists' must map list names to lists of values", n);
    return;
  }
  for (const auto& kv : n) {
    const std::string name = scalar(kv.first);
    if (name.empty() || !kv.second.IsSequence()) {
      error("RULE023", "value list '" + name + "' must be a list of values", kv.second);
      continue;
    }
    std::vector<std::string> values;
    bool ok = true;
    for (const auto& v : kv.second) {
      if (!v.IsScalar()) {
        error("RULE023", "value list '" + name + "': values must be strings or numbers", v);
        ok = false;
        break;
      }
      values.push_back(v.as<std::string>());
    }
    if (!ok) continue;
    auto& t = out.tuning;
    if (auto it = t.value_list_pos.find(name); it != t.value_list_pos.end()) {
      error("RULE024", "duplicate value list '" + name + "' (first at " + it->second.where() + ")",
            kv.first);
      continue;
    }
    t.value_lists[name] = std::move(values);
    t.value_list_pos[name] = pos(kv.first, static_cast<uint32_t>(name.size()));
  }
}

void TuningReader::exception_lists_document(const YAML::Node& n) {
  if (!n.IsSequence()) {
    error("RULE023", "'exception_lists' must be a list of {list_id, rules, items}", n);
    return;
  }
  for (const auto& l : n) {
    if (!l.IsMap() || scalar(l["list_id"]).empty()) {
      error("RULE023", "an exception list needs a 'list_id'", l);
      continue;
    }
    for (const auto& kv : l) {
      const std::string k = scalar(kv.first);
      if (k != "list_id" && k != "name" && k != "description" && k != "rules" && k != "items" &&
          k != "type" && k != "namespace_type") {
        error("RULE023",
              "unknown key '" + k +
                  "' in an exception list (known: list_id, name, description, "
                  "rules, items)",
              kv.first);
      }
    }
    ExceptionListDef def;
    def.list_id = scalar(l["list_id"]);
    def.pos = pos(l["list_id"], static_cast<uint32_t>(def.list_id.size()));
    if (const YAML::Node rules = l["rules"]) list_refs(rules, def.rules);
    if (const YAML::Node items = l["items"]) exceptions(items, def.list_id, def.items);
    out.tuning.exception_lists.push_back(std::move(def));
  }
}

void TuningReader::overlay_document(const YAML::Node& n) {
  if (!n.IsSequence()) {
    error("RULE023", "'overlay' must be a list of {id, enabled, severity, tags, exceptions}", n);
    return;
  }
  for (const auto& o : n) {
    if (!o.IsMap() || scalar(o["id"]).empty()) {
      error("RULE023", "an overlay entry needs the 'id' of the rule it changes", o);
      continue;
    }
    bool ok = true;
    for (const auto& kv : o) {
      const std::string k = scalar(kv.first);
      if (k != "id" && k != "enabled" && k != "severity" && k != "tags" && k != "exceptions" &&
          k != "exceptions_list") {
        error("RULE023",
              "unknown key '" + k +
                  "' in an overlay entry (known: id, enabled, severity, tags, "
                  "exceptions, exceptions_list)",
              kv.first);
        ok = false;
      }
    }
    OverlayDef def;
    def.rule_id = scalar(o["id"]);
    def.pos = pos(o["id"], static_cast<uint32_t>(def.rule_id.size()));
    if (const YAML::Node e = o["enabled"]) {
      bool v = true;
      if (!e.IsScalar() || !YAML::convert<bool>::decode(e, v)) {
        error("RULE023", "'enabled' must be true or false", e);
        ok = false;
      }
      def.enabled = v;
    }
    if (const YAML::Node s = o["severity"]) {
      Severity sev = Severity::kMedium;
      if (!parse_severity(scalar(s), sev)) {
        error("RULE023", "severity must be one of low, medium, high, critical", s);
        ok = false;
      }
      def.severity = sev;
    }
    if (const YAML::Node t = o["tags"]) {
      if (t.IsSequence()) {
        for (const auto& x : t) def.tags.push_back(scalar(x));
      } else if (t.IsScalar()) {
        def.tags.push_back(t.as<std::string>());
      } else {
        error("RULE023", "'tags' must be a list of strings", t);
        ok = false;
      }
    }
    if (const YAML::Node e = o["exceptions"]) ok &= exceptions(e, "", def.exceptions);
    if (const YAML::Node e = o["exceptions_list"]) ok &= list_refs(e, def.exception_lists);
    if (ok) out.tuning.overlays.push_back(std::move(def));
  }
}

void load_exception_ndjson(const std::string& name, const std::string& text, RuleLoadResult& out) {
  TuningReader r{std::make_shared<SourceText>(name, text), out};
  ++out.files;
  // Items are grouped by list_id; lists are created by their first line or item.
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    const size_t line_start = start;
    start = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    YAML::Node n;
    try {
      n = YAML::Load(line);
    } catch (const YAML::Exception& e) {
      Diagnostic d;
      d.code = "RULE000";
      d.message = "invalid JSON line: " + e.msg;
      d.range = {static_cast<uint32_t>(line_start), static_cast<uint32_t>(line_start + 1)};
      out.diagnostics.push_back({std::move(d), r.text, {}});
      continue;
    }
    // Marks of a node loaded from one line are relative to that line.
    TuningReader lr{r.text, out};
    auto shift = [&](std::vector<ExceptionItemDef>& items, size_t from) {
      for (size_t k = from; k < items.size(); ++k) {
        items[k].pos.offset += static_cast<uint32_t>(line_start);
        for (auto& [list, at] : items[k].value_lists)
          at.offset += static_cast<uint32_t>(line_start);
      }
    };
    if (!n.IsMap()) {
      Diagnostic d;
      d.code = "RULE023";
      d.message = "each line of an exception list export must be a JSON object";
      d.range = {static_cast<uint32_t>(line_start), static_cast<uint32_t>(line_start + 1)};
      out.diagnostics.push_back({std::move(d), r.text, {}});
      continue;
    }
    if (n["exported_exceptions_count"] || n["exported_count"]) continue;  // export summary
    const std::string list_id = scalar(n["list_id"]);
    if (list_id.empty()) {
      Diagnostic d;
      d.code = "RULE023";
      d.message = "an exception list export line needs a 'list_id'";
      d.range = {static_cast<uint32_t>(line_start), static_cast<uint32_t>(line_start + 1)};
      out.diagnostics.push_back({std::move(d), r.text, {}});
      continue;
    }
    auto& lists = out.tuning.exception_lists;
    auto it = std::find_if(lists.begin(), lists.end(), [&](const ExceptionListDef& l) {
      return l.list_id == list_id && l.pos.text == r.text;
    });
    if (it == lists.end()) {
      ExceptionListDef def;
      def.list_id = list_id;
      def.pos.text = r.text;
      def.pos.offset = static_cast<uint32_t>(line_start);
      lists.push_back(std::move(def));
      it = std::prev(lists.end());
    }
    if (!n["entries"]) continue;  // the list (container) itself
    const size_t before = out.diagnostics.size();
    const size_t from = it->items.size();
    try {
      lr.elastic_item(n, list_id, it->items);
    } catch (const YAML::Exception& e) {
      lr.error("RULE000", "invalid exception item: " + e.msg, n);
    }
    shift(it->items, from);
    for (size_t k = before; k < out.diagnostics.size(); ++k) {
      auto& range = out.diagnostics[k].diag.range;
      range.begin += static_cast<uint32_t>(line_start);
      range.end += static_cast<uint32_t>(line_start);
    }
  }
}

namespace {

// One item a line, each with a comment naming where it came from: a diagnostic about the
// exceptions (an unknown field, a type mismatch) shows that line under its caret.
std::string condition_text(const std::vector<const ExceptionItemDef*>& items) {
  std::string text;
  for (const ExceptionItemDef* i : items) {
    std::string from = i->pos.where();
    std::replace(from.begin(), from.end(), '\n', ' ');
    text += (text.empty() ? "" : "\nor ") + i->condition + "  // " +
            (i->name.empty() ? "" : "'" + i->name + "' ") + "from " + from;
  }
  return text;
}

void diag_at(RuleLoadResult& out, const TuningPos& p, DiagSeverity sev, const std::string& code,
             const std::string& message) {
  Diagnostic d;
  d.severity = sev;
  d.code = code;
  d.message = message;
  d.range = {p.offset, p.offset + p.length};
  out.diagnostics.push_back({std::move(d), p.text, {}});
}

}  // namespace

void apply_tuning(RuleLoadResult& out) {
  attach_sigma_mappings(out);
  TuningSet& t = out.tuning;
  std::map<std::string, size_t> by_id;
  for (size_t k = 0; k < out.rules.size(); ++k) by_id.emplace(out.rules[k].meta.id, k);

  // Shared lists by id (several files may add items to one list id).
  std::map<std::string, std::vector<const ExceptionListDef*>> lists;
  for (const ExceptionListDef& l : t.exception_lists) lists[l.list_id].push_back(&l);

  // Per rule: its items, and the shared lists attached to it (no list twice).
  std::vector<std::vector<const ExceptionItemDef*>> items(out.rules.size());
  std::vector<std::set<std::string>> attached(out.rules.size());
  auto attach = [&](size_t rule, const std::string& id, const TuningPos& at) {
    auto it = lists.find(id);
    if (it == lists.end()) {
      diag_at(out, at, DiagSeverity::kWarning, "RULE021",
              "unknown exception list '" + id + "'; rule '" + out.rules[rule].meta.id +
                  "' runs without it (exception lists are `exception_lists:` documents or "
                  "Elastic *.ndjson exports)");
      return;
    }
    if (!attached[rule].insert(id).second) return;
    for (const ExceptionListDef* l : it->second) {
      for (const ExceptionItemDef& i : l->items) items[rule].push_back(&i);
    }
  };
  for (const auto& [id, def] : t.rules) {
    auto r = by_id.find(id);
    if (r == by_id.end()) continue;  // the rule had errors and was left out
    for (const ExceptionItemDef& i : def.exceptions) items[r->second].push_back(&i);
    for (const auto& [list, at] : def.exception_lists) attach(r->second, list, at);
  }
  for (const ExceptionListDef& l : t.exception_lists) {
    for (const auto& [rule_id, at] : l.rules) {
      auto r = by_id.find(rule_id);
      if (r == by_id.end()) {
        diag_at(out, at, DiagSeverity::kWarning, "RULE022",
                "exception list '" + l.list_id + "' names unknown rule id '" + rule_id + "'");
        continue;
      }
      attach(r->second, l.list_id, at);
    }
  }
  for (const OverlayDef& o : t.overlays) {
    auto r = by_id.find(o.rule_id);
    if (r == by_id.end()) {
      diag_at(out, o.pos, DiagSeverity::kWarning, "RULE022",
              "overlay names unknown rule id '" + o.rule_id + "'; nothing changed");
      continue;
    }
    RuleMeta& m = out.rules[r->second].meta;
    if (o.enabled) m.enabled = *o.enabled;
    if (o.severity) m.severity = *o.severity;
    for (const std::string& tag : o.tags) {
      if (std::find(m.tags.begin(), m.tags.end(), tag) == m.tags.end()) m.tags.push_back(tag);
    }
    for (const ExceptionItemDef& i : o.exceptions) items[r->second].push_back(&i);
    for (const auto& [list, at] : o.exception_lists) attach(r->second, list, at);
  }

  auto value_lists =
      std::make_shared<const std::map<std::string, std::vector<std::string>>>(t.value_lists);
  std::set<const ExceptionItemDef*> checked;
  for (size_t k = 0; k < out.rules.size(); ++k) {
    RuleSource& r = out.rules[k];
    r.value_lists = value_lists;
    r.meta.exceptions.clear();
    if (items[k].empty()) continue;
    bool ok = true;
    for (const ExceptionItemDef* i : items[k]) {
      for (const auto& [list, at] : i->value_lists) {
        if (t.value_lists.count(list)) continue;
        ok = false;
        if (checked.insert(i).second) {
          diag_at(out, at, DiagSeverity::kError, "RULE020",
                  "unknown value list '" + list + "' (value lists are `lists:` documents)");
        }
      }
      r.meta.exceptions.push_back({i->name, i->list_id, i->pos.where(), i->condition});
    }
    if (!ok) continue;  // the error above fails the load; the rule stays without exceptions
    r.exceptions = std::make_shared<SourceText>("exceptions of rule '" + r.meta.id + "'",
                                                condition_text(items[k]));
  }
}

}  // namespace wsn
