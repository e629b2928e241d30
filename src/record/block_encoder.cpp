#include "record/block_encoder.h"

#include <functional>

#include "record/varint.h"

namespace wsn::record {
namespace {
constexpr size_t kSlots = kMaxCachedStrings * 2;  // load factor <= 1/2
}  // namespace

BlockEncoder::BlockEncoder(const FieldRegistry& registry)
    : registry_(registry),
      by_id_(FieldRegistry::kMaxFields, 0),
      id_type_(FieldRegistry::kMaxFields, FieldType::kString),
      category_no_(FieldRegistry::kMaxCategories, 0),
      category_stamp_(FieldRegistry::kMaxCategories, 0),
      slots_(kSlots) {}

void BlockEncoder::reset_block() {
  raw_.clear();
  records_ = 0;
  events_ = 0;
  first_time_ = last_time_ = prev_time_ = 0;
  entries_.clear();
  arena_.clear();
  shapes_.clear();
  if (++generation_ == 0) {  // wrapped: forget every stamp for real
    for (auto& s : slots_) s = Slot{};
    std::fill(field_stamp_.begin(), field_stamp_.end(), 0);
    std::fill(category_stamp_.begin(), category_stamp_.end(), 0);
    generation_ = 1;
  }
}

void BlockEncoder::reset_file() {
  reset_block();
  std::fill(by_id_.begin(), by_id_.end(), 0);
  other_types_.clear();
  field_stamp_.clear();
  std::fill(category_no_.begin(), category_no_.end(), 0);
  next_category_ = 1;
}

void BlockEncoder::add_record(RecordKind kind, std::string_view payload) {
  put_u8(raw_, static_cast<uint8_t>(kind));
  put_varint(raw_, payload.size());
  raw_.append(payload);
  ++records_;
}

void BlockEncoder::add_opaque(RecordKind kind, std::string_view bytes) {
  add_record(kind, bytes);
}

uint32_t BlockEncoder::field_number(FieldId id, FieldType type) {
  uint32_t no;
  if (by_id_[id] != 0 && id_type_[id] == type) {
    no = by_id_[id] - 1;
  } else if (by_id_[id] == 0) {
    no = static_cast<uint32_t>(field_stamp_.size());
    by_id_[id] = no + 1;
    id_type_[id] = type;
    field_stamp_.push_back(0);
  } else {
    const uint32_t key = (static_cast<uint32_t>(id) << 3) | static_cast<uint32_t>(type);
    auto [it, added] = other_types_.try_emplace(key, static_cast<uint32_t>(field_stamp_.size()));
    if (added) field_stamp_.push_back(0);
    no = it->second;
  }
  if (field_stamp_[no] != generation_) {
    field_stamp_[no] = generation_;
    std::string def;
    put_varint(def, no);
    put_u8(def, static_cast<uint8_t>(type));
    put_bytes(def, registry_.info(id).name);
    add_record(RecordKind::kFieldDef, def);
  }
  return no;
}

uint32_t BlockEncoder::category_number(CategoryId c) {
  if (c == categories::kUnknown || c >= category_no_.size()) return 0;
  if (category_no_[c] == 0) {
    if (next_category_ >= kMaxCategoryNumber) return 0;
    category_no_[c] = next_category_++;
  }
  const uint32_t no = category_no_[c];
  if (category_stamp_[c] != generation_) {
    category_stamp_[c] = generation_;
    std::string def;
    put_varint(def, no);
    put_bytes(def, registry_.category_name(c));
    add_record(RecordKind::kCategoryDef, def);
  }
  return no;
}

void BlockEncoder::put_string(std::string& out, std::string_view s) {
  if (s.size() < kMinCachedString || s.size() > kMaxCachedString) {
    put_varint(out, static_cast<uint64_t>(s.size()) << 1);
    out.append(s);
    return;
  }
  size_t k = std::hash<std::string_view>{}(s) & (kSlots - 1);
  for (;; k = (k + 1) & (kSlots - 1)) {
    Slot& slot = slots_[k];
    if (slot.generation != generation_) break;
    const Entry& e = entries_[slot.index];
    if (std::string_view(arena_).substr(e.offset, e.length) == s) {
      put_varint(out, (static_cast<uint64_t>(slot.index) << 1) | 1);
      return;
    }
  }
  put_varint(out, static_cast<uint64_t>(s.size()) << 1);
  out.append(s);
  // The reader numbers literals of this size range the same way, until the table is full.
  if (entries_.size() < kMaxCachedStrings) {
    slots_[k] = Slot{generation_, static_cast<uint32_t>(entries_.size())};
    entries_.push_back(
        Entry{static_cast<uint32_t>(arena_.size()), static_cast<uint32_t>(s.size())});
    arena_.append(s);
  }
}

void BlockEncoder::add_event(const Event& e) {
  const int64_t t = e.time_ns();
  const uint32_t cat = category_number(e.category());
  // The shape first: its field (and its own) definitions must precede the event.
  shape_key_.clear();
  for (size_t k = 0; k < e.field_count(); ++k) {
    put_varint(shape_key_, field_number(e.field_at(k), e.view_at(k).type));
  }
  uint32_t shape;
  if (auto it = shapes_.find(shape_key_); it != shapes_.end()) {
    shape = it->second;
  } else {
    shape = static_cast<uint32_t>(shapes_.size());
    shapes_.emplace(shape_key_, shape);
    std::string def;
    put_varint(def, shape);
    put_varint(def, e.field_count());
    def += shape_key_;
    add_record(RecordKind::kShapeDef, def);
  }
  scratch_.clear();
  put_varint(scratch_, zigzag(static_cast<int64_t>(static_cast<uint64_t>(t) -
                                                   static_cast<uint64_t>(prev_time_))));
  put_varint(scratch_, cat);
  put_varint(scratch_, shape);
  for (size_t k = 0; k < e.field_count(); ++k) {
    const FieldView v = e.view_at(k);
    switch (v.type) {
      case FieldType::kString:
        put_string(scratch_, v.s);
        break;
      case FieldType::kInt:
        put_varint(scratch_, zigzag(v.i));
        break;
      case FieldType::kUInt:
        put_varint(scratch_, v.u);
        break;
      case FieldType::kBool:
        put_u8(scratch_, v.i != 0 ? 1 : 0);
        break;
      case FieldType::kIp:
        if (v.ip->is_v4) {
          put_u8(scratch_, 4);
          scratch_.append(reinterpret_cast<const char*>(v.ip->bytes.data()) + 12, 4);
        } else {
          put_u8(scratch_, 16);
          scratch_.append(reinterpret_cast<const char*>(v.ip->bytes.data()), 16);
        }
        break;
      case FieldType::kTimestamp:
        put_varint(scratch_, zigzag(static_cast<int64_t>(static_cast<uint64_t>(v.i) -
                                                         static_cast<uint64_t>(t))));
        break;
      case FieldType::kStringList:
        put_varint(scratch_, v.list_count);
        for (uint32_t i = 0; i < v.list_count; ++i) put_string(scratch_, e.list_item(v, i));
        break;
    }
  }
  add_record(RecordKind::kEvent, scratch_);
  if (events_ == 0) first_time_ = t;
  last_time_ = t;
  prev_time_ = t;
  ++events_;
}

}  // namespace wsn::record
