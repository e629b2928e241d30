/* Network: connect (egress), accept (ingress), bind, for IPv4 and IPv6 sockets, and the end
 * of a TCP connection by its process (disconnect_received).
 *
 * Addresses come from the socket itself at syscall exit (the kernel has chosen the local
 * port by then); connect's destination comes from the caller's sockaddr so that failed
 * connects (refused, unreachable) are reported too, with their outcome. */
#ifndef WSN_COLLECT_EBPF_NET_BPF_H
#define WSN_COLLECT_EBPF_NET_BPF_H

#include "common.bpf.h"


static __always_inline __u16 wsn_ntohs(__u16 v) { return (v >> 8) | (v << 8); }

/* include/net/tcp_states.h */
#define WSN_TCP_ESTABLISHED 1
#define WSN_TCP_FIN_WAIT1 4
#define WSN_TCP_CLOSE_WAIT 8
#define WSN_TCP_LAST_ACK 9
#define WSN_IPPROTO_TCP 6

/* Which side opened each TCP connection still open (enum wsn_conn_dir), by socket address:
 * a disconnect reports its direction and orients its addresses as the opening did. LRU: a
 * socket that dies without a close of its own (reset, timeout) is forgotten eventually. */
struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 65536);
  __type(key, __u64);
  __type(value, __u8);
} wsn_conn_dirs SEC(".maps");

static __always_inline void wsn_remember_dir(struct sock *sk, __u8 dir) {
  if (!wsn_want_disconnect) return;
  __u64 key = (__u64)sk;
  bpf_map_update_elem(&wsn_conn_dirs, &key, &dir, BPF_ANY);
}

static __always_inline struct sock *wsn_fd_sock(int fd) {
  struct file *f = wsn_fd_file(fd);
  if (!f) return NULL;
  __u16 imode = BPF_CORE_READ(f, f_inode, i_mode);
  if ((imode & S_IFMT) != S_IFSOCK) return NULL;
  struct socket *sock = BPF_CORE_READ(f, private_data);
  return BPF_CORE_READ(sock, sk);
}

/* Local (is_local) or remote address and port of sk into addr / port. */
static __always_inline void wsn_sock_addr(struct sock *sk, __u16 family, int is_local,
                                          __u8 addr[16], __u16 *port) {
  struct sock_common *sc = &sk->__sk_common;
  if (family == AF_INET) {
    if (is_local)
      bpf_core_read(addr, 4, &sc->skc_rcv_saddr);
    else
      bpf_core_read(addr, 4, &sc->skc_daddr);
  } else {
    if (is_local)
      bpf_core_read(addr, 16, &sc->skc_v6_rcv_saddr);
    else
      bpf_core_read(addr, 16, &sc->skc_v6_daddr);
  }
  if (is_local)
    *port = BPF_CORE_READ(sk, __sk_common.skc_num);
  else
    *port = wsn_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
}

