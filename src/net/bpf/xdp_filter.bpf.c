/* WasmSentinel's XDP filter: ingress packets are matched against CIDR / port / protocol rules
 * (first match by priority, then a default action), timed blocks, and the `inspect` action
 * that copies the first packets of each flow to user space for the Wasm inspectors.
 *
 * Classification (docs/network.md):
 *   1. timed blocks (hash, only when any was ever installed);
 *   2. address-only rules in LPM tries, one lookup each for source and destination — a trie
 *      entry holds the best rule among all prefixes covering it, so the longest match is exact;
 *   3. every other rule in a tuple space: one hash lookup per match shape (family, prefix
 *      lengths, port masks, protocol), shapes sorted by their best priority so the walk stops
 *      as soon as no later shape can win. Port ranges are split into prefix-aligned blocks.
 * Two rule sets (0 and 1) live side by side in every map; the control plane fills the idle one
 * and flips config.active_set, so a whole rule set changes atomically.
 *
 * Only UAPI headers: packet parsing reads no kernel structure, so there is nothing for CO-RE
 * to relocate. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "xdp_abi.h"

char LICENSE[] SEC("license") = "GPL";

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct wsn_xdp_config);
} wsn_xdp_config SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 2 * WSN_XDP_MAX_TUPLES);
  __type(key, __u32);
  __type(value, struct wsn_xdp_tuple);
} wsn_xdp_tuples SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 2 * WSN_XDP_MAX_ENTRIES);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, struct wsn_xdp_key);
  __type(value, struct wsn_xdp_verdict);
} wsn_xdp_entries SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_LPM_TRIE);
  __uint(max_entries, 2 * WSN_XDP_MAX_ENTRIES);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, struct wsn_xdp_lpm_key);
  __type(value, struct wsn_xdp_verdict);
} wsn_xdp_src_lpm SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_LPM_TRIE);
  __uint(max_entries, 2 * WSN_XDP_MAX_ENTRIES);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, struct wsn_xdp_lpm_key);
  __type(value, struct wsn_xdp_verdict);
} wsn_xdp_dst_lpm SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, WSN_XDP_MAX_RULES);
  __type(key, __u32);
  __type(value, struct wsn_xdp_counter);
} wsn_xdp_rule_counters SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, WSN_STAT_COUNT);
  __type(key, __u32);
  __type(value, __u64);
} wsn_xdp_stats SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 65536);
  __type(key, struct wsn_xdp_block_key);
  __type(value, struct wsn_xdp_block);
} wsn_xdp_blocks SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 65536);
  __type(key, struct wsn_xdp_flow_key);
  __type(value, struct wsn_xdp_flow);
} wsn_xdp_flows SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 1 << 22);
} wsn_xdp_inspect SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct wsn_xdp_decision);
} wsn_xdp_last SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, WSN_XDP_MAX_RULES);
  __type(key, __u32);
  __type(value, struct wsn_xdp_rule_spec);
} wsn_xdp_specs SEC(".maps");

/* What the parser found. Offsets are from the start of the frame. */
struct packet {
  __u8 family;
  __u8 proto;
  __u8 tcp_flags;
  __u8 has_ports;
  __u16 sport;
  __u16 dport;
  __u32 src[4];
  __u32 dst[4];
  __u16 l3_offset;
  __u16 l4_offset;
  __u16 payload_offset;
};

enum parse_result { PARSED = 0, NOT_IP = 1, MALFORMED = 2 };

static __always_inline void stat_add(__u32 index) {
  __u64* v = bpf_map_lookup_elem(&wsn_xdp_stats, &index);
  if (v) *v += 1;
}

static __always_inline int parse_l4(void* data, void* end, __u32 off, struct packet* p) {
  p->l4_offset = off;
  p->payload_offset = off;
  if (p->proto == IPPROTO_TCP) {
    struct tcphdr* th = data + off;
    if ((void*)(th + 1) > end) return MALFORMED;
    __u32 doff = th->doff * 4;
    if (doff < sizeof(*th)) return MALFORMED;
    p->sport = bpf_ntohs(th->source);
    p->dport = bpf_ntohs(th->dest);
    p->tcp_flags = ((__u8*)th)[13];
    p->has_ports = 1;
    p->payload_offset = off + doff;
  } else if (p->proto == IPPROTO_UDP) {
    struct udphdr* uh = data + off;
    if ((void*)(uh + 1) > end) return MALFORMED;
    p->sport = bpf_ntohs(uh->source);
    p->dport = bpf_ntohs(uh->dest);
    p->has_ports = 1;
    p->payload_offset = off + sizeof(*uh);
  } else if (p->proto == IPPROTO_ICMP || p->proto == IPPROTO_ICMPV6) {
    if (data + off + 4 > end) return MALFORMED;
    p->payload_offset = off + 4;
  }
  return PARSED;
}

