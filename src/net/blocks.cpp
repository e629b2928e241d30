#include "net/blocks.h"

#include <bpf/bpf.h>
#include <time.h>

#include <cerrno>
#include <cstring>

#include "bpf/xdp_abi.h"

namespace wsn::net {
namespace {

uint64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);  // bpf_ktime_get_ns's clock
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

wsn_xdp_block_key key_of(const Block& b) {
  wsn_xdp_block_key k{};
  k.family = static_cast<uint8_t>(b.address.family);
  k.kind = static_cast<uint8_t>(b.scope);
  if (b.scope != BlockScope::kAddress) {
    k.proto = static_cast<uint8_t>(b.proto);
    k.port = b.port;
  }
  std::memcpy(k.addr, b.address.addr.data(), 16);
  return k;
}

Block from_key(const wsn_xdp_block_key& k, const wsn_xdp_block& v) {
  Block b;
  b.address.family = static_cast<Family>(k.family);
  b.address.len = k.family == WSN_FAM_IPV4 ? 32 : 128;
  std::memcpy(b.address.addr.data(), k.addr, 16);
  b.scope = static_cast<BlockScope>(k.kind);
  b.proto = static_cast<Protocol>(k.proto);
  b.port = k.port;
  b.expires_ns = v.expires_ns;
  return b;
}

}  // namespace

std::string Block::to_string() const {
  std::string s = address.to_string();
  if (scope == BlockScope::kRemotePort)
    s += " from its " + std::string(protocol_name(proto)) + " port " + std::to_string(port);
  if (scope == BlockScope::kLocalPort)
    s += " to local " + std::string(protocol_name(proto)) + " port " + std::to_string(port);
  return s;
}

Status add_block(XdpFilter& filter, const Block& b) {
  if (b.scope != BlockScope::kAddress && b.proto != Protocol::kTcp && b.proto != Protocol::kUdp)
    return Error{"a block on a port needs tcp or udp", 0, ErrorCode::kInvalid};
  wsn_xdp_block_key k = key_of(b);
  wsn_xdp_block v{};
  v.expires_ns = b.ttl_ns > 0 ? monotonic_ns() + static_cast<uint64_t>(b.ttl_ns) : 0;
  if (bpf_map_update_elem(filter.map_fd("wsn_xdp_blocks"), &k, &v, BPF_ANY) != 0)
    return Error{std::string("install block: ") + std::strerror(errno), errno};
  // The data path skips the block lookups until the first block exists.
  int cfg_fd = filter.map_fd("wsn_xdp_config");
  uint32_t zero = 0;
  wsn_xdp_config cfg{};
  if (bpf_map_lookup_elem(cfg_fd, &zero, &cfg) != 0)
    return Error{std::string("read the filter's configuration: ") + std::strerror(errno), errno};
  if (!cfg.blocks_in_use) {
    cfg.blocks_in_use = 1;
    if (bpf_map_update_elem(cfg_fd, &zero, &cfg, BPF_ANY) != 0)
      return Error{std::string("enable blocks: ") + std::strerror(errno), errno};
  }
  return {};
}

Result<std::vector<Block>> list_blocks(const XdpFilter& filter) {
  int fd = filter.map_fd("wsn_xdp_blocks");
  std::vector<Block> out;
  wsn_xdp_block_key key{}, next{};
  const void* prev = nullptr;
  while (bpf_map_get_next_key(fd, prev, &next) == 0) {
    wsn_xdp_block v{};
    if (bpf_map_lookup_elem(fd, &next, &v) == 0) out.push_back(from_key(next, v));
    key = next;
    prev = &key;
  }
  return out;
}

Result<size_t> expire_blocks(XdpFilter& filter) {
  auto all = list_blocks(filter);
  if (!all.ok()) return all.error();
  const uint64_t now = monotonic_ns();
  size_t n = 0;
  for (const Block& b : all.value()) {
    if (b.expires_ns == 0 || b.expires_ns > now) continue;
    wsn_xdp_block_key k = key_of(b);
    if (bpf_map_delete_elem(filter.map_fd("wsn_xdp_blocks"), &k) == 0) ++n;
  }
  return n;
}

}  // namespace wsn::net
