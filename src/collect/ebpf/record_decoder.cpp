#include "collect/ebpf/record_decoder.h"

#include <charconv>
#include <cstring>

#include "collect/ebpf/bpf/wsn_record.h"
#include "collect/ebpf/container_id.h"

namespace wsn::collect {
namespace {

constexpr int kAfInet = 2;
constexpr int kAfInet6 = 10;
constexpr int kEinprogress = 115;

// Integer → decimal text without allocating (SSO-sized result).
struct Dec {
  char buf[24];
  size_t len;
  explicit Dec(uint64_t v) { len = std::to_chars(buf, buf + sizeof(buf), v).ptr - buf; }
  std::string_view view() const { return {buf, len}; }
};

CategoryId category_id(std::string_view c) {
  if (c == "process") return categories::kProcess;
  if (c == "file") return categories::kFile;
  if (c == "network") return categories::kNetwork;
  if (c == "driver") return categories::kDriver;
  return categories::kUnknown;
}

std::string_view transport_name(uint16_t proto) {
  switch (proto) {
    case 6:
      return "tcp";
    case 17:
      return "udp";
    case 1:
      return "icmp";
    case 58:
      return "ipv6-icmp";
    case 132:
      return "sctp";
    case 136:
      return "udplite";
    default:
      return {};
  }
}

constexpr const char* kCapNames[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};
constexpr const char* kUnknownCaps[] = {
    "CAP_41", "CAP_42", "CAP_43", "CAP_44", "CAP_45", "CAP_46", "CAP_47", "CAP_48",
    "CAP_49", "CAP_50", "CAP_51", "CAP_52", "CAP_53", "CAP_54", "CAP_55", "CAP_56",
    "CAP_57", "CAP_58", "CAP_59", "CAP_60", "CAP_61", "CAP_62", "CAP_63",
};
static_assert(std::size(kCapNames) + std::size(kUnknownCaps) == 64);

// IPv4 in the first 4 bytes (AF_INET) or 16 bytes of IPv6; v4-mapped v6 becomes IPv4.
IpAddress make_ip(int family, const uint8_t* raw) {
  IpAddress a;
  if (family == kAfInet) {
    a.bytes[10] = 0xff;
    a.bytes[11] = 0xff;
    std::memcpy(&a.bytes[12], raw, 4);
    a.is_v4 = true;
    return a;
  }
  std::memcpy(a.bytes.data(), raw, 16);
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  a.is_v4 = std::memcmp(raw, kMapped, 12) == 0;
  return a;
}

template <typename T>
bool load(std::span<const uint8_t> rec, T& out) {
  if (rec.size() < sizeof(T)) return false;
  std::memcpy(&out, rec.data(), sizeof(T));
  return true;
}

}  // namespace

std::string join_path(std::string_view dir, std::string_view rel) {
  std::string out;
  if (rel.empty() || rel.front() != '/') out.assign(dir);
  std::string_view rest = rel;
  while (!rest.empty()) {
    const size_t slash = rest.find('/');
    const std::string_view part = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      const size_t last = out.rfind('/');
      out.resize(last == std::string::npos ? 0 : last);
      continue;
    }
    if (out.empty() || out.back() != '/') out += '/';
    out += part;
  }
  if (out.empty()) out = "/";
  return out;
}

std::string format_file_mode(uint32_t mode) {
  char buf[8];
  const auto r = std::to_chars(buf, buf + sizeof(buf), mode & 07777, 8);
  std::string digits(buf, r.ptr);
  if (digits.size() < 4) digits.insert(0, 4 - digits.size(), '0');
  return digits;
}

std::vector<std::string_view> capability_names(uint64_t caps) {
  std::vector<std::string_view> out;
  for (unsigned bit = 0; bit < 64; ++bit) {
    if ((caps & (uint64_t{1} << bit)) == 0) continue;
    out.emplace_back(bit < std::size(kCapNames) ? kCapNames[bit]
                                                : kUnknownCaps[bit - std::size(kCapNames)]);
  }
  return out;
}

int64_t exit_code_from_status(uint32_t status) {
  const uint32_t sig = status & 0x7f;
  if (sig == 0) return (status >> 8) & 0xff;
  return 128 + sig;
}

