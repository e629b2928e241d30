#include "match/value.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "match/strings.h"

namespace wsn::match {

std::string_view value_kind_name(ValueKind k) {
  switch (k) {
    case ValueKind::kNull:
      return "null";
    case ValueKind::kBool:
      return "boolean";
    case ValueKind::kInt:
      return "integer";
    case ValueKind::kFloat:
      return "float";
    case ValueKind::kString:
      return "string";
    case ValueKind::kIp:
      return "ip";
    case ValueKind::kStringList:
      return "string list";
  }
  return "null";
}

std::string_view Value::item(uint32_t k) const {
  FieldView v;
  v.type = FieldType::kStringList;
  v.list_begin = list_begin;
  v.list_count = list_count;
  return list_event->list_item(v, k);
}

Value truthy(const Value& v) {
  switch (v.kind) {
    case ValueKind::kNull:
      return v;
    case ValueKind::kBool:
      return v;
    case ValueKind::kInt:
      return Value::boolean(v.i != 0);
    case ValueKind::kFloat:
      return Value::boolean(v.f != 0);
    case ValueKind::kString:
      return Value::boolean(!v.s.empty());
    case ValueKind::kIp:
      return Value::boolean(true);
    case ValueKind::kStringList:
      return Value::boolean(v.list_count > 0);
  }
  return Value::null();
}

std::optional<int> compare_values(const Value& a, const Value& b, CaseMode mode) {
  if (a.kind == ValueKind::kInt && b.kind == ValueKind::kInt) {
    return a.i < b.i ? -1 : (a.i > b.i ? 1 : 0);
  }
  if (a.is_number() && b.is_number()) {
    const double x = a.as_double();
    const double y = b.as_double();
    if (std::isnan(x) || std::isnan(y)) return std::nullopt;
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.kind == ValueKind::kString && b.kind == ValueKind::kString) {
    if (mode == CaseMode::kInsensitive) return compare_fold(a.s, b.s);
    const int c = a.s.compare(b.s);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (a.kind == ValueKind::kBool && b.kind == ValueKind::kBool) {
    return static_cast<int>(a.b) - static_cast<int>(b.b);
  }
  if (a.kind == ValueKind::kIp && b.kind == ValueKind::kIp) {
    for (size_t k = 0; k < a.ip->bytes.size(); ++k) {
      if (a.ip->bytes[k] != b.ip->bytes[k]) return a.ip->bytes[k] < b.ip->bytes[k] ? -1 : 1;
    }
    return 0;
  }
  // An address compared with text: parse the text (ECS ip fields against string operands).
  if ((a.kind == ValueKind::kIp && b.kind == ValueKind::kString) ||
      (a.kind == ValueKind::kString && b.kind == ValueKind::kIp)) {
    IpAddress parsed;
    const Value& text = a.kind == ValueKind::kString ? a : b;
    if (!IpAddress::parse(text.s, parsed)) return std::nullopt;
    const Value p = Value::address(&parsed);
    return a.kind == ValueKind::kString ? compare_values(p, b, mode) : compare_values(a, p, mode);
  }
  return std::nullopt;
}

std::optional<bool> values_equal(const Value& a, const Value& b, CaseMode mode) {
  if (a.kind == ValueKind::kString && b.kind == ValueKind::kString) {
    return mode == CaseMode::kInsensitive ? equal_fold(a.s, b.s) : a.s == b.s;
  }
  const auto c = compare_values(a, b, mode);
  if (!c) return std::nullopt;
  return *c == 0;
}

namespace {
void append_quoted(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  out += '"';
}
}  // namespace

std::string value_to_string(const Value& v) {
  switch (v.kind) {
    case ValueKind::kNull:
      return "null";
    case ValueKind::kBool:
      return v.b ? "true" : "false";
    case ValueKind::kInt:
      return std::to_string(v.i);
    case ValueKind::kFloat: {
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof(buf), v.f);
      std::string s(buf, r.ptr);
      if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
      return s;
    }
    case ValueKind::kString: {
      std::string out;
      append_quoted(out, v.s);
      return out;
    }
    case ValueKind::kIp:
      return v.ip ? v.ip->to_string() : "null";
    case ValueKind::kStringList: {
      std::string out = "[";
      for (uint32_t k = 0; k < v.list_count; ++k) {
        if (k) out += ',';
        append_quoted(out, v.item(k));
      }
      return out + "]";
    }
  }
  return "null";
}

}  // namespace wsn::match

namespace wsn::match {

std::string_view static_type_name(StaticType t) {
  switch (t) {
    case StaticType::kAny:
      return "any";
    case StaticType::kNull:
      return "null";
    case StaticType::kBool:
      return "boolean";
    case StaticType::kInt:
      return "integer";
    case StaticType::kFloat:
      return "float";
    case StaticType::kString:
      return "string";
    case StaticType::kIp:
      return "ip";
    case StaticType::kStringList:
      return "string list";
  }
  return "any";
}

StaticType static_type_of(FieldType t) {
  switch (t) {
    case FieldType::kString:
      return StaticType::kString;
    case FieldType::kInt:
    case FieldType::kUInt:
    case FieldType::kTimestamp:
      return StaticType::kInt;
    case FieldType::kBool:
      return StaticType::kBool;
    case FieldType::kIp:
      return StaticType::kIp;
    case FieldType::kStringList:
      return StaticType::kStringList;
  }
  return StaticType::kAny;
}

}  // namespace wsn::match
