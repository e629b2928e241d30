#include "wasm/record_builder.h"

#include <bit>
#include <cstring>

#include "wsn_abi.h"

namespace wsn::wasm {
namespace {

static_assert(std::endian::native == std::endian::little, "the record is little-endian");

uint8_t wire_type(FieldType t) {
  switch (t) {
    case FieldType::kString:
      return WSN_STRING;
    case FieldType::kInt:
      return WSN_INT;
    case FieldType::kUInt:
      return WSN_UINT;
    case FieldType::kBool:
      return WSN_BOOL;
    case FieldType::kIp:
      return WSN_IP;
    case FieldType::kTimestamp:
      return WSN_TIMESTAMP;
    case FieldType::kStringList:
      return WSN_STRING_LIST;
  }
  return WSN_ABSENT;
}

}  // namespace

uint32_t build_record(const Event& e, const BoundMeta& meta, std::span<uint8_t> out) {
  const size_t nslots = meta.fields.size();
  uint8_t* base = out.data();
  const size_t cap = out.size();
  size_t tail = record_fixed_size(nslots);
  uint32_t rec_flags = 0;

  for (size_t k = 0; k < nslots; ++k) {
    wsn_slot slot;
    std::memset(&slot, 0, sizeof slot);
    FieldView v;
    if (e.get(meta.fields[k], v)) {
      slot.type = wire_type(v.type);
      switch (v.type) {
        case FieldType::kString: {
          const size_t room = cap > tail ? cap - tail : 0;
          size_t n = v.s.size();
          if (n + 1 > room) {
            n = room ? room - 1 : 0;
            slot.flags |= WSN_SLOT_TRUNCATED;
          }
          slot.v.s.off = static_cast<uint32_t>(tail);
          slot.v.s.len = static_cast<uint32_t>(n);
          if (room) {
            std::memcpy(base + tail, v.s.data(), n);
            base[tail + n] = 0;
            tail += n + 1;
          }
          break;
        }
        case FieldType::kStringList: {
          slot.v.s.off = static_cast<uint32_t>(tail);
          uint32_t count = 0;
          for (uint32_t i = 0; i < v.list_count; ++i) {
            const std::string_view item = e.list_item(v, i);
            if (item.size() + 1 > (cap > tail ? cap - tail : 0)) {
              slot.flags |= WSN_SLOT_TRUNCATED;
              break;
            }
            std::memcpy(base + tail, item.data(), item.size());
            base[tail + item.size()] = 0;
            tail += item.size() + 1;
            ++count;
          }
          slot.count = count;
          slot.v.s.len = static_cast<uint32_t>(tail - slot.v.s.off);
          break;
        }
        case FieldType::kIp: {
          slot.v.s.off = static_cast<uint32_t>(tail);
          if (v.ip && cap >= tail + 16) {
            std::memcpy(base + tail, v.ip->bytes.data(), 16);
            slot.v.s.len = 16;
            tail += 16;
            if (v.ip->is_v4) slot.flags |= WSN_SLOT_IPV4;
          } else {
            slot.flags |= WSN_SLOT_TRUNCATED;
          }
          break;
        }
        case FieldType::kUInt:
          slot.v.u = v.u;
          break;
        case FieldType::kInt:
        case FieldType::kBool:
        case FieldType::kTimestamp:
          slot.v.i = v.i;
          break;
      }
      rec_flags |= (slot.flags & WSN_SLOT_TRUNCATED) ? WSN_RECORD_TRUNCATED : 0;
    }
    std::memcpy(base + 32 + 16 * k, &slot, sizeof slot);
  }

  wsn_record_header h;
  std::memset(&h, 0, sizeof h);
  h.abi = WSN_ABI_MAJOR;
  h.size = static_cast<uint32_t>(tail);
  const CategoryId c = e.category();
  h.category = c < categories::kBuiltinCount ? c : static_cast<uint16_t>(WSN_CAT_OTHER);
  h.nslots = static_cast<uint16_t>(nslots);
  h.flags = rec_flags;
  h.time_ns = e.time_ns();
  std::memcpy(base, &h, sizeof h);
  return static_cast<uint32_t>(tail);
}

}  // namespace wsn::wasm

namespace wsn::wasm {
static_assert(WSN_CAT_PROCESS == categories::kProcess && WSN_CAT_FILE == categories::kFile &&
                  WSN_CAT_NETWORK == categories::kNetwork &&
                  WSN_CAT_DRIVER == categories::kDriver &&
                  WSN_CAT_AUTHENTICATION == categories::kAuthentication,
              "ABI category ids are the built-in category ids");
}  // namespace wsn::wasm
