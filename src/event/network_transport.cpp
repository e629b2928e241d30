#include "event/network_transport.h"

namespace wsn {

std::string_view ecs_transport_name(uint16_t iana_protocol) {
  switch (iana_protocol) {
    case 6:
      return "tcp";
    case 17:
      return "udp";
    case 1:
      return "icmp";
    case 58:
      return "ipv6-icmp";  // ECS uses the IANA keyword, not "icmpv6"
    case 132:
      return "sctp";
    case 136:
      return "udplite";
    default:
      return "";
  }
}

}  // namespace wsn