static __always_inline int parse(struct xdp_md* ctx, struct packet* p) {
  void* data = (void*)(long)ctx->data;
  void* end = (void*)(long)ctx->data_end;
  struct ethhdr* eth = data;
  if ((void*)(eth + 1) > end) return MALFORMED;
  __u16 proto = eth->h_proto;
  __u32 off = sizeof(*eth);
#pragma unroll
  for (int i = 0; i < WSN_XDP_MAX_VLANS; i++) {
    if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD)) break;
    __u16* tag = data + off;
    if ((void*)(tag + 2) > end) return MALFORMED;
    proto = tag[1];
    off += 4;
  }
  p->l3_offset = off;
  if (proto == bpf_htons(ETH_P_IP)) {
    struct iphdr* ip = data + off;
    if ((void*)(ip + 1) > end) return MALFORMED;
    __u32 ihl = ip->ihl * 4;
    if (ip->version != 4 || ihl < sizeof(*ip)) return MALFORMED;
    if (data + off + ihl > end) return MALFORMED;
    p->family = WSN_FAM_IPV4;
    p->proto = ip->protocol;
    p->src[0] = ip->saddr;
    p->dst[0] = ip->daddr;
    /* A later fragment has no transport header: it matches only rules without ports. */
    if (ip->frag_off & bpf_htons(0x1fff)) {
      stat_add(WSN_STAT_FRAGMENTS);
      p->l4_offset = p->payload_offset = off + ihl;
      return PARSED;
    }
    return parse_l4(data, end, off + ihl, p);
  }
  if (proto == bpf_htons(ETH_P_IPV6)) {
    struct ipv6hdr* ip6 = data + off;
    if ((void*)(ip6 + 1) > end) return MALFORMED;
    if (ip6->version != 6) return MALFORMED;
    p->family = WSN_FAM_IPV6;
    __builtin_memcpy(p->src, &ip6->saddr, 16);
    __builtin_memcpy(p->dst, &ip6->daddr, 16);
    __u8 next = ip6->nexthdr;
    off += sizeof(*ip6);
#pragma unroll
    for (int i = 0; i < WSN_XDP_MAX_IPV6_EXT; i++) {
      if (next != IPPROTO_HOPOPTS && next != IPPROTO_ROUTING && next != IPPROTO_DSTOPTS &&
          next != IPPROTO_FRAGMENT && next != IPPROTO_AH)
        break;
      __u8* ext = data + off;
      if ((void*)(ext + 8) > end) return MALFORMED;
      __u8 ext_next = ext[0];
      __u32 len;
      if (next == IPPROTO_FRAGMENT) {
        len = 8;
        /* offset != 0: a later fragment, no transport header follows */
        if ((((__u16)ext[2] << 8 | ext[3]) & 0xfff8) != 0) {
          stat_add(WSN_STAT_FRAGMENTS);
          p->proto = ext_next;
          p->l4_offset = p->payload_offset = off + 8;
          return PARSED;
        }
      } else if (next == IPPROTO_AH) {
        len = ((__u32)ext[1] + 2) * 4;
      } else {
        len = ((__u32)ext[1] + 1) * 8;
      }
      next = ext_next;
      off += len;
    }
    if (next == IPPROTO_HOPOPTS || next == IPPROTO_ROUTING || next == IPPROTO_DSTOPTS ||
        next == IPPROTO_FRAGMENT || next == IPPROTO_AH)
      return MALFORMED; /* more extension headers than we follow */
    p->proto = next;
    if (off > 0xffff) return MALFORMED;
    return parse_l4(data, end, off, p);
  }
  return NOT_IP;
}

static __always_inline struct wsn_xdp_block* blocked(const struct packet* p,
                                                     const struct wsn_xdp_config* cfg) {
  if (!cfg->blocks_in_use) return 0;
  struct wsn_xdp_block_key k = {};
  k.family = p->family;
  __builtin_memcpy(k.addr, p->src, 16);
  struct wsn_xdp_block* b = bpf_map_lookup_elem(&wsn_xdp_blocks, &k);
  if (!b && p->has_ports) {
    k.proto = p->proto;
    k.kind = WSN_BLOCK_REMOTE_PORT;
    k.port = p->sport;
    b = bpf_map_lookup_elem(&wsn_xdp_blocks, &k);
    if (!b) {
      k.kind = WSN_BLOCK_LOCAL_PORT;
      k.port = p->dport;
      b = bpf_map_lookup_elem(&wsn_xdp_blocks, &k);
    }
  }
  if (b && b->expires_ns && b->expires_ns < bpf_ktime_get_ns()) {
    bpf_map_delete_elem(&wsn_xdp_blocks, &k);
    return 0;
  }
  return b;
}

