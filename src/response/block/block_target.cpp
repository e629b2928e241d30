#include "response/block/block_target.h"

#include <string_view>

namespace wsn::response {
namespace {

std::string_view text(const Event& e, FieldId id) {
  FieldView v;
  return e.get(id, v) && v.type == FieldType::kString ? v.s : std::string_view();
}

const IpAddress* ip(const Event& e, FieldId id) {
  FieldView v;
  return e.get(id, v) && v.type == FieldType::kIp ? v.ip : nullptr;
}

int64_t port(const Event& e, FieldId id) {
  FieldView v;
  if (!e.get(id, v)) return 0;
  if (v.type == FieldType::kInt) return v.i;
  if (v.type == FieldType::kUInt) return static_cast<int64_t>(v.u);
  return 0;
}

bool inbound(const Event& e) {
  std::string_view dir = text(e, fields::kNetworkDirection);
  std::string_view action = text(e, fields::kEventAction);
  return dir == "ingress" || dir == "inbound" || action == "connection_accepted";
}

std::string why_refused(const net::Cidr& a) {
  const auto& b = a.addr;
  if (a.family == net::Family::kV4) {
    if (b[0] == 127) return "a loopback address";
    if (b[0] == 0) return "an unspecified address";
    if (b[0] >= 224) return "a multicast or reserved address";
    if (b[0] == 169 && b[1] == 254) return "a link-local address";
    return "";
  }
  bool zero_to_14 = true;
  for (int i = 0; i < 15; ++i) zero_to_14 = zero_to_14 && b[i] == 0;
  if (zero_to_14 && (b[15] == 1 || b[15] == 0))
    return b[15] ? "a loopback address" : "an unspecified address";
  if (b[0] == 0xff) return "a multicast address";
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return "a link-local address";
  return "";
}

}  // namespace

BlockTarget block_target(std::span<const Event* const> events, bool with_port, int64_t ttl_ns) {
  BlockTarget t;
  for (auto it = events.rbegin(); it != events.rend(); ++it) {
    const Event& e = **it;
    const bool in = inbound(e);
    const IpAddress* remote = ip(e, in ? fields::kSourceIp : fields::kDestinationIp);
    if (!remote) continue;
    t.found = true;
    net::Block& b = t.block;
    b.address.family = remote->is_v4 ? net::Family::kV4 : net::Family::kV6;
    b.address.len = remote->is_v4 ? 32 : 128;
    // IpAddress keeps IPv4 as the mapped form (::ffff:a.b.c.d); the filter wants 4 bytes first.
    if (remote->is_v4) {
      b.address.addr = {};
      for (int i = 0; i < 4; ++i) b.address.addr[i] = remote->bytes[12 + i];
    } else {
      b.address.addr = remote->bytes;
    }
    b.ttl_ns = ttl_ns;
    std::string_view transport = text(e, fields::kNetworkTransport);
    int64_t p = port(e, fields::kDestinationPort);
    if (with_port && p > 0 && p < 65536 && (transport == "tcp" || transport == "udp")) {
      b.scope = in ? net::BlockScope::kLocalPort : net::BlockScope::kRemotePort;
      b.proto = transport == "tcp" ? net::Protocol::kTcp : net::Protocol::kUdp;
      b.port = static_cast<uint16_t>(p);
    }
    t.refused = why_refused(b.address);
    break;
  }
  return t;
}

}  // namespace wsn::response
