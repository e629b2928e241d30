/* The layout shared by the XDP filter (xdp_filter.bpf.c) and its control plane (../xdp_maps.cpp).
 * Plain C with fixed-width types: the BPF object and the C++ code must agree byte for byte, and
 * the maps are pinned, so a running program and a newer CLI read the same bytes. Changing any
 * struct here changes WSN_XDP_ABI_VERSION, which the control plane checks before it writes. */
#ifndef WSN_XDP_ABI_H
#define WSN_XDP_ABI_H

#ifdef __BPF__
typedef __u8 wsn_u8;
typedef __u16 wsn_u16;
typedef __u32 wsn_u32;
typedef __u64 wsn_u64;
#else
#include <stdint.h>
typedef uint8_t wsn_u8;
typedef uint16_t wsn_u16;
typedef uint32_t wsn_u32;
typedef uint64_t wsn_u64;
#endif

#define WSN_XDP_ABI_VERSION 2

/* Limits: the verifier needs constant loop bounds, and the maps are sized once. */
#define WSN_XDP_MAX_TUPLES 64   /* distinct match shapes per rule set (tuple space search) */
#define WSN_XDP_MAX_RULES 65536 /* rule slots (counters, specs) */
#define WSN_XDP_MAX_ENTRIES 262144 /* classifier entries (rules × port-range blocks) per set */
#define WSN_XDP_MAX_VLANS 2
#define WSN_XDP_MAX_IPV6_EXT 6

enum wsn_xdp_action { WSN_ACT_PASS = 0, WSN_ACT_DROP = 1, WSN_ACT_INSPECT = 2 };
enum wsn_xdp_family { WSN_FAM_IPV4 = 4, WSN_FAM_IPV6 = 6 };

/* Which rule decided (for counters, test runs and the inspection records). */
#define WSN_DECIDED_DEFAULT 0xffffffffu
#define WSN_DECIDED_BLOCK 0xfffffffeu
#define WSN_DECIDED_MALFORMED 0xfffffffdu
#define WSN_DECIDED_NOT_IP 0xfffffffcu

/* config[0] */
struct wsn_xdp_config {
  wsn_u32 abi_version;
  wsn_u32 active_set;       /* 0 or 1: the rule set packets are matched against */
  wsn_u32 tuple_first[2][2]; /* per set, per family (0 IPv4, 1 IPv6): first tuple index … */
  wsn_u32 tuple_count[2][2]; /* … and how many: a packet walks only its family's shapes */
  wsn_u32 default_action;   /* enum wsn_xdp_action (pass or drop) */
  wsn_u32 malformed_action; /* pass or drop for frames that cannot be parsed */
  wsn_u32 inspect_packets;  /* inspect: copy the first N packets of each flow */
  wsn_u32 inspect_bytes;    /* … and at most this many bytes of each */
  wsn_u32 lpm_in_use[2];    /* bit 0: src trie has entries, bit 1: dst trie, per set */
  wsn_u32 blocks_in_use;    /* non-zero once any block was installed */
  wsn_u32 drop_events;      /* non-zero: the first dropped packet of each flow goes to the agent */
};

/* One match shape: which bits of each field a tuple's entries compare. */
struct wsn_xdp_tuple {
  wsn_u8 family;   /* WSN_FAM_* */
  wsn_u8 src_len;  /* prefix length compared of the source address */
  wsn_u8 dst_len;
  wsn_u8 match_proto; /* 0: any protocol */
  wsn_u16 sport_mask; /* host order; 0: any port */
  wsn_u16 dport_mask;
  wsn_u32 best_priority; /* lowest priority number among its entries: tuples are sorted by it */
  wsn_u32 src_mask[4];   /* network-order masks of src_len / dst_len bits */
  wsn_u32 dst_mask[4];
};

/* Classifier key: the packet's fields masked by one tuple. Addresses in network order, IPv4
 * in the first 4 bytes; ports in host order. */
struct wsn_xdp_key {
  wsn_u32 tuple; /* set << 16 | tuple index */
  wsn_u8 proto;
  wsn_u8 pad0;
  wsn_u16 sport;
  wsn_u16 dport;
  wsn_u16 pad1;
  wsn_u32 src[4];
  wsn_u32 dst[4];
};

/* What a classifier entry or trie entry decides. */
struct wsn_xdp_verdict {
  wsn_u32 priority; /* lower wins */
  wsn_u32 slot;     /* rule slot: counters and spec */
  wsn_u32 action;   /* enum wsn_xdp_action */
  wsn_u32 pad;
};

/* Address-only rules (one CIDR, nothing else) live in LPM tries: one lookup for any prefix
 * length. data = tag (set << 8 | family) then the address; prefixlen counts the tag's 32 bits. */
