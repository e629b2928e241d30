/* DNS responses, for dns.question.name / dns.resolved_ip (event.action lookup_result) without
 * kprobes: a cgroup_skb ingress program on the root cgroup sees every packet delivered to a
 * local socket, keeps UDP datagrams from port 53 (their first WSN_DNS_MAX bytes) and lets
 * everything through. Parsing the message is left to user space. */
#ifndef WSN_COLLECT_EBPF_DNS_BPF_H
#define WSN_COLLECT_EBPF_DNS_BPF_H

#include <bpf/bpf_endian.h>

#include "common.bpf.h"
#include "net.bpf.h" /* wsn_ntohs */

#define WSN_ETH_P_IP 0x0800
#define WSN_ETH_P_IPV6 0x86DD
#define WSN_IPPROTO_UDP 17


SEC("cgroup_skb/ingress")
int wsn_dns_ingress(struct __sk_buff *skb) {
  __u32 off = 0;
  struct wsn_scratch *sc = wsn_scratch();
  if (!sc) return 1;
  struct wsn_dns_rec *r = (struct wsn_dns_rec *)sc->rec;
  __builtin_memset(r, 0, sizeof(*r));
  /* The packet starts at the network header here. */
  if (skb->protocol == bpf_htons(WSN_ETH_P_IP)) {
    __u8 vihl = 0, proto = 0;
    if (bpf_skb_load_bytes(skb, 0, &vihl, 1) != 0) return 1;
    if (bpf_skb_load_bytes(skb, 9, &proto, 1) != 0 || proto != WSN_IPPROTO_UDP) return 1;
    off = (vihl & 0x0f) * 4;
    if (off < 20) return 1;
    r->family = AF_INET;
    bpf_skb_load_bytes(skb, 12, r->saddr, 4);
    bpf_skb_load_bytes(skb, 16, r->daddr, 4);
  } else if (skb->protocol == bpf_htons(WSN_ETH_P_IPV6)) {
    __u8 next = 0;
    /* Extension headers before UDP are rare for DNS and not followed. */
    if (bpf_skb_load_bytes(skb, 6, &next, 1) != 0 || next != WSN_IPPROTO_UDP) return 1;
    off = 40;
    r->family = AF_INET6;
    bpf_skb_load_bytes(skb, 8, r->saddr, 16);
    bpf_skb_load_bytes(skb, 24, r->daddr, 16);
  } else {
    return 1;
  }
  __u16 ports[2] = {};
  if (bpf_skb_load_bytes(skb, off, ports, 4) != 0) return 1;
  r->sport = wsn_ntohs(ports[0]);
  r->dport = wsn_ntohs(ports[1]);
  if (r->sport != 53) return 1;
  off += 8;
  if (skb->len <= off) return 1;
  __u32 len = skb->len - off;
  if (len > WSN_DNS_MAX) len = WSN_DNS_MAX;
  if (len < 12) return 1; /* not even a DNS header */
  /* Both bounds in the register the helper gets (clang may test a copy). */
  asm volatile("if %0 <= 512 goto +1; %0 = 512; if %0 >= 12 goto +1; %0 = 12;" : "+r"(len));
  if (bpf_skb_load_bytes(skb, off, sc->rec + sizeof(*r), len) != 0) return 1;
  r->len = len;
  r->h.kind = WSN_REC_DNS;
  r->h.ts = bpf_ktime_get_boot_ns();
  wsn_emit(sc->rec, sizeof(*r) + len);
  return 1;
}

#endif /* WSN_COLLECT_EBPF_DNS_BPF_H */
