/* Shared BPF state and helpers: configuration, maps, record building, path resolution.
 *
 * Records are assembled in a per-CPU scratch buffer and copied into the ring buffer with
 * bpf_ringbuf_output() at their exact size, so a short file event does not reserve the space
 * of the largest exec record. A failed output is counted (WSN_CNT_RINGBUF_DROPS) and shows up
 * in user space as SourceStats::lost.
 */
#ifndef WSN_COLLECT_EBPF_COMMON_BPF_H
#define WSN_COLLECT_EBPF_COMMON_BPF_H

#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "wsn_record.h"

#define WSN_REC_MAX 16384 /* largest record; the scratch buffer size */

#define AT_FDCWD -100
#define AF_INET 2
#define AF_INET6 10
#define O_WRONLY 01
#define O_RDWR 02
#define O_CREAT 0100
#define O_TRUNC 01000
#define FMODE_CREATED 0x100000
#define PF_KTHREAD 0x00200000
#define S_IFMT 00170000
#define S_IFREG 0100000
#define S_IFCHR 0020000
#define S_IFBLK 0060000
#define S_IFSOCK 0140000
#define EINPROGRESS 115
/* Set in wsn_inflight.aux (open flags) when the read-interest check passed at entry. */
#define WSN_OPEN_READ_MATCHED (1ull << 40)
#define PTRACE_TRACEME 0
#define PTRACE_POKETEXT 4
#define PTRACE_POKEDATA 5
#define PTRACE_POKEUSR 6
#define PTRACE_SETREGS 13
#define PTRACE_SETFPREGS 15
#define PTRACE_ATTACH 16
#define PTRACE_SETREGSET 0x4205
#define PTRACE_SEIZE 0x4206


/* Set by the loader before load (read-only data, so the verifier prunes dead branches). */
const volatile __u32 wsn_ignore_tgid = 0;  /* the engine's own process: never reported */
const volatile __u32 wsn_reads_mode = 0;   /* 0 no read opens, 1 prefix-filtered, 2 all */
const volatile __u32 wsn_want_open_write = 0; /* report opens for writing */
const volatile __u32 wsn_want_create = 0;     /* report opens that create the file */
const volatile __u32 wsn_want_disconnect = 0; /* report TCP closes (net.bpf.h) */
/* Wake the reader only once this much is pending; below it the reader's periodic poll picks
 * records up. One wakeup per record would cost a context switch per event. */
const volatile __u64 wsn_wakeup_bytes = 0;

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 1 << 23); /* replaced by the loader (ring_buffer_bytes) */
} wsn_events SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, WSN_CNT_COUNT);
  __type(key, __u32);
  __type(value, __u64);
} wsn_counters SEC(".maps");

/* Twice the largest record: appends are bounded by masking their offset below WSN_REC_MAX,
 * the second half absorbs the string that follows. */
struct wsn_scratch {
  __u8 rec[WSN_REC_MAX * 2];
};

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct wsn_scratch);
} wsn_scratch_map SEC(".maps");

/* Path components are written backwards into the first half, ending at WSN_PATH_MAX - 1;
 * the second half only exists so that bounded writes near the end stay inside the value. */
struct wsn_pathbuf {
  char b[WSN_PATH_MAX * 2];
};

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct wsn_pathbuf);
} wsn_path_map SEC(".maps");

/* Arguments saved at syscall entry, consumed at exit (keyed by pid_tgid). LRU so that
 * threads killed inside a syscall cannot leak entries. */
struct wsn_inflight {
  __u32 tag;
  __u32 pad;
  __u64 aux; /* per-syscall extra (open: effective flags) */
  __u64 args[5];
  __u32 old_ids[4]; /* uid euid gid egid at entry (credential changes) */
  __u64 old_cap;
};

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 16384);
  __type(key, __u64);
  __type(value, struct wsn_inflight);
} wsn_inflight_map SEC(".maps");

/* Syscall number → WSN_SYS_* tag of the watched syscalls (0: not watched). Filled by the
 * loader from the interest, with the host's syscall numbers. */
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, WSN_MAX_SYSCALLS);
  __type(key, __u32);
  __type(value, __u32);
} wsn_syscall_tags SEC(".maps");