RecordDecoder::RecordDecoder(ProcessTable& table, UserNames& users, EbpfInterest interest,
                             std::string host_name)
    : table_(table),
      users_(users),
      interest_(std::move(interest)),
      host_name_(std::move(host_name)) {
  views_.reserve(64);
}

RecordDecoder::Outcome RecordDecoder::malformed(std::string message) {
  error_ = std::move(message);
  return Outcome::kMalformed;
}

bool RecordDecoder::str(std::span<const uint8_t> rec, const void* desc, std::string_view& out) {
  wsn_str s;
  std::memcpy(&s, desc, sizeof(s));
  out = {};
  if (s.len == 0) return true;
  if (static_cast<size_t>(s.off) + s.len > rec.size() || s.off < sizeof(wsn_hdr)) {
    error_ = "string at offset " + std::to_string(s.off) + " length " + std::to_string(s.len) +
             " exceeds the record (" + std::to_string(rec.size()) + " bytes)";
    return false;
  }
  out = std::string_view(reinterpret_cast<const char*>(rec.data()) + s.off, s.len);
  return true;
}

RecordDecoder::Outcome RecordDecoder::decode(std::span<const uint8_t> rec, Event& out) {
  out.clear();
  wsn_hdr h;
  if (!load(rec, h))
    return malformed("record of " + std::to_string(rec.size()) + " bytes has no header");
  if (h.size > rec.size() || h.size < sizeof(wsn_hdr)) {
    return malformed("record size field " + std::to_string(h.size) + " does not match its " +
                     std::to_string(rec.size()) + " bytes");
  }
  rec = rec.first(h.size);
  switch (h.kind) {
    case WSN_REC_EXEC:
      return exec(rec, out);
    case WSN_REC_FORK:
      return fork(rec, out);
    case WSN_REC_EXIT:
      return exit(rec, out);
    case WSN_REC_FILE:
      return file(rec, out);
    case WSN_REC_NET:
      return net(rec, out);
    case WSN_REC_CRED:
      return cred(rec, out);
    case WSN_REC_PTRACE:
      return ptrace(rec, out);
    case WSN_REC_MEMFD:
      return memfd(rec, out);
    case WSN_REC_MODULE:
      return module(rec, out);
    default:
      return malformed("unknown record kind " + std::to_string(h.kind));
  }
}

const ProcessInfo& RecordDecoder::actor(const wsn_hdr& h) {
  const auto pid = static_cast<int32_t>(h.tgid);
  const auto ppid = static_cast<int32_t>(h.ppid);
  if (const ProcessInfo* p = table_.lookup(pid)) {
    // Orphans are re-parented (to init or a subreaper): name the parent the kernel names now.
    if (ppid > 0 && p->ppid != ppid) table_.reparent(pid, ppid);
    return *p;
  }
  // Gone before we could read /proc: keep what the header tells.
  ProcessInfo p;
  p.pid = pid;
  p.ppid = ppid;
  p.name.assign(h.comm, strnlen(h.comm, sizeof(h.comm)));
  p.uid = h.uid;
  p.euid = h.euid;
  p.gid = h.gid;
  p.egid = h.egid;
  return table_.remember(std::move(p));
}

void RecordDecoder::set_string_list(Event& e, uint16_t field,
                                    const std::vector<std::string>& items) {
  views_.clear();
  for (const auto& s : items) views_.emplace_back(s);
  e.set_string_list(field, views_);
}

void RecordDecoder::set_common(Event& e, const wsn_hdr& h, EbpfEvent kind, EventOutcome outcome) {
  const EbpfEventInfo& info = ebpf_event_info(kind);
  e.set_timestamp(fields::kTimestamp, static_cast<int64_t>(h.ts) + clock_offset_ns_);
  e.set_string(fields::kEventKind, "event");
  const std::string_view category[] = {info.category};
  e.set_string_list(fields::kEventCategory, category);
  e.set_category(category_id(info.category));
  const std::string_view type[] = {info.type};
  e.set_string_list(fields::kEventType, type);
  e.set_string(fields::kEventAction, info.action);
  if (outcome != EventOutcome::kNone) {
    e.set_string(fields::kEventOutcome, outcome == EventOutcome::kSuccess ? "success" : "failure");
  }
  if (!host_name_.empty()) e.set_string(fields::kHostName, host_name_);
  for (const HostField& f : host_) e.set_string(f.id, f.value);
  // user.* / group.* are the effective ids, as Elastic Defend reports them (its rules read
  // user.id == "0" for "runs as root"); setuid / setgid events keep the new identity there.
  if (info.category == "process" && kind != EbpfEvent::kSetuid && kind != EbpfEvent::kSetgid) {
    e.set_string(fields::kUserId, Dec(h.euid).view());
    if (auto n = users_.user(h.euid); !n.empty()) e.set_string(fields::kUserName, n);
    e.set_string(fields::kGroupId, Dec(h.egid).view());
    if (auto n = users_.group(h.egid); !n.empty()) e.set_string(fields::kGroupName, n);
  }
}