static __always_inline void consider(struct wsn_xdp_verdict* best, const struct wsn_xdp_verdict* v) {
  if (v && v->priority < best->priority) *best = *v;
}

static __always_inline void lpm_lookup(void* trie, __u32 set, const struct packet* p,
                                       const __u32* addr, struct wsn_xdp_verdict* best) {
  struct wsn_xdp_lpm_key k = {};
  k.prefixlen = 32 + 128;
  k.tag = set << 8 | p->family;
  __builtin_memcpy(k.addr, addr, 16);
  consider(best, bpf_map_lookup_elem(trie, &k));
}

struct tuple_walk {
  const struct packet* p;
  struct wsn_xdp_verdict best;
  __u32 set;
  __u32 first;
  __u32 count;
};

/* One match shape (a bpf_loop callback: the verifier checks it once, not once per shape). */
static long match_tuple(__u32 i, void* arg) {
  struct tuple_walk* w = arg;
  const struct packet* p = w->p;
  if (i >= w->count) return 1;
  __u32 index = w->set * WSN_XDP_MAX_TUPLES + w->first + i;
  struct wsn_xdp_tuple* t = bpf_map_lookup_elem(&wsn_xdp_tuples, &index);
  if (!t) return 1;
  if (t->best_priority >= w->best.priority) return 1; /* sorted: no later shape can win */
  if (t->family != p->family) return 0;
  if (t->match_proto && t->match_proto != p->proto) return 0;
  if ((t->sport_mask || t->dport_mask) && !p->has_ports) return 0;
  struct wsn_xdp_key k = {};
  k.tuple = w->set << 16 | (w->first + i);
  k.proto = t->match_proto;
  k.sport = p->sport & t->sport_mask;
  k.dport = p->dport & t->dport_mask;
  for (int j = 0; j < 4; j++) {
    k.src[j] = p->src[j] & t->src_mask[j];
    k.dst[j] = p->dst[j] & t->dst_mask[j];
  }
  consider(&w->best, bpf_map_lookup_elem(&wsn_xdp_entries, &k));
  return 0;
}

static __always_inline void classify(const struct packet* p, const struct wsn_xdp_config* cfg,
                                     struct wsn_xdp_verdict* best) {
  __u32 set = cfg->active_set & 1;
  __u32 lpm = cfg->lpm_in_use[set];
  if (lpm & 1) lpm_lookup(&wsn_xdp_src_lpm, set, p, p->src, best);
  if (lpm & 2) lpm_lookup(&wsn_xdp_dst_lpm, set, p, p->dst, best);
  __u32 fam = p->family == WSN_FAM_IPV6 ? 1 : 0;
  __u32 first = cfg->tuple_first[set][fam];
  __u32 count = cfg->tuple_count[set][fam];
  if (count == 0 || first >= WSN_XDP_MAX_TUPLES) return;
  if (count > WSN_XDP_MAX_TUPLES - first) count = WSN_XDP_MAX_TUPLES - first;
  struct tuple_walk w = {.p = p, .best = *best, .set = set, .first = first, .count = count};
  bpf_loop(count, match_tuple, &w, 0);
  *best = w.best;
}

static __always_inline void count_rule(__u32 slot, __u64 bytes) {
  struct wsn_xdp_counter* c = bpf_map_lookup_elem(&wsn_xdp_rule_counters, &slot);
  if (c) {
    c->packets += 1;
    c->bytes += bytes;
  }
}

static __always_inline void remember(__u32 slot, __u32 action) {
  __u32 zero = 0;
  struct wsn_xdp_decision* d = bpf_map_lookup_elem(&wsn_xdp_last, &zero);
  if (d) {
    d->slot = slot;
    d->action = action;
    d->seq += 1;
  }
}

/* Hands a packet to the agent over the ring buffer: the first `limit` packets of its flow (a
 * flow table remembers how many each flow has sent), at most `bytes` bytes of each. */
