// Event: one typed record (a process exec, a file write, a connection ...).
//
// Values live in a flat slot array keyed by FieldId, strings in one byte arena owned by the
// event. clear() keeps every buffer's capacity, so an Event that is reused (the bus recycles
// them) performs no heap allocation per field once warmed up; a new Event allocates nothing
// until it is filled. Built-in fields (ids below kIndexedFields) are found through a direct
// index; others by a short linear scan, so the size of the schema costs an Event nothing: it
// pays only for the fields it holds (one 16-byte slot each, plus string bytes).
//
// Not thread safe; an Event is owned by one stage at a time.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wsn/schema.h"

namespace wsn {

// IPv4 addresses are stored as IPv4-mapped IPv6 (::ffff:a.b.c.d) with is_v4 set.
struct IpAddress {
  std::array<uint8_t, 16> bytes{};
  bool is_v4 = false;

  static bool parse(std::string_view text, IpAddress& out);
  std::string to_string() const;
  bool operator==(const IpAddress&) const = default;
};

// Read-only view of one field value; string views point into the owning Event.
struct FieldView {
  FieldType type = FieldType::kString;
  int64_t i = 0;                  // kInt, kTimestamp (ns since the Unix epoch), kBool (0/1)
  uint64_t u = 0;                 // kUInt
  std::string_view s;             // kString
  const IpAddress* ip = nullptr;  // kIp
  // kStringList: count items, fetched with Event::list_item(view, k)
  uint32_t list_begin = 0;
  uint32_t list_count = 0;
};

class Event {
 public:
  static constexpr FieldId kIndexedFields = 128;
  static constexpr size_t kMaxFields = 4096;  // readers reject events with more fields

  Event();

  void clear();
  bool empty() const { return slots_.empty(); }
  size_t field_count() const { return slots_.size(); }

  // Category of the event (from event.category[0] or the reader's configured field).
  CategoryId category() const { return category_; }
  void set_category(CategoryId c) { category_ = c; }
  // Event time in ns since the Unix epoch (the @timestamp field; 0 when absent).
  int64_t time_ns() const;

  // Setters replace an existing value of the same field.
  void set_string(FieldId id, std::string_view v);
  void set_int(FieldId id, int64_t v);
  void set_uint(FieldId id, uint64_t v);
  void set_bool(FieldId id, bool v);
  void set_ip(FieldId id, const IpAddress& v);
  void set_timestamp(FieldId id, int64_t ns);
  void set_string_list(FieldId id, std::span<const std::string_view> items);

  // Adders: as the setters, for a field the event does not hold yet, which the caller
  // guarantees (a decoder whose format cannot repeat a field, e.g. the binary flight-recorder
  // log). They skip the search for an existing slot and inline into the decoder's loop.
  void add_string(FieldId id, std::string_view v) {
    const StrRef r = store_inline(v);
    new_slot(id, FieldType::kString).str = r;
  }
  void add_int(FieldId id, int64_t v) { new_slot(id, FieldType::kInt).i = v; }
  void add_uint(FieldId id, uint64_t v) { new_slot(id, FieldType::kUInt).u = v; }
  void add_bool(FieldId id, bool v) { new_slot(id, FieldType::kBool).i = v ? 1 : 0; }
  void add_timestamp(FieldId id, int64_t ns) { new_slot(id, FieldType::kTimestamp).i = ns; }
  void add_ip(FieldId id, const IpAddress& v) {
    const auto k = static_cast<uint32_t>(ips_.size());
    ips_.push_back(v);
    new_slot(id, FieldType::kIp).ip = k;
  }
  void add_string_list(FieldId id, std::span<const std::string_view> items) {
    const auto first = static_cast<uint32_t>(list_items_.size());
    for (std::string_view item : items) list_items_.push_back(store_inline(item));
    new_slot(id, FieldType::kStringList).list = {first, static_cast<uint32_t>(items.size())};
  }

  bool has(FieldId id) const { return find_slot(id) >= 0; }
  // Returns false when the field is absent. Inline (as view_at and find_slot): the matcher's
  // prefilter reads a dozen fields of every event through it.
  bool get(FieldId id, FieldView& out) const {
    const int k = find_slot(id);
    if (k < 0) return false;
    out = view_at(static_cast<size_t>(k));
    return true;
  }
  std::string_view list_item(const FieldView& v, uint32_t k) const;

  // Iteration in insertion order (serialization, the Wasm record builder).
  FieldId field_at(size_t k) const { return slots_[k].id; }
  FieldView view_at(size_t k) const;

 private:
  struct StrRef {
    uint32_t off;
    uint32_t len;
  };
  struct Slot {
    FieldId id;
    FieldType type;
    union {
      int64_t i;
      uint64_t u;
      StrRef str;   // kString
      StrRef list;  // kStringList: off = first item in list_items_, len = count
      uint32_t ip;  // index into ips_
    };
  };

  int find_slot(FieldId id) const {
    if (id < kIndexedFields) return static_cast<int>(index_[id]) - 1;
    if ((others_ >> (id & 63) & 1) == 0) return -1;
    for (size_t k = 0; k < slots_.size(); ++k) {
      if (slots_[k].id == id) return static_cast<int>(k);
    }
    return -1;
  }
  // Records that slot slots_.size() (about to be added) holds `id`.
  void note_slot(FieldId id) {
    if (id < kIndexedFields) {
      index_[id] = static_cast<uint16_t>(slots_.size() + 1);
    } else {
      others_ |= uint64_t{1} << (id & 63);
    }
  }
  Slot& slot_for(FieldId id, FieldType type);
  StrRef store(std::string_view v);
  StrRef store_inline(std::string_view v) {
    const StrRef r{static_cast<uint32_t>(bytes_.size()), static_cast<uint32_t>(v.size())};
    bytes_.append(v);
    return r;
  }
  Slot& new_slot(FieldId id, FieldType type) {
    note_slot(id);
    Slot& s = slots_.emplace_back();
    s.id = id;
    s.type = type;
    s.u = 0;
    return s;
  }

  std::vector<Slot> slots_;
  std::string bytes_;
  std::vector<StrRef> list_items_;
  std::vector<IpAddress> ips_;
  std::array<uint16_t, kIndexedFields> index_{};  // slot index + 1, 0 = absent
  // Fields at or above kIndexedFields: bit (id % 64) set when the event may hold one, so that
  // looking up an absent one (a rule's unknown field) mostly skips the linear scan.
  uint64_t others_ = 0;
  CategoryId category_ = categories::kUnknown;
};

inline FieldView Event::view_at(size_t k) const {
  const Slot& s = slots_[k];
  FieldView v;
  v.type = s.type;
  switch (s.type) {
    case FieldType::kString:
      v.s = std::string_view(bytes_).substr(s.str.off, s.str.len);
      break;
    case FieldType::kInt:
    case FieldType::kBool:
    case FieldType::kTimestamp:
      v.i = s.i;
      break;
    case FieldType::kUInt:
      v.u = s.u;
      break;
    case FieldType::kIp:
      v.ip = &ips_[s.ip];
      break;
    case FieldType::kStringList:
      v.list_begin = s.list.off;
      v.list_count = s.list.len;
      break;
  }
  return v;
}

}  // namespace wsn
