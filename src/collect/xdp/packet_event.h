// An inspected packet as a `network` event (ECS source.*, destination.*, network.*,
// observer.ingress.interface.*), so EQL and Sigma rules can match flows the XDP filter hands
// to inspection.
//
// Not thread safe: one builder per source thread (field ids resolved once, here).
#pragma once

#include <cstdint>

#include "net/inspect_reader.h"
#include "wsn/event.h"
#include "wsn/schema.h"

namespace wsn::xdp {

class PacketEventBuilder {
 public:
  explicit PacketEventBuilder(FieldRegistry& registry);
  // `realtime_offset_ns` turns the driver's CLOCK_MONOTONIC time into wall-clock time.
  void build(const net::InspectedPacket& p, int64_t realtime_offset_ns, Event& e);

 private:
  CategoryId network_;
  FieldId iana_, bytes_, packets_, iface_index_, iface_name_, module_, dataset_, payload_,
      tcp_flags_, flow_;
};

}  // namespace wsn::xdp