static __always_inline void report(struct xdp_md* ctx, const struct packet* p, __u32 slot,
                                   __u64 len, __u8 kind, __u32 limit, __u32 bytes) {
  struct wsn_xdp_flow_key fk = {};
  fk.family = p->family;
  fk.proto = p->proto;
  fk.sport = p->sport;
  fk.dport = p->dport;
  __builtin_memcpy(fk.src, p->src, 16);
  __builtin_memcpy(fk.dst, p->dst, 16);
  __u64 now = bpf_ktime_get_ns();
  struct wsn_xdp_flow* f = bpf_map_lookup_elem(&wsn_xdp_flows, &fk);
  if (!f) {
    struct wsn_xdp_flow fresh = {.first_ns = now, .last_ns = now};
    bpf_map_update_elem(&wsn_xdp_flows, &fk, &fresh, BPF_NOEXIST);
    f = bpf_map_lookup_elem(&wsn_xdp_flows, &fk);
    if (!f) return;
  }
  __u32 seen = __sync_fetch_and_add(&f->packets, 1);
  f->last_ns = now;
  if (seen >= limit) return;
  struct wsn_xdp_packet* out = bpf_ringbuf_reserve(&wsn_xdp_inspect, sizeof(*out), 0);
  if (!out) {
    stat_add(WSN_STAT_INSPECT_RINGBUF_FULL);
    return;
  }
  __u32 cap = len;
  if (cap > bytes) cap = bytes;
  if (cap > WSN_XDP_SNAP_MAX) cap = WSN_XDP_SNAP_MAX;
  out->ts_ns = now;
  out->ifindex = ctx->ingress_ifindex;
  out->rule_slot = slot;
  out->wire_len = len;
  out->l3_offset = p->l3_offset;
  out->l4_offset = p->l4_offset;
  out->payload_offset = p->payload_offset;
  out->flow = fk;
  out->flow_packet = seen + 1;
  out->tcp_flags = p->tcp_flags;
  out->kind = kind;
  out->captured = 0;
  if (cap > 0 && bpf_xdp_load_bytes(ctx, 0, out->data, cap) == 0) out->captured = cap;
  __sync_fetch_and_add(&f->copied, 1);
  stat_add(WSN_STAT_INSPECT_COPIED);
  bpf_ringbuf_submit(out, 0);
}

/* inspect: the packet passes; the first packets of its flow are copied to user space. */
static __always_inline void inspect(struct xdp_md* ctx, const struct packet* p,
                                    const struct wsn_xdp_config* cfg, __u32 slot, __u64 len) {
  stat_add(WSN_STAT_INSPECTED);
  report(ctx, p, slot, len, WSN_PKT_INSPECTED, cfg->inspect_packets, cfg->inspect_bytes);
}

static __always_inline int verdict(__u32 action) {
  if (action == WSN_ACT_DROP) {
    stat_add(WSN_STAT_DROPPED);
    return XDP_DROP;
  }
  stat_add(WSN_STAT_PASSED);
  return XDP_PASS;
}

SEC("xdp")
int wsn_xdp_filter(struct xdp_md* ctx) {
  __u32 zero = 0;
  struct wsn_xdp_config* cfg = bpf_map_lookup_elem(&wsn_xdp_config, &zero);
  if (!cfg) return XDP_PASS;
  stat_add(WSN_STAT_PACKETS);
  __u64 len = ctx->data_end - ctx->data;
  struct packet p = {};
  int parsed = parse(ctx, &p);
  if (parsed == NOT_IP) {
    stat_add(WSN_STAT_NOT_IP);
    remember(WSN_DECIDED_NOT_IP, WSN_ACT_PASS);
    return verdict(WSN_ACT_PASS);
  }
  if (parsed == MALFORMED) {
    stat_add(WSN_STAT_MALFORMED);
    remember(WSN_DECIDED_MALFORMED, cfg->malformed_action);
    return verdict(cfg->malformed_action);
  }
  struct wsn_xdp_block* b = blocked(&p, cfg);
  if (b) {
    stat_add(WSN_STAT_BLOCKED);
    remember(WSN_DECIDED_BLOCK, WSN_ACT_DROP);
    if (cfg->drop_events) report(ctx, &p, WSN_DECIDED_BLOCK, len, WSN_PKT_DROPPED, 1, 0);
    return verdict(WSN_ACT_DROP);
  }
  struct wsn_xdp_verdict best = {.priority = 0xffffffffu, .slot = WSN_DECIDED_DEFAULT};
  classify(&p, cfg, &best);
  if (best.slot == WSN_DECIDED_DEFAULT) {
    stat_add(WSN_STAT_DEFAULT);
    remember(WSN_DECIDED_DEFAULT, cfg->default_action);
    return verdict(cfg->default_action);
  }
  count_rule(best.slot, len);
  remember(best.slot, best.action);
  if (best.action == WSN_ACT_INSPECT) {
    inspect(ctx, &p, cfg, best.slot, len);
    return verdict(WSN_ACT_PASS);
  }
  /* A drop decision is an event too, once per flow, when asked for (it costs a flow lookup). */
  if (best.action == WSN_ACT_DROP && cfg->drop_events)
    report(ctx, &p, best.slot, len, WSN_PKT_DROPPED, 1, 0);
  return verdict(best.action);
}