/* Exit handlers by family (WSN_FAM_*), reached by tail call from the sys_exit program. */
struct {
  __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
  __uint(max_entries, WSN_FAM_COUNT);
  __type(key, __u32);
  __type(value, __u32);
} wsn_exit_progs SEC(".maps");

static __always_inline __u32 wsn_syscall_tag(long id) {
  if ((unsigned long)id >= WSN_MAX_SYSCALLS) return 0;
  __u32 key = id;
  __u32 *tag = bpf_map_lookup_elem(&wsn_syscall_tags, &key);
  return tag ? *tag : 0;
}

/* Read-interest path prefixes (longest-prefix match on the resolved path). */
struct wsn_prefix_key {
  __u32 prefixlen; /* in bits */
  __u8 data[WSN_READ_PREFIX_MAX];
};

struct {
  __uint(type, BPF_MAP_TYPE_LPM_TRIE);
  __uint(max_entries, WSN_READ_PREFIXES);
  __type(key, struct wsn_prefix_key);
  __type(value, __u8);
  __uint(map_flags, BPF_F_NO_PREALLOC);
} wsn_read_prefixes SEC(".maps");

static __always_inline void wsn_count(__u32 which) {
  __u64 *v = bpf_map_lookup_elem(&wsn_counters, &which);
  if (v) __sync_fetch_and_add(v, 1);
}

static __always_inline struct wsn_scratch *wsn_scratch(void) {
  __u32 zero = 0;
  return bpf_map_lookup_elem(&wsn_scratch_map, &zero);
}

static __always_inline int wsn_ignored(__u32 tgid) { return tgid == wsn_ignore_tgid; }

/* struct cred keeps uid gid suid sgid euid egid fsuid fsgid together (since 2.6.29): one read
 * instead of one per id. */
struct wsn_cred_ids {
  __u32 uid, gid, suid, sgid, euid, egid, fsuid, fsgid;
};

static __always_inline void wsn_read_ids(const struct cred *c, struct wsn_cred_ids *ids) {
  if (bpf_probe_read_kernel(ids, sizeof(*ids), &c->uid) != 0)
    __builtin_memset(ids, 0, sizeof(*ids));
}

static __always_inline void wsn_fill_hdr(struct wsn_hdr *h, __u16 kind) {
  struct task_struct *t = (struct task_struct *)bpf_get_current_task();
  struct wsn_cred_ids ids;
  wsn_read_ids(BPF_CORE_READ(t, cred), &ids);
  __u64 id = bpf_get_current_pid_tgid();
  h->kind = kind;
  h->size = 0;
  h->tgid = id >> 32;
  h->tid = (__u32)id;
  h->ppid = BPF_CORE_READ(t, real_parent, tgid);
  h->flags = 0;
  h->pad0 = 0;
  h->uid = ids.uid;
  h->gid = ids.gid;
  h->euid = ids.euid;
  h->egid = ids.egid;
  h->ts = bpf_ktime_get_boot_ns();
  h->cgroup_id = bpf_get_current_cgroup_id();
  bpf_get_current_comm(h->comm, sizeof(h->comm));
}

/* Bounds the verifier can see. Offsets into the scratch record are always below WSN_REC_MAX
 * by construction; the mask (a no-op at run time) is done in asm because clang otherwise
 * applies the check to a copy of the register and the verifier loses the bound. */
static __always_inline __u64 wsn_rec_off(__u64 v) {
  asm volatile("%0 &= 16383" : "+r"(v));
  return v;
}
static __always_inline __u64 wsn_path_off(__u64 v) {
  asm volatile("%0 &= 4095" : "+r"(v));
  return v;
}

/* Copies the finished record (size bytes of buf) into the ring buffer. */
static __always_inline void wsn_emit(void *buf, __u64 size) {
  size = wsn_rec_off(size);
  if (size < sizeof(struct wsn_hdr)) return;
  ((struct wsn_hdr *)buf)->size = size;
  __u64 flags = BPF_RB_NO_WAKEUP;
  if (bpf_ringbuf_query(&wsn_events, BPF_RB_AVAIL_DATA) + size >= wsn_wakeup_bytes)
    flags = BPF_RB_FORCE_WAKEUP;
  if (bpf_ringbuf_output(&wsn_events, buf, size, flags) != 0) wsn_count(WSN_CNT_RINGBUF_DROPS);
}

