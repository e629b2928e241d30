#include "net/packet_builder.h"

#include <cstring>

namespace wsn::net {
namespace {

void put16(std::vector<uint8_t>& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}
void put32(std::vector<uint8_t>& b, uint32_t v) {
  put16(b, static_cast<uint16_t>(v >> 16));
  put16(b, static_cast<uint16_t>(v));
}
void set16(std::vector<uint8_t>& b, size_t at, uint16_t v) {
  b[at] = static_cast<uint8_t>(v >> 8);
  b[at + 1] = static_cast<uint8_t>(v);
}

uint32_t sum16(const uint8_t* p, size_t n, uint32_t acc = 0) {
  for (size_t i = 0; i + 1 < n; i += 2) acc += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
  if (n % 2) acc += static_cast<uint32_t>(p[n - 1] << 8);
  return acc;
}
uint16_t fold(uint32_t acc) {
  while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
  return static_cast<uint16_t>(~acc);
}

bool has_ports(uint8_t proto) {
  return proto == 6 || proto == 17;
}

}  // namespace

std::vector<uint8_t> build_frame(const PacketSpec& s) {
  // transport header + payload
  std::vector<uint8_t> l4;
  if (!s.later_fragment) {
    if (s.proto == 6) {
      put16(l4, s.sport);
      put16(l4, s.dport);
      put32(l4, 1);  // seq
      put32(l4, 0);  // ack
      l4.push_back(5 << 4);
      l4.push_back(s.tcp_flags);
      put16(l4, 65535);
      put16(l4, 0);  // checksum (below)
      put16(l4, 0);
    } else if (s.proto == 17) {
      put16(l4, s.sport);
      put16(l4, s.dport);
      put16(l4, static_cast<uint16_t>(8 + s.payload.size()));
      put16(l4, 0);
    } else if (s.proto == 1 || s.proto == 58) {
      l4.push_back(s.proto == 1 ? 8 : 128);  // echo request
      l4.push_back(0);
      put16(l4, 0);
      put32(l4, 0x00010001);
    }
  }
  l4.insert(l4.end(), s.payload.begin(), s.payload.end());
  const size_t addr_len = s.family == Family::kV4 ? 4 : 16;
  if (!s.later_fragment && (s.proto == 6 || s.proto == 17 || s.proto == 58)) {
    uint32_t acc = sum16(s.src.data(), addr_len);
    acc = sum16(s.dst.data(), addr_len, acc);
    acc += s.proto + static_cast<uint32_t>(l4.size());
    acc = sum16(l4.data(), l4.size(), acc);
    set16(l4, s.proto == 6 ? 16 : s.proto == 17 ? 6 : 2, fold(acc));
  } else if (!s.later_fragment && s.proto == 1) {
    set16(l4, 2, fold(sum16(l4.data(), l4.size())));
  }

  std::vector<uint8_t> f = {0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1};
  for (uint16_t vid : s.vlans) {
    put16(f, 0x8100);
    put16(f, vid);
  }
  if (s.family == Family::kV4) {
    put16(f, 0x0800);
    size_t ip = f.size();
    f.push_back(0x45);
    f.push_back(0);
    put16(f, static_cast<uint16_t>(20 + l4.size()));
    put16(f, 1);
    put16(f, s.later_fragment ? 0x0010 /* offset 16 × 8 bytes */ : 0x4000 /* DF */);
    f.push_back(64);
    f.push_back(s.proto);
    put16(f, 0);
    f.insert(f.end(), s.src.begin(), s.src.begin() + 4);
    f.insert(f.end(), s.dst.begin(), s.dst.begin() + 4);
    set16(f, ip + 10, fold(sum16(&f[ip], 20)));
  } else {
    put16(f, 0x86dd);
    std::vector<uint8_t> ext;
    std::vector<uint8_t> chain = s.ipv6_ext;
    if (s.later_fragment) chain.push_back(44);
    for (size_t i = 0; i < chain.size(); ++i) {
      uint8_t next = i + 1 < chain.size() ? chain[i + 1] : s.proto;
      ext.push_back(next);
      if (chain[i] == 44) {
        ext.push_back(0);
        put16(ext, 0x0010 << 3);  // offset 16 (× 8 bytes)
        put32(ext, 7);            // identification
      } else {
        ext.push_back(0);                                                   // length 8 bytes
        for (int pad = 0; pad < 6; ++pad) ext.push_back(pad == 0 ? 1 : 0);  // PadN
      }
    }
    f.push_back(0x60);
    f.push_back(0);
    put16(f, 0);
    put16(f, static_cast<uint16_t>(ext.size() + l4.size()));
    f.push_back(chain.empty() ? s.proto : chain.front());
    f.push_back(64);
    f.insert(f.end(), s.src.begin(), s.src.end());
    f.insert(f.end(), s.dst.begin(), s.dst.end());
    f.insert(f.end(), ext.begin(), ext.end());
  }
  f.insert(f.end(), l4.begin(), l4.end());
  return f;
}

PacketFields fields_of(const PacketSpec& s) {
  PacketFields p;
  p.family = s.family;
  p.src = s.src;
  p.dst = s.dst;
  p.raw_proto = s.proto;
  p.proto = static_cast<Protocol>(s.proto);
  p.has_ports = has_ports(s.proto) && !s.later_fragment;
  p.sport = p.has_ports ? s.sport : 0;
  p.dport = p.has_ports ? s.dport : 0;
  return p;
}

}  // namespace wsn::net
