// Timed blocks in the XDP filter: a remote address (the source of ingress packets), optionally
// narrowed to a protocol and a port, dropped in the driver until the block expires. Installed
// by the `block` response action and by inspectors' drop verdicts; expired entries are removed
// by the data path when it next meets them, and by `expire_blocks`.
//
// Thread safety: as XdpFilter (one per thread); the map itself is safe for concurrent writers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "net/xdp_filter.h"

namespace wsn::net {

enum class BlockScope : uint8_t {
  kAddress,     // every packet from the address
  kRemotePort,  // packets from the address's port (a connection this host opened to it)
  kLocalPort,   // packets from the address to a local port (a service here)
};

struct Block {
  Cidr address;  // a host address (/32 or /128)
  BlockScope scope = BlockScope::kAddress;
  Protocol proto = Protocol::kAny;  // tcp or udp with a port scope
  uint16_t port = 0;
  int64_t ttl_ns = 0;       // on add: lifetime (0: until removed)
  uint64_t expires_ns = 0;  // on list: CLOCK_MONOTONIC deadline (0: never)
  std::string to_string() const;
};

Status add_block(XdpFilter& filter, const Block& b);
Result<std::vector<Block>> list_blocks(const XdpFilter& filter);
// Removes expired blocks; returns how many.
Result<size_t> expire_blocks(XdpFilter& filter);

}  // namespace wsn::net
