/* File activity: opens (read / write / create), unlink, rename, chmod, chown.
 *
 * The exit handlers build a record only when the call succeeded, so failed attempts cost no
 * ring-buffer space. Opened files are named from the new descriptor (dentry walk: absolute,
 * symlinks resolved); the other calls report the path string the caller passed plus the
 * directory it is relative to. */
#ifndef WSN_COLLECT_EBPF_FILE_BPF_H
#define WSN_COLLECT_EBPF_FILE_BPF_H

#include "common.bpf.h"

/* Character devices every shell writes to (null, zero, full, random, urandom, ttys, ptys):
 * reporting them would flood the ring without telling anything. */
static __always_inline int wsn_boring_chrdev(__u32 rdev) {
  __u32 major = rdev >> 20, minor = rdev & 0xfffff;
  if (major == 1) return minor == 3 || minor == 5 || minor == 7 || minor == 8 || minor == 9;
  return major == 4 || major == 5 || (major >= 136 && major <= 143);
}

/* True when the absolute path (dir + "/" + path, or path alone) starts with a configured
 * read-interest prefix. Only the first WSN_READ_PREFIX_MAX bytes take part. */
static __always_inline int wsn_read_wanted(__u8 *buf, const struct wsn_str *path,
                                           const struct wsn_str *dir) {
  __u32 zero = 0;
  struct wsn_pathbuf *pb = bpf_map_lookup_elem(&wsn_path_map, &zero);
  if (!pb) return 0;
  struct wsn_prefix_key *key = (struct wsn_prefix_key *)&pb->b[WSN_PATH_MAX];
  __u64 n = 0;
  if (dir->len) {
    __u64 dl = dir->len;
    asm volatile("if %0 <= 252 goto +1; %0 = 252;" : "+r"(dl));
    bpf_probe_read_kernel(key->data, dl, &buf[wsn_rec_off(dir->off)]);
    n = dl;
    if (n < WSN_READ_PREFIX_MAX) {
      key->data[n & 255] = '/';
      n++;
    }
  }
  __u64 pl = path->len;
  __u64 room = WSN_READ_PREFIX_MAX - n;
  if (pl > room) pl = room;
  asm volatile("if %0 <= 252 goto +1; %0 = 252;" : "+r"(pl));
  n &= 255;
  bpf_probe_read_kernel(&key->data[n], pl, &buf[wsn_rec_off(path->off)]);
  key->prefixlen = (n + pl) * 8;
  return bpf_map_lookup_elem(&wsn_read_prefixes, key) != NULL;
}

/* open / openat / openat2 / creat. The file is classified from the opened descriptor
 * (created or not, its type), and named as the caller asked for it, made absolute. */
SEC("tracepoint")
int wsn_exit_open(struct trace_event_raw_sys_exit *ctx) {
  struct wsn_inflight in;
  if (!wsn_pop_inflight(&in)) return 0;
  long ret = ctx->ret;
  if (ret < 0) return 0;
  struct file *f = wsn_fd_file(ret);
  if (!f) return 0;
  __u32 fmode = BPF_CORE_READ(f, f_mode);
  __u16 imode = BPF_CORE_READ(f, f_inode, i_mode);
  __u32 type = imode & S_IFMT;
  if (type == S_IFCHR) {
    if (wsn_boring_chrdev(BPF_CORE_READ(f, f_inode, i_rdev))) return 0;
  } else if (type != S_IFREG && type != S_IFBLK) {
    return 0;
  }
  __u16 op;
  if (fmode & FMODE_CREATED)
    op = WSN_FILE_CREATE;
  else if (in.aux & (O_WRONLY | O_RDWR | O_TRUNC))
    op = WSN_FILE_OPEN_WRITE;
  else
    op = WSN_FILE_OPEN;
  if (op == WSN_FILE_OPEN && wsn_reads_mode == 0) return 0;
  if (op == WSN_FILE_OPEN_WRITE && !wsn_want_open_write) return 0;
  if (op == WSN_FILE_CREATE && !wsn_want_create) return 0;

  int dirfd = AT_FDCWD;
  const char *upath = (const char *)in.args[0];
  if (in.tag == WSN_SYS_OPENAT || in.tag == WSN_SYS_OPENAT2) {
    dirfd = in.args[0];
    upath = (const char *)in.args[1];
  }
  struct wsn_scratch *sc = wsn_scratch();
  if (!sc) return 0;
  __u8 *buf = sc->rec;
  struct wsn_file_rec *r = (struct wsn_file_rec *)buf;
  __builtin_memset(r, 0, sizeof(*r));
  wsn_fill_hdr(&r->h, WSN_REC_FILE);
  r->op = op;
  r->mode = imode;
  r->open_flags = (__u32)in.aux;
  r->ret = ret;
  r->owner_uid = (__u32)-1;
  r->owner_gid = (__u32)-1;
  __u64 off = wsn_put_user_path(buf, sizeof(*r), &r->path, &r->dir, dirfd, upath, &r->h.flags);
  if (r->path.len == 0) return 0;
  if (op == WSN_FILE_OPEN && wsn_reads_mode == 1 && !(in.aux & WSN_OPEN_READ_MATCHED) &&
      !wsn_read_wanted(buf, &r->path, &r->dir))
    return 0;
  wsn_emit(buf, off);
  return 0;
}

