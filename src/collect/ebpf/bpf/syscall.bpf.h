/* Syscall hooks: perf tracepoints syscalls/sys_enter_<name> and sys_exit_<name>, one pair per
 * watched syscall, all served by the same few programs.
 *
 * Why per-syscall tracepoints rather than the raw sys_enter / sys_exit tracepoints: a raw
 * hook runs a BPF program on every syscall of every process, which measured +150 ns per
 * syscall on Linux 6.18 even for an empty program; a per-syscall tracepoint costs unwatched
 * syscalls only the kernel's syscall-tracing slow path (~+35 ns on getpid). The price is
 * tracefs (to find the tracepoint ids) and slow detach: each tracepoint's removal waits for
 * an RCU-tasks grace period (~60 ms apiece).
 *
 * A tracepoint's record holds exactly the syscall's arguments, and the kernel refuses to
 * attach a program that reads past them, so there is one entry program per argument count
 * (the loader picks by the syscall). Entry saves what the exit handler will need and applies
 * the cheap filters (read-only opens without read interest, ptrace requests that only read).
 * Exit looks the syscall number up in the watch table and tail-calls its family's handler
 * (file.bpf.h, net.bpf.h ...). 32-bit (compat) syscalls do not reach syscall tracepoints. */
#ifndef WSN_COLLECT_EBPF_SYSCALL_BPF_H
#define WSN_COLLECT_EBPF_SYSCALL_BPF_H

#include "common.bpf.h"

/* The kernel's syscall records hold the number as an int (after the 8-byte common header),
 * where vmlinux.h declares a long. Read exactly the int: the record of a syscall without
 * arguments (setsid) ends right after it, and the kernel refuses to attach a program that
 * reads past a record. */
static __always_inline long wsn_syscall_nr(const void* ctx) {
  return *(const volatile int*)((const char*)ctx + 8);
}

static __always_inline int wsn_open_is_write(__u64 flags) {
  return (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) != 0;
}

/* Whether an open with these flags could produce a wanted event. A write-mode open may still
 * turn out to be a read of an existing file (O_CREAT), hence the reads check on both sides. */
static __always_inline int wsn_open_wanted(__u64 flags) {
  if (wsn_open_is_write(flags)) return wsn_want_open_write || wsn_want_create || wsn_reads_mode;
  return wsn_reads_mode != 0;
}

static __always_inline int wsn_ptrace_wanted(long req) {
  /* Requests that take control of or modify another process; reads are not reported. */
  return req == PTRACE_TRACEME || req == PTRACE_POKETEXT || req == PTRACE_POKEDATA ||
         req == PTRACE_POKEUSR || req == PTRACE_SETREGS || req == PTRACE_SETFPREGS ||
         req == PTRACE_ATTACH || req == PTRACE_SETREGSET || req == PTRACE_SEIZE;
}

/* Read-interest check on the path string an open was given: 1 match, 0 no match, -1 cannot
 * tell here (relative path: needs the directory, done at exit). */
static __always_inline int wsn_read_prefix_match_user(const char* upath) {
  __u32 zero = 0;
  struct wsn_pathbuf* pb = bpf_map_lookup_elem(&wsn_path_map, &zero);
  if (!pb) return -1;
  struct wsn_prefix_key* key = (struct wsn_prefix_key*)&pb->b[WSN_PATH_MAX];
  long n = bpf_probe_read_user_str(key->data, WSN_READ_PREFIX_MAX, upath);
  if (n <= 1) return -1;
  if (key->data[0] != '/') return -1;
  key->prefixlen = (n - 1) * 8;
  return bpf_map_lookup_elem(&wsn_read_prefixes, key) != NULL;
}

struct wsn_open_how {
  __u64 flags;
  __u64 mode;
  __u64 resolve;
};

