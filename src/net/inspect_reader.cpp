#include "net/inspect_reader.h"

#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>

#include "bpf/xdp_abi.h"

namespace wsn::net {

struct InspectReader::State {
  ring_buffer* rb = nullptr;
  const std::function<void(const InspectedPacket&)>* fn = nullptr;
  ~State() {
    if (rb) ring_buffer__free(rb);
  }
  static int on_record(void* ctx, void* data, size_t size) {
    auto* s = static_cast<State*>(ctx);
    if (size < sizeof(wsn_xdp_packet) || !s->fn) return 0;
    const auto* r = static_cast<const wsn_xdp_packet*>(data);
    InspectedPacket p;
    p.mono_ns = r->ts_ns;
    p.ifindex = r->ifindex;
    p.rule_slot = r->rule_slot;
    p.wire_len = r->wire_len;
    p.family = r->flow.family == WSN_FAM_IPV6 ? Family::kV6 : Family::kV4;
    p.proto = r->flow.proto;
    p.sport = r->flow.sport;
    p.dport = r->flow.dport;
    std::memcpy(p.src.data(), r->flow.src, 16);
    std::memcpy(p.dst.data(), r->flow.dst, 16);
    p.flow_packet = r->flow_packet;
    p.tcp_flags = r->tcp_flags;
    p.dropped = r->kind == WSN_PKT_DROPPED;
    const size_t captured = r->captured <= WSN_XDP_SNAP_MAX ? r->captured : WSN_XDP_SNAP_MAX;
    p.frame = std::span<const uint8_t>(r->data, captured);
    // The kernel's offsets are checked against what was captured before they are trusted.
    const size_t off = r->payload_offset <= captured ? r->payload_offset : captured;
    p.payload = p.frame.subspan(off);
    (*s->fn)(p);
    return 0;
  }
};

InspectReader::InspectReader(std::unique_ptr<State> s) : s_(std::move(s)) {}
InspectReader::InspectReader(InspectReader&&) noexcept = default;
InspectReader& InspectReader::operator=(InspectReader&&) noexcept = default;
InspectReader::~InspectReader() = default;

Result<InspectReader> InspectReader::open(const XdpFilter& filter) {
  auto s = std::make_unique<State>();
  s->rb = ring_buffer__new(filter.map_fd("wsn_xdp_inspect"), &State::on_record, s.get(), nullptr);
  if (!s->rb)
    return Error{std::string("open the inspection ring buffer: ") + std::strerror(errno), errno};
  return InspectReader(std::move(s));
}

Result<int> InspectReader::poll(int timeout_ms,
                                const std::function<void(const InspectedPacket&)>& fn) {
  s_->fn = &fn;
  int n = ring_buffer__poll(s_->rb, timeout_ms);
  s_->fn = nullptr;
  if (n < 0 && n != -EINTR)
    return Error{std::string("read the inspection ring buffer: ") + std::strerror(-n), -n};
  return n < 0 ? 0 : n;
}

}  // namespace wsn::net
