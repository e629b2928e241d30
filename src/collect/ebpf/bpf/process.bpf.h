/* Process lifecycle: exec, fork (new processes only, not threads), exit (whole thread group).
 * Always attached: the user-space process table depends on them. */
#ifndef WSN_COLLECT_EBPF_PROCESS_BPF_H
#define WSN_COLLECT_EBPF_PROCESS_BPF_H

#include "common.bpf.h"

static __always_inline __u64 wsn_start_boottime(struct task_struct* t) {
  return BPF_CORE_READ(t, group_leader, start_boottime);
}

/* Leaf name of the task's cgroup: the unified (v2) hierarchy when the task is below its
 * root, else the memory controller's v1 hierarchy. Container runtimes name that leaf after
 * the container id ("docker-<id>.scope", "cri-containerd-<id>.scope", "<id>"). */
static __always_inline __u64 wsn_put_cgroup_name(__u8* buf, __u64 off, struct wsn_str* s,
                                                 struct task_struct* t) {
  struct kernfs_node* kn = BPF_CORE_READ(t, cgroups, dfl_cgrp, kn);
  const char* name = BPF_CORE_READ(kn, name);
  char first = 0;
  bpf_probe_read_kernel(&first, 1, name);
  if (first == 0 || first == '/') {
    if (bpf_core_enum_value_exists(enum cgroup_subsys_id, memory_cgrp_id)) {
      int idx = bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);
      if (idx >= 0 && idx < 12) {
        struct cgroup_subsys_state* css = BPF_CORE_READ(t, cgroups, subsys[idx]);
        name = BPF_CORE_READ(css, cgroup, kn, name);
      }
    }
  }
  return wsn_put_kernel_str(buf, off, s, name, WSN_CGROUP_NAME_MAX);
}

static __always_inline int wsn_fd_is_chrdev(int fd, __u32 dev) {
  struct file* f = wsn_fd_file(fd);
  if (!f) return 0;
  struct inode* ino = BPF_CORE_READ(f, f_inode);
  return (BPF_CORE_READ(ino, i_mode) & S_IFMT) == S_IFCHR && BPF_CORE_READ(ino, i_rdev) == dev;
}

/* Session, process group and controlling terminal (Elastic Defend's session model: the
 * session and group leaders, process.tty, process.interactive). */
static __always_inline void wsn_fill_session(struct wsn_exec_rec* r, struct task_struct* t) {
  struct signal_struct* sig = BPF_CORE_READ(t, signal);
  r->sid = BPF_CORE_READ(sig, pids[PIDTYPE_SID], numbers[0].nr);
  r->pgid = BPF_CORE_READ(sig, pids[PIDTYPE_PGID], numbers[0].nr);
  struct tty_struct* tty = BPF_CORE_READ(sig, tty);
  if (!tty) return;
  r->tty_major = BPF_CORE_READ(tty, driver, major);
  r->tty_minor = BPF_CORE_READ(tty, driver, minor_start) + BPF_CORE_READ(tty, index);
  /* Interactive (ECS process.interactive): stdin and stderr are that terminal. The kernel's
   * dev_t is major << 20 | minor. */
  __u32 dev = (r->tty_major << 20) | r->tty_minor;
  if (wsn_fd_is_chrdev(0, dev) && wsn_fd_is_chrdev(2, dev)) r->h.flags |= WSN_F_INTERACTIVE;
}

/* Set by the loader: copy the environment of each exec (user space keeps the allow-listed
 * variables only; process.env_vars). */
const volatile __u32 wsn_capture_env = 0;

