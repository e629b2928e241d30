#include "record/block_decoder.h"

namespace wsn::record {

BlockDecoder::BlockDecoder(FieldRegistry& registry) : registry_(registry) {}

void BlockDecoder::reset_file() {
  fields_.clear();
  categories_.clear();
  category_names_.clear();
}

void BlockDecoder::begin_block(std::string_view raw) {
  block_ = ByteCursor(raw);
  prev_time_ = 0;
  strings_.clear();
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
  if (no >= fields_.size()) fields_.resize(no + 1);
  FieldDef& d = fields_[no];
  const auto t = static_cast<FieldType>(type);
  if (d.defined && d.type == t && d.name == name) return true;  // repeated in a later block
  d.name = name;
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

std::string_view BlockDecoder::get_string(ByteCursor& c) {
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

bool BlockDecoder::decode_event(ByteCursor& c, Event& e) {
  const int64_t t = static_cast<int64_t>(static_cast<uint64_t>(prev_time_) +
                                         static_cast<uint64_t>(unzigzag(c.varint())));
  const uint64_t cat = c.varint();
  const uint64_t n = c.varint();
  if (!c.ok()) {
    error_ = "event record cut short";
    return false;
  }
  if (n > Event::kMaxFields) {
    error_ = "event with too many fields";
    return false;
  }
  if (cat != 0) {
    if (cat >= categories_.size() || categories_[cat] == categories::kUnknown) {
      error_ = "undefined category number";
      return false;
    }
    e.set_category(categories_[cat]);
  }
  for (uint64_t k = 0; k < n; ++k) {
    const uint64_t no = c.varint();
    if (!c.ok()) break;
    if (no >= fields_.size() || !fields_[no].defined) {
      error_ = "undefined field number";
      return false;
    }
    const FieldDef& d = fields_[no];
    const FieldId id = d.usable ? d.id : kInvalidField;
    switch (d.type) {
      case FieldType::kString: {
        const std::string_view s = get_string(c);
        if (id != kInvalidField && c.ok()) e.set_string(id, s);
        break;
      }
      case FieldType::kInt: {
        const int64_t v = unzigzag(c.varint());
        if (id != kInvalidField) e.set_int(id, v);
        break;
      }
      case FieldType::kUInt: {
        const uint64_t v = c.varint();
        if (id != kInvalidField) e.set_uint(id, v);
        break;
      }
      case FieldType::kBool: {
        const uint8_t v = c.u8();
        if (v > 1) {
          error_ = "bad bool value";
          return false;
        }
        if (id != kInvalidField) e.set_bool(id, v == 1);
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
        if (id != kInvalidField && c.ok()) e.set_ip(id, ip);
        break;
      }
      case FieldType::kTimestamp: {
        const int64_t v = static_cast<int64_t>(static_cast<uint64_t>(t) +
                                               static_cast<uint64_t>(unzigzag(c.varint())));
        if (id != kInvalidField) e.set_timestamp(id, v);
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
        if (id != kInvalidField && c.ok()) e.set_string_list(id, items_);
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
      case RecordKind::kEvent:
        event.clear();
        return decode_event(c, event) ? Next::kEvent : Next::kMalformed;
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