static __always_inline int wsn_sys_enter(struct trace_event_raw_sys_enter* ctx, int nargs) {
  __u32 tag = wsn_syscall_tag(wsn_syscall_nr(ctx));
  if (!tag) return 0;
  __u64 pid_tgid = bpf_get_current_pid_tgid();
  if (wsn_ignored(pid_tgid >> 32)) return 0;
  struct wsn_inflight v = {};
  v.tag = tag;
  /* Spelled out: a loop makes clang step the ctx pointer, which the verifier rejects. */
  if (nargs > 0) v.args[0] = ctx->args[0];
  if (nargs > 1) v.args[1] = ctx->args[1];
  if (nargs > 2) v.args[2] = ctx->args[2];
  if (nargs > 3) v.args[3] = ctx->args[3];
  if (nargs > 4) v.args[4] = ctx->args[4];

  switch (tag) {
    case WSN_SYS_OPEN:
      v.aux = v.args[1];
      break;
    case WSN_SYS_OPENAT:
      v.aux = v.args[2];
      break;
    case WSN_SYS_OPENAT2: {
      struct wsn_open_how how = {};
      bpf_probe_read_user(&how, sizeof(how), (void*)v.args[2]);
      v.aux = how.flags;
      break;
    }
    case WSN_SYS_CREAT:
      v.aux = O_CREAT | O_WRONLY | O_TRUNC;
      break;
    case WSN_SYS_PTRACE:
      if (!wsn_ptrace_wanted(v.args[0])) return 0;
      break;
    default:
      break;
  }
  if (tag <= WSN_SYS_CREAT && !wsn_open_wanted(v.aux)) return 0;
  if (tag <= WSN_SYS_CREAT && wsn_reads_mode == 1 && !wsn_open_is_write(v.aux)) {
    /* A read, reported only under the read-interest prefixes: decide now for absolute
     * paths, so that the common case (no match) costs no saved entry. */
    const char* upath =
        (const char*)(tag == WSN_SYS_OPENAT || tag == WSN_SYS_OPENAT2 ? v.args[1] : v.args[0]);
    int m = wsn_read_prefix_match_user(upath);
    if (m == 0) return 0;
    if (m == 1) v.aux |= WSN_OPEN_READ_MATCHED;
  }
  if (tag >= WSN_SYS_SETUID && tag <= WSN_SYS_SETSID) {
    /* The caller's identity before the change. */
    struct task_struct* t = (struct task_struct*)bpf_get_current_task();
    const struct cred* c = BPF_CORE_READ(t, cred);
    struct wsn_cred_ids ids;
    wsn_read_ids(c, &ids);
    v.old_ids[0] = ids.uid;
    v.old_ids[1] = ids.euid;
    v.old_ids[2] = ids.gid;
    v.old_ids[3] = ids.egid;
    BPF_CORE_READ_INTO(&v.old_cap, c, cap_effective);
  }
  bpf_map_update_elem(&wsn_inflight_map, &pid_tgid, &v, BPF_ANY);
  return 0;
}

#define WSN_SYS_ENTER_N(n)                                      \
  SEC("tracepoint")                                             \
  int wsn_sys_enter##n(struct trace_event_raw_sys_enter* ctx) { \
    return wsn_sys_enter(ctx, n);                               \
  }

WSN_SYS_ENTER_N(0)
WSN_SYS_ENTER_N(1)
WSN_SYS_ENTER_N(2)
WSN_SYS_ENTER_N(3)
WSN_SYS_ENTER_N(4)
WSN_SYS_ENTER_N(5)

SEC("tracepoint")
int wsn_sys_exit(struct trace_event_raw_sys_exit* ctx) {
  __u32 tag = wsn_syscall_tag(wsn_syscall_nr(ctx));
  if (!tag) return 0;
  int family = wsn_sys_family(tag);
  if (family < 0) return 0;
  bpf_tail_call(ctx, &wsn_exit_progs, family);
  return 0; /* no handler loaded for this family */
}

#endif /* WSN_COLLECT_EBPF_SYSCALL_BPF_H */
