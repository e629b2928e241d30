#include "alert/alert_json.h"

#include <algorithm>

#include "event/json_writer.h"
#include "event/timestamp.h"

namespace wsn {
namespace {

struct Tactic {
  std::string_view tag;   // after "attack."
  std::string_view name;  // ATT&CK display name
};

constexpr Tactic kTactics[] = {
    {"reconnaissance", "Reconnaissance"},
    {"resource_development", "Resource Development"},
    {"initial_access", "Initial Access"},
    {"execution", "Execution"},
    {"persistence", "Persistence"},
    {"privilege_escalation", "Privilege Escalation"},
    {"defense_evasion", "Defense Evasion"},
    {"credential_access", "Credential Access"},
    {"discovery", "Discovery"},
    {"lateral_movement", "Lateral Movement"},
    {"collection", "Collection"},
    {"command_and_control", "Command and Control"},
    {"exfiltration", "Exfiltration"},
    {"impact", "Impact"},
};

template <typename T>
void append_string_array(std::string& out, const std::vector<T>& items) {
  out += '[';
  for (size_t k = 0; k < items.size(); ++k) {
    if (k) out += ',';
    append_json_string(items[k], out);
  }
  out += ']';
}

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void append_ancestor(const AncestorInfo& a, std::string& out) {
  out += "{\"pid\":";
  out += std::to_string(a.pid);
  if (!a.entity_id.empty()) {
    out += ",\"entity_id\":";
    append_json_string(a.entity_id, out);
  }
  if (!a.name.empty()) {
    out += ",\"name\":";
    append_json_string(a.name, out);
  }
  if (!a.executable.empty()) {
    out += ",\"executable\":";
    append_json_string(a.executable, out);
  }
  if (!a.command_line.empty()) {
    out += ",\"command_line\":";
    append_json_string(a.command_line, out);
  }
  out += '}';
}

}  // namespace

std::vector<std::string_view> mitre_tactics(const std::vector<std::string>& tags) {
  std::vector<std::string_view> out;
  for (const auto& tag : tags) {
    if (tag.rfind("attack.", 0) != 0) continue;
    const std::string_view t = std::string_view(tag).substr(7);
    for (const Tactic& tactic : kTactics) {
      if (tactic.tag == t && std::find(out.begin(), out.end(), tactic.name) == out.end()) {
        out.push_back(tactic.name);
      }
    }
  }
  return out;
}

std::string mitre_technique_url(std::string_view id) {
  if (id.size() < 5 || id[0] != 'T') return "";
  const size_t dot = id.find('.');
  const std::string_view technique =
      id.substr(1, dot == std::string_view::npos ? id.npos : dot - 1);
  if (!is_digits(technique)) return "";
  std::string url = "https://attack.mitre.org/techniques/T";
  url += technique;
  url += '/';
  if (dot != std::string_view::npos) {
    const std::string_view sub = id.substr(dot + 1);
    if (!is_digits(sub)) return "";
    url += sub;
    url += '/';
  }
  return url;
}

void write_rule_json(const RuleMeta& rule, std::string& out) {
  out += ",\"rule\":";
  JsonObjectWriter(out)
      .str("id", rule.id)
      .str("name", rule.name)
      .str("description", rule.description)
      .str("type", rule.kind)
      .strings("tags", rule.tags)
      .close();
  const std::vector<std::string_view> tactics = mitre_tactics(rule.tags);
  if (!rule.mitre.empty() || !tactics.empty()) {
    out += ",\"threat\":{\"framework\":\"MITRE ATT&CK\"";
    if (!tactics.empty()) {
      out += ",\"tactic\":{\"name\":";
      append_string_array(out, tactics);
      out += '}';
    }
    if (!rule.mitre.empty()) {
      out += ",\"technique\":{\"id\":";
      append_string_array(out, rule.mitre);
      std::vector<std::string> urls;
      for (const auto& id : rule.mitre) {
        if (std::string u = mitre_technique_url(id); !u.empty()) urls.push_back(std::move(u));
      }
      if (!urls.empty()) {
        out += ",\"reference\":";
        append_string_array(out, urls);
      }
      out += '}';
    }
    out += '}';
  }
}

void write_alert_json(const Alert& alert, const FieldRegistry& registry, std::string& out,
                      std::string_view rule_json) {
  const RuleMeta& rule = *alert.rule;
  out += "{\"@timestamp\":\"";
  format_rfc3339(alert.time_ns, out);
  out += "\",\"event\":{\"kind\":\"alert\",\"severity\":";
  out += std::to_string(severity_score(alert.severity));
  out += ",\"severity_label\":";
  append_json_string(severity_label(alert.severity), out);
  out += '}';
  if (!alert.title.empty()) {
    out += ",\"message\":";
    append_json_string(alert.title, out);
  }
  if (rule_json.empty()) {
    write_rule_json(rule, out);
  } else {
    out += rule_json;
  }
  // host.* of the (last) triggering event.
  if (!alert.events.empty()) {
    const Event& last = alert.events.back();
    FieldView v;
    const bool has_name = last.get(fields::kHostName, v);
    if (has_name) {
      out += ",\"host\":{\"name\":";
      append_json_string(v.s, out);
      if (last.get(fields::kHostId, v)) {
        out += ",\"id\":";
        append_json_string(v.s, out);
      }
      out += '}';
    }
  }
  out += ",\"alert\":{\"sequence\":";
  out += std::to_string(alert.sequence);
  out += ",\"count\":";
  out += std::to_string(alert.count);
  if (alert.count > 1) {
    out += ",\"first_seen\":\"";
    format_rfc3339(alert.first_time_ns, out);
    out += '"';
  }
  if (alert.suppressed > 0) {
    out += ",\"suppressed\":";
    out += std::to_string(alert.suppressed);
  }
  if (!alert.details.empty()) {
    out += ",\"details\":";
    append_json_string(alert.details, out);
  }
  out += '}';
  if (!alert.ancestry.empty()) {
    out += ",\"ancestry\":[";
    for (size_t k = 0; k < alert.ancestry.size(); ++k) {
      if (k) out += ',';
      append_ancestor(alert.ancestry[k], out);
    }
    out += ']';
  }
  out += ",\"events\":[";
  for (size_t k = 0; k < alert.events.size(); ++k) {
    if (k) out += ',';
    write_event_json(alert.events[k], registry, out);
  }
  out += "]}";
}

}  // namespace wsn
