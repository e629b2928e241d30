/* memfd_create and kernel module loading (init_module / finit_module). Module loads are
 * reported with their outcome: on kernels without module support the syscalls fail with
 * ENOSYS, and the attempt is still worth an alert. */
#ifndef WSN_COLLECT_EBPF_MISC_BPF_H
#define WSN_COLLECT_EBPF_MISC_BPF_H

#include "common.bpf.h"


SEC("tracepoint")
int wsn_exit_memfd(struct trace_event_raw_sys_exit *ctx) {
  struct wsn_inflight in;
  if (!wsn_pop_inflight(&in)) return 0;
  long ret = ctx->ret;
  if (in.tag != WSN_SYS_MEMFD_CREATE || ret < 0) return 0;
  struct wsn_scratch *sc = wsn_scratch();
  if (!sc) return 0;
  __u8 *buf = sc->rec;
  struct wsn_memfd_rec *r = (struct wsn_memfd_rec *)buf;
  __builtin_memset(r, 0, sizeof(*r));
  wsn_fill_hdr(&r->h, WSN_REC_MEMFD);
  r->flags = in.args[1];
  r->ret = ret;
  __u64 off = wsn_put_user_str(buf, sizeof(*r), &r->name, (const char *)in.args[0], WSN_NAME_MAX);
  wsn_emit(buf, off);
  return 0;
}

static __always_inline void wsn_module_emit(const struct wsn_inflight *in, long ret) {
  struct wsn_scratch *sc = wsn_scratch();
  if (!sc) return;
  __u8 *buf = sc->rec;
  struct wsn_module_rec *r = (struct wsn_module_rec *)buf;
  __builtin_memset(r, 0, sizeof(*r));
  wsn_fill_hdr(&r->h, WSN_REC_MODULE);
  r->ret = ret;
  __u64 off = sizeof(*r);
  if (in->tag == WSN_SYS_FINIT_MODULE) {
    r->op = WSN_MODULE_FINIT;
    r->flags = in->args[2];
    struct file *f = wsn_fd_file(in->args[0]);
    if (f) off = wsn_put_path(buf, off, &r->path, &f->f_path, &r->h.flags);
  } else {
    r->op = WSN_MODULE_INIT;
  }
  wsn_emit(buf, off);
}

SEC("tracepoint")
int wsn_exit_module(struct trace_event_raw_sys_exit *ctx) {
  struct wsn_inflight in;
  if (!wsn_pop_inflight(&in)) return 0;
  if (in.tag != WSN_SYS_INIT_MODULE && in.tag != WSN_SYS_FINIT_MODULE) return 0;
  wsn_module_emit(&in, ctx->ret);
  return 0;
}

/* Fallback for kernels without the module syscall tracepoints (CONFIG_MODULES=n: loading is
 * impossible, but the attempt is still a signal). Raw sys_enter / sys_exit run for every
 * syscall, so the loader attaches these only when asked to (EbpfOptions). The syscall numbers
 * are the host's, set by the loader. */
const volatile long wsn_nr_init_module = -1;
const volatile long wsn_nr_finit_module = -1;

SEC("raw_tp/sys_enter")
int BPF_PROG(wsn_raw_enter_module, struct pt_regs *regs, long id) {
  if (id != wsn_nr_init_module && id != wsn_nr_finit_module) return 0;
  __u64 pid_tgid = bpf_get_current_pid_tgid();
  if (wsn_ignored(pid_tgid >> 32)) return 0;
  struct wsn_inflight v = {};
  v.tag = id == wsn_nr_finit_module ? WSN_SYS_FINIT_MODULE : WSN_SYS_INIT_MODULE;
  v.args[0] = PT_REGS_PARM1_CORE_SYSCALL(regs);
  v.args[1] = PT_REGS_PARM2_CORE_SYSCALL(regs);
  v.args[2] = PT_REGS_PARM3_CORE_SYSCALL(regs);
  bpf_map_update_elem(&wsn_inflight_map, &pid_tgid, &v, BPF_ANY);
  return 0;
}

SEC("raw_tp/sys_exit")
int BPF_PROG(wsn_raw_exit_module, struct pt_regs *regs, long ret) {
  __u64 pid_tgid = bpf_get_current_pid_tgid();
  struct wsn_inflight *v = bpf_map_lookup_elem(&wsn_inflight_map, &pid_tgid);
  /* Entries of other syscalls belong to their own exit programs: leave them alone. */
  if (!v || (v->tag != WSN_SYS_INIT_MODULE && v->tag != WSN_SYS_FINIT_MODULE)) return 0;
  struct wsn_inflight in;
  __builtin_memcpy(&in, v, sizeof(in));
  bpf_map_delete_elem(&wsn_inflight_map, &pid_tgid);
  wsn_module_emit(&in, ret);
  return 0;
}

#endif /* WSN_COLLECT_EBPF_MISC_BPF_H */
