/* Layout of the records the BPF programs write into the ring buffer.
 *
 * Shared by the BPF side (compiled with vmlinux.h) and the user-space decoder (C++), so it uses
 * only fixed-width __u* types and explicit padding. Every record starts with wsn_hdr; strings
 * follow the fixed part and are referenced by wsn_str (offset from the record start, length
 * without NUL). The decoder checks every offset against the record size.
 *
 * Bump WSN_RECORD_VERSION whenever a layout changes: the skeleton and the decoder are built
 * together, the version only guards against mixing stale generated files.
 */
#ifndef WSN_COLLECT_EBPF_RECORD_H
#define WSN_COLLECT_EBPF_RECORD_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define WSN_RECORD_VERSION 4

/* Limits (documented in docs/ebpf-collector.md). */
#define WSN_ARGS_MAX 4096 /* bytes of argv captured per exec (NUL-separated) */
#define WSN_PATH_MAX 4096 /* longest path reported; longer ones are cut at the root side */
#define WSN_PATH_DEPTH 64 /* path components walked */
#define WSN_NAME_MAX 256  /* memfd names, exec filename as passed */
#define WSN_CGROUP_NAME_MAX 128
#define WSN_COMM_LEN 16
#define WSN_ENV_MAX 4096        /* bytes of the environment captured per exec (when enabled) */
#define WSN_READ_PREFIX_MAX 252 /* bytes of a read-interest path prefix (LPM trie key) */
#define WSN_READ_PREFIXES 256   /* entries in the read-interest trie */
#define WSN_DNS_MAX 512         /* bytes of a DNS response kept (the classic UDP message size) */

/* Record kinds (wsn_hdr.kind). */
enum wsn_kind {
  WSN_REC_EXEC = 1,
  WSN_REC_FORK = 2,
  WSN_REC_EXIT = 3,
  WSN_REC_FILE = 4,
  WSN_REC_NET = 5,
  WSN_REC_CRED = 6,
  WSN_REC_PTRACE = 7,
  WSN_REC_MEMFD = 8,
  WSN_REC_MODULE = 9,
  WSN_REC_DNS = 10,
};

/* wsn_file_rec.op */
enum wsn_file_op {
  WSN_FILE_OPEN = 1,       /* read-only open (interest-filtered by path prefix) */
  WSN_FILE_OPEN_WRITE = 2, /* open for writing of an existing file */
  WSN_FILE_CREATE = 3,     /* open that created the file */
  WSN_FILE_UNLINK = 4,
  WSN_FILE_RENAME = 5,
  WSN_FILE_CHMOD = 6,
  WSN_FILE_CHOWN = 7,
};

/* wsn_net_rec.op */
enum wsn_net_op { WSN_NET_CONNECT = 1, WSN_NET_ACCEPT = 2, WSN_NET_BIND = 3, WSN_NET_DISCONNECT = 4 };

/* wsn_net_rec.ret of a WSN_NET_DISCONNECT: which side opened the connection. Addresses are
 * oriented as that opening was reported: egress source = local, ingress source = remote. */
enum wsn_conn_dir { WSN_DIR_UNKNOWN = 0, WSN_DIR_EGRESS = 1, WSN_DIR_INGRESS = 2 };

/* wsn_cred_rec.op */
enum wsn_cred_op {
  WSN_CRED_SETUID = 1,
  WSN_CRED_SETGID = 2,
  WSN_CRED_CAPSET = 3,
  WSN_CRED_SETSID = 4, /* a new session: wsn_cred_rec.ret is its id */
};

/* wsn_module_rec.op */
enum wsn_module_op { WSN_MODULE_INIT = 1, WSN_MODULE_FINIT = 2 };

/* Watched syscalls: the loader maps the host's syscall numbers to these tags
 * (wsn_syscall_tags), so the BPF side never needs an architecture's numbering. */
