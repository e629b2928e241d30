// The receiving side's own CPU time on the wire test's veth. A sender-limited packet rate mostly
// measures the sender (its syscall, skb and veth transmit cost ~10× any filter), so the wire
// test also moves the receive path into a thread of its own and charges it by CPU time:
// threaded NAPI on the receiving veth (one kernel thread `napi/<if>-<id>` per queue), GRO on
// there and TSO off on the sender, so that every frame — with an XDP program attached or not —
// is queued to that NAPI instance and runs there: the XDP program, or GRO, the stack's receive
// path and the nftables ingress hook. Nanoseconds of that thread per packet a receiver dropped
// is the receiver's cost, the same quantity for every filter, whatever the sender manages.
//
// Not thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "wsn/result.h"

namespace wsn::bench {

class VethPair;

// Switches the pair to the configuration above (sender TSO off, receiver GRO on, threaded NAPI).
Status use_threaded_receive(const VethPair& veth);

// CPU nanoseconds consumed so far by the receiving veth's NAPI threads (sum over its queues,
// from /proc/PID/schedstat); an error when there is no such thread. Pins them to the last CPU
// on the way, away from a single sender (af_packet_sender.h): sharing a core, sender and
// receiver take turns and every receive path costs ~350 ns more per packet (measured here).
Result<uint64_t> receive_thread_ns(const VethPair& veth);

}  // namespace wsn::bench