SEC("tracepoint")
int wsn_exit_sock(struct trace_event_raw_sys_exit *ctx) {
  struct wsn_inflight in;
  if (!wsn_pop_inflight(&in)) return 0;
  long ret = ctx->ret;
  int fd;
  __u16 op;
  switch (in.tag) {
    case WSN_SYS_CONNECT:
      op = WSN_NET_CONNECT;
      fd = in.args[0];
      break;
    case WSN_SYS_ACCEPT:
    case WSN_SYS_ACCEPT4:
      if (ret < 0) return 0;
      op = WSN_NET_ACCEPT;
      fd = ret;
      break;
    case WSN_SYS_BIND:
      if (ret != 0) return 0;
      op = WSN_NET_BIND;
      fd = in.args[0];
      break;
    default:
      return 0;
  }
  struct sock *sk = wsn_fd_sock(fd);
  if (!sk) return 0;
  __u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
  if (family != AF_INET && family != AF_INET6) return 0;

  struct wsn_net_rec r = {};
  r.op = op;
  r.family = family;
  r.protocol = BPF_CORE_READ(sk, sk_protocol);
  r.sock_type = BPF_CORE_READ(sk, sk_type);
  r.ret = ret;
  if (r.protocol == WSN_IPPROTO_TCP) {
    if (op == WSN_NET_CONNECT && (ret == 0 || ret == -EINPROGRESS))
      wsn_remember_dir(sk, WSN_DIR_EGRESS);
    else if (op == WSN_NET_ACCEPT)
      wsn_remember_dir(sk, WSN_DIR_INGRESS);
  }
  if (op == WSN_NET_CONNECT) {
    /* sockaddr_in: family(2) port(2) addr(4); sockaddr_in6: family(2) port(2) flow(4) addr(16) */
    __u8 sa[24] = {};
    if (bpf_probe_read_user(sa, sizeof(sa), (void *)in.args[1]) != 0) return 0;
    __u16 sa_family = sa[0] | (sa[1] << 8);
    if (sa_family == AF_INET) {
      __builtin_memcpy(r.daddr, &sa[4], 4);
    } else if (sa_family == AF_INET6) {
      __builtin_memcpy(r.daddr, &sa[8], 16);
    } else {
      return 0; /* AF_UNSPEC: dissolving an association */
    }
    r.dport = (sa[2] << 8) | sa[3];
    /* A v4 destination on a v6 socket arrives as sockaddr_in: report the v4 family then. */
    r.family = sa_family;
    if (sa_family == family) {
      wsn_sock_addr(sk, family, 1, r.saddr, &r.sport);
    } else {
      r.sport = BPF_CORE_READ(sk, __sk_common.skc_num);
    }
  } else if (op == WSN_NET_ACCEPT) {
    wsn_sock_addr(sk, family, 0, r.saddr, &r.sport);
    wsn_sock_addr(sk, family, 1, r.daddr, &r.dport);
  } else {
    wsn_sock_addr(sk, family, 1, r.saddr, &r.sport);
  }
  wsn_fill_hdr(&r.h, WSN_REC_NET);
  wsn_emit(&r, sizeof(r));
  return 0;
}

/* Defend's disconnect_received: the process closing its TCP connection. Only the owner's
 * close(2), shutdown(2) or exit makes these two transitions (tcp_close_state), and it makes
 * them in its own context, so `current` is the process that ended the connection — also
 * after an exec (`cat < /dev/tcp/…`: bash connected, cat closes). Transitions packets make
 * (a peer's FIN or reset) run in softirq on behalf of nobody and are not reported. */
SEC("raw_tp/inet_sock_set_state")
int BPF_PROG(wsn_tcp_state, struct sock *sk, int oldstate, int newstate) {
  if (!((oldstate == WSN_TCP_ESTABLISHED && newstate == WSN_TCP_FIN_WAIT1) ||
        (oldstate == WSN_TCP_CLOSE_WAIT && newstate == WSN_TCP_LAST_ACK)))
    return 0;
  if (BPF_CORE_READ(sk, sk_protocol) != WSN_IPPROTO_TCP) return 0;
  if (wsn_ignored(bpf_get_current_pid_tgid() >> 32)) return 0;
  struct task_struct *t = (struct task_struct *)bpf_get_current_task();
  if (BPF_CORE_READ(t, flags) & PF_KTHREAD) return 0;
  __u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
  if (family != AF_INET && family != AF_INET6) return 0;

  __u64 key = (__u64)sk;
  __u8 *known = bpf_map_lookup_elem(&wsn_conn_dirs, &key);
  __u8 dir = known ? *known : WSN_DIR_UNKNOWN;
  if (known) bpf_map_delete_elem(&wsn_conn_dirs, &key);

  struct wsn_net_rec r = {};
  r.op = WSN_NET_DISCONNECT;
  r.family = family;
  r.protocol = WSN_IPPROTO_TCP;
  r.sock_type = BPF_CORE_READ(sk, sk_type);
  r.ret = dir;
  const int remote_first = dir == WSN_DIR_INGRESS;
  wsn_sock_addr(sk, family, !remote_first, r.saddr, &r.sport);
  wsn_sock_addr(sk, family, remote_first, r.daddr, &r.dport);
  wsn_fill_hdr(&r.h, WSN_REC_NET);
  wsn_emit(&r, sizeof(r));
  return 0;
}

#endif /* WSN_COLLECT_EBPF_NET_BPF_H */