#define WSN_MAX_SYSCALLS 1024
enum wsn_sys {
  WSN_SYS_NONE = 0,
  WSN_SYS_OPEN,
  WSN_SYS_OPENAT,
  WSN_SYS_OPENAT2,
  WSN_SYS_CREAT,
  WSN_SYS_UNLINK,
  WSN_SYS_UNLINKAT,
  WSN_SYS_RMDIR,
  WSN_SYS_RENAME,
  WSN_SYS_RENAMEAT,
  WSN_SYS_RENAMEAT2,
  WSN_SYS_CHMOD,
  WSN_SYS_FCHMOD,
  WSN_SYS_FCHMODAT,
  WSN_SYS_FCHMODAT2,
  WSN_SYS_CHOWN,
  WSN_SYS_LCHOWN,
  WSN_SYS_FCHOWN,
  WSN_SYS_FCHOWNAT,
  WSN_SYS_CONNECT,
  WSN_SYS_ACCEPT,
  WSN_SYS_ACCEPT4,
  WSN_SYS_BIND,
  WSN_SYS_SETUID,
  WSN_SYS_SETREUID,
  WSN_SYS_SETRESUID,
  WSN_SYS_SETFSUID,
  WSN_SYS_SETGID,
  WSN_SYS_SETREGID,
  WSN_SYS_SETRESGID,
  WSN_SYS_SETFSGID,
  WSN_SYS_CAPSET,
  WSN_SYS_SETSID,
  WSN_SYS_PTRACE,
  WSN_SYS_MEMFD_CREATE,
  WSN_SYS_INIT_MODULE,
  WSN_SYS_FINIT_MODULE,
  WSN_SYS_COUNT,
};

/* Exit-handler families (index into the wsn_exit_progs tail-call array). */
enum wsn_family {
  WSN_FAM_OPEN = 0, /* open openat openat2 creat */
  WSN_FAM_PATH = 1, /* unlink rename chmod chown families */
  WSN_FAM_SOCK = 2, /* connect accept accept4 bind */
  WSN_FAM_CRED = 3, /* set*id capset setsid */
  WSN_FAM_PTRACE = 4,
  WSN_FAM_MEMFD = 5,
  WSN_FAM_MODULE = 6,
  WSN_FAM_COUNT = 7,
};

static inline int wsn_sys_family(unsigned tag) {
  if (tag >= WSN_SYS_OPEN && tag <= WSN_SYS_CREAT) return WSN_FAM_OPEN;
  if (tag >= WSN_SYS_UNLINK && tag <= WSN_SYS_FCHOWNAT) return WSN_FAM_PATH;
  if (tag >= WSN_SYS_CONNECT && tag <= WSN_SYS_BIND) return WSN_FAM_SOCK;
  if (tag >= WSN_SYS_SETUID && tag <= WSN_SYS_SETSID) return WSN_FAM_CRED;
  if (tag == WSN_SYS_PTRACE) return WSN_FAM_PTRACE;
  if (tag == WSN_SYS_MEMFD_CREATE) return WSN_FAM_MEMFD;
  if (tag == WSN_SYS_INIT_MODULE || tag == WSN_SYS_FINIT_MODULE) return WSN_FAM_MODULE;
  return -1;
}

/* Per-CPU counters (wsn_counters map index). */
enum wsn_counter {
  WSN_CNT_RINGBUF_DROPS = 0, /* records lost: ring buffer full */
  WSN_CNT_PATH_TRUNCATED = 1,
  WSN_CNT_ARGS_TRUNCATED = 2,
  WSN_CNT_COUNT = 3,
};

/* Record flags (wsn_hdr.flags). */
#define WSN_F_PATH_TRUNCATED 0x1
#define WSN_F_ARGS_TRUNCATED 0x2
#define WSN_F_SCRIPT 0x4      /* exec through an interpreter (#!): executable = the filename */
#define WSN_F_INTERACTIVE 0x8 /* exec: stdin and stderr are the controlling terminal */

struct wsn_str {
  __u16 off; /* from the start of the record; 0 with len 0 means absent */
  __u16 len;
};

struct wsn_hdr {
  __u16 kind;
  __u16 size; /* total record size in bytes */
  __u32 tgid; /* process id of the acting task */
  __u32 tid;
  __u32 ppid; /* its real parent's process id now (orphans: the reaper) */
  __u32 flags;
  __u32 pad0;
  __u32 uid; /* real/effective ids of the acting task when the record was written */
  __u32 gid;
  __u32 euid;
  __u32 egid;
  __u64 ts;        /* CLOCK_BOOTTIME ns */
  __u64 cgroup_id; /* cgroup v2 id */
  char comm[WSN_COMM_LEN];
};

