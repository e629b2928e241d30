#include "event/json_writer.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <vector>

#include "event/timestamp.h"

namespace wsn {

size_t utf8_sequence_length(std::string_view s) {
  if (s.empty()) return 0;
  const auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) return 1;
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (s.size() < n) return 0;
  const auto b1 = static_cast<unsigned char>(s[1]);
  if (b1 < lo || b1 > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[k]);
    if (b < 0x80 || b > 0xBF) return 0;
  }
  return n;
}

void append_json_string(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run = 0;  // start of the pending run of bytes copied verbatim
  size_t k = 0;
  while (k < s.size()) {
    const auto c = static_cast<unsigned char>(s[k]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x7F) {
      ++k;
      continue;
    }
    if (c >= 0x80) {
      const size_t n = utf8_sequence_length(s.substr(k));
      if (n > 0) {
        k += n;
        continue;
      }
    }
    out.append(s.data() + run, k - run);
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      default:
        if (c >= 0x80) {
          out.append("\xEF\xBF\xBD");  // U+FFFD for one invalid byte
        } else {
          out.append("\\u00");
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        }
    }
    ++k;
    run = k;
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

namespace {

// Objects opened below the root at most: with the root and a list array the output stays
// within 16 + 2 levels, well inside the reader's default limit of 32.
constexpr size_t kMaxNesting = 16;

struct Item {
  std::string_view name;
  uint32_t slot;
};

// Orders names segment by segment: '.' sorts below every other byte, so a name is followed
// directly by its descendants ("a", "a.b", "a.c", "a-b") and each object's members are
// contiguous.
bool segment_less(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t k = 0; k < n; ++k) {
    if (a[k] == b[k]) continue;
    if (a[k] == '.') return true;
    if (b[k] == '.') return false;
    return static_cast<unsigned char>(a[k]) < static_cast<unsigned char>(b[k]);
  }
  return a.size() < b.size();
}

// True when `name` lies strictly inside `prefix` (name == prefix + "." + rest).
bool is_below(std::string_view name, std::string_view prefix) {
  return name.size() > prefix.size() && name.starts_with(prefix) && name[prefix.size()] == '.';
}

template <typename T>
void append_integer(T v, std::string& out) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, r.ptr);
}

void append_value(const Event& e, const FieldView& v, std::string& out) {
  switch (v.type) {
    case FieldType::kString:
      append_json_string(v.s, out);
      break;
    case FieldType::kInt:
      append_integer(v.i, out);
      break;
    case FieldType::kUInt:
      append_integer(v.u, out);
      break;
    case FieldType::kBool:
      out.append(v.i ? "true" : "false");
      break;
    case FieldType::kIp: {
      char buf[INET6_ADDRSTRLEN];
      const bool ok = v.ip->is_v4
                          ? inet_ntop(AF_INET, &v.ip->bytes[12], buf, sizeof(buf)) != nullptr
                          : inet_ntop(AF_INET6, v.ip->bytes.data(), buf, sizeof(buf)) != nullptr;
      out.push_back('"');
      if (ok) out.append(buf);
      out.push_back('"');
      break;
    }
    case FieldType::kTimestamp:
      out.push_back('"');
      format_rfc3339(v.i, out);
      out.push_back('"');
      break;
    case FieldType::kStringList:
      out.push_back('[');
      for (uint32_t k = 0; k < v.list_count; ++k) {
        if (k > 0) out.push_back(',');
        append_json_string(e.list_item(v, k), out);
      }
      out.push_back(']');
      break;
  }
}

}  // namespace

void write_event_json(const Event& event, const FieldRegistry& registry, std::string& out,
                      bool with_live_decisions) {
  thread_local std::vector<Item> items;
  items.clear();
  const size_t known = registry.size();
  for (size_t k = 0; k < event.field_count(); ++k) {
    const FieldId id = event.field_at(k);
    if (id >= known || (id == fields::kWsnLiveDecisions && !with_live_decisions)) continue;
    items.push_back({registry.info(id).name, static_cast<uint32_t>(k)});
  }
  std::sort(items.begin(), items.end(),
            [](const Item& a, const Item& b) { return segment_less(a.name, b.name); });

  out.push_back('{');
  std::string_view open;     // dotted path of the innermost open object
  size_t depth = 0;          // number of open objects below the root
  std::string_view flat;     // a leaf whose descendants are written as dotted keys ...
  bool flat_active = false;  // ... (names may be empty, so a flag rather than flat.empty())
  bool need_comma = false;
  const auto key = [&](std::string_view k) {
    if (need_comma) out.push_back(',');
    append_json_string(k, out);
    out.push_back(':');
  };

  for (size_t n = 0; n < items.size(); ++n) {
    const std::string_view name = items[n].name;
    const FieldView value = event.view_at(items[n].slot);
    if (flat_active) {
      if (is_below(name, flat)) {
        key(depth == 0 ? name : name.substr(open.size() + 1));
        append_value(event, value, out);
        need_comma = true;
        continue;
      }
      flat_active = false;
    }
    while (depth > 0 && !is_below(name, open)) {
      out.push_back('}');
      need_comma = true;
      --depth;
      open = depth == 0 ? std::string_view() : open.substr(0, open.rfind('.'));
    }
    // Open one object per remaining segment but the last, which holds the value; past
    // kMaxNesting the rest of the name stays one dotted key, so any name reads back within
    // the reader's default depth limit.
    size_t start = depth == 0 ? 0 : open.size() + 1;
    for (size_t dot = name.find('.', start); dot != std::string_view::npos && depth < kMaxNesting;
         dot = name.find('.', start)) {
      key(name.substr(start, dot - start));
      out.push_back('{');
      need_comma = false;
      open = name.substr(0, dot);
      ++depth;
      start = dot + 1;
    }
    key(name.substr(start));
    append_value(event, value, out);
    need_comma = true;
    if (n + 1 < items.size() && is_below(items[n + 1].name, name)) {
      flat = name;
      flat_active = true;
    }
  }
  while (depth-- > 0) out.push_back('}');
  out.push_back('}');
}

}  // namespace wsn
