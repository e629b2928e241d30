#include "sigma/modifiers.h"

#include "common/text.h"
#include "eql/eql_text.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <set>

namespace wsn::sigma {
namespace {

bool ident_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '@';
}
bool ident_char(char c) {
  return ident_start(c) || std::isdigit(static_cast<unsigned char>(c));
}

bool is_integer(const std::string& s, int64_t& out) {
  if (s.empty()) return false;
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if (*b == '+') ++b;
  const auto [p, ec] = std::from_chars(b, e, out);
  return ec == std::errc() && p == e;
}

bool is_number(const std::string& s) {
  int64_t i = 0;
  if (is_integer(s, i)) return true;
  if (s.empty()) return false;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

// UTF-8 → code points (invalid bytes pass through as themselves).
std::vector<uint32_t> code_points(const std::string& s) {
  std::vector<uint32_t> out;
  for (size_t k = 0; k < s.size();) {
    const auto c = static_cast<unsigned char>(s[k]);
    int n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
    if (n < 0 || (n > 0 && k + static_cast<size_t>(n) >= s.size())) {
      out.push_back(c);
      ++k;
      continue;
    }
    uint32_t cp = n == 0 ? c : n == 1 ? (c & 0x1F) : n == 2 ? (c & 0x0F) : (c & 0x07);
    bool ok = true;
    for (int j = 1; j <= n; ++j) {
      const auto d = static_cast<unsigned char>(s[k + j]);
      if ((d >> 6) != 2) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (d & 0x3F);
    }
    if (!ok) {
      out.push_back(c);
      ++k;
      continue;
    }
    out.push_back(cp);
    k += static_cast<size_t>(n) + 1;
  }
  return out;
}

std::string utf16(const std::string& s, bool big_endian, bool bom) {
  std::string out;
  auto unit = [&](uint16_t u) {
    const char lo = static_cast<char>(u & 0xFF);
    const char hi = static_cast<char>(u >> 8);
    if (big_endian) {
      out += hi;
      out += lo;
    } else {
      out += lo;
      out += hi;
    }
  };
  if (bom) unit(0xFEFF);
  for (uint32_t cp : code_points(s)) {
    if (cp >= 0x10000) {
      cp -= 0x10000;
      unit(static_cast<uint16_t>(0xD800 + (cp >> 10)));
      unit(static_cast<uint16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      unit(static_cast<uint16_t>(cp));
    }
  }
  return out;
}

// RE2 syntax for a literal byte.
std::string re_escape(char c) {
  static const std::string meta = "\\.+*?()|[]{}^$#&-~ ";
  if (meta.find(c) != std::string::npos) return std::string("\\") + c;
  if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) {
    static const char* hex = "0123456789abcdef";
    return std::string("\\x") + hex[(static_cast<unsigned char>(c) >> 4) & 0xF] +
           hex[static_cast<unsigned char>(c) & 0xF];
  }
  return std::string(1, c);
}

// Windows dash characters (pySigma's windash set): '-', '/', en dash, em dash, horizontal bar.
const char* const kDashes[] = {"-", "/", "\xE2\x80\x93", "\xE2\x80\x94", "\xE2\x80\x95"};

std::vector<SigmaString> windash(const SigmaString& s) {
  // Positions of '-' or '/' that start a flag: not after a word character, before one (pySigma's
  // `\B[-/]\b`), so "a-b" and "/usr/bin" inside a path keep their characters.
  auto word = [&](size_t k) {
    return s.kinds[k] == SigmaString::kLit &&
           (std::isalnum(static_cast<unsigned char>(s.bytes[k])) || s.bytes[k] == '_');
  };
  std::vector<size_t> at;
  for (size_t k = 0; k < s.bytes.size(); ++k) {
    if (s.kinds[k] != SigmaString::kLit || (s.bytes[k] != '-' && s.bytes[k] != '/')) continue;
    if ((k == 0 || !word(k - 1)) && k + 1 < s.bytes.size() && word(k + 1)) at.push_back(k);
  }
  std::vector<SigmaString> out;
  if (at.empty() || at.size() > 4) {  // 5^4 = 625 variants at most
    out.push_back(s);
    return out;
  }
  size_t total = 1;
  for (size_t k = 0; k < at.size(); ++k) total *= 5;
  for (size_t v = 0; v < total; ++v) {
    SigmaString r;
    size_t code = v;
    size_t next = 0;
    for (size_t k = 0; k < s.bytes.size(); ++k) {
      if (next < at.size() && at[next] == k) {
        const std::string d = kDashes[code % 5];
        code /= 5;
        ++next;
        for (char c : d) {
          r.bytes += c;
          r.kinds.push_back(SigmaString::kLit);
        }
        continue;
      }
      r.bytes += s.bytes[k];
      r.kinds.push_back(s.kinds[k]);
    }
    out.push_back(std::move(r));
  }
  return out;
}

struct Value {
  RawValue::Type type = RawValue::kString;
  SigmaString s;     // kString
  std::string text;  // other types; regex / cidr / fieldref text
};

enum class Mode { kMatch, kRegex, kCidr, kCompare, kExists, kFieldRef };

}  // namespace

SigmaString SigmaString::parse(const std::string& v) {
  SigmaString s;
  for (size_t k = 0; k < v.size(); ++k) {
    const char c = v[k];
    if (c == '\\' && k + 1 < v.size() && (v[k + 1] == '*' || v[k + 1] == '?' || v[k + 1] == '\\')) {
      s.bytes += v[k + 1];
      s.kinds.push_back(kLit);
      ++k;
    } else if (c == '*') {
      s.bytes += '*';
      s.kinds.push_back(kStar);
    } else if (c == '?') {
      s.bytes += '?';
      s.kinds.push_back(kOne);
    } else {
      s.bytes += c;
      s.kinds.push_back(kLit);
    }
  }
  return s;
}

SigmaString SigmaString::literal(const std::string& v) {
  SigmaString s;
  s.bytes = v;
  s.kinds.assign(v.size(), kLit);
  return s;
}

bool SigmaString::has_wildcards() const {
  return std::any_of(kinds.begin(), kinds.end(), [](Kind k) { return k != kLit; });
}

bool SigmaString::has_literal_meta() const {
  for (size_t k = 0; k < bytes.size(); ++k) {
    if (kinds[k] == kLit && (bytes[k] == '*' || bytes[k] == '?')) return true;
  }
  return false;
}

void SigmaString::add_star_front() {
  if (!kinds.empty() && kinds.front() == kStar) return;
  bytes.insert(bytes.begin(), '*');
  kinds.insert(kinds.begin(), kStar);
}

void SigmaString::add_star_back() {
  if (!kinds.empty() && kinds.back() == kStar) return;
  bytes += '*';
  kinds.push_back(kStar);
}

std::string eql_field(const std::string& name, bool optional) {
  std::string out = optional ? "?" : "";
  size_t start = 0;
  bool first = true;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    const std::string seg = name.substr(start, dot - start);
    const bool plain =
        !seg.empty() && ident_start(seg[0]) && std::all_of(seg.begin(), seg.end(), ident_char);
    if (!first) out += '.';
    first = false;
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

std::string base64_encode(const std::string& in) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t k = 0;
  for (; k + 2 < in.size(); k += 3) {
    const uint32_t n = (static_cast<unsigned char>(in[k]) << 16) |
                       (static_cast<unsigned char>(in[k + 1]) << 8) |
                       static_cast<unsigned char>(in[k + 2]);
    out += t[(n >> 18) & 63];
    out += t[(n >> 12) & 63];
    out += t[(n >> 6) & 63];
    out += t[n & 63];
  }
  if (k + 1 == in.size()) {
    const uint32_t n = static_cast<unsigned char>(in[k]) << 16;
    out += t[(n >> 18) & 63];
    out += t[(n >> 12) & 63];
    out += "==";
  } else if (k + 2 == in.size()) {
    const uint32_t n =
        (static_cast<unsigned char>(in[k]) << 16) | (static_cast<unsigned char>(in[k + 1]) << 8);
    out += t[(n >> 18) & 63];
    out += t[(n >> 12) & 63];
    out += t[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

std::vector<std::string> base64_offsets(const std::string& bytes) {
  // pySigma SigmaBase64OffsetModifier: start offsets (0, 2, 3), end offsets (none, -3, -2)
  // chosen by (len + shift) % 3.
  static const size_t start[] = {0, 2, 3};
  static const size_t end_cut[] = {0, 3, 2};
  std::vector<std::string> out;
  for (size_t i = 0; i < 3; ++i) {
    const std::string enc = base64_encode(std::string(i, ' ') + bytes);
    const size_t cut = end_cut[(bytes.size() + i) % 3];
    if (enc.size() < start[i] + cut) continue;
    out.push_back(enc.substr(start[i], enc.size() - start[i] - cut));
  }
  return out;
}

namespace {

bool numeric(FieldType t) {
  return t == FieldType::kInt || t == FieldType::kUInt;
}

// `field` against one Sigma string.
std::string match_string(const TargetField& f, const SigmaString& s, bool cased) {
  if (numeric(f.type)) {
    int64_t n = 0;
    if (!s.has_wildcards() && is_integer(s.bytes, n)) return f.eql + " == " + std::to_string(n);
    return "string(" + f.eql + ") : " + eql::string_literal(s.bytes);
  }
  if (f.type == FieldType::kBool) {
    const std::string v = ascii_lower(s.bytes);
    if (!s.has_wildcards() && (v == "true" || v == "false")) return f.eql + " == " + v;
    return "string(" + f.eql + ") : " + eql::string_literal(s.bytes);
  }
  if (f.type == FieldType::kIp) {
    if (!s.has_wildcards()) return f.eql + " == " + eql::string_literal(s.bytes);
    return "string(" + f.eql + ") : " + eql::string_literal(s.bytes);
  }
  if (s.has_literal_meta()) {
    std::string re = cased ? "" : "(?i)";
    for (size_t k = 0; k < s.bytes.size(); ++k) {
      if (s.kinds[k] == SigmaString::kStar) {
        re += ".*";
      } else if (s.kinds[k] == SigmaString::kOne) {
        re += ".";
      } else {
        re += re_escape(s.bytes[k]);
      }
    }
    return f.eql + " regex " + eql::string_literal(re);
  }
  if (cased) {
    return f.eql + (s.has_wildcards() ? " like " : " == ") + eql::string_literal(s.bytes);
  }
  return f.eql + " : " + eql::string_literal(s.bytes);
}

std::string join(const std::vector<std::string>& parts, const char* op) {
  if (parts.size() == 1) return parts[0];
  std::string out = "(";
  for (size_t k = 0; k < parts.size(); ++k) out += (k ? op : "") + parts[k];
  return out + ")";
}

// Replaces %name% placeholders by each of their values.
bool expand(const SigmaString& s, const std::map<std::string, std::vector<std::string>>* ph,
            std::vector<SigmaString>& out, std::string& error) {
  const size_t a = s.bytes.find('%');
  const size_t b = a == std::string::npos ? a : s.bytes.find('%', a + 1);
  if (b == std::string::npos) {
    out.push_back(s);
    return true;
  }
  const std::string name = s.bytes.substr(a + 1, b - a - 1);
  const auto it = ph ? ph->find(name) : decltype(ph->find(name)){};
  if (!ph || it == ph->end()) {
    error = "unknown placeholder '%" + name +
            "%' (placeholders come from `sigma_mapping: {placeholders: {NAME: [values]}}`)";
    return false;
  }
  for (const std::string& v : it->second) {
    SigmaString r;
    r.bytes = s.bytes.substr(0, a);
    r.kinds.assign(s.kinds.begin(), s.kinds.begin() + static_cast<std::ptrdiff_t>(a));
    const SigmaString mid = SigmaString::parse(v);
    r.bytes += mid.bytes;
    r.kinds.insert(r.kinds.end(), mid.kinds.begin(), mid.kinds.end());
    r.bytes += s.bytes.substr(b + 1);
    r.kinds.insert(r.kinds.end(), s.kinds.begin() + static_cast<std::ptrdiff_t>(b) + 1,
                   s.kinds.end());
    if (!expand(r, ph, out, error)) return false;
  }
  return true;
}

}  // namespace

ItemResult translate_item(const ItemRequest& req) {
  ItemResult res;
  std::vector<Value> values;
  for (const RawValue& r : req.values) {
    Value v;
    v.type = r.type;
    v.text = r.text;
    if (r.type == RawValue::kString || r.type == RawValue::kNumber || r.type == RawValue::kBool) {
      v.s = SigmaString::parse(r.text);
    }
    values.push_back(std::move(v));
  }
  Mode mode = Mode::kMatch;
  bool all = false, cased = false, neq = false;
  bool re_i = false, re_m = false, re_s = false;
  std::string compare_op;
  bool encoded = false;  // utf16 applied: must be followed by base64
  auto fail = [&](int mod, std::string msg) {
    res.error = std::move(msg);
    res.bad_modifier = mod;
    return res;
  };
  for (size_t mi = 0; mi < req.modifiers.size(); ++mi) {
    const std::string m = ascii_lower(req.modifiers[mi]);
    const int at = static_cast<int>(mi);
    auto strings_only = [&]() -> bool {
      for (const Value& v : values) {
        if (v.type == RawValue::kNull) return false;
      }
      return true;
    };
    if (m == "contains" || m == "startswith" || m == "endswith") {
      if (mode != Mode::kMatch && mode != Mode::kFieldRef) {
        return fail(at, "'" + m + "' cannot follow '" + req.modifiers[0] + "'");
      }
      if (!strings_only()) return fail(at, "'" + m + "' needs string values, not null");
      if (mode == Mode::kFieldRef) {
        compare_op = m;
        continue;
      }
      for (Value& v : values) {
        v.type = RawValue::kString;
        if (m != "startswith") v.s.add_star_front();
        if (m != "endswith") v.s.add_star_back();
      }
    } else if (m == "all") {
      all = true;
    } else if (m == "cased") {
      cased = true;
    } else if (m == "neq") {
      neq = true;
    } else if (m == "wide" || m == "utf16le" || m == "utf16be" || m == "utf16") {
      for (Value& v : values) {
        if (v.type == RawValue::kNull || v.s.has_wildcards()) {
          return fail(at, "'" + m + "' encodes literal strings (no wildcards, not null)");
        }
        v.s = SigmaString::literal(utf16(v.s.bytes, m == "utf16be", m == "utf16"));
        v.type = RawValue::kString;
      }
      encoded = true;
    } else if (m == "base64" || m == "base64offset") {
      std::vector<Value> next;
      for (Value& v : values) {
        if (v.type == RawValue::kNull || v.s.has_wildcards()) {
          return fail(at, "'" + m + "' encodes literal strings (no wildcards, not null)");
        }
        if (m == "base64") {
          v.s = SigmaString::literal(base64_encode(v.s.bytes));
          v.type = RawValue::kString;
          next.push_back(std::move(v));
        } else {
          for (const std::string& e : base64_offsets(v.s.bytes)) {
            Value x;
            x.s = SigmaString::literal(e);
            next.push_back(std::move(x));
          }
        }
      }
      values = std::move(next);
      encoded = false;
    } else if (m == "windash") {
      std::vector<Value> next;
      for (const Value& v : values) {
        if (v.type == RawValue::kNull) return fail(at, "'windash' needs string values");
        for (SigmaString& s : windash(v.s)) {
          Value x;
          x.s = std::move(s);
          next.push_back(std::move(x));
        }
      }
      values = std::move(next);
    } else if (m == "expand") {
      std::vector<Value> next;
      for (const Value& v : values) {
        if (v.type == RawValue::kNull) return fail(at, "'expand' needs string values");
        std::vector<SigmaString> out;
        std::string error;
        if (!expand(v.s, req.placeholders, out, error)) return fail(-1, error);
        for (SigmaString& s : out) {
          Value x;
          x.s = std::move(s);
          next.push_back(std::move(x));
        }
      }
      values = std::move(next);
    } else if (m == "re") {
      mode = Mode::kRegex;
    } else if (m == "i" || m == "m" || m == "s") {
      if (mode != Mode::kRegex)
        return fail(at, "'" + m + "' is a sub-modifier of 're' (re|" + m + ")");
      (m == "i" ? re_i : m == "m" ? re_m : re_s) = true;
    } else if (m == "cidr") {
      mode = Mode::kCidr;
    } else if (m == "lt" || m == "lte" || m == "gt" || m == "gte") {
      mode = Mode::kCompare;
      compare_op = m == "lt" ? "<" : m == "lte" ? "<=" : m == "gt" ? ">" : ">=";
    } else if (m == "exists") {
      mode = Mode::kExists;
    } else if (m == "fieldref") {
      mode = Mode::kFieldRef;
    } else if (m == "minute" || m == "hour" || m == "day" || m == "week" || m == "month" ||
               m == "year") {
      return fail(at,
                  "time modifier '" + m + "' is not supported (docs/sigma.md \"Not supported\")");
    } else {
      return fail(at, "unknown modifier '" + req.modifiers[mi] +
                          "' (known: contains, startswith, endswith, all, cased, neq, exists, re, "
                          "i, m, s, cidr, lt, lte, gt, gte, base64, base64offset, utf16le, "
                          "utf16be, utf16, wide, windash, expand, fieldref)");
    }
  }
  if (encoded) {
    return fail(static_cast<int>(req.modifiers.size()) - 1,
                "'utf16le'/'utf16be'/'utf16'/'wide' must be followed by 'base64' or "
                "'base64offset'");
  }
  if (values.empty()) return fail(-1, "a detection item needs at least one value");
  if (req.keyword && mode != Mode::kMatch && mode != Mode::kRegex) {
    return fail(0, "keywords (values without a field name) take string modifiers only");
  }
  if (req.fields.empty()) return fail(-1, "no field to search");

  // One condition per (value, field).
  std::vector<std::string> per_value;
  for (const Value& v : values) {
    std::vector<std::string> per_field;
    for (const TargetField& f : req.fields) {
      std::string c;
      switch (mode) {
        case Mode::kMatch: {
          if (v.type == RawValue::kNull) {
            c = f.eql + " == null";
            break;
          }
          SigmaString s = v.s;
          if (!f.value_map.empty()) {
            const std::string key = ascii_lower(s.bytes);
            for (const auto& [from, to] : f.value_map) {
              if (from == key) s = SigmaString::literal(to);
            }
          }
          if (req.keyword) {
            s.add_star_front();
            s.add_star_back();
          }
          c = match_string(f, s, cased);
          break;
        }
        case Mode::kRegex: {
          if (v.type == RawValue::kNull)
            return fail(-1, "'re' needs a regular expression, not null");
          std::string flags =
              std::string(re_i ? "i" : "") + (re_m ? "m" : "") + (re_s ? "s" : "-s");
          // Sigma's re searches (matches anywhere); EQL's regex matches the whole value.
          c = f.eql + " regex " +
              eql::string_literal("(?s:.*)(?" + flags + ":" + v.text + ")(?s:.*)");
          break;
        }
        case Mode::kCidr:
          if (v.type != RawValue::kString) return fail(-1, "'cidr' needs a CIDR block");
          c = "cidrMatch(" + f.eql + ", " + eql::string_literal(v.text) + ")";
          break;
        case Mode::kCompare: {
          if (!is_number(v.text) || v.type == RawValue::kNull) {
            return fail(-1, "'" + compare_op + "' compares with a number, not '" + v.text + "'");
          }
          const std::string lhs = numeric(f.type) ? f.eql : "number(" + f.eql + ")";
          c = lhs + " " + compare_op + " " + v.text;
          break;
        }
        case Mode::kExists: {
          const std::string t = ascii_lower(v.text);
          if (v.type != RawValue::kBool && t != "true" && t != "false") {
            return fail(-1, "'exists' takes true or false, not '" + v.text + "'");
          }
          c = f.eql + (t == "true" || t == "yes" ? " != null" : " == null");
          break;
        }
        case Mode::kFieldRef: {
          TargetField other;
          if (req.resolve == nullptr || !req.resolve(req.resolver_ctx, v.text, other)) {
            return fail(-1, "'fieldref' names field '" + v.text + "', which has no mapping");
          }
          if (compare_op == "startswith") {
            c = "startsWith~(" + f.eql + ", " + other.eql + ")";
          } else if (compare_op == "endswith") {
            c = "endsWith~(" + f.eql + ", " + other.eql + ")";
          } else if (compare_op == "contains") {
            c = "stringContains~(" + f.eql + ", " + other.eql + ")";
          } else {
            c = f.eql + " == " + other.eql;
          }
          break;
        }
      }
      per_field.push_back(std::move(c));
    }
    per_value.push_back(join(per_field, " or "));
  }
  std::string out = join(per_value, all ? " and " : " or ");
  if (neq) out = "not " + (per_value.size() == 1 ? "(" + out + ")" : out);
  res.eql = std::move(out);
  return res;
}

}  // namespace wsn::sigma
