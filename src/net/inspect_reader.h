// Reads the packets the XDP filter copies for inspection (the `inspect` action: the first N
// packets of each flow) from its BPF ring buffer.
//
// Thread safety: one reader, used by one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "net/xdp_filter.h"

namespace wsn::net {

struct InspectedPacket {
  uint64_t mono_ns = 0;  // CLOCK_MONOTONIC when the driver saw it
  uint32_t ifindex = 0;
  uint32_t rule_slot = 0;
  uint32_t wire_len = 0;
  Family family = Family::kV4;
  uint8_t proto = 0;
  uint16_t sport = 0, dport = 0;
  std::array<uint8_t, 16> src{}, dst{};
  uint32_t flow_packet = 0;  // 1 for the first packet of its flow
  uint8_t tcp_flags = 0;
  bool dropped = false;  // a drop decision (sources.xdp.drop_events), not an inspected packet
  std::span<const uint8_t> frame;    // the captured bytes, from the Ethernet header
  std::span<const uint8_t> payload;  // transport payload within `frame`
};

class InspectReader {
 public:
  static Result<InspectReader> open(const XdpFilter& filter);
  InspectReader(InspectReader&&) noexcept;
  InspectReader& operator=(InspectReader&&) noexcept;
  ~InspectReader();

  // Waits up to timeout_ms, then hands every waiting packet to `fn`. Returns how many.
  Result<int> poll(int timeout_ms, const std::function<void(const InspectedPacket&)>& fn);

 private:
  struct State;
  explicit InspectReader(std::unique_ptr<State> s);
  std::unique_ptr<State> s_;
};

}  // namespace wsn::net