SEC("raw_tp/sched_process_exec")
int BPF_PROG(wsn_exec, struct task_struct* task, pid_t old_pid, struct linux_binprm* bprm) {
  __u32 tgid = bpf_get_current_pid_tgid() >> 32;
  if (wsn_ignored(tgid)) return 0;
  struct wsn_scratch* sc = wsn_scratch();
  if (!sc) return 0;
  __u8* buf = sc->rec;
  struct wsn_exec_rec* r = (struct wsn_exec_rec*)buf;
  __builtin_memset(r, 0, sizeof(*r));
  wsn_fill_hdr(&r->h, WSN_REC_EXEC);
  r->ppid = BPF_CORE_READ(task, real_parent, tgid);
  r->argc = BPF_CORE_READ(bprm, argc);
  r->start_boottime = wsn_start_boottime(task);
  wsn_fill_session(r, task);
  struct wsn_cred_ids ids;
  wsn_read_ids(BPF_CORE_READ(task, cred), &ids);
  r->suid = ids.suid;
  r->sgid = ids.sgid;

  __u64 off = sizeof(*r);
  const char* filename = BPF_CORE_READ(bprm, filename);
  off = wsn_put_kernel_str(buf, off, &r->filename, filename, WSN_PATH_MAX);
  /* Through an interpreter (#!, binfmt_misc) the program run is the script, which the kernel
   * has already let go of: it is named by the filename. Otherwise the executed file itself,
   * symlinks resolved. */
  if (BPF_CORE_READ(bprm, interp) != filename) {
    r->h.flags |= WSN_F_SCRIPT;
  } else {
    struct file* exe = BPF_CORE_READ(bprm, file);
    if (exe) off = wsn_put_path(buf, off, &r->executable, &exe->f_path, &r->h.flags);
  }

  /* argv lives in the new image's stack, between mm->arg_start and mm->arg_end. */
  struct mm_struct* mm = BPF_CORE_READ(task, mm);
  unsigned long a0 = BPF_CORE_READ(mm, arg_start);
  unsigned long a1 = BPF_CORE_READ(mm, arg_end);
  if (a1 > a0 && off + WSN_ARGS_MAX <= WSN_REC_MAX) {
    __u64 alen = a1 - a0;
    if (alen > WSN_ARGS_MAX) {
      alen = WSN_ARGS_MAX;
      r->h.flags |= WSN_F_ARGS_TRUNCATED;
      wsn_count(WSN_CNT_ARGS_TRUNCATED);
    }
    off = wsn_rec_off(off);
    asm volatile("if %0 <= 4096 goto +1; %0 = 4096;" : "+r"(alen));
    if (bpf_probe_read_user(&buf[off], alen, (void*)a0) == 0) {
      r->args.off = off;
      r->args.len = alen;
      off += alen;
    }
  }
  off = wsn_put_path(buf, off, &r->cwd, wsn_cwd(), &r->h.flags);
  off = wsn_put_cgroup_name(buf, off, &r->cgroup, task);
  /* The environment last, in whatever room is left (it is the least important part). */
  unsigned long e0 = BPF_CORE_READ(mm, env_start);
  unsigned long e1 = BPF_CORE_READ(mm, env_end);
  if (wsn_capture_env && e1 > e0 && off < WSN_REC_MAX - 1) {
    __u64 elen = e1 - e0;
    __u64 room = WSN_REC_MAX - 1 - off; /* a record is at most WSN_REC_MAX - 1 bytes */
    if (elen > room) elen = room;
    off = wsn_rec_off(off);
    asm volatile("if %0 <= 4096 goto +1; %0 = 4096;" : "+r"(elen));
    if (elen > 0 && bpf_probe_read_user(&buf[off], elen, (void*)e0) == 0) {
      r->env.off = off;
      r->env.len = elen;
      off += elen;
    }
  }
  wsn_emit(buf, off);
  return 0;
}

SEC("raw_tp/sched_process_fork")
int BPF_PROG(wsn_fork, struct task_struct* parent, struct task_struct* child) {
  __u32 child_pid = BPF_CORE_READ(child, pid);
  __u32 child_tgid = BPF_CORE_READ(child, tgid);
  if (child_pid != child_tgid) return 0; /* a thread */
  if (BPF_CORE_READ(child, flags) & PF_KTHREAD) return 0;
  struct wsn_fork_rec r = {};
  wsn_fill_hdr(&r.h, WSN_REC_FORK);
  r.child_tgid = child_tgid;
  r.child_ppid = BPF_CORE_READ(child, real_parent, tgid);
  r.child_start_boottime = BPF_CORE_READ(child, start_boottime);
  wsn_emit(&r, sizeof(r));
  return 0;
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(wsn_exit, struct task_struct* task) {
  __u32 tgid = BPF_CORE_READ(task, tgid);
  if (wsn_ignored(tgid)) return 0;
  if (BPF_CORE_READ(task, flags) & PF_KTHREAD) return 0;
  /* Report the process once: when its last thread exits (signal->live already decremented). */
  if (BPF_CORE_READ(task, signal, live.counter) != 0) return 0;
  struct wsn_exit_rec r = {};
  wsn_fill_hdr(&r.h, WSN_REC_EXIT);
  r.exit_status = BPF_CORE_READ(task, exit_code);
  r.ppid = BPF_CORE_READ(task, real_parent, tgid);
  r.start_boottime = wsn_start_boottime(task);
  wsn_emit(&r, sizeof(r));
  return 0;
}

#endif /* WSN_COLLECT_EBPF_PROCESS_BPF_H */