void RecordDecoder::set_process(Event& e, const ProcessInfo& p, uint32_t uid, uint32_t gid) {
  e.set_int(fields::kProcessPid, p.pid);
  e.set_string(fields::kProcessEntityId, p.entity_id);
  if (!p.name.empty()) e.set_string(fields::kProcessName, p.name);
  if (!p.executable.empty()) e.set_string(fields::kProcessExecutable, p.executable);
  if (!p.args.empty()) {
    e.set_string(fields::kProcessCommandLine, p.command_line);
    set_string_list(e, fields::kProcessArgs, p.args);
    e.set_int(fields::kProcessArgsCount,
              p.args_count != 0 ? p.args_count : static_cast<int64_t>(p.args.size()));
  }
  if (!p.working_directory.empty()) {
    e.set_string(fields::kProcessWorkingDirectory, p.working_directory);
  }
  if (p.start_ns != 0) {
    e.set_timestamp(fields::kProcessStart, static_cast<int64_t>(p.start_ns) + clock_offset_ns_);
  }
  // process.user / process.group are the real ids: a setuid binary does not change them, an
  // explicit setuid() does (docs/sample-data.md, "Collector conventions").
  e.set_string(fields::kProcessUserId, Dec(uid).view());
  if (auto n = users_.user(uid); !n.empty()) e.set_string(fields::kProcessUserName, n);
  e.set_string(fields::kProcessGroupId, Dec(gid).view());
  if (auto n = users_.group(gid); !n.empty()) e.set_string(fields::kProcessGroupName, n);
  if (!p.container_id.empty()) e.set_string(fields::kContainerId, p.container_id);

  if (p.ppid <= 0) return;
  e.set_int(fields::kProcessParentPid, p.ppid);
  if (const ProcessInfo* parent = table_.lookup(p.ppid)) {
    e.set_string(fields::kProcessParentEntityId, parent->entity_id);
    if (!parent->name.empty()) e.set_string(fields::kProcessParentName, parent->name);
    if (!parent->executable.empty()) {
      e.set_string(fields::kProcessParentExecutable, parent->executable);
    }
    if (!parent->args.empty()) {
      e.set_string(fields::kProcessParentCommandLine, parent->command_line);
      set_string_list(e, fields::kProcessParentArgs, parent->args);
    }
  }
}

void RecordDecoder::set_file_path(Event& e, std::string_view path) {
  e.set_string(fields::kFilePath, path);
  const size_t slash = path.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (!name.empty()) e.set_string(fields::kFileName, name);
  if (slash != std::string_view::npos) {
    e.set_string(fields::kFileDirectory,
                 slash == 0 ? std::string_view("/") : path.substr(0, slash));
  }
  if (const size_t dot = name.rfind('.');
      dot != std::string_view::npos && dot > 0 && dot + 1 < name.size()) {
    e.set_string(fields::kFileExtension, name.substr(dot + 1));
  }
}

