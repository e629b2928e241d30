// Network-edge benchmark (root; standalone): our XDP filter against Debian's xdp-filter
// (xdp-tools 1.3.1) and an nftables set, in the same run (docs/benchmarks.md "Network edge").
//
//  1. Program cost: ns per packet from BPF_PROG_TEST_RUN (the kernel's own timing over
//     --repeat runs of one frame) for several probe frames (one per kind of drop rule, and
//     frames no rule matches), at 1, 1,000 and 60,000 rules, in an exact-match mix (dst /32
//     hosts and single ports: what xdp-filter expresses) against xdp-filter holding the same
//     rules, and in a CIDR / port-range mix (ours only). Rounds alternate the programs; each
//     figure is the median over rounds.
//  2. Wire: packets/s dropped on a veth pair between two namespaces made for the run, frames
//     from an AF_PACKET sender (af_packet_sender.h) whose sources lie in N source /24s: our
//     filter and nftables (an interval set in the netdev ingress hook) drop the N CIDRs,
//     xdp-filter the N exact source hosts the sender uses (it has no CIDRs). Each drop count
//     comes from the tool's own counter; `no filter` is the stack dropping them itself.
//
//   wsn_xdp_bench [--quick] [--only=prog|wire] [--repeat=N] [--rounds=N] [--counts=1,1000,…]
//                 [--mix=exact|cidr] [--wire-rules=N] [--seconds=S] [--wire-rounds=N]
//                 [--senders=N]
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "af_packet_sender.h"
#include "cleanup.h"
#include "net/bpf/xdp_abi.h"
#include "net/packet_builder.h"
#include "net/rule_table.h"
#include "net/xdp_filter.h"
#include "nft_set_peer.h"
#include "rule_mix.h"
#include "veth_pair.h"
#include "xdp_filter_peer.h"

namespace {

using namespace wsn;
using namespace wsn::bench;
using Clock = std::chrono::steady_clock;

struct Options {
  uint32_t repeat = 1000000;
  int rounds = 7;
  std::vector<size_t> counts = {1, 1000, 60000};
  bool prog = true, wire = true;
  size_t wire_rules = 1000;
  double seconds = 3;
  int wire_rounds = 3;
  int senders = 1;
  std::vector<Mix> mixes = {Mix::kExact, Mix::kCidr};
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "wsn_xdp_bench: %s\n", what.c_str());
  run_cleanup();
  std::exit(1);
}

