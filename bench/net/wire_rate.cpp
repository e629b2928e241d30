#include "wire_rate.h"

#include <arpa/inet.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "af_packet_sender.h"
#include "net/packet_builder.h"
#include "nft_set_peer.h"
#include "receiver_cpu.h"
#include "veth_pair.h"
#include "xdp_filter_peer.h"

namespace wsn::bench {
namespace {

uint64_t rx_packets(const VethPair& v) {
  std::string out;
  if (VethPair::run_in(v.ns_b(), "cat /sys/class/net/" + v.if_b() + "/statistics/rx_packets",
                       &out) != 0)
    return 0;
  return std::strtoull(out.c_str(), nullptr, 10);
}

}  // namespace

void wire_rate(const Options& o, OurFilter& ours, const std::string& object) {
  std::printf(
      "\n== 2. Wire: packets/s dropped on a veth pair (%zu source CIDRs, %d sender(s), "
      "%.1f s per run, median of %d rounds)\n",
      o.wire_rules, o.senders, o.seconds, o.wire_rounds);
  auto veth = must(VethPair::create(), "veth pair");
  if (o.threaded_receive) must(use_threaded_receive(*veth), "threaded receive");

  // The rules: N source /24s from 100.64.0.0; the sender uses host .7 of each.
  std::vector<net::NetRule> rules;
  std::vector<net::Cidr> cidrs;
  std::vector<ExactRule> hosts;
  std::vector<std::vector<uint8_t>> frames;
  for (size_t k = 0; k < o.wire_rules; ++k) {
    const uint32_t netw = 0x64400000 + static_cast<uint32_t>(k << 8);
    net::Cidr c;
    c.addr = v4(netw);
    c.len = 24;
    cidrs.push_back(c);
    net::NetRule r;
    r.id = static_cast<uint32_t>(k + 1);
    r.src = c;
    r.action = net::Action::kDrop;
    rules.push_back(r);
    ExactRule e;
    e.src = true;
    e.addr_be = htonl(netw + 7);
    hosts.push_back(e);
  }
  const size_t nframes = std::min<size_t>(o.wire_rules, 1024);
  for (size_t i = 0; i < nframes; ++i) {
    const size_t k = i * o.wire_rules / nframes;
    net::PacketSpec s;
    s.src = v4(0x64400000 + static_cast<uint32_t>(k << 8) + 7);
    s.dst = v4(0x0aca0002);  // 10.202.0.2, B's address
    s.proto = 17;
    s.sport = static_cast<uint16_t>(1024 + i);
    s.dport = 9;
    s.payload.assign(18, 0x5a);  // 60-byte frames: the Ethernet minimum
    auto f = net::build_frame(s);
    std::memcpy(f.data(), VethPair::kMacB, 6);
    std::memcpy(f.data() + 6, VethPair::kMacA, 6);
    frames.push_back(std::move(f));
  }

  ours.replace(rules);
  XdpFilterPeer peer = must(XdpFilterPeer::load(object, hosts.size()), "load xdp-filter");
  must(peer.fill(hosts), "fill xdp-filter's maps");
  NftSetPeer nft(veth->ns_b(), veth->if_b());

  // Native XDP where the veth driver offers it, else generic (skb) mode; both programs the same.
  must(VethPair::enter(veth->ns_b()), "enter B");
  const int ifindex = static_cast<int>(if_nametoindex(veth->if_b().c_str()));
  net::AttachMode mode = net::AttachMode::kNative;
  if (!ours.filter().attach(veth->if_b(), mode).ok()) {
    mode = net::AttachMode::kSkb;
    must(ours.filter().attach(veth->if_b(), mode), "attach ours");
  }
  must(ours.filter().detach(veth->if_b()), "detach ours");
  must(VethPair::leave(), "leave B");
  const uint32_t xdp_flags =
      mode == net::AttachMode::kNative ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE;
  std::printf("XDP mode on the veth: %s\n",
              mode == net::AttachMode::kNative ? "native (driver)" : "generic (skb)");

  const char* names[] = {"no filter (the stack drops them)", "ours (XDP, CIDR trie)",
                         "xdp-filter (XDP, exact hosts)", "nftables (ingress, interval set)"};
  std::vector<std::vector<double>> sent(4), dropped(4), receiver_ns(4);
  std::vector<uint64_t> total_sent(4), total_dropped(4);
  for (int round = 0; round < o.wire_rounds; ++round) {
    for (int c = 0; c < 4; ++c) {
      uint64_t before = 0;
      auto counter = [&]() -> uint64_t {
        switch (c) {
          case 0:
            return rx_packets(*veth);
          case 1:
            return must(ours.filter().stats(), "our counters").dropped;
          case 2:
            return must(peer.dropped(), "xdp-filter's counters");
          default:
            return must(nft.dropped(), "nftables counter");
        }
      };
      must(VethPair::enter(veth->ns_b()), "enter B");
      if (c == 1) must(ours.filter().attach(veth->if_b(), mode), "attach ours");
      if (c == 2 && bpf_xdp_attach(ifindex, peer.program_fd(), xdp_flags, nullptr) != 0)
        die("attach xdp-filter: " + std::string(std::strerror(errno)));
      must(VethPair::leave(), "leave B");
      if (c == 3) must(nft.load(cidrs), "load nftables");
      before = counter();
      const uint64_t cpu_before =
          o.threaded_receive ? must(receive_thread_ns(*veth), "receive thread") : 0;
      SendResult s =
          must(send_frames(veth->ns_a(), veth->if_a(), frames, o.seconds, o.senders), "send");
      usleep(200000);  // the receive side drains its queue
      const uint64_t after = counter();
      const uint64_t cpu_ns =
          o.threaded_receive ? must(receive_thread_ns(*veth), "receive thread") - cpu_before : 0;
      if (after > before)
        receiver_ns[c].push_back(static_cast<double>(cpu_ns) / static_cast<double>(after - before));
      must(VethPair::enter(veth->ns_b()), "enter B");
      if (c == 1) must(ours.filter().detach(veth->if_b()), "detach ours");
      if (c == 2 && bpf_xdp_detach(ifindex, xdp_flags, nullptr) != 0)
        die("detach xdp-filter: " + std::string(std::strerror(errno)));
      must(VethPair::leave(), "leave B");
      if (c == 3) must(nft.unload(), "unload nftables");
      sent[c].push_back(static_cast<double>(s.sent) / s.seconds);
      dropped[c].push_back(static_cast<double>(after - before) / s.seconds);
      total_sent[c] += s.sent;
      total_dropped[c] += after - before;
      std::printf("  round %d, %s: sent %llu, dropped/received %llu, receive thread %.3f s\n",
                  round + 1, names[c], static_cast<unsigned long long>(s.sent),
                  static_cast<unsigned long long>(after - before), cpu_ns / 1e9);
    }
  }
  const double ours_pps = median(dropped[1]);
  std::printf("\n| receiver | sent/s | dropped/s (its counter) | dropped / sent | vs ours |\n");
  std::printf("|---|---:|---:|---:|---:|\n");
  for (int c = 0; c < 4; ++c) {
    std::printf("| %s | %.0f | %.0f | %.3f | %.2f |\n", names[c], median(sent[c]),
                median(dropped[c]),
                total_sent[c] ? static_cast<double>(total_dropped[c]) / total_sent[c] : 0,
                ours_pps ? median(dropped[c]) / ours_pps : 0);
  }
  std::printf(
      "(no filter: 'dropped' is the veth's rx_packets: frames the stack received and "
      "discarded)\n");
  if (!o.threaded_receive) return;
  // The receiver's own cost: its NAPI thread's CPU time per packet it dropped, the rate one core
  // of it would sustain, and the other receivers' cost against ours. The ratio is the median of
  // per-round ratios — each against our run of the same round, seconds apart — so a build that
  // slows the machine for a while moves both sides of a ratio, not one.
  std::printf(
      "\n| receiver | receive thread ns/packet | packets/s per receiving core | its ns / ours "
      "(median of rounds) | min–max |\n");
  std::printf("|---|---:|---:|---:|---:|\n");
  for (int c = 0; c < 4; ++c) {
    const double ns = median(receiver_ns[c]);
    std::vector<double> ratios;
    for (size_t r = 0; r < receiver_ns[c].size() && r < receiver_ns[1].size(); ++r)
      if (receiver_ns[1][r] > 0) ratios.push_back(receiver_ns[c][r] / receiver_ns[1][r]);
    const auto [lo, hi] = std::minmax_element(ratios.begin(), ratios.end());
    std::printf("| %s | %.0f | %.0f | %.2f | %.2f–%.2f |\n", names[c], ns, ns > 0 ? 1e9 / ns : 0,
                median(ratios), ratios.empty() ? 0 : *lo, ratios.empty() ? 0 : *hi);
  }
  std::printf("(per round, ns/packet: ");
  for (int c = 0; c < 4; ++c) {
    std::printf("%s", c ? "; " : "");
    for (size_t r = 0; r < receiver_ns[c].size(); ++r)
      std::printf("%s%.0f", r ? " " : "", receiver_ns[c][r]);
  }
  std::printf(")\n");
}

}  // namespace wsn::bench
