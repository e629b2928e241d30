// SHA-256 (FIPS 180-4), for content-addressing modules: hot-reload identity and the AOT cache
// key. Small and dependency-free; not used on the per-event path.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace wsn::wasm {

class Sha256 {
 public:
  Sha256();
  void update(std::span<const uint8_t> data);
  void update(std::string_view s) {
    update({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
  }
  std::array<uint8_t, 32> finish();

 private:
  void block(const uint8_t* p);
  std::array<uint32_t, 8> h_;
  std::array<uint8_t, 64> buf_{};
  size_t buf_len_ = 0;
  uint64_t total_ = 0;
};

std::string to_hex(std::span<const uint8_t> bytes);
// Hex digest of `data`.
std::string sha256_hex(std::span<const uint8_t> data);
std::string sha256_hex(std::string_view data);

}  // namespace wsn::wasm