template <typename T>
T must(Result<T> r, const char* what) {
  if (!r.ok()) die(std::string(what) + ": " + r.error().message);
  return std::move(r.value());
}
void must(const Status& s, const char* what) {
  if (!s.ok()) die(std::string(what) + ": " + s.error().message);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty()      ? 0
         : v.size() % 2 ? v[v.size() / 2]
                        : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Our filter, pinned in a directory of its own for the run and unpinned after.
struct Ours {
  std::string pin = "/sys/fs/bpf/wsn-xdp-bench-" + std::to_string(getpid());
  std::optional<net::XdpFilter> filter;
  int cleanup = -1;
  Ours() {
    cleanup = on_cleanup("rm -rf " + pin);
    filter.emplace(must(net::XdpFilter::open(pin, true), "load our XDP filter"));
  }
  ~Ours() {
    filter.reset();
    (void)net::XdpFilter::remove(pin);
    forget(cleanup);
  }
  double replace(const std::vector<net::NetRule>& rules) {
    const auto t0 = Clock::now();
    net::RuleTable table(*filter);
    must(table.replace(rules), "load our rules");
    return seconds_since(t0);
  }
  // Match shapes the tuple walk visits (at most) for the active rule set.
  uint32_t shapes() const {
    wsn_xdp_config cfg{};
    uint32_t zero = 0;
    if (bpf_map_lookup_elem(filter->map_fd("wsn_xdp_config"), &zero, &cfg) != 0) return 0;
    return cfg.tuple_count[cfg.active_set & 1];
  }
};

// ---------------------------------------------------------------------------------- part 1

struct Row {
  std::string mix, probe;
  size_t rules = 0;
  double ours = 0, peer = 0;  // ns per packet; peer 0: none
};

void program_cost(const Options& o, Ours& ours, const std::string& object) {
  std::printf(
      "\n== 1. Program cost: ns per packet (BPF_PROG_TEST_RUN, repeat %u, median of %d "
      "rounds)\n",
      o.repeat, o.rounds);
  std::printf("xdp-filter object: %s\n", object.c_str());
  std::vector<Row> rows;
  for (Mix mix : o.mixes) {
    for (size_t n : o.counts) {
      RuleMix m = make_mix(mix, n);
      const double load_s = ours.replace(m.rules);
      std::optional<XdpFilterPeer> peer;
      double peer_load_s = 0;
      if (mix == Mix::kExact) {
        const auto t0 = Clock::now();
        size_t addresses = 0;
        for (const ExactRule& e : m.exact) addresses += e.is_port ? 0 : 1;
        peer.emplace(must(XdpFilterPeer::load(object, addresses), "load xdp-filter"));
        must(peer->fill(m.exact), "fill xdp-filter's maps");
        peer_load_s = seconds_since(t0);
      }
      std::printf("  %s, %zu rules: loaded ours in %.2f s (%u match shapes)", mix_name(mix).c_str(),
                  n, load_s, ours.shapes());
      if (peer) std::printf(", xdp-filter's maps in %.2f s", peer_load_s);
      std::printf("\n");
      // Every probe must get the verdict it is meant to from both programs.
      for (const Probe& p : m.probes) {
        auto v = must(ours.filter->test_run(p.frame), "test run (ours)");
        if (v.xdp_action != p.expect_xdp)
          die("ours returned " + std::to_string(v.xdp_action) + " for '" + p.name + "'");
        if (peer) {
          uint32_t a = must(peer->test_run(p.frame), "test run (xdp-filter)");
          if (a != p.expect_xdp)
            die("xdp-filter returned " + std::to_string(a) + " for '" + p.name + "'");
        }
      }
      std::vector<std::vector<double>> mine(m.probes.size()), theirs(m.probes.size());
      for (int r = 0; r < o.rounds; ++r) {
        for (size_t i = 0; i < m.probes.size(); ++i) {
          const auto& f = m.probes[i].frame;
          mine[i].push_back(must(ours.filter->test_run_duration(f, o.repeat), "time ours"));
          if (peer) theirs[i].push_back(must(peer->test_run_duration(f, o.repeat), "time peer"));
        }
      }
      for (size_t i = 0; i < m.probes.size(); ++i)
        rows.push_back({mix_name(mix), m.probes[i].name, n, median(mine[i]), median(theirs[i])});
    }
  }

  std::printf("\n| mix | rules | probe | ours ns/pkt | xdp-filter ns/pkt | ours / xdp-filter |\n");
  std::printf("|---|---:|---|---:|---:|---:|\n");
  // xdp-filter's mean over its probes at each count: the reference for the cidr mix.
  std::map<size_t, std::pair<double, int>> peer_mean, ours_exact_mean, ours_cidr_mean;
  for (const Row& r : rows) {
    if (r.peer > 0) {
      peer_mean[r.rules].first += r.peer;
      peer_mean[r.rules].second++;
      ours_exact_mean[r.rules].first += r.ours;
      ours_exact_mean[r.rules].second++;
    } else {
      ours_cidr_mean[r.rules].first += r.ours;
      ours_cidr_mean[r.rules].second++;
    }
  }
  auto mean = [](const std::pair<double, int>& p) { return p.second ? p.first / p.second : 0; };
  for (const Row& r : rows) {
    if (r.peer > 0) {
      std::printf("| %s | %zu | %s | %.0f | %.0f | %.2f |\n", r.mix.c_str(), r.rules,
                  r.probe.c_str(), r.ours, r.peer, r.ours / r.peer);
    } else {
      std::printf("| %s | %zu | %s | %.0f | — | — |\n", r.mix.c_str(), r.rules, r.probe.c_str(),
                  r.ours);
    }
  }
  std::printf(
      "\nMean over the probes, against xdp-filter's mean over its (exact-mix) probes at the "
      "same rule count:\n\n| rules | xdp-filter | ours, exact | ratio | ours, cidr+ranges "
      "| ratio |\n|---:|---:|---:|---:|---:|---:|\n");
  for (size_t n : o.counts) {
    const double pm = mean(peer_mean[n]), oe = mean(ours_exact_mean[n]),
                 oc = mean(ours_cidr_mean[n]);
    auto cell = [](double v, const char* fmt) {
      char buf[32] = "—";
      if (v > 0) std::snprintf(buf, sizeof buf, fmt, v);
      return std::string(buf);
    };
    std::printf("| %zu | %s | %s | %s | %s | %s |\n", n, cell(pm, "%.0f").c_str(),
                cell(oe, "%.0f").c_str(), cell(pm ? oe / pm : 0, "%.2f").c_str(),
                cell(oc, "%.0f").c_str(), cell(pm ? oc / pm : 0, "%.2f").c_str());
  }
}

// ---------------------------------------------------------------------------------- part 2

struct WireRun {
  double sent_pps = 0, dropped_pps = 0;
  uint64_t sent = 0, dropped = 0;
};

uint64_t rx_packets(const VethPair& v) {
  std::string out;
  if (VethPair::run_in(v.ns_b(), "cat /sys/class/net/" + v.if_b() + "/statistics/rx_packets",
                       &out) != 0)
    return 0;
  return std::strtoull(out.c_str(), nullptr, 10);
}

void wire(const Options& o, Ours& ours, const std::string& object) {
  std::printf(
      "\n== 2. Wire: packets/s dropped on a veth pair (%zu source CIDRs, %d sender(s), "
      "%.1f s per run, median of %d rounds)\n",
      o.wire_rules, o.senders, o.seconds, o.wire_rounds);
  auto veth = must(VethPair::create(), "veth pair");

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
  if (!ours.filter->attach(veth->if_b(), mode).ok()) {
    mode = net::AttachMode::kSkb;
    must(ours.filter->attach(veth->if_b(), mode), "attach ours");
  }
  must(ours.filter->detach(veth->if_b()), "detach ours");
  must(VethPair::leave(), "leave B");
  const uint32_t xdp_flags =
      mode == net::AttachMode::kNative ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE;
  std::printf("XDP mode on the veth: %s\n",
              mode == net::AttachMode::kNative ? "native (driver)" : "generic (skb)");

  const char* names[] = {"no filter (the stack drops them)", "ours (XDP, CIDR trie)",
                         "xdp-filter (XDP, exact hosts)", "nftables (ingress, interval set)"};
  std::vector<std::vector<double>> sent(4), dropped(4);
  std::vector<uint64_t> total_sent(4), total_dropped(4);
  for (int round = 0; round < o.wire_rounds; ++round) {
    for (int c = 0; c < 4; ++c) {
      uint64_t before = 0;
      auto counter = [&]() -> uint64_t {
        switch (c) {
          case 0:
            return rx_packets(*veth);
          case 1:
            return must(ours.filter->stats(), "our counters").dropped;
          case 2:
            return must(peer.dropped(), "xdp-filter's counters");
          default:
            return must(nft.dropped(), "nftables counter");
        }
      };
      must(VethPair::enter(veth->ns_b()), "enter B");
      if (c == 1) must(ours.filter->attach(veth->if_b(), mode), "attach ours");
      if (c == 2 && bpf_xdp_attach(ifindex, peer.program_fd(), xdp_flags, nullptr) != 0)
        die("attach xdp-filter: " + std::string(std::strerror(errno)));
      must(VethPair::leave(), "leave B");
      if (c == 3) must(nft.load(cidrs), "load nftables");
      before = counter();
      SendResult s =
          must(send_frames(veth->ns_a(), veth->if_a(), frames, o.seconds, o.senders), "send");
      usleep(200000);  // the receive side drains its queue
      const uint64_t after = counter();
      must(VethPair::enter(veth->ns_b()), "enter B");
      if (c == 1) must(ours.filter->detach(veth->if_b()), "detach ours");
      if (c == 2 && bpf_xdp_detach(ifindex, xdp_flags, nullptr) != 0)
        die("detach xdp-filter: " + std::string(std::strerror(errno)));
      must(VethPair::leave(), "leave B");
      if (c == 3) must(nft.unload(), "unload nftables");
      sent[c].push_back(static_cast<double>(s.sent) / s.seconds);
      dropped[c].push_back(static_cast<double>(after - before) / s.seconds);
      total_sent[c] += s.sent;
      total_dropped[c] += after - before;
      std::printf("  round %d, %s: sent %llu, dropped/received %llu\n", round + 1, names[c],
                  static_cast<unsigned long long>(s.sent),
                  static_cast<unsigned long long>(after - before));
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
}

bool starts(const char* arg, const char* prefix, const char** value) {
  size_t n = std::strlen(prefix);
  if (std::strncmp(arg, prefix, n) != 0) return false;
  *value = arg + n;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const char* v = nullptr;
    if (std::strcmp(argv[i], "--quick") == 0) {
      o.repeat = 100000;
      o.rounds = 3;
      o.seconds = 1;
      o.wire_rounds = 1;
    } else if (starts(argv[i], "--only=", &v)) {
      o.prog = std::strcmp(v, "prog") == 0;
      o.wire = std::strcmp(v, "wire") == 0;
    } else if (starts(argv[i], "--repeat=", &v)) {
      o.repeat = static_cast<uint32_t>(std::strtoul(v, nullptr, 10));
    } else if (starts(argv[i], "--rounds=", &v)) {
      o.rounds = std::atoi(v);
    } else if (starts(argv[i], "--counts=", &v)) {
      o.counts.clear();
      for (const char* p = v; *p;) {
        char* end = nullptr;
        o.counts.push_back(std::strtoul(p, &end, 10));
        p = *end == ',' ? end + 1 : end;
      }
    } else if (starts(argv[i], "--wire-rules=", &v)) {
      o.wire_rules = std::strtoul(v, nullptr, 10);
    } else if (starts(argv[i], "--seconds=", &v)) {
      o.seconds = std::atof(v);
    } else if (starts(argv[i], "--senders=", &v)) {
      o.senders = std::max(1, std::atoi(v));
    } else if (starts(argv[i], "--mix=", &v)) {
      o.mixes = {std::strcmp(v, "cidr") == 0 ? Mix::kCidr : Mix::kExact};
    } else if (starts(argv[i], "--wire-rounds=", &v)) {
      o.wire_rounds = std::atoi(v);
    } else {
      std::fprintf(stderr,
                   "usage: wsn_xdp_bench [--quick] [--only=prog|wire] [--repeat=N] [--rounds=N] "
                   "[--counts=1,1000,60000] [--mix=exact|cidr] [--wire-rules=N] [--seconds=S] "
                   "[--wire-rounds=N] [--senders=N]\n");
      return 2;
    }
  }
  if (geteuid() != 0) {
    std::fprintf(stderr, "wsn_xdp_bench: needs root (BPF programs, network namespaces)\n");
    return 2;
  }
  const std::string object = XdpFilterPeer::object_path();
  if (object.empty()) {
    std::fprintf(stderr,
                 "wsn_xdp_bench: xdp-filter's BPF objects are missing; apt-get install "
                 "xdp-tools (scripts/install-deps.sh)\n");
    return 2;
  }
  libbpf_set_print(nullptr);
  {
    Ours ours;
    if (o.prog) program_cost(o, ours, object);
    if (o.wire) wire(o, ours, object);
  }
  run_cleanup();
  return 0;
}
