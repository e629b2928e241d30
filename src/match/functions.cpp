#include "match/functions.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "match/strings.h"

namespace wsn::match {

namespace {

constexpr size_t kMaxConcatParts = 32;

using A = ArgType;
using T = StaticType;

constexpr FunctionSig kFunctions[] = {
    {"add", FunctionId::kAdd, 2, 2, 2, {A::kNumber, A::kNumber}, A::kNumber, T::kAny, false},
    {"arrayContains",
     FunctionId::kArrayContains,
     2,
     kVariadic,
     2,
     {A::kArray, A::kPrimitive},
     A::kPrimitive,
     T::kBool,
     true},
    {"arrayCount",
     FunctionId::kArrayCount,
     3,
     3,
     3,
     {A::kArray, A::kVariable, A::kExpr},
     A::kExpr,
     T::kInt,
     false},
    {"arraySearch",
     FunctionId::kArraySearch,
     3,
     3,
     3,
     {A::kArray, A::kVariable, A::kExpr},
     A::kExpr,
     T::kBool,
     false},
    {"between",
     FunctionId::kBetween,
     3,
     5,
     5,
     {A::kString, A::kString, A::kString, A::kBoolLiteral, A::kBoolLiteral},
     A::kExpr,
     T::kString,
     true},
    {"cidrMatch",
     FunctionId::kCidrMatch,
     2,
     kVariadic,
     2,
     {A::kExpr, A::kStringLiteral},
     A::kStringLiteral,
     T::kBool,
     false},
    {"concat",
     FunctionId::kConcat,
     1,
     kVariadic,
     1,
     {A::kPrimitive},
     A::kPrimitive,
     T::kString,
     false},
    {"divide", FunctionId::kDivide, 2, 2, 2, {A::kNumber, A::kNumber}, A::kNumber, T::kAny, false},
    {"endsWith",
     FunctionId::kEndsWith,
     2,
     2,
     2,
     {A::kString, A::kString},
     A::kExpr,
     T::kBool,
     true},
    {"indexOf",
     FunctionId::kIndexOf,
     2,
     3,
     3,
     {A::kString, A::kString, A::kNumber},
     A::kExpr,
     T::kInt,
     true},
    {"length", FunctionId::kLength, 1, 1, 1, {A::kStringOrArray}, A::kExpr, T::kInt, false},
    {"match",
     FunctionId::kMatch,
     2,
     kVariadic,
     2,
     {A::kString, A::kStringLiteral},
     A::kStringLiteral,
     T::kBool,
     true},
    {"modulo", FunctionId::kModulo, 2, 2, 2, {A::kNumber, A::kNumber}, A::kNumber, T::kAny, false},
    {"multiply",
     FunctionId::kMultiply,
     2,
     2,
     2,
     {A::kNumber, A::kNumber},
     A::kNumber,
     T::kAny,
     false},
    {"number", FunctionId::kNumber, 1, 2, 2, {A::kString, A::kNumber}, A::kExpr, T::kAny, false},
    {"safe", FunctionId::kSafe, 1, 1, 1, {A::kExpr}, A::kExpr, T::kAny, false},
    {"startsWith",
     FunctionId::kStartsWith,
     2,
     2,
     2,
     {A::kString, A::kString},
     A::kExpr,
     T::kBool,
     true},
    {"string", FunctionId::kString, 1, 1, 1, {A::kPrimitive}, A::kExpr, T::kString, false},
    {"stringContains",
     FunctionId::kStringContains,
     2,
     2,
     2,
     {A::kString, A::kString},
     A::kExpr,
     T::kBool,
     true},
    {"substring",
     FunctionId::kSubstring,
     2,
     3,
     3,
     {A::kString, A::kNumber, A::kNumber},
     A::kExpr,
     T::kString,
     false},
    {"subtract",
     FunctionId::kSubtract,
     2,
     2,
     2,
     {A::kNumber, A::kNumber},
     A::kNumber,
     T::kAny,
     false},
    {"wildcard",
     FunctionId::kWildcard,
     2,
     kVariadic,
     2,
     {A::kString, A::kStringLiteral},
     A::kStringLiteral,
     T::kBool,
     true},
};

// Python-style slice bound: negative counts from the end, clamped to [0, len].
int64_t slice_index(int64_t k, int64_t len) {
  if (k < 0) k += len;
  if (k < 0) return 0;
  return k > len ? len : k;
}

size_t find_mode(std::string_view hay, std::string_view needle, size_t from, CaseMode mode) {
  if (from > hay.size()) return std::string_view::npos;
  return mode == CaseMode::kInsensitive ? find_fold(hay, needle, from) : hay.find(needle, from);
}

size_t rfind_mode(std::string_view hay, std::string_view needle, size_t from, CaseMode mode) {
  // Highest position >= from where needle fits.
  if (from > hay.size() || needle.size() > hay.size() - from) return std::string_view::npos;
  for (size_t k = hay.size() - needle.size() + 1; k-- > from;) {
    const std::string_view at = hay.substr(k, needle.size());
    if (mode == CaseMode::kInsensitive ? equal_fold(at, needle) : at == needle) return k;
  }
  return std::string_view::npos;
}

Value arith(FunctionId id, const Value& x, const Value& y) {
  if (!x.is_number() || !y.is_number()) return Value::null();
  if (x.kind == ValueKind::kInt && y.kind == ValueKind::kInt) {
    int64_t r = 0;
    switch (id) {
      case FunctionId::kAdd:
        if (__builtin_add_overflow(x.i, y.i, &r)) return Value::null();
        return Value::integer(r);
      case FunctionId::kSubtract:
        if (__builtin_sub_overflow(x.i, y.i, &r)) return Value::null();
        return Value::integer(r);
      case FunctionId::kMultiply:
        if (__builtin_mul_overflow(x.i, y.i, &r)) return Value::null();
        return Value::integer(r);
      case FunctionId::kDivide: {
        if (y.i == 0 || (x.i == std::numeric_limits<int64_t>::min() && y.i == -1)) {
          return Value::null();
        }
        int64_t q = x.i / y.i;
        if ((x.i % y.i != 0) && ((x.i < 0) != (y.i < 0))) --q;  // floor division
        return Value::integer(q);
      }
      case FunctionId::kModulo: {
        if (y.i == 0 || y.i == -1) return y.i == 0 ? Value::null() : Value::integer(0);
        int64_t m = x.i % y.i;
        if (m != 0 && ((m < 0) != (y.i < 0))) m += y.i;  // sign of the divisor
        return Value::integer(m);
      }
      default:
        return Value::null();
    }
  }
  const double a = x.as_double();
  const double b = y.as_double();
  switch (id) {
    case FunctionId::kAdd:
      return Value::number(a + b);
    case FunctionId::kSubtract:
      return Value::number(a - b);
    case FunctionId::kMultiply:
      return Value::number(a * b);
    case FunctionId::kDivide:
      return b == 0 ? Value::null() : Value::number(a / b);
    case FunctionId::kModulo: {
      if (b == 0) return Value::null();
      double m = std::fmod(a, b);
      if (m != 0 && ((m < 0) != (b < 0))) m += b;
      return Value::number(m);
    }
    default:
      return Value::null();
  }
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Parses a signed integer in `base` (2..36) like Python int(s, base); false on bad input.
bool parse_int(std::string_view s, int base, int64_t& out) {
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  uint64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return false;
  if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
  out = neg ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
  return true;
}

bool parse_float(std::string_view s, double& out) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

Value to_number(const Value& src, const Value& base_v) {
  if (src.kind != ValueKind::kString) return Value::null();
  const std::string_view s = src.s;
  int base = 0;  // 0 = not given
  if (base_v.kind == ValueKind::kInt) {
    base = static_cast<int>(base_v.i);
  } else if (base_v.kind == ValueKind::kFloat) {
    base = static_cast<int>(base_v.f);
  } else if (!base_v.is_null()) {
    return Value::null();
  }
  size_t dots = 0;
  for (char c : s) dots += c == '.';
  if (dots == 1 && (base == 0 || base == 10)) {
    double d = 0;
    return parse_float(s, d) ? Value::number(d) : Value::null();
  }
  if (s.starts_with("0x") && (base == 0 || base == 16)) {
    int64_t v = 0;
    return parse_int(s.substr(2), 16, v) ? Value::integer(v) : Value::null();
  }
  std::string_view digits = s;
  while (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) digits.remove_prefix(1);
  if (all_digits(digits)) {
    const int b = base == 0 ? 10 : base;
    if (b < 2 || b > 36) return Value::null();
    int64_t v = 0;
    return parse_int(s, b, v) ? Value::integer(v) : Value::null();
  }
  return Value::null();
}

int64_t utf8_length(std::string_view s) {
  int64_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Applies a string predicate to a string, or to any item of a list.
template <typename F>
Value string_predicate(const Value& subject, const Value& arg, F&& pred) {
  if (arg.kind != ValueKind::kString) return Value::null();
  if (subject.kind == ValueKind::kString) return Value::boolean(pred(subject.s, arg.s));
  if (subject.kind == ValueKind::kStringList) {
    for (uint32_t k = 0; k < subject.list_count; ++k) {
      if (pred(subject.item(k), arg.s)) return Value::boolean(true);
    }
    return Value::boolean(false);
  }
  return Value::null();
}

const Value kNullValue;

const Value& arg_or_null(std::span<const Value> args, size_t k) {
  return k < args.size() ? args[k] : kNullValue;
}

}  // namespace

const FunctionSig* find_function(std::string_view name) {
  if (name == "matchLite") name = "match";
  for (const FunctionSig& f : kFunctions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const FunctionSig* find_function_ignore_case(std::string_view name) {
  if (const FunctionSig* exact = find_function(name)) return exact;
  for (const FunctionSig& f : kFunctions) {
    switch (f.id) {
      case FunctionId::kArrayContains:
      case FunctionId::kArrayCount:
      case FunctionId::kArraySearch:
      case FunctionId::kMatch:
      case FunctionId::kSafe:
      case FunctionId::kWildcard:
        continue;  // not in Elasticsearch's registry
      default:
        break;
    }
    if (f.name.size() == name.size() && starts_with_fold(name, f.name)) return &f;
  }
  return nullptr;
}

std::vector<std::string_view> function_names() {
  std::vector<std::string_view> out;
  for (const FunctionSig& f : kFunctions) out.push_back(f.name);
  return out;
}

const FunctionSig& function_sig(FunctionId id) {
  return kFunctions[static_cast<size_t>(id)];
}

std::string_view format_value(const Value& v, ScratchArena& scratch) {
  char buf[64];
  switch (v.kind) {
    case ValueKind::kNull:
      return "null";
    case ValueKind::kBool:
      return v.b ? "true" : "false";
    case ValueKind::kString:
      return v.s;
    case ValueKind::kInt: {
      auto r = std::to_chars(buf, buf + sizeof(buf), v.i);
      return scratch.copy(std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
    }
    case ValueKind::kFloat: {
      if (std::isnan(v.f)) return "nan";
      if (std::isinf(v.f)) return v.f < 0 ? "-inf" : "inf";
      // Shortest round-trip digits, laid out like Python's repr(float).
      char sci[64];
      auto r = std::to_chars(sci, sci + sizeof(sci), v.f, std::chars_format::scientific);
      std::string_view text(sci, static_cast<size_t>(r.ptr - sci));
      const bool neg = text[0] == '-';
      if (neg) text.remove_prefix(1);
      const size_t e = text.find('e');
      std::string digits;
      for (char c : text.substr(0, e)) {
        if (c != '.') digits += c;
      }
      int exp = std::atoi(std::string(text.substr(e + 1)).c_str());
      std::string out = neg ? "-" : "";
      if (exp >= -4 && exp < 16) {
        if (exp < 0) {
          out += "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
        } else if (static_cast<size_t>(exp) + 1 >= digits.size()) {
          out += digits + std::string(static_cast<size_t>(exp) + 1 - digits.size(), '0') + ".0";
        } else {
          out += digits.substr(0, static_cast<size_t>(exp) + 1) + "." +
                 digits.substr(static_cast<size_t>(exp) + 1);
        }
      } else {
        out += digits.substr(0, 1);
        if (digits.size() > 1) out += "." + digits.substr(1);
        char eb[16];
        std::snprintf(eb, sizeof(eb), "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
        out += eb;
      }
      return scratch.copy(out);
    }
    case ValueKind::kIp:
      return scratch.copy(v.ip->to_string());
    case ValueKind::kStringList: {
      std::string out = "[";
      for (uint32_t k = 0; k < v.list_count; ++k) {
        if (k) out += ", ";
        out += "'" + std::string(v.item(k)) + "'";
      }
      out += "]";
      return scratch.copy(out);
    }
  }
  return "null";
}

Value call_function(FunctionId id, std::span<const Value> args, CaseMode mode,
                    ScratchArena& scratch) {
  const Value& a0 = arg_or_null(args, 0);
  const Value& a1 = arg_or_null(args, 1);
  const Value& a2 = arg_or_null(args, 2);
  switch (id) {
    case FunctionId::kAdd:
    case FunctionId::kSubtract:
    case FunctionId::kMultiply:
    case FunctionId::kDivide:
    case FunctionId::kModulo:
      return arith(id, a0, a1);

    case FunctionId::kArrayContains: {
      if (a0.is_null()) return Value::null();
      if (a0.kind != ValueKind::kStringList) return Value::null();
      for (uint32_t k = 0; k < a0.list_count; ++k) {
        const Value item = Value::string(a0.item(k));
        for (size_t j = 1; j < args.size(); ++j) {
          const auto eq = values_equal(item, args[j], mode);
          if (eq && *eq) return Value::boolean(true);
        }
      }
      return Value::boolean(false);
    }

    case FunctionId::kBetween: {
      if (a0.kind != ValueKind::kString || a1.kind != ValueKind::kString ||
          a2.kind != ValueKind::kString) {
        return Value::null();
      }
      const bool greedy = args.size() > 3 && args[3].kind == ValueKind::kBool && args[3].b;
      CaseMode m = mode;
      if (args.size() > 4 && args[4].kind == ValueKind::kBool) {
        m = args[4].b ? CaseMode::kSensitive : CaseMode::kInsensitive;
      }
      const size_t first = find_mode(a0.s, a1.s, 0, m);
      if (first == std::string_view::npos) return Value::null();
      const size_t start = first + a1.s.size();
      const size_t end =
          greedy ? rfind_mode(a0.s, a2.s, start, m) : find_mode(a0.s, a2.s, start, m);
      if (end == std::string_view::npos) return Value::null();
      return Value::string(a0.s.substr(start, end - start));
    }

    case FunctionId::kConcat: {
      size_t total = 0;
      std::string_view parts[kMaxConcatParts];
      if (args.size() > kMaxConcatParts) return Value::null();
      for (size_t k = 0; k < args.size(); ++k) {
        if (args[k].is_null()) return Value::null();
        parts[k] = format_value(args[k], scratch);
        total += parts[k].size();
      }
      if (total == 0) return Value::string("");
      char* out = scratch.allocate(total);
      size_t at = 0;
      for (size_t k = 0; k < args.size(); ++k) {
        std::memcpy(out + at, parts[k].data(), parts[k].size());
        at += parts[k].size();
      }
      return Value::string(std::string_view(out, total));
    }

    case FunctionId::kStartsWith:
      return string_predicate(a0, a1, [mode](std::string_view s, std::string_view p) {
        return mode == CaseMode::kInsensitive ? starts_with_fold(s, p) : s.starts_with(p);
      });
    case FunctionId::kEndsWith:
      return string_predicate(a0, a1, [mode](std::string_view s, std::string_view p) {
        return mode == CaseMode::kInsensitive ? ends_with_fold(s, p) : s.ends_with(p);
      });
    case FunctionId::kStringContains:
      return string_predicate(a0, a1, [mode](std::string_view s, std::string_view p) {
        return find_mode(s, p, 0, mode) != std::string_view::npos;
      });

    case FunctionId::kIndexOf: {
      if (a0.kind != ValueKind::kString || a1.kind != ValueKind::kString) return Value::null();
      int64_t start = 0;
      if (a2.kind == ValueKind::kInt) {
        start = a2.i;
      } else if (a2.kind == ValueKind::kFloat) {
        start = static_cast<int64_t>(a2.f);
      } else if (!a2.is_null()) {
        return Value::null();
      }
      const auto len = static_cast<int64_t>(a0.s.size());
      if (start > len) return Value::null();
      start = slice_index(start, len);
      const size_t at = find_mode(a0.s, a1.s, static_cast<size_t>(start), mode);
      if (at == std::string_view::npos) return Value::null();
      return Value::integer(static_cast<int64_t>(at));
    }

    case FunctionId::kLength:
      if (a0.kind == ValueKind::kString) return Value::integer(utf8_length(a0.s));
      if (a0.kind == ValueKind::kStringList) return Value::integer(a0.list_count);
      return Value::null();

    case FunctionId::kNumber:
      return to_number(a0, a1);

    case FunctionId::kString:
      if (a0.is_null()) return Value::null();
      return Value::string(format_value(a0, scratch));

    case FunctionId::kSubstring: {
      if (a0.kind != ValueKind::kString) return Value::null();
      const auto len = static_cast<int64_t>(a0.s.size());
      int64_t start = 0;
      int64_t end = len;
      if (a1.kind == ValueKind::kInt) start = slice_index(a1.i, len);
      if (a2.kind == ValueKind::kInt) end = slice_index(a2.i, len);
      if ((!a1.is_null() && a1.kind != ValueKind::kInt) ||
          (!a2.is_null() && a2.kind != ValueKind::kInt)) {
        return Value::null();
      }
      if (end <= start) return Value::string("");
      return Value::string(
          a0.s.substr(static_cast<size_t>(start), static_cast<size_t>(end - start)));
    }

    // Compiled to dedicated IR nodes; never called by value.
    case FunctionId::kArrayCount:
    case FunctionId::kArraySearch:
    case FunctionId::kCidrMatch:
    case FunctionId::kMatch:
    case FunctionId::kSafe:
    case FunctionId::kWildcard:
      return Value::null();
  }
  return Value::null();
}

}  // namespace wsn::match