RecordDecoder::Outcome RecordDecoder::exec(std::span<const uint8_t> rec, Event& e) {
  wsn_exec_rec r;
  if (!load(rec, r)) return malformed("exec record too short");
  std::string_view filename, exe, args, cwd, cgroup;
  if (!str(rec, &r.filename, filename) || !str(rec, &r.executable, exe) ||
      !str(rec, &r.args, args) || !str(rec, &r.cwd, cwd) || !str(rec, &r.cgroup, cgroup)) {
    return malformed("exec: " + error_);
  }
  ProcessInfo info;
  info.pid = static_cast<int32_t>(r.h.tgid);
  info.ppid = static_cast<int32_t>(r.ppid);
  info.start_ns = r.start_boottime;
  // A script run through its #! line is the program: named as execve was asked, made absolute.
  if ((r.h.flags & WSN_F_SCRIPT) != 0 || exe.empty()) {
    info.executable = join_path(cwd.empty() ? std::string_view("/") : cwd, filename);
  } else {
    info.executable.assign(exe);
  }
  info.name.assign(r.h.comm, strnlen(r.h.comm, sizeof(r.h.comm)));  // the kernel comm
  // argv: NUL-separated; the final NUL ends the last argument rather than starting another.
  while (!args.empty()) {
    const size_t nul = args.find('\0');
    info.args.emplace_back(args.substr(0, nul));
    if (nul == std::string_view::npos) break;
    args.remove_prefix(nul + 1);
  }
  info.args_count = r.argc;
  info.working_directory.assign(cwd);
  info.container_id = container_id_from_cgroup(cgroup);
  info.uid = r.h.uid;
  info.euid = r.h.euid;
  info.gid = r.h.gid;
  info.egid = r.h.egid;
  const ProcessInfo& p = table_.on_exec(std::move(info));
  if (!interest_.wants(EbpfEvent::kExec)) return Outcome::kSkip;
  set_common(e, r.h, EbpfEvent::kExec, EventOutcome::kSuccess);
  set_process(e, p, r.h.uid, r.h.gid);
  return Outcome::kEvent;
}

RecordDecoder::Outcome RecordDecoder::fork(std::span<const uint8_t> rec, Event& e) {
  wsn_fork_rec r;
  if (!load(rec, r)) return malformed("fork record too short");
  const ProcessInfo& child =
      table_.on_fork(static_cast<int32_t>(r.h.tgid), static_cast<int32_t>(r.child_tgid),
                     static_cast<int32_t>(r.child_ppid), r.child_start_boottime);
  if (!interest_.wants(EbpfEvent::kFork)) return Outcome::kSkip;
  set_common(e, r.h, EbpfEvent::kFork, EventOutcome::kNone);
  set_process(e, child, r.h.uid, r.h.gid);
  return Outcome::kEvent;
}

RecordDecoder::Outcome RecordDecoder::exit(std::span<const uint8_t> rec, Event& e) {
  wsn_exit_rec r;
  if (!load(rec, r)) return malformed("exit record too short");
  const auto pid = static_cast<int32_t>(r.h.tgid);
  if (table_.find(pid) == nullptr) {
    ProcessInfo info;
    info.pid = pid;
    info.ppid = static_cast<int32_t>(r.ppid);
    info.start_ns = r.start_boottime;
    info.name.assign(r.h.comm, strnlen(r.h.comm, sizeof(r.h.comm)));
    info.uid = r.h.uid;
    info.euid = r.h.euid;
    info.gid = r.h.gid;
    info.egid = r.h.egid;
    table_.remember(std::move(info));
  } else if (r.ppid > 0) {
    table_.reparent(pid, static_cast<int32_t>(r.ppid));
  }
  const ProcessInfo* p = table_.on_exit(pid, r.start_boottime);
  if (p == nullptr || !interest_.wants(EbpfEvent::kExit)) return Outcome::kSkip;
  const int64_t code = exit_code_from_status(r.exit_status);
  set_common(e, r.h, EbpfEvent::kExit, code == 0 ? EventOutcome::kSuccess : EventOutcome::kFailure);
  set_process(e, *p, r.h.uid, r.h.gid);
  e.set_int(fields::kProcessExitCode, code);
  return Outcome::kEvent;
}

