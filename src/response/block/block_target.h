// What the `block` action blocks for a detection: the remote end of the network event in it
// (the latest event that has one). An outbound connection (event.action connection_attempted,
// network.direction egress/outbound) names the remote as destination.ip and its service port
// as destination.port; an inbound one (connection_accepted, ingress/inbound) names it as
// source.ip, and the local service port as destination.port. Loopback, unspecified, multicast
// and link-local addresses are refused: blocking them would cut this host off from itself.
#pragma once

#include <span>
#include <string>

#include "net/blocks.h"
#include "wsn/event.h"

namespace wsn::response {

struct BlockTarget {
  bool found = false;
  std::string refused;  // why the address must not be blocked ("" when it may)
  net::Block block;
};

// `with_port`: narrow the block to the connection's port (scope remote/local port).
BlockTarget block_target(std::span<const Event* const> events, bool with_port, int64_t ttl_ns);

}  // namespace wsn::response
