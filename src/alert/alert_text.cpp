#include "alert/alert_text.h"

#include <cstdio>

#include "event/timestamp.h"

namespace wsn {
namespace {

void append_escaped(std::string_view v, std::string& out) {
  for (unsigned char c : v) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
}

void append_field(const Event& e, FieldId id, std::string_view key, bool quote, std::string& out) {
  FieldView v;
  if (!e.get(id, v)) return;
  out += ' ';
  out += key;
  out += '=';
  if (v.type == FieldType::kString) {
    if (quote) out += '"';
    append_escaped(v.s, out);
    if (quote) out += '"';
  } else if (v.type == FieldType::kInt) {
    out += std::to_string(v.i);
  } else if (v.type == FieldType::kUInt) {
    out += std::to_string(v.u);
  }
}

}  // namespace

void format_alert_text(const Alert& alert, std::string& out) {
  const RuleMeta& rule = *alert.rule;
  format_rfc3339(alert.time_ns, out);
  out += ' ';
  for (char c : severity_label(alert.severity)) out += static_cast<char>(c - 'a' + 'A');
  out += ' ';
  append_escaped(rule.id, out);
  out += " \"";
  append_escaped(rule.name, out);
  out += '"';
  if (!alert.title.empty()) {
    out += " msg=\"";
    append_escaped(alert.title, out);
    out += '"';
  }
  // A rule's free text (Wasm emit_alert), escaped like the title: one alert, one line.
  if (!alert.details.empty()) {
    out += " details=\"";
    append_escaped(alert.details, out);
    out += '"';
  }
  if (!alert.events.empty()) {
    const Event& e = alert.events.back();
    append_field(e, fields::kHostName, "host", false, out);
    append_field(e, fields::kUserName, "user", false, out);
    if (!e.has(fields::kUserName)) append_field(e, fields::kProcessUserName, "user", false, out);
    append_field(e, fields::kProcessName, "process", false, out);
    append_field(e, fields::kProcessPid, "pid", false, out);
    append_field(e, fields::kProcessParentName, "parent", false, out);
    append_field(e, fields::kProcessCommandLine, "cmd", true, out);
    append_field(e, fields::kFilePath, "file", true, out);
    FieldView v;
    if (e.get(fields::kDestinationIp, v) && v.ip) {
      out += " dst=";
      out += v.ip->to_string();
      if (e.get(fields::kDestinationPort, v) && v.type == FieldType::kInt) {
        out += ':';
        out += std::to_string(v.i);
      }
    }
  }
  if (!rule.mitre.empty()) {
    out += " mitre=";
    for (size_t k = 0; k < rule.mitre.size(); ++k) {
      if (k) out += ',';
      append_escaped(rule.mitre[k], out);
    }
  }
  if (alert.count > 1) out += " count=" + std::to_string(alert.count);
  if (alert.suppressed > 0) out += " suppressed=" + std::to_string(alert.suppressed);
}

}  // namespace wsn