RecordDecoder::Outcome RecordDecoder::file(std::span<const uint8_t> rec, Event& e) {
  wsn_file_rec r;
  if (!load(rec, r)) return malformed("file record too short");
  EbpfEvent kind;
  switch (r.op) {
    case WSN_FILE_OPEN:
      kind = EbpfEvent::kFileOpen;
      break;
    case WSN_FILE_OPEN_WRITE:
      kind = EbpfEvent::kFileOpenWrite;
      break;
    case WSN_FILE_CREATE:
      kind = EbpfEvent::kFileCreate;
      break;
    case WSN_FILE_UNLINK:
      kind = EbpfEvent::kFileUnlink;
      break;
    case WSN_FILE_RENAME:
      kind = EbpfEvent::kFileRename;
      break;
    case WSN_FILE_CHMOD:
      kind = EbpfEvent::kFileChmod;
      break;
    case WSN_FILE_CHOWN:
      kind = EbpfEvent::kFileChown;
      break;
    default:
      return malformed("file record with unknown operation " + std::to_string(r.op));
  }
  std::string_view path, dir, path2, dir2;
  if (!str(rec, &r.path, path) || !str(rec, &r.dir, dir) || !str(rec, &r.path2, path2) ||
      !str(rec, &r.dir2, dir2)) {
    return malformed("file: " + error_);
  }
  if (path.empty()) return malformed("file record without a path");
  if (!interest_.wants(kind)) return Outcome::kSkip;
  const ProcessInfo& p = actor(r.h);
  set_common(e, r.h, kind, EventOutcome::kSuccess);
  set_process(e, p, r.h.uid, r.h.gid);
  // As the program asked for it, made absolute (relative to its cwd or dirfd).
  path_ = join_path(dir.empty() ? std::string_view("/") : dir, path);
  if (kind == EbpfEvent::kFileRename) {
    if (path2.empty()) return malformed("rename record without the new name");
    path2_ = join_path(dir2.empty() ? std::string_view("/") : dir2, path2);
    set_file_path(e, path2_);
    e.set_string(fields::kFileOriginalPath, path_);
  } else {
    set_file_path(e, path_);
  }
  if (kind == EbpfEvent::kFileChmod) e.set_string(fields::kFileMode, format_file_mode(r.mode));
  if (kind == EbpfEvent::kFileChown) {
    if (r.owner_uid != UINT32_MAX) {
      e.set_string(fields::kFileUid, Dec(r.owner_uid).view());
      if (auto n = users_.user(r.owner_uid); !n.empty()) e.set_string(fields::kFileOwner, n);
    }
    if (r.owner_gid != UINT32_MAX) {
      e.set_string(fields::kFileGid, Dec(r.owner_gid).view());
      if (auto n = users_.group(r.owner_gid); !n.empty()) e.set_string(fields::kFileGroup, n);
    }
  }
  return Outcome::kEvent;
}

RecordDecoder::Outcome RecordDecoder::net(std::span<const uint8_t> rec, Event& e) {
  wsn_net_rec r;
  if (!load(rec, r)) return malformed("network record too short");
  EbpfEvent kind;
  switch (r.op) {
    case WSN_NET_CONNECT:
      kind = EbpfEvent::kConnect;
      break;
    case WSN_NET_ACCEPT:
      kind = EbpfEvent::kAccept;
      break;
    case WSN_NET_BIND:
      kind = EbpfEvent::kBind;
      break;
    default:
      return malformed("network record with unknown operation " + std::to_string(r.op));
  }
  if (r.family != kAfInet && r.family != kAfInet6) {
    return malformed("network record with address family " + std::to_string(r.family));
  }
  if (!interest_.wants(kind)) return Outcome::kSkip;
  const bool ok = kind != EbpfEvent::kConnect || r.ret == 0 || r.ret == -kEinprogress;
  const ProcessInfo& p = actor(r.h);
  set_common(e, r.h, kind, ok ? EventOutcome::kSuccess : EventOutcome::kFailure);
  set_process(e, p, r.h.uid, r.h.gid);
  const IpAddress src = make_ip(r.family, r.saddr);
  e.set_ip(fields::kSourceIp, src);
  if (r.sport != 0) e.set_int(fields::kSourcePort, r.sport);
  if (kind != EbpfEvent::kBind) {
    e.set_ip(fields::kDestinationIp, make_ip(r.family, r.daddr));
    if (r.dport != 0) e.set_int(fields::kDestinationPort, r.dport);
    e.set_string(fields::kNetworkDirection, kind == EbpfEvent::kConnect ? "egress" : "ingress");
  }
  if (auto t = transport_name(r.protocol); !t.empty()) e.set_string(fields::kNetworkTransport, t);
  e.set_string(fields::kNetworkType, src.is_v4 ? "ipv4" : "ipv6");
  return Outcome::kEvent;
}

