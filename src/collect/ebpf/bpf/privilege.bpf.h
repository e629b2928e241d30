/* Privilege and session changes: setuid / setgid families, capset, setsid; ptrace. */
#ifndef WSN_COLLECT_EBPF_PRIVILEGE_BPF_H
#define WSN_COLLECT_EBPF_PRIVILEGE_BPF_H

#include "common.bpf.h"

SEC("tracepoint")
int wsn_exit_cred(struct trace_event_raw_sys_exit* ctx) {
  struct wsn_inflight in;
  if (!wsn_pop_inflight(&in)) return 0;
  long ret = ctx->ret;
  __u16 op;
  switch (in.tag) {
    case WSN_SYS_SETUID:
    case WSN_SYS_SETREUID:
    case WSN_SYS_SETRESUID:
      op = WSN_CRED_SETUID;
      if (ret != 0) return 0;
      break;
    case WSN_SYS_SETFSUID: /* returns the previous fsuid, never an error */
      op = WSN_CRED_SETUID;
      break;
    case WSN_SYS_SETGID:
    case WSN_SYS_SETREGID:
    case WSN_SYS_SETRESGID:
      op = WSN_CRED_SETGID;
      if (ret != 0) return 0;
      break;
    case WSN_SYS_SETFSGID:
      op = WSN_CRED_SETGID;
      break;
    case WSN_SYS_CAPSET:
      op = WSN_CRED_CAPSET;
      if (ret != 0) return 0;
      break;
    case WSN_SYS_SETSID: /* returns the new session id */
      op = WSN_CRED_SETSID;
      if (ret < 0) return 0;
      break;
    default:
      return 0;
  }
  struct task_struct* t = (struct task_struct*)bpf_get_current_task();
  const struct cred* c = BPF_CORE_READ(t, cred);
  struct wsn_cred_rec r = {};
  wsn_fill_hdr(&r.h, WSN_REC_CRED);
  r.op = op;
  r.ret = ret;
  r.old_uid = in.old_ids[0];
  r.old_euid = in.old_ids[1];
  r.old_gid = in.old_ids[2];
  r.old_egid = in.old_ids[3];
  r.old_cap_effective = in.old_cap;
  BPF_CORE_READ_INTO(&r.cap_effective, c, cap_effective);
  BPF_CORE_READ_INTO(&r.cap_permitted, c, cap_permitted);
  /* setfs*id with an unchanged id is a probe ("what is my fsuid?"): not a change. */
  if ((in.tag == WSN_SYS_SETFSUID || in.tag == WSN_SYS_SETFSGID) && r.h.uid == r.old_uid &&
      r.h.euid == r.old_euid && r.h.gid == r.old_gid && r.h.egid == r.old_egid)
    return 0;
  wsn_emit(&r, sizeof(r));
  return 0;
}

SEC("tracepoint")
int wsn_exit_ptrace(struct trace_event_raw_sys_exit* ctx) {
  struct wsn_inflight in;
  if (!wsn_pop_inflight(&in)) return 0;
  long ret = ctx->ret;
  if (in.tag != WSN_SYS_PTRACE || ret != 0) return 0;
  struct wsn_ptrace_rec r = {};
  wsn_fill_hdr(&r.h, WSN_REC_PTRACE);
  r.request = in.args[0];
  r.target_pid = in.args[1];
  if (r.request == PTRACE_TRACEME) {
    struct task_struct* t = (struct task_struct*)bpf_get_current_task();
    r.target_pid = BPF_CORE_READ(t, real_parent, tgid); /* the tracer-to-be */
  }
  r.ret = ret;
  wsn_emit(&r, sizeof(r));
  return 0;
}

#endif /* WSN_COLLECT_EBPF_PRIVILEGE_BPF_H */
