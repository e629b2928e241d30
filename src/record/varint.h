// Little-endian fixed-width and LEB128 varint encoding for the binary log (log_format.h).
//
// Decoding is bounds-checked: a ByteCursor never reads past its end; a failed read sets the
// cursor's error flag and returns 0, so a decoder checks once per record, not per value.
// Header-only, thread safe (no shared state).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace wsn::record {

inline void put_u8(std::string& out, uint8_t v) {
  out.push_back(static_cast<char>(v));
}

inline void put_u32(std::string& out, uint32_t v) {
  char b[4];
  for (int k = 0; k < 4; ++k) b[k] = static_cast<char>(v >> (8 * k));
  out.append(b, 4);
}

inline void put_u64(std::string& out, uint64_t v) {
  char b[8];
  for (int k = 0; k < 8; ++k) b[k] = static_cast<char>(v >> (8 * k));
  out.append(b, 8);
}

inline void put_varint(std::string& out, uint64_t v) {
  char b[10];
  size_t n = 0;
  while (v >= 0x80) {
    b[n++] = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  b[n++] = static_cast<char>(v);
  out.append(b, n);
}

inline uint64_t zigzag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t unzigzag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

inline void put_bytes(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

inline uint32_t load_u32(const unsigned char* p) {
  uint32_t v = 0;
  for (int k = 3; k >= 0; --k) v = (v << 8) | p[k];
  return v;
}
inline uint64_t load_u64(const unsigned char* p) {
  uint64_t v = 0;
  for (int k = 7; k >= 0; --k) v = (v << 8) | p[k];
  return v;
}
inline void store_u32(unsigned char* p, uint32_t v) {
  for (int k = 0; k < 4; ++k) p[k] = static_cast<unsigned char>(v >> (8 * k));
}
inline void store_u64(unsigned char* p, uint64_t v) {
  for (int k = 0; k < 8; ++k) p[k] = static_cast<unsigned char>(v >> (8 * k));
}

class ByteCursor {
 public:
  ByteCursor(const char* data, size_t n)
      : p_(reinterpret_cast<const unsigned char*>(data)), end_(p_ + n) {}
  explicit ByteCursor(std::string_view s) : ByteCursor(s.data(), s.size()) {}

  bool ok() const { return ok_; }
  bool at_end() const { return p_ == end_; }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  const char* position() const { return reinterpret_cast<const char*>(p_); }

  uint8_t u8() {
    if (p_ == end_) return fail();
    return *p_++;
  }
  uint64_t varint() {
    // Fast path: one byte (field numbers, small deltas, short lengths).
    if (p_ != end_ && *p_ < 0x80) return *p_++;
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) return fail();
      const uint8_t b = *p_++;
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (b < 0x80) return v;
    }
    return fail();  // more than 10 bytes
  }
  // `n` bytes as a view into the input.
  std::string_view bytes(size_t n) {
    if (n > remaining()) {
      fail();
      return {};
    }
    std::string_view s(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    return s;
  }
  void copy(void* dst, size_t n) {
    if (n > remaining()) {
      fail();
      return;
    }
    std::memcpy(dst, p_, n);
    p_ += n;
  }

 private:
  uint8_t fail() {
    ok_ = false;
    p_ = end_;
    return 0;
  }
  const unsigned char* p_;
  const unsigned char* end_;
  bool ok_ = true;
};

}  // namespace wsn::record