/* Appends a NUL-terminated string from user (or kernel) memory at `off`; returns the new end.
 * The string is left absent when it does not fit or cannot be read. */
static __always_inline __u64 wsn_put_user_str(__u8 *buf, __u64 off, struct wsn_str *s,
                                              const void *src, __u32 max) {
  if (!src || off + max > WSN_REC_MAX) return off;
  off = wsn_rec_off(off);
  long n = bpf_probe_read_user_str(&buf[off], max, src);
  if (n <= 0) return off;
  s->off = off;
  s->len = n - 1;
  return off + n;
}

static __always_inline __u64 wsn_put_kernel_str(__u8 *buf, __u64 off, struct wsn_str *s,
                                                const void *src, __u32 max) {
  if (!src || off + max > WSN_REC_MAX) return off;
  off = wsn_rec_off(off);
  long n = bpf_probe_read_kernel_str(&buf[off], max, src);
  if (n <= 0) return off;
  s->off = off;
  s->len = n - 1;
  return off + n;
}

struct wsn_walk {
  struct wsn_pathbuf *pb;
  struct dentry *dentry;
  struct dentry *mnt_root;
  struct mount *mnt;
  __u64 pos;
  int complete;
};

/* One step of the dentry walk (a bpf_loop callback, so the verifier checks it once). Names
 * are written right to left, ending at WSN_PATH_MAX - 1. Like the kernel's d_path(), an
 * unlinked file gets " (deleted)" appended, and a pseudo file (memfd, anonymous inode: its
 * own parent without being a mount root) is "/<name> (deleted)". */
static long wsn_walk_step(__u32 i, void *data) {
  struct wsn_walk *w = data;
  struct dentry *dentry = w->dentry;
  struct dentry *parent = BPF_CORE_READ(dentry, d_parent);
  int pseudo = 0;
  if (dentry == w->mnt_root) {
    struct mount *mnt = w->mnt;
    struct mount *mnt_parent = BPF_CORE_READ(mnt, mnt_parent);
    if (mnt == mnt_parent || !mnt_parent) {
      w->complete = 1; /* the root of the (global or namespace) tree */
      return 1;
    }
    w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
    w->mnt = mnt_parent;
    w->mnt_root = BPF_CORE_READ(mnt_parent, mnt.mnt_root);
    return 0;
  }
  if (dentry == parent) {
    if (i != 0) {
      w->complete = 1; /* a disconnected subtree: report what we have */
      return 1;
    }
    pseudo = 1;
  }
  struct wsn_pathbuf *pb = w->pb;
  if (i == 0 && (pseudo || !BPF_CORE_READ(dentry, d_hash.pprev))) {
    static const char deleted[10] = " (deleted)";
    __u64 at = wsn_path_off(w->pos - sizeof(deleted));
    __builtin_memcpy(&pb->b[at], deleted, sizeof(deleted));
    w->pos = at;
  }
  __u64 len = BPF_CORE_READ(dentry, d_name.len) & (WSN_NAME_MAX - 1);
  const unsigned char *name = BPF_CORE_READ(dentry, d_name.name);
  if (len + 1 > w->pos) return 1;
  __u64 pos = wsn_path_off(w->pos - len - 1);
  bpf_probe_read_kernel(&pb->b[pos + 1], len, name);
  pb->b[pos] = '/';
  w->pos = pos;
  w->dentry = parent;
  if (pseudo) {
    w->complete = 1;
    return 1;
  }
  return 0;
}

/* Resolves a struct path to an absolute path in pb, walking dentries up to the root and
 * crossing mount points. Returns the offset of the first byte; the path ends at
 * WSN_PATH_MAX - 1. Paths deeper than WSN_PATH_DEPTH or longer than WSN_PATH_MAX are cut
 * (root-side components dropped) and flagged. */
