#include "collect/xdp/packet_event.h"

#include <net/if.h>

#include <string_view>

#include "event/network_transport.h"

namespace wsn::xdp {
namespace {

IpAddress to_ip(net::Family f, const std::array<uint8_t, 16>& a) {
  IpAddress ip;
  if (f == net::Family::kV4) {
    ip.is_v4 = true;
    ip.bytes[10] = ip.bytes[11] = 0xff;  // the mapped form IpAddress keeps IPv4 in
    for (int i = 0; i < 4; ++i) ip.bytes[12 + i] = a[i];
  } else {
    ip.bytes = a;
  }
  return ip;
}

}  // namespace

PacketEventBuilder::PacketEventBuilder(FieldRegistry& registry)
    : network_(registry.intern_category("network")),
      iana_(registry.intern("network.iana_number")),
      bytes_(registry.intern("network.bytes", FieldType::kInt)),
      packets_(registry.intern("network.packets", FieldType::kInt)),
      iface_index_(registry.intern("observer.ingress.interface.id")),
      iface_name_(registry.intern("observer.ingress.interface.name")),
      module_(registry.intern("event.module")),
      dataset_(registry.intern("event.dataset")),
      payload_(registry.intern("wsn.packet.payload")),
      tcp_flags_(registry.intern("wsn.packet.tcp_flags", FieldType::kInt)),
      flow_(registry.intern("wsn.packet.flow")) {}

void PacketEventBuilder::build(const net::InspectedPacket& p, int64_t realtime_offset_ns,
                               Event& e) {
  e.clear();
  e.set_timestamp(fields::kTimestamp, static_cast<int64_t>(p.mono_ns) + realtime_offset_ns);
  e.set_string(fields::kEventKind, "event");
  const std::string_view category[] = {"network"};
  e.set_string_list(fields::kEventCategory, category);
  e.set_category(network_);
  const std::string_view types_first[] = {"connection", "start"};
  const std::string_view types_next[] = {"connection"};
  const std::string_view types_denied[] = {"connection", "denied"};
  if (p.dropped)
    e.set_string_list(fields::kEventType, types_denied);
  else if (p.flow_packet == 1)
    e.set_string_list(fields::kEventType, types_first);
  else
    e.set_string_list(fields::kEventType, types_next);
  e.set_string(fields::kEventAction, p.dropped ? "packet_dropped" : "packet_inspected");
  e.set_string(module_, "xdp");
  e.set_string(dataset_, "xdp.inspect");
  e.set_ip(fields::kSourceIp, to_ip(p.family, p.src));
  e.set_ip(fields::kDestinationIp, to_ip(p.family, p.dst));
  // (flow and payload below)
  if (p.proto == 6 || p.proto == 17) {
    e.set_int(fields::kSourcePort, p.sport);
    e.set_int(fields::kDestinationPort, p.dport);
  }
  if (auto tr = ecs_transport_name(p.proto); !tr.empty())
    e.set_string(fields::kNetworkTransport, tr);
  e.set_string(fields::kNetworkType, p.family == net::Family::kV4 ? "ipv4" : "ipv6");
  e.set_string(fields::kNetworkDirection, "ingress");
  e.set_string(iana_, std::to_string(p.proto));
  e.set_int(bytes_, p.wire_len);
  e.set_int(packets_, p.flow_packet);
  e.set_string(iface_index_, std::to_string(p.ifindex));
  const IpAddress src = to_ip(p.family, p.src), dst = to_ip(p.family, p.dst);
  std::string_view t = ecs_transport_name(p.proto);
  std::string flow = (t.empty() ? std::to_string(p.proto) : std::string(t)) + " ";
  const bool v6 = p.family == net::Family::kV6;
  auto endpoint = [&](const IpAddress& a, uint16_t port) {
    std::string s = v6 ? "[" + a.to_string() + "]" : a.to_string();
    return p.proto == 6 || p.proto == 17 ? s + ":" + std::to_string(port) : s;
  };
  flow += endpoint(src, p.sport) + " > " + endpoint(dst, p.dport);
  e.set_string(flow_, flow);
  if (p.proto == 6) e.set_int(tcp_flags_, p.tcp_flags);
  e.set_string(payload_,
               std::string_view(reinterpret_cast<const char*>(p.payload.data()), p.payload.size()));
  char name[IF_NAMESIZE] = {};
  if (if_indextoname(p.ifindex, name)) e.set_string(iface_name_, name);
}

}  // namespace wsn::xdp
