#include "alert/alert_template.h"

#include <cctype>
#include <cstdio>

#include "common/did_you_mean.h"
#include "event/timestamp.h"

namespace wsn {
namespace {

constexpr std::string_view kSpecials[] = {"rule", "rule.id", "rule.name", "severity", "time"};

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '@';
}

void append_escaped(std::string_view v, std::string& out) {
  for (unsigned char c : v) {
    if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
}

void append_value(const Event& e, FieldId id, std::string& out) {
  FieldView v;
  if (!e.get(id, v)) {
    out += "<NA>";
    return;
  }
  switch (v.type) {
    case FieldType::kString:
      append_escaped(v.s, out);
      break;
    case FieldType::kInt:
      out += std::to_string(v.i);
      break;
    case FieldType::kUInt:
      out += std::to_string(v.u);
      break;
    case FieldType::kBool:
      out += v.i ? "true" : "false";
      break;
    case FieldType::kTimestamp:
      format_rfc3339(v.i, out);
      break;
    case FieldType::kIp:
      out += v.ip ? v.ip->to_string() : "<NA>";
      break;
    case FieldType::kStringList:
      for (uint32_t k = 0; k < v.list_count; ++k) {
        if (k) out += ',';
        append_escaped(e.list_item(v, k), out);
      }
      break;
  }
}

// The built-in field names, for "did you mean" (the schema table has fixed ids).
const std::vector<std::string_view>& builtin_names(const FieldRegistry& reg) {
  static const std::vector<std::string_view> names = [&reg] {
    std::vector<std::string_view> out(std::begin(kSpecials), std::end(kSpecials));
    for (FieldId id = 0; id < fields::kBuiltinCount; ++id) out.push_back(reg.info(id).name);
    return out;
  }();
  return names;
}

}  // namespace

Result<std::shared_ptr<const AlertTemplate>> AlertTemplate::parse(std::string_view text) {
  static const FieldRegistry reg;  // built-in fields only: their ids are the same everywhere
  auto t = std::make_shared<AlertTemplate>();
  auto add_text = [&t](std::string_view s) {
    if (t->parts_.empty() || t->parts_.back().kind != Kind::kText) t->parts_.push_back({});
    t->parts_.back().text += s;
  };
  for (size_t at = 0; at < text.size();) {
    const size_t pct = text.find('%', at);
    add_text(text.substr(at, pct == std::string_view::npos ? text.npos : pct - at));
    if (pct == std::string_view::npos) break;
    std::string_view name;
    size_t next = pct + 1;
    if (next < text.size() && text[next] == '%') {
      add_text("%");
      at = next + 1;
      continue;
    }
    if (next < text.size() && text[next] == '{') {
      const size_t close = text.find('}', next);
      if (close == std::string_view::npos) {
        return Error{"unclosed '%{' at offset " + std::to_string(pct) + " (write %{FIELD})"};
      }
      name = text.substr(next + 1, close - next - 1);
      next = close + 1;
    } else {
      size_t end = next;
      while (end < text.size() && is_name_char(text[end])) ++end;
      while (end > next && text[end - 1] == '.') --end;  // "… %process.name." ends a sentence
      name = text.substr(next, end - next);
      next = end;
    }
    if (name.empty()) {
      return Error{"'%' at offset " + std::to_string(pct) +
                   " is not followed by a field name (write %% for a literal '%')"};
    }
    Part p;
    if (name == "rule" || name == "rule.name") {
      p.kind = Kind::kRuleName;
    } else if (name == "rule.id") {
      p.kind = Kind::kRuleId;
    } else if (name == "severity") {
      p.kind = Kind::kSeverity;
    } else if (name == "time") {
      p.kind = Kind::kTime;
    } else {
      p.kind = Kind::kField;
      p.field = reg.find(name);
      if (p.field == kInvalidField || p.field >= fields::kBuiltinCount) {
        std::string hint;
        if (auto near = closest_name(name, builtin_names(reg)); !near.empty()) {
          hint = "; did you mean '%" + near + "'?";
        }
        return Error{"unknown field '%" + std::string(name) + "'" + hint +
                     " (fields: `wasm-sentinel fields`; also %rule, %rule.id, %severity, %time)"};
      }
    }
    t->parts_.push_back(std::move(p));
    at = next;
  }
  return std::shared_ptr<const AlertTemplate>(std::move(t));
}

void AlertTemplate::render(const Alert& alert, std::string& out) const {
  const Event* event = alert.events.empty() ? nullptr : &alert.events.back();
  for (const Part& p : parts_) {
    switch (p.kind) {
      case Kind::kText:
        out += p.text;
        break;
      case Kind::kRuleName:
        append_escaped(alert.rule ? alert.rule->name : "", out);
        break;
      case Kind::kRuleId:
        append_escaped(alert.rule ? alert.rule->id : "", out);
        break;
      case Kind::kSeverity:
        out += severity_label(alert.severity);
        break;
      case Kind::kTime:
        format_rfc3339(alert.time_ns, out);
        break;
      case Kind::kField:
        if (event) {
          append_value(*event, p.field, out);
        } else {
          out += "<NA>";
        }
        break;
    }
  }
}

}  // namespace wsn