RecordDecoder::Outcome RecordDecoder::cred(std::span<const uint8_t> rec, Event& e) {
  wsn_cred_rec r;
  if (!load(rec, r)) return malformed("credential record too short");
  EbpfEvent kind;
  switch (r.op) {
    case WSN_CRED_SETUID:
      kind = EbpfEvent::kSetuid;
      break;
    case WSN_CRED_SETGID:
      kind = EbpfEvent::kSetgid;
      break;
    case WSN_CRED_CAPSET:
      kind = EbpfEvent::kCapset;
      break;
    default:
      return malformed("credential record with unknown operation " + std::to_string(r.op));
  }
  if (!interest_.wants(kind)) return Outcome::kSkip;
  const ProcessInfo& p = actor(r.h);
  set_common(e, r.h, kind, EventOutcome::kSuccess);
  // user.* / group.* = the new identity, process.user.* / process.group.* = the one before.
  if (kind == EbpfEvent::kSetuid) {
    set_process(e, p, r.old_uid, r.h.gid);
    e.set_string(fields::kUserId, Dec(r.h.uid).view());
    if (auto n = users_.user(r.h.uid); !n.empty()) e.set_string(fields::kUserName, n);
  } else if (kind == EbpfEvent::kSetgid) {
    set_process(e, p, r.h.uid, r.old_gid);
    e.set_string(fields::kGroupId, Dec(r.h.gid).view());
    if (auto n = users_.group(r.h.gid); !n.empty()) e.set_string(fields::kGroupName, n);
  } else {
    set_process(e, p, r.h.uid, r.h.gid);
    auto eff = capability_names(r.cap_effective);
    e.set_string_list(fields::kProcessCapabilitiesEffective, eff);
    auto perm = capability_names(r.cap_permitted);
    e.set_string_list(fields::kProcessCapabilitiesPermitted, perm);
  }
  return Outcome::kEvent;
}

RecordDecoder::Outcome RecordDecoder::ptrace(std::span<const uint8_t> rec, Event& e) {
  wsn_ptrace_rec r;
  if (!load(rec, r)) return malformed("ptrace record too short");
  if (!interest_.wants(EbpfEvent::kPtrace)) return Outcome::kSkip;
  const ProcessInfo& p = actor(r.h);
  set_common(e, r.h, EbpfEvent::kPtrace, EventOutcome::kSuccess);
  set_process(e, p, r.h.uid, r.h.gid);
  // The tracee, under target.process (docs/sample-data.md).
  e.set_int(fields::kTargetProcessPid, static_cast<int32_t>(r.target_pid));
  if (const ProcessInfo* t = table_.lookup(static_cast<int32_t>(r.target_pid))) {
    e.set_string(fields::kTargetProcessEntityId, t->entity_id);
    if (!t->name.empty()) e.set_string(fields::kTargetProcessName, t->name);
    if (!t->executable.empty()) e.set_string(fields::kTargetProcessExecutable, t->executable);
  }
  return Outcome::kEvent;
}

RecordDecoder::Outcome RecordDecoder::memfd(std::span<const uint8_t> rec, Event& e) {
  wsn_memfd_rec r;
  if (!load(rec, r)) return malformed("memfd record too short");
  std::string_view name;
  if (!str(rec, &r.name, name)) return malformed("memfd: " + error_);
  if (!interest_.wants(EbpfEvent::kMemfdCreate)) return Outcome::kSkip;
  const ProcessInfo& p = actor(r.h);
  set_common(e, r.h, EbpfEvent::kMemfdCreate, EventOutcome::kSuccess);
  set_process(e, p, r.h.uid, r.h.gid);
  path_ = "memfd:";  // as the kernel names it (/proc/<pid>/fd, /proc/<pid>/exe)
  path_ += name;
  e.set_string(fields::kFileName, path_);
  return Outcome::kEvent;
}

RecordDecoder::Outcome RecordDecoder::module(std::span<const uint8_t> rec, Event& e) {
  wsn_module_rec r;
  if (!load(rec, r)) return malformed("module record too short");
  std::string_view path;
  if (!str(rec, &r.path, path)) return malformed("module: " + error_);
  if (!interest_.wants(EbpfEvent::kLoadModule)) return Outcome::kSkip;
  const ProcessInfo& p = actor(r.h);
  set_common(e, r.h, EbpfEvent::kLoadModule,
             r.ret == 0 ? EventOutcome::kSuccess : EventOutcome::kFailure);
  set_process(e, p, r.h.uid, r.h.gid);
  if (!path.empty()) set_file_path(e, path);
  return Outcome::kEvent;
}

}  // namespace wsn::collect
