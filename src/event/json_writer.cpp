#include "event/json_writer.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <vector>

#include "event/timestamp.h"

namespace wsn {

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

// The order write_event_json writes an event's fields in depends only on which fields it holds,
// in which insertion order: events of one source come in a few such shapes. The orders of the
// last few shapes made of built-in fields only (whose names every registry shares) are kept
// per thread, so that an alert's events are not sorted by name every time.
class ShapeOrders {
 public:
  // The slots of `event` in output order, or null when not known (then: remember()).
  const std::vector<uint32_t>* find(const Event& event, bool live) {
    key(event);
    if (!builtin_) return nullptr;
    for (Shape& s : shapes_) {
      if (s.live == live && s.ids == ids_) return &s.slots;
    }
    return nullptr;
  }
  // After find() of the same event returned null: `items` is its order.
  void remember(const std::vector<Item>& items, bool live) {
    if (!builtin_) return;
    Shape& s = shapes_[next_];
    next_ = (next_ + 1) % shapes_.size();
    s.ids = ids_;
    s.live = live;
    s.slots.clear();
    for (const Item& item : items) s.slots.push_back(item.slot);
  }

 private:
  void key(const Event& event) {
    ids_.clear();
    builtin_ = true;
    for (size_t k = 0; k < event.field_count(); ++k) {
      const FieldId id = event.field_at(k);
      builtin_ = builtin_ && id < fields::kBuiltinCount;
      ids_.push_back(id);
    }
  }
  struct Shape {
    std::vector<FieldId> ids;  // the event's field ids in insertion order
    bool live = false;
    std::vector<uint32_t> slots;
  };
  std::array<Shape, 8> shapes_;
  size_t next_ = 0;
  std::vector<FieldId> ids_;  // of the event being written
  bool builtin_ = false;      // ids_ are all built-in fields
};

}  // namespace

void write_event_json(const Event& event, const FieldRegistry& registry, std::string& out,
                      bool with_live_decisions) {
  thread_local std::vector<Item> items;
  thread_local ShapeOrders shapes;
  items.clear();
  if (const std::vector<uint32_t>* order = shapes.find(event, with_live_decisions)) {
    for (uint32_t slot : *order) items.push_back({registry.info(event.field_at(slot)).name, slot});
  } else {
    const size_t known = registry.size();
    for (size_t k = 0; k < event.field_count(); ++k) {
      const FieldId id = event.field_at(k);
      if (id >= known || (id == fields::kWsnLiveDecisions && !with_live_decisions)) continue;
      items.push_back({registry.info(id).name, static_cast<uint32_t>(k)});
    }
    std::sort(items.begin(), items.end(),
              [](const Item& a, const Item& b) { return segment_less(a.name, b.name); });
    shapes.remember(items, with_live_decisions);
  }

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