struct wsn_xdp_lpm_key {
  wsn_u32 prefixlen;
  wsn_u32 tag;
  wsn_u32 addr[4];
};

struct wsn_xdp_counter {
  wsn_u64 packets;
  wsn_u64 bytes;
};

/* Global statistics (per-CPU array index). */
enum wsn_xdp_stat {
  WSN_STAT_PACKETS = 0,
  WSN_STAT_PASSED,
  WSN_STAT_DROPPED,
  WSN_STAT_DEFAULT,
  WSN_STAT_MALFORMED,
  WSN_STAT_NOT_IP,
  WSN_STAT_FRAGMENTS,
  WSN_STAT_BLOCKED,
  WSN_STAT_INSPECTED,
  WSN_STAT_INSPECT_COPIED,
  WSN_STAT_INSPECT_RINGBUF_FULL,
  WSN_STAT_COUNT
};

/* Timed blocks installed by inspectors and the `block` response action. */
/* A block names a remote address (the source of ingress packets), optionally with a protocol
 * and a port: the remote's port (WSN_BLOCK_REMOTE_PORT: a connection this host opened) or the
 * local one (WSN_BLOCK_LOCAL_PORT: a service here a remote talks to). */
enum wsn_xdp_block_kind { WSN_BLOCK_ADDRESS = 0, WSN_BLOCK_REMOTE_PORT = 1, WSN_BLOCK_LOCAL_PORT = 2 };
struct wsn_xdp_block_key {
  wsn_u8 family;
  wsn_u8 kind;  /* enum wsn_xdp_block_kind */
  wsn_u8 proto; /* 0 with WSN_BLOCK_ADDRESS */
  wsn_u8 pad;
  wsn_u16 port; /* host order; 0 with WSN_BLOCK_ADDRESS */
  wsn_u16 pad1;
  wsn_u32 addr[4];
};
struct wsn_xdp_block {
  wsn_u64 expires_ns; /* CLOCK_MONOTONIC (bpf_ktime_get_ns); 0: never */
  wsn_u32 rule_slot;  /* who asked (for status) */
  wsn_u32 pad;
};

/* Flow state for inspection (the first N packets of each flow go to user space). */
struct wsn_xdp_flow_key {
  wsn_u8 family;
  wsn_u8 proto;
  wsn_u16 sport;
  wsn_u16 dport;
  wsn_u16 pad;
  wsn_u32 src[4];
  wsn_u32 dst[4];
};
struct wsn_xdp_flow {
  wsn_u64 first_ns;
  wsn_u64 last_ns;
  wsn_u32 packets;
  wsn_u32 copied;
};

enum wsn_xdp_packet_kind { WSN_PKT_INSPECTED = 0, WSN_PKT_DROPPED = 1 };

#define WSN_XDP_SNAP_MAX 512
/* One inspected packet, as the ring buffer carries it. */
struct wsn_xdp_packet {
  wsn_u64 ts_ns;
  wsn_u32 ifindex;
  wsn_u32 rule_slot;
  wsn_u32 wire_len;
  wsn_u16 l3_offset; /* within data[] */
  wsn_u16 l4_offset;
  wsn_u16 payload_offset;
  wsn_u16 captured; /* bytes in data[] */
  struct wsn_xdp_flow_key flow;
  wsn_u32 flow_packet; /* 1 for the flow's first packet */
  wsn_u8 tcp_flags;
  wsn_u8 kind; /* enum wsn_xdp_packet_kind */
  wsn_u8 pad[2];
  wsn_u8 data[WSN_XDP_SNAP_MAX];
};

/* The control plane's copy of each rule (hash: rule id → spec), pinned with the maps so any
 * CLI invocation can list, change and recompile the rule set. Not read by the data path. */
struct wsn_xdp_rule_spec {
  wsn_u32 id;
  wsn_u32 priority;
  wsn_u32 slot; /* counters index, stable for the rule's life */
  wsn_u8 action;
  wsn_u8 proto;
  wsn_u8 has_src;
  wsn_u8 has_dst;
  wsn_u8 src_family;
  wsn_u8 dst_family;
  wsn_u8 src_len;
  wsn_u8 dst_len;
  wsn_u16 sport_lo, sport_hi, dport_lo, dport_hi;
  wsn_u8 src[16];
  wsn_u8 dst[16];
};

/* Last decision per CPU: what `net inspect` reads after a BPF_PROG_TEST_RUN. */
struct wsn_xdp_decision {
  wsn_u32 slot; /* rule slot or WSN_DECIDED_* */
  wsn_u32 action;
  wsn_u64 seq;
};

#endif