static __always_inline __u64 wsn_resolve_path(struct wsn_pathbuf *pb, const struct path *p,
                                              __u32 *flags) {
  struct vfsmount *vfsmnt = BPF_CORE_READ(p, mnt);
  struct wsn_walk w = {
      .pb = pb,
      .dentry = BPF_CORE_READ(p, dentry),
      .mnt_root = BPF_CORE_READ(vfsmnt, mnt_root),
      .mnt = container_of(vfsmnt, struct mount, mnt),
      .pos = WSN_PATH_MAX - 1,
      .complete = 0,
  };
  pb->b[WSN_PATH_MAX - 1] = 0;
  bpf_loop(WSN_PATH_DEPTH, wsn_walk_step, &w, 0);
  if (!w.complete) {
    *flags |= WSN_F_PATH_TRUNCATED;
    wsn_count(WSN_CNT_PATH_TRUNCATED);
  }
  __u64 pos = w.pos;
  if (pos == WSN_PATH_MAX - 1) {
    pos = WSN_PATH_MAX - 2;
    pb->b[pos] = '/';
  }
  return pos;
}

/* Appends the resolved path of p to the record. */
static __always_inline __u64 wsn_put_path(__u8 *buf, __u64 off, struct wsn_str *s,
                                          const struct path *p, __u32 *flags) {
  __u32 zero = 0;
  struct wsn_pathbuf *pb = bpf_map_lookup_elem(&wsn_path_map, &zero);
  if (!pb || !p || off + WSN_PATH_MAX > WSN_REC_MAX) return off;
  __u64 pos = wsn_resolve_path(pb, p, flags);
  __u64 len = wsn_path_off(WSN_PATH_MAX - 1 - pos);
  pos = wsn_path_off(pos);
  off = wsn_rec_off(off);
  bpf_probe_read_kernel(&buf[off], len, &pb->b[pos]);
  s->off = off;
  s->len = len;
  return off + len;
}

/* The struct file behind descriptor fd of the current task, or NULL. */
static __always_inline struct file *wsn_fd_file(int fd) {
  struct task_struct *t = (struct task_struct *)bpf_get_current_task();
  struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
  if (!fdt || fd < 0) return NULL;
  unsigned int max = BPF_CORE_READ(fdt, max_fds);
  if ((unsigned int)fd >= max) return NULL;
  struct file **fds = BPF_CORE_READ(fdt, fd);
  struct file *f = NULL;
  bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
  return f;
}

static __always_inline const struct path *wsn_cwd(void) {
  struct task_struct *t = (struct task_struct *)bpf_get_current_task();
  struct fs_struct *fs = BPF_CORE_READ(t, fs);
  if (!fs) return NULL;
  return &fs->pwd;
}

/* Base directory for a path argument relative to dirfd (AT_FDCWD = the working directory). */
static __always_inline const struct path *wsn_dirfd_path(int dirfd) {
  if (dirfd == AT_FDCWD) return wsn_cwd();
  struct file *f = wsn_fd_file(dirfd);
  if (!f) return NULL;
  return &f->f_path;
}

/* Appends a user path string and, when it is relative, the directory it is relative to. */
static __always_inline __u64 wsn_put_user_path(__u8 *buf, __u64 off, struct wsn_str *path,
                                               struct wsn_str *dir, int dirfd, const char *up,
                                               __u32 *flags) {
  off = wsn_put_user_str(buf, off, path, up, WSN_PATH_MAX);
  if (path->len == 0) return off;
  __u64 first = wsn_rec_off(path->off);
  if (buf[first] == '/') return off;
  return wsn_put_path(buf, off, dir, wsn_dirfd_path(dirfd), flags);
}

/* Saves the syscall arguments for the matching exit program. */
/* Copies and removes the entry saved at syscall entry. The copy matters: a deleted
 * element's memory may be reused at once by another CPU. */
static __always_inline int wsn_pop_inflight(struct wsn_inflight *out) {
  __u64 id = bpf_get_current_pid_tgid();
  struct wsn_inflight *v = bpf_map_lookup_elem(&wsn_inflight_map, &id);
  if (!v) return 0;
  __builtin_memcpy(out, v, sizeof(*out));
  bpf_map_delete_elem(&wsn_inflight_map, &id);
  return 1;
}

#endif /* WSN_COLLECT_EBPF_COMMON_BPF_H */
