#include "wsn/event.h"

#include <arpa/inet.h>

#include <cstring>

namespace wsn {

bool IpAddress::parse(std::string_view text, IpAddress& out) {
  char buf[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof(buf)) return false;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  IpAddress a;
  in_addr v4{};
  if (inet_pton(AF_INET, buf, &v4) == 1) {
    a.bytes[10] = 0xff;
    a.bytes[11] = 0xff;
    std::memcpy(&a.bytes[12], &v4, 4);
    a.is_v4 = true;
    out = a;
    return true;
  }
  if (inet_pton(AF_INET6, buf, a.bytes.data()) == 1) {
    a.is_v4 = false;
    out = a;
    return true;
  }
  return false;
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN];
  if (is_v4) {
    inet_ntop(AF_INET, &bytes[12], buf, sizeof(buf));
  } else {
    inet_ntop(AF_INET6, bytes.data(), buf, sizeof(buf));
  }
  return buf;
}

// No reserve: buffers grow on first use and clear() keeps them, so a recycled Event stops
// allocating after its first few uses, while the bus's never-filled slots stay ~0.4 KiB.
Event::Event() = default;

void Event::clear() {
  for (const Slot& s : slots_) {
    if (s.id < kIndexedFields) index_[s.id] = 0;
  }
  slots_.clear();
  others_ = 0;
  bytes_.clear();
  list_items_.clear();
  ips_.clear();
  category_ = categories::kUnknown;
}

Event::Slot& Event::slot_for(FieldId id, FieldType type) {
  const int k = find_slot(id);
  if (k >= 0) {
    slots_[static_cast<size_t>(k)].type = type;
    return slots_[static_cast<size_t>(k)];
  }
  note_slot(id);
  Slot& s = slots_.emplace_back();
  s.id = id;
  s.type = type;
  s.u = 0;
  return s;
}

Event::StrRef Event::store(std::string_view v) {
  StrRef r{static_cast<uint32_t>(bytes_.size()), static_cast<uint32_t>(v.size())};
  bytes_.append(v);
  return r;
}

int64_t Event::time_ns() const {
  const int k = index_[fields::kTimestamp] - 1;
  return k >= 0 ? slots_[static_cast<size_t>(k)].i : 0;
}

void Event::set_string(FieldId id, std::string_view v) {
  const StrRef r = store(v);  // before slot_for: no reference held across the append
  slot_for(id, FieldType::kString).str = r;
}
void Event::set_int(FieldId id, int64_t v) {
  slot_for(id, FieldType::kInt).i = v;
}
void Event::set_uint(FieldId id, uint64_t v) {
  slot_for(id, FieldType::kUInt).u = v;
}
void Event::set_bool(FieldId id, bool v) {
  slot_for(id, FieldType::kBool).i = v ? 1 : 0;
}
void Event::set_timestamp(FieldId id, int64_t ns) {
  slot_for(id, FieldType::kTimestamp).i = ns;
}

void Event::set_ip(FieldId id, const IpAddress& v) {
  const auto k = static_cast<uint32_t>(ips_.size());
  ips_.push_back(v);
  slot_for(id, FieldType::kIp).ip = k;
}

void Event::set_string_list(FieldId id, std::span<const std::string_view> items) {
  const auto first = static_cast<uint32_t>(list_items_.size());
  for (std::string_view item : items) list_items_.push_back(store(item));
  slot_for(id, FieldType::kStringList).list = {first, static_cast<uint32_t>(items.size())};
}

std::string_view Event::list_item(const FieldView& v, uint32_t k) const {
  const StrRef r = list_items_[v.list_begin + k];
  return std::string_view(bytes_).substr(r.off, r.len);
}

}  // namespace wsn
