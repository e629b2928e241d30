#include "wasm/binary_scan.h"

#include <cstring>

namespace wsn::wasm {
namespace {

// Unsigned LEB128 u32. Returns bytes consumed, 0 when malformed or truncated.
size_t read_leb_u32(const uint8_t* p, const uint8_t* end, uint32_t& out) {
  uint64_t v = 0;
  for (size_t k = 0; k < 5 && p + k < end; ++k) {
    v |= uint64_t{static_cast<uint8_t>(p[k] & 0x7f)} << (7 * k);
    if (!(p[k] & 0x80)) {
      if (v > 0xffffffffu) return 0;
      out = static_cast<uint32_t>(v);
      return k + 1;
    }
  }
  return 0;
}

void write_leb_u32(std::vector<uint8_t>& out, uint32_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(static_cast<uint8_t>(b | (v ? 0x80 : 0)));
  } while (v);
}

}  // namespace

bool has_wasm_header(std::span<const uint8_t> wasm) {
  static const uint8_t kHeader[8] = {0, 'a', 's', 'm', 1, 0, 0, 0};
  return wasm.size() >= 8 && std::memcmp(wasm.data(), kHeader, 8) == 0;
}

std::optional<std::string_view> find_custom_section(std::span<const uint8_t> wasm,
                                                    std::string_view name, std::string* error) {
  if (!has_wasm_header(wasm)) {
    if (error) *error = "not a WebAssembly binary (bad magic number or version)";
    return std::nullopt;
  }
  const uint8_t* p = wasm.data() + 8;
  const uint8_t* end = wasm.data() + wasm.size();
  while (p < end) {
    const uint8_t id = *p++;
    uint32_t size = 0;
    const size_t n = read_leb_u32(p, end, size);
    if (n == 0 || size > static_cast<size_t>(end - p) - n) {
      if (error) {
        *error = "malformed section header at offset " + std::to_string(p - 1 - wasm.data());
      }
      return std::nullopt;
    }
    p += n;
    if (id == 0) {
      uint32_t name_len = 0;
      const size_t m = read_leb_u32(p, p + size, name_len);
      if (m == 0 || name_len > size - m) {
        if (error) *error = "malformed custom section name";
        return std::nullopt;
      }
      const std::string_view section_name(reinterpret_cast<const char*>(p + m), name_len);
      if (section_name == name) {
        return std::string_view(reinterpret_cast<const char*>(p + m + name_len),
                                size - m - name_len);
      }
    }
    p += size;
  }
  return std::nullopt;
}

void append_custom_section(std::vector<uint8_t>& wasm, std::string_view name,
                           std::string_view payload) {
  std::vector<uint8_t> name_leb;
  write_leb_u32(name_leb, static_cast<uint32_t>(name.size()));
  wasm.push_back(0);
  write_leb_u32(wasm, static_cast<uint32_t>(name_leb.size() + name.size() + payload.size()));
  wasm.insert(wasm.end(), name_leb.begin(), name_leb.end());
  wasm.insert(wasm.end(), name.begin(), name.end());
  wasm.insert(wasm.end(), payload.begin(), payload.end());
}

}  // namespace wsn::wasm