/* unlink / rename / chmod / chown family (one program, attached to every exit). */
SEC("tracepoint")
int wsn_exit_path(struct trace_event_raw_sys_exit *ctx) {
  struct wsn_inflight in;
  if (!wsn_pop_inflight(&in)) return 0;
  if (ctx->ret != 0) return 0;

  __u16 op = 0;
  int dirfd = AT_FDCWD, dirfd2 = AT_FDCWD, fd = -1;
  const char *p1 = NULL, *p2 = NULL;
  __u32 mode = 0, uid = (__u32)-1, gid = (__u32)-1;
  switch (in.tag) {
    case WSN_SYS_UNLINK:
    case WSN_SYS_RMDIR:
      op = WSN_FILE_UNLINK;
      p1 = (const char *)in.args[0];
      break;
    case WSN_SYS_UNLINKAT:
      op = WSN_FILE_UNLINK;
      dirfd = in.args[0];
      p1 = (const char *)in.args[1];
      break;
    case WSN_SYS_RENAME:
      op = WSN_FILE_RENAME;
      p1 = (const char *)in.args[0];
      p2 = (const char *)in.args[1];
      break;
    case WSN_SYS_RENAMEAT:
    case WSN_SYS_RENAMEAT2:
      op = WSN_FILE_RENAME;
      dirfd = in.args[0];
      p1 = (const char *)in.args[1];
      dirfd2 = in.args[2];
      p2 = (const char *)in.args[3];
      break;
    case WSN_SYS_CHMOD:
      op = WSN_FILE_CHMOD;
      p1 = (const char *)in.args[0];
      mode = in.args[1];
      break;
    case WSN_SYS_FCHMOD:
      op = WSN_FILE_CHMOD;
      fd = in.args[0];
      mode = in.args[1];
      break;
    case WSN_SYS_FCHMODAT:
    case WSN_SYS_FCHMODAT2:
      op = WSN_FILE_CHMOD;
      dirfd = in.args[0];
      p1 = (const char *)in.args[1];
      mode = in.args[2];
      break;
    case WSN_SYS_CHOWN:
    case WSN_SYS_LCHOWN:
      op = WSN_FILE_CHOWN;
      p1 = (const char *)in.args[0];
      uid = in.args[1];
      gid = in.args[2];
      break;
    case WSN_SYS_FCHOWN:
      op = WSN_FILE_CHOWN;
      fd = in.args[0];
      uid = in.args[1];
      gid = in.args[2];
      break;
    case WSN_SYS_FCHOWNAT:
      op = WSN_FILE_CHOWN;
      dirfd = in.args[0];
      p1 = (const char *)in.args[1];
      uid = in.args[2];
      gid = in.args[3];
      break;
    default:
      return 0;
  }

  struct wsn_scratch *sc = wsn_scratch();
  if (!sc) return 0;
  __u8 *buf = sc->rec;
  struct wsn_file_rec *r = (struct wsn_file_rec *)buf;
  __builtin_memset(r, 0, sizeof(*r));
  wsn_fill_hdr(&r->h, WSN_REC_FILE);
  r->op = op;
  r->mode = mode;
  r->owner_uid = uid;
  r->owner_gid = gid;
  __u64 off = sizeof(*r);
  if (fd >= 0) {
    struct file *f = wsn_fd_file(fd);
    if (f) off = wsn_put_path(buf, off, &r->path, &f->f_path, &r->h.flags);
  } else {
    off = wsn_put_user_path(buf, off, &r->path, &r->dir, dirfd, p1, &r->h.flags);
  }
  if (p2) off = wsn_put_user_path(buf, off, &r->path2, &r->dir2, dirfd2, p2, &r->h.flags);
  wsn_emit(buf, off);
  return 0;
}

#endif /* WSN_COLLECT_EBPF_FILE_BPF_H */
