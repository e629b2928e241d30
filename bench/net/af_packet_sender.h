// The traffic generator of the wire test: `senders` child processes in the sending namespace write
// prebuilt Ethernet frames to its veth end through an AF_PACKET socket (PACKET_QDISC_BYPASS,
// sendmmsg batches of 64) for a fixed time, each cycling through the frames, and the total the
// sockets accepted is reported (seconds: the longest sender's). Sender i runs on CPU i (mod the
// CPU count).
//
// Not thread-safe; one send at a time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wsn/result.h"

namespace wsn::bench {

struct SendResult {
  uint64_t sent = 0;
  double seconds = 0;
};

Result<SendResult> send_frames(const std::string& netns, const std::string& iface,
                               const std::vector<std::vector<uint8_t>>& frames, double seconds,
                               int senders);

}  // namespace wsn::bench
