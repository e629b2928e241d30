#include "record/block_decoder.h"

namespace wsn::record {

BlockDecoder::BlockDecoder(FieldRegistry& registry)
    : registry_(registry), id_stamp_(FieldRegistry::kMaxFields, 0) {}

void BlockDecoder::reset_file() {
  fields_.clear();
  names_.clear();
  categories_.clear();
  category_names_.clear();
}

void BlockDecoder::begin_block(std::string_view raw) {
  block_ = ByteCursor(raw);
  prev_time_ = 0;
  strings_.clear();
  shapes_.clear();
  shape_fields_.clear();
}

BlockDecoder::Next BlockDecoder::malformed(const char* why) {
  error_ = why;
  return Next::kMalformed;
}

bool BlockDecoder::define_field(ByteCursor& c) {
  const uint64_t no = c.varint();
  const uint8_t type = c.u8();
  const std::string_view name = c.bytes(c.varint());
  if (!c.ok() || !c.at_end() || no >= kMaxFieldNumber ||
      type > static_cast<uint8_t>(FieldType::kStringList) || name.empty()) {
    return false;
  }
  if (no >= fields_.size()) {
    fields_.resize(no + 1);
    names_.resize(no + 1);
  }
  Field& d = fields_[no];
  const auto t = static_cast<FieldType>(type);
  if (d.defined && d.type == t && names_[no].name == name) return true;  // a later block's copy
  names_[no].name = name;
  d.type = t;
  d.defined = true;
  d.id = registry_.find(name);
  if (d.id == kInvalidField) d.id = registry_.intern(name, t);
  d.usable = d.id != kInvalidField && registry_.type(d.id) == t;
  return true;
}

bool BlockDecoder::define_category(ByteCursor& c) {
  const uint64_t no = c.varint();
  const std::string_view name = c.bytes(c.varint());
  if (!c.ok() || !c.at_end() || no == 0 || no >= kMaxCategoryNumber || name.empty()) return false;
  if (no >= categories_.size()) {
    categories_.resize(no + 1, categories::kUnknown);
    category_names_.resize(no + 1);
  }
  if (categories_[no] != categories::kUnknown && category_names_[no] == name) return true;
  category_names_[no] = name;
  categories_[no] = registry_.intern_category(name);
  return true;
}

bool BlockDecoder::define_shape(ByteCursor& c) {
  const uint64_t no = c.varint();
  const uint64_t count = c.varint();
  if (!c.ok() || no != shapes_.size() || count > Event::kMaxFields || count > c.remaining()) {
    return false;
  }
  Shape shape{static_cast<uint32_t>(shape_fields_.size()), static_cast<uint32_t>(count)};
  if (++stamp_ == 0) {
    std::fill(id_stamp_.begin(), id_stamp_.end(), 0);
    stamp_ = 1;
  }
  for (uint64_t k = 0; k < count; ++k) {
    const uint64_t field = c.varint();
    if (!c.ok() || field >= fields_.size() || !fields_[field].defined) {
      shape_fields_.resize(shape.begin);
      return false;
    }
    const Field& f = fields_[field];
    if (f.usable) {
      // Two numbers naming one field (only a crafted log has them): use the checked setters.
      if (id_stamp_[f.id] == stamp_) shape.unique = false;
      id_stamp_[f.id] = stamp_;
    }
    shape_fields_.push_back(f);
  }
  if (!c.at_end()) {
    shape_fields_.resize(shape.begin);
    return false;
  }
  shapes_.push_back(shape);
  return true;
}

inline std::string_view BlockDecoder::get_string(ByteCursor& c) {
  const uint64_t v = c.varint();
  if (v & 1) {
    const uint64_t k = v >> 1;
    if (k >= strings_.size()) {
      c.bytes(c.remaining() + 1);  // poison the cursor
      return {};
    }
    return strings_[k];
  }
  const std::string_view s = c.bytes(v >> 1);
  if (s.size() >= kMinCachedString && s.size() <= kMaxCachedString &&
      strings_.size() < kMaxCachedStrings && c.ok()) {
    strings_.push_back(s);
  }
  return s;
}

bool BlockDecoder::decode_event(std::string_view body, Event& e) {
  ByteCursor c(body);
  const int64_t t = static_cast<int64_t>(static_cast<uint64_t>(prev_time_) +
                                         static_cast<uint64_t>(unzigzag(c.varint())));
  const uint64_t cat = c.varint();
  const uint64_t shape_no = c.varint();
  if (!c.ok()) {
    error_ = "event record cut short";
    return false;
  }
  if (shape_no >= shapes_.size()) {
    error_ = "undefined shape number";
    return false;
  }
  if (cat != 0) {
    if (cat >= categories_.size() || categories_[cat] == categories::kUnknown) {
      error_ = "undefined category number";
      return false;
    }
    e.set_category(categories_[cat]);
  }
  const Shape shape = shapes_[shape_no];
  const Field* fields = shape_fields_.data() + shape.begin;
  if (!(shape.unique ? decode_fields<true>(c, e, fields, shape.count, t)
                     : decode_fields<false>(c, e, fields, shape.count, t))) {
    return false;
  }
  if (!c.ok()) {
    error_ = "event record cut short";
    return false;
  }
  if (!c.at_end()) {
    error_ = "trailing bytes after an event";
    return false;
  }
  prev_time_ = t;
  return true;
}

template <bool kAdd>
bool BlockDecoder::decode_fields(ByteCursor& c, Event& e, const Field* fields, uint32_t n,
                                 int64_t t) {
  for (uint32_t k = 0; k < n; ++k) {
    const Field& d = fields[k];
    const FieldId id = d.usable ? d.id : kInvalidField;
    switch (d.type) {
      case FieldType::kString: {
        const std::string_view s = get_string(c);
        if (id != kInvalidField && c.ok()) {
          if constexpr (kAdd) {
            e.add_string(id, s);
          } else {
            e.set_string(id, s);
          }
        }
        break;
      }
      case FieldType::kInt: {
        const int64_t v = unzigzag(c.varint());
        if (id != kInvalidField) {
          if constexpr (kAdd) {
            e.add_int(id, v);
          } else {
            e.set_int(id, v);
          }
        }
        break;
      }
      case FieldType::kUInt: {
        const uint64_t v = c.varint();
        if (id != kInvalidField) {
          if constexpr (kAdd) {
            e.add_uint(id, v);
          } else {
            e.set_uint(id, v);
          }
        }
        break;
      }
      case FieldType::kBool: {
        const uint8_t v = c.u8();
        if (v > 1) {
          error_ = "bad bool value";
          return false;
        }
        if (id != kInvalidField) {
          if constexpr (kAdd) {
            e.add_bool(id, v == 1);
          } else {
            e.set_bool(id, v == 1);
          }
        }
        break;
      }
      case FieldType::kIp: {
        const uint8_t len = c.u8();
        IpAddress ip;
        if (len == 4) {
          ip.bytes[10] = ip.bytes[11] = 0xff;
          c.copy(&ip.bytes[12], 4);
          ip.is_v4 = true;
        } else if (len == 16) {
          c.copy(ip.bytes.data(), 16);
        } else {
          error_ = "bad ip length";
          return false;
        }
        if (id != kInvalidField && c.ok()) {
          if constexpr (kAdd) {
            e.add_ip(id, ip);
          } else {
            e.set_ip(id, ip);
          }
        }
        break;
      }
      case FieldType::kTimestamp: {
        const int64_t v = static_cast<int64_t>(static_cast<uint64_t>(t) +
                                               static_cast<uint64_t>(unzigzag(c.varint())));
        if (id != kInvalidField) {
          if constexpr (kAdd) {
            e.add_timestamp(id, v);
          } else {
            e.set_timestamp(id, v);
          }
        }
        break;
      }
      case FieldType::kStringList: {
        const uint64_t count = c.varint();
        if (count > c.remaining()) {  // each item takes at least one byte
          error_ = "string list longer than its record";
          return false;
        }
        items_.clear();
        for (uint64_t i = 0; i < count && c.ok(); ++i) items_.push_back(get_string(c));
        if (id != kInvalidField && c.ok()) {
          if constexpr (kAdd) {
            e.add_string_list(id, items_);
          } else {
            e.set_string_list(id, items_);
          }
        }
        break;
      }
    }
    if (id == kInvalidField && c.ok()) {
      if (d.id == kInvalidField) {
        ++skipped_fields_;
      } else {
        ++type_mismatches_;
        registry_.note_type_mismatch(d.id);
      }
    }
  }
  return true;
}

BlockDecoder::Next BlockDecoder::next(Event& event, std::string_view& payload) {
  while (!block_.at_end()) {
    const uint8_t kind = block_.u8();
    const std::string_view body = block_.bytes(block_.varint());
    if (!block_.ok()) return malformed("record cut short");
    ByteCursor c(body);
    switch (static_cast<RecordKind>(kind)) {
      case RecordKind::kFieldDef:
        if (!define_field(c)) return malformed("malformed field definition");
        break;
      case RecordKind::kCategoryDef:
        if (!define_category(c)) return malformed("malformed category definition");
        break;
      case RecordKind::kShapeDef:
        if (!define_shape(c)) return malformed("malformed shape definition");
        break;
      case RecordKind::kEvent:
        event.clear();
        return decode_event(body, event) ? Next::kEvent : Next::kMalformed;
      case RecordKind::kAlert:
        payload = body;
        return Next::kAlert;
      case RecordKind::kNote:
        payload = body;
        return Next::kNote;
      default:
        break;  // a record kind of a later version: skipped
    }
  }
  return Next::kEnd;
}

}  // namespace wsn::record
