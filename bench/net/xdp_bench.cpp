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
//                 [--senders=N] [--softirq-receive]
#include <bpf/libbpf.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "bench_support.h"
#include "program_cost.h"
#include "wire_rate.h"
#include "xdp_filter_peer.h"

namespace {

using namespace wsn::bench;

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
    } else if (std::strcmp(argv[i], "--softirq-receive") == 0) {
      o.threaded_receive = false;
    } else if (starts(argv[i], "--wire-rounds=", &v)) {
      o.wire_rounds = std::atoi(v);
    } else {
      std::fprintf(stderr,
                   "usage: wsn_xdp_bench [--quick] [--only=prog|wire] [--repeat=N] [--rounds=N] "
                   "[--counts=1,1000,60000] [--mix=exact|cidr] [--wire-rules=N] [--seconds=S] "
                   "[--wire-rounds=N] [--senders=N] [--softirq-receive]\n");
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
    OurFilter ours;
    if (o.prog) program_cost(o, ours, object);
    if (o.wire) wire_rate(o, ours, object);
  }
  run_cleanup();
  return 0;
}