struct wsn_exec_rec {
  struct wsn_hdr h;
  __u32 ppid;           /* real parent's tgid */
  __u32 argc;           /* true argument count (args may hold fewer when truncated) */
  __u64 start_boottime; /* group leader's start, CLOCK_BOOTTIME ns */
  __u32 sid;            /* session id (initial pid namespace) */
  __u32 pgid;           /* process group id */
  __u32 tty_major;      /* controlling terminal's character device; 0/0: none */
  __u32 tty_minor;
  __u32 suid; /* saved set-user / set-group ids after the exec */
  __u32 sgid;
  struct wsn_str filename;   /* as passed to execve */
  struct wsn_str executable; /* absolute path of the executed file */
  struct wsn_str args;       /* NUL-separated argv bytes */
  struct wsn_str cwd;
  struct wsn_str cgroup; /* leaf cgroup name (container id source) */
  struct wsn_str env;    /* NUL-separated environment bytes (only when capture is on) */
};

struct wsn_fork_rec {
  struct wsn_hdr h; /* the parent */
  __u32 child_tgid;
  __u32 child_ppid;
  __u64 child_start_boottime;
};

struct wsn_exit_rec {
  struct wsn_hdr h;
  __u32 exit_status; /* wait(2) status: code << 8 | signal */
  __u32 ppid;
  __u64 start_boottime;
};

struct wsn_file_rec {
  struct wsn_hdr h;
  __u16 op;
  __u16 pad0;
  __u32 mode;      /* chmod: new mode; open/create: file mode after open */
  __u32 owner_uid; /* chown: new uid / gid ((__u32)-1 = unchanged) */
  __u32 owner_gid;
  __u32 open_flags;
  __s32 ret;
  struct wsn_str path; /* absolute when dir is absent, else relative to dir */
  struct wsn_str dir;
  struct wsn_str path2; /* rename: the new name, relative to dir2 when set */
  struct wsn_str dir2;
};

struct wsn_net_rec {
  struct wsn_hdr h;
  __u16 op;
  __u16 family;   /* AF_INET / AF_INET6 */
  __u16 protocol; /* IPPROTO_TCP / IPPROTO_UDP / ... */
  __u16 sock_type;
  __u16 sport; /* host byte order */
  __u16 dport;
  __s32 ret;
  __u8 saddr[16]; /* IPv4 in the first 4 bytes when family == AF_INET */
  __u8 daddr[16];
};

struct wsn_cred_rec {
  struct wsn_hdr h; /* ids after the call */
  __u16 op;
  __u16 pad0;
  __s32 ret;
  __u32 old_uid;
  __u32 old_euid;
  __u32 old_gid;
  __u32 old_egid;
  __u64 old_cap_effective;
  __u64 cap_effective;
  __u64 cap_permitted;
};

struct wsn_ptrace_rec {
  struct wsn_hdr h;
  __s64 request;
  __u32 target_pid;
  __s32 ret;
};

struct wsn_memfd_rec {
  struct wsn_hdr h;
  __u32 flags;
  __s32 ret;
  struct wsn_str name;
};

struct wsn_module_rec {
  struct wsn_hdr h;
  __u16 op;
  __u16 pad0;
  __s32 ret;
  __u32 flags;
  __u32 pad1;
  struct wsn_str path; /* finit_module: the module file */
};

/* A DNS response delivered to a local UDP socket (cgroup_skb ingress: softirq context, so the
 * header names no process; user space finds the one that asked by the local address and port,
 * from its connect record). */
struct wsn_dns_rec {
  struct wsn_hdr h;
  __u16 family;   /* AF_INET / AF_INET6 */
  __u16 sport;    /* the server's port (53), host byte order */
  __u16 dport;    /* the local socket's port */
  __u16 len;      /* payload bytes that follow the fixed part */
  __u8 saddr[16]; /* the server */
  __u8 daddr[16]; /* the local address */
};

#endif /* WSN_COLLECT_EBPF_RECORD_H */
