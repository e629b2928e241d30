// ECS network.transport: the IANA keyword of an IP protocol number, as every source names it.
//
// A pure function; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace wsn {

// "tcp", "udp", "icmp", "ipv6-icmp", "sctp", "udplite"; "" for a protocol this product does
// not name (the event then leaves network.transport out).
std::string_view ecs_transport_name(uint16_t iana_protocol);

}  // namespace wsn
