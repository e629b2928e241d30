// Value: the dynamically typed result of evaluating one predicate-IR node.
//
// A Value never owns memory: strings view into the event being evaluated, into the program's
// constant pool, or into the per-evaluation ScratchArena; list values refer to a string-list
// field of an Event. Values are therefore only valid while those owners are.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "wsn/event.h"

namespace wsn::match {

enum class ValueKind : uint8_t { kNull, kBool, kInt, kFloat, kString, kIp, kStringList };

std::string_view value_kind_name(ValueKind k);

// Whether string operations fold ASCII case. Every string-aware IR node carries one explicitly,
// so the IR is independent of any dialect's defaults.
enum class CaseMode : uint8_t { kSensitive, kInsensitive };

// Static type of an expression; kAny when only known at run time (Endgame's untyped fields).
enum class StaticType : uint8_t { kAny, kNull, kBool, kInt, kFloat, kString, kIp, kStringList };
std::string_view static_type_name(StaticType t);
StaticType static_type_of(FieldType t);

struct Value {
  ValueKind kind = ValueKind::kNull;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string_view s;
  const IpAddress* ip = nullptr;
  // kStringList: items [list_begin, list_begin + list_count) of list_event's list storage.
  const Event* list_event = nullptr;
  uint32_t list_begin = 0;
  uint32_t list_count = 0;

  static Value null() { return {}; }
  static Value boolean(bool v) {
    Value x;
    x.kind = ValueKind::kBool;
    x.b = v;
    return x;
  }
  static Value integer(int64_t v) {
    Value x;
    x.kind = ValueKind::kInt;
    x.i = v;
    return x;
  }
  static Value number(double v) {
    Value x;
    x.kind = ValueKind::kFloat;
    x.f = v;
    return x;
  }
  static Value string(std::string_view v) {
    Value x;
    x.kind = ValueKind::kString;
    x.s = v;
    return x;
  }
  static Value address(const IpAddress* v) {
    Value x;
    x.kind = ValueKind::kIp;
    x.ip = v;
    return x;
  }
  static Value list(const Event* e, uint32_t begin, uint32_t count) {
    Value x;
    x.kind = ValueKind::kStringList;
    x.list_event = e;
    x.list_begin = begin;
    x.list_count = count;
    return x;
  }

  bool is_null() const { return kind == ValueKind::kNull; }
  bool is_number() const { return kind == ValueKind::kInt || kind == ValueKind::kFloat; }
  double as_double() const { return kind == ValueKind::kInt ? static_cast<double>(i) : f; }
  std::string_view item(uint32_t k) const;
};

// Reads field `id` of `e` as a Value (null when absent). kUInt values above INT64_MAX saturate.
// Inline: every prefilter lookup and field reference of the evaluator goes through it.
inline Value load_field(const Event& e, FieldId id) {
  FieldView v;
  if (!e.get(id, v)) return Value::null();
  switch (v.type) {
    case FieldType::kString:
      return Value::string(v.s);
    case FieldType::kInt:
    case FieldType::kTimestamp:
      return Value::integer(v.i);
    case FieldType::kUInt:
      return Value::integer(v.u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
                                ? std::numeric_limits<int64_t>::max()
                                : static_cast<int64_t>(v.u));
    case FieldType::kBool:
      return Value::boolean(v.i != 0);
    case FieldType::kIp:
      return Value::address(v.ip);
    case FieldType::kStringList:
      return Value::list(&e, v.list_begin, v.list_count);
  }
  return Value::null();
}

// Python-style truthiness used by the Endgame dialect: null stays null.
Value truthy(const Value& v);

// Three-way comparison; nullopt when the kinds are not comparable (string vs number ...).
// Numbers compare across int/float; strings compare bytewise, after ASCII folding when
// `mode` is kInsensitive.
std::optional<int> compare_values(const Value& a, const Value& b, CaseMode mode);

// Equality with the same rules (nullopt when not comparable).
std::optional<bool> values_equal(const Value& a, const Value& b, CaseMode mode);

// Renders a value for diagnostics and tests: null, true, 12, 1.5, "text", 10.0.0.1, ["a","b"].
std::string value_to_string(const Value& v);

}  // namespace wsn::match
