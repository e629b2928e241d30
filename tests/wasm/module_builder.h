// Builds small WebAssembly binaries byte by byte, for inputs no text tool can produce safely
// (100k+ nested blocks) or that must be malformed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wsn::wasm::testing {

inline void leb(std::vector<uint8_t>& out, uint32_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(static_cast<uint8_t>(b | (v ? 0x80 : 0)));
  } while (v);
}

inline void section(std::vector<uint8_t>& m, uint8_t id, const std::vector<uint8_t>& body) {
  m.push_back(id);
  leb(m, static_cast<uint32_t>(body.size()));
  m.insert(m.end(), body.begin(), body.end());
}

inline void name(std::vector<uint8_t>& out, const std::string& s) {
  leb(out, static_cast<uint32_t>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}

// A valid ABI v1 module whose wsn_on_event body nests `depth` empty blocks.
inline std::vector<uint8_t> nested_blocks_module(uint32_t depth, const std::string& meta) {
  std::vector<uint8_t> m = {0, 'a', 's', 'm', 1, 0, 0, 0};
  // types: 0 () -> (), 1 () -> i32, 2 (i32) -> i32
  section(m, 1, {3, 0x60, 0, 0, 0x60, 0, 1, 0x7f, 0x60, 1, 0x7f, 1, 0x7f});
  section(m, 3, {4, 0, 1, 1, 2});  // functions
  section(m, 5, {1, 0, 1});        // memory: 1 page, no max
  std::vector<uint8_t> ex;
  leb(ex, 5);
  name(ex, "memory");
  ex.insert(ex.end(), {2, 0});
  name(ex, "wsn_abi_v1");
  ex.insert(ex.end(), {0, 0});
  name(ex, "wsn_event_buffer");
  ex.insert(ex.end(), {0, 1});
  name(ex, "wsn_event_buffer_size");
  ex.insert(ex.end(), {0, 2});
  name(ex, "wsn_on_event");
  ex.insert(ex.end(), {0, 3});
  section(m, 7, ex);
  std::vector<uint8_t> code;
  leb(code, 4);
  auto body = [&](const std::vector<uint8_t>& b) {
    leb(code, static_cast<uint32_t>(b.size()));
    code.insert(code.end(), b.begin(), b.end());
  };
  body({0, 0x0b});                    // marker: no locals, end
  body({0, 0x41, 0x80, 0x08, 0x0b});  // i32.const 1024
  body({0, 0x41, 0x80, 0x20, 0x0b});  // i32.const 4096
  std::vector<uint8_t> deep = {0};
  deep.reserve(depth * 3 + 8);
  for (uint32_t k = 0; k < depth; ++k) deep.insert(deep.end(), {0x02, 0x40});
  for (uint32_t k = 0; k < depth; ++k) deep.push_back(0x0b);
  deep.insert(deep.end(), {0x41, 0x00, 0x0b});  // i32.const 0, end
  body(deep);
  section(m, 10, code);
  std::vector<uint8_t> custom;
  name(custom, "wsn.meta");
  custom.insert(custom.end(), meta.begin(), meta.end());
  section(m, 0, custom);
  return m;
}

}  // namespace wsn::wasm::testing
