#include "alert/alert_json.h"

#include "event/json_writer.h"
#include "event/timestamp.h"

namespace wsn {
namespace {

void append_string_array(std::string& out, const std::vector<std::string>& items) {
  out += '[';
  for (size_t k = 0; k < items.size(); ++k) {
    if (k) out += ',';
    append_json_string(items[k], out);
  }
  out += ']';
}

}  // namespace

void write_alert_json(const Alert& alert, const FieldRegistry& registry, std::string& out) {
  const RuleMeta& rule = *alert.rule;
  out += "{\"@timestamp\":\"";
  format_rfc3339(alert.time_ns, out);
  out += "\",\"event\":{\"kind\":\"alert\",\"severity\":";
  out += std::to_string(severity_score(rule.severity));
  out += ",\"severity_label\":";
  append_json_string(severity_label(rule.severity), out);
  out += "},\"rule\":{\"id\":";
  append_json_string(rule.id, out);
  out += ",\"name\":";
  append_json_string(rule.name, out);
  out += ",\"description\":";
  append_json_string(rule.description, out);
  out += ",\"type\":";
  append_json_string(rule_kind_name(rule.kind), out);
  out += ",\"tags\":";
  append_string_array(out, rule.tags);
  out += '}';
  if (!rule.mitre.empty()) {
    out += ",\"threat\":{\"framework\":\"MITRE ATT&CK\",\"technique\":{\"id\":";
    append_string_array(out, rule.mitre);
    out += "}}";
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
  out += "},\"events\":[";
  for (size_t k = 0; k < alert.events.size(); ++k) {
    if (k) out += ',';
    write_event_json(alert.events[k], registry, out);
  }
  out += "]}";
}

}  // namespace wsn
