#include "collect/ebpf/record_decoder.h"

#include <charconv>
#include <cstring>

#include "collect/ebpf/bpf/wsn_record.h"
#include "collect/ebpf/container_id.h"
#include "collect/ebpf/defend_fields.h"
#include "collect/ebpf/dns_message.h"
#include "collect/ebpf/env_vars.h"
#include "event/network_transport.h"

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
  if (c == "iam") return categories::kIam;
  return categories::kUnknown;
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
    case WSN_REC_DNS:
      return dns(rec, out);
    default:
      return malformed("unknown record kind " + std::to_string(h.kind));
  }
}

namespace {

// network.direction: a connect is egress, an accept ingress; a disconnect says which of the
// two opened its connection (wsn_conn_dir), or nothing when the collector did not see it.
std::string_view direction(EbpfEvent kind, int32_t ret) {
  if (kind == EbpfEvent::kConnect) return "egress";
  if (kind == EbpfEvent::kAccept) return "ingress";
  if (ret == WSN_DIR_EGRESS) return "egress";
  if (ret == WSN_DIR_INGRESS) return "ingress";
  return {};
}

}  // namespace

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
  if (info.category == "process") {
    // Elastic Defend's real ids beside them (its rules exclude root with user.Ext.real.id).
    const DefendFieldIds& d = defend_fields();
    set_user(e, d.user_real_id, d.user_real_name, h.uid);
    set_group(e, d.group_real_id, d.group_real_name, h.gid);
  }
  if (info.category == "process" && kind != EbpfEvent::kSetuid && kind != EbpfEvent::kSetgid) {
    set_user(e, fields::kUserId, fields::kUserName, h.euid);
    set_group(e, fields::kGroupId, fields::kGroupName, h.egid);
  } else if (kind == EbpfEvent::kSetuid) {
    set_group(e, fields::kGroupId, fields::kGroupName, h.egid);
  } else if (kind == EbpfEvent::kSetgid) {
    set_user(e, fields::kUserId, fields::kUserName, h.euid);
  }
}

void RecordDecoder::account_changes(const wsn_hdr& h, const ProcessInfo& p, std::string_view file) {
  for (const AccountChange& c : accounts_->changes(file)) {
    if (extra_count_ == extra_.size()) extra_.emplace_back();
    Event& e = extra_[extra_count_++];
    e.clear();
    // The iam kind names no single action or type ("*"): set after the common fields.
    set_common(e, h, EbpfEvent::kIam, EventOutcome::kSuccess);
    const std::string_view type[] = {c.group ? "group" : "user", c.type};
    e.set_string_list(fields::kEventType, type);
    e.set_string(fields::kEventAction, c.action);
    set_process(e, p, ids_of(h));
    // The account changed: user.* or group.* (ECS iam events name the target there).
    const FieldId id_field = c.group ? fields::kGroupId : fields::kUserId;
    const FieldId name_field = c.group ? fields::kGroupName : fields::kUserName;
    e.set_string(name_field, c.name);
    if (!c.id.empty()) e.set_string(id_field, c.id);
  }
}

void RecordDecoder::take_extra(Event& out) {
  std::swap(out, extra_[extra_next_++]);
  if (extra_next_ == extra_count_) extra_next_ = extra_count_ = 0;
}

void RecordDecoder::remember_dns_asker(uint16_t family, uint16_t port, const wsn_hdr& h) {
  const uint32_t key = static_cast<uint32_t>(family) << 16 | port;
  if (dns_askers_.size() >= kMaxDnsAskers && !dns_askers_.count(key)) {
    dns_askers_.erase(dns_order_.front());  // the oldest resolver socket
    dns_order_.pop_front();
  }
  if (dns_askers_.insert_or_assign(key, h).second) dns_order_.push_back(key);
}

RecordDecoder::Outcome RecordDecoder::dns(std::span<const uint8_t> rec, Event& e) {
  wsn_dns_rec r;
  if (!load(rec, r)) return malformed("dns record too short");
  if (r.family != kAfInet && r.family != kAfInet6) {
    return malformed("dns record with address family " + std::to_string(r.family));
  }
  if (sizeof(r) + r.len > rec.size()) return malformed("dns record payload exceeds the record");
  if (!interest_.wants(EbpfEvent::kDnsLookup)) return Outcome::kSkip;
  DnsResponse msg;
  std::string why;
  if (!parse_dns_response(rec.subspan(sizeof(r), r.len), msg, why)) {
    ++dns_unparsed_;  // not every datagram from port 53 is DNS: counted, not an error
    return Outcome::kSkip;
  }
  // The process that asked: the one whose resolver socket has this local port. Unknown when
  // it was not connected (sendto), or connected before the collector started.
  const uint32_t key = static_cast<uint32_t>(r.family) << 16 | r.dport;
  auto it = dns_askers_.find(key);
  if (it != dns_askers_.end()) {
    const wsn_hdr asker = it->second;
    const ProcessInfo& p = actor(asker);
    set_common(e, r.h, EbpfEvent::kDnsLookup, EventOutcome::kSuccess);
    set_process(e, p, ids_of(asker));
  } else {
    set_common(e, r.h, EbpfEvent::kDnsLookup, EventOutcome::kSuccess);
  }
  const std::string_view types[] = {"protocol", "info"};
  e.set_string_list(fields::kEventType, types);
  const DefendFieldIds& d = defend_fields();
  e.set_string(d.network_protocol, "dns");
  e.set_string(fields::kNetworkTransport, "udp");
  e.set_string(fields::kNetworkType, r.family == kAfInet ? "ipv4" : "ipv6");
  e.set_ip(fields::kSourceIp, make_ip(r.family, r.saddr));
  e.set_int(fields::kSourcePort, r.sport);
  e.set_ip(fields::kDestinationIp, make_ip(r.family, r.daddr));
  e.set_int(fields::kDestinationPort, r.dport);
  e.set_string(d.dns_question_name, msg.question);
  e.set_string(d.dns_question_type, msg.qtype.empty() ? msg.qtype_text : msg.qtype);
  e.set_string(d.dns_response_code, msg.rcode);
  if (!msg.resolved_ips.empty()) set_string_list(e, d.dns_resolved_ip, msg.resolved_ips);
  return Outcome::kEvent;
}

RecordDecoder::Ids RecordDecoder::ids_of(const wsn_hdr& h) {
  return {h.uid, h.euid, h.gid, h.egid};
}

void RecordDecoder::set_user(Event& e, FieldId id_field, FieldId name_field, uint32_t uid) {
  e.set_string(id_field, Dec(uid).view());
  if (auto n = users_.user(uid); !n.empty()) e.set_string(name_field, n);
}

void RecordDecoder::set_group(Event& e, FieldId id_field, FieldId name_field, uint32_t gid) {
  e.set_string(id_field, Dec(gid).view());
  if (auto n = users_.group(gid); !n.empty()) e.set_string(name_field, n);
}

// which: 0 session leader, 1 group leader, 2 entry leader.
void RecordDecoder::set_leader(Event& e, int which, int32_t pid, const ProcessInfo& p) {
  const DefendFieldIds& d = defend_fields();
  const LeaderFieldIds& f = which == 0   ? d.session_leader
                            : which == 1 ? d.group_leader
                                         : d.entry_leader;
  if (pid <= 0) return;
  e.set_int(f.pid, pid);
  e.set_bool(f.same_as_process, pid == p.pid);
  // Without the /proc fallback: every live process was read at start, so a leader missing
  // from the table is gone, and reading /proc for it on every event would cost for nothing.
  const ProcessInfo* l = pid == p.pid ? &p : table_.find(pid);
  if (which == 2) {
    e.set_string(d.entry_meta_type, p.entry_type);
    e.set_string(f.entity_id, p.entry_entity_id);
    if (l != nullptr && l->entity_id != p.entry_entity_id) l = nullptr;  // a reused pid
  } else if (l != nullptr && (which == 0 ? l->sid : l->pgid) != pid) {
    l = nullptr;  // a reused pid that leads something else now
  }
  if (l == nullptr) return;
  if (which != 2) e.set_string(f.entity_id, l->entity_id);
  if (!l->name.empty()) e.set_string(f.name, l->name);
  if (!l->executable.empty()) e.set_string(f.executable, l->executable);
  if (!l->args.empty()) set_string_list(e, f.args, l->args);
  set_relative(e, f.rel, *l);
}

void RecordDecoder::set_relative(Event& e, const RelativeFieldIds& f, const ProcessInfo& r) {
  if (!r.args.empty()) {
    e.set_int(f.args_count, r.args_count != 0 ? r.args_count : static_cast<int64_t>(r.args.size()));
  }
  if (!r.working_directory.empty()) e.set_string(f.working_directory, r.working_directory);
  if (r.start_ns != 0) {
    e.set_timestamp(f.start, static_cast<int64_t>(r.start_ns) + clock_offset_ns_);
  }
  set_user(e, f.user_id, f.user_name, r.euid);
  set_group(e, f.group_id, f.group_name, r.egid);
  e.set_string(f.real_user_id, Dec(r.uid).view());
  e.set_string(f.real_group_id, Dec(r.gid).view());
  e.set_bool(f.interactive, r.interactive);
}

void RecordDecoder::set_process(Event& e, const ProcessInfo& p, const Ids& ids) {
  const DefendFieldIds& d = defend_fields();
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
  // ECS: process.user / process.group are the effective ids, process.real_* the real ones
  // (a setuid-root binary run by uid 1000: user.id 0, real_user.id 1000), process.saved_*
  // the saved ones as of the last exec.
  set_user(e, fields::kProcessUserId, fields::kProcessUserName, ids.euid);
  set_group(e, fields::kProcessGroupId, fields::kProcessGroupName, ids.egid);
  set_user(e, d.real_user_id, d.real_user_name, ids.uid);
  set_group(e, d.real_group_id, d.real_group_name, ids.gid);
  set_user(e, d.saved_user_id, d.saved_user_name, p.suid);
  set_group(e, d.saved_group_id, d.saved_group_name, p.sgid);
  e.set_bool(d.interactive, p.interactive);
  if (p.tty_major != 0 || p.tty_minor != 0) {
    e.set_int(d.tty_major, p.tty_major);
    e.set_int(d.tty_minor, p.tty_minor);
  }
  if (!p.env_vars.empty()) set_string_list(e, d.env_vars, p.env_vars);
  if (!p.container_id.empty()) e.set_string(fields::kContainerId, p.container_id);
  set_leader(e, 0, p.sid, p);
  set_leader(e, 1, p.pgid, p);
  set_leader(e, 2, p.entry_pid, p);

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
    set_relative(e, d.parent, *parent);
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
  std::string_view filename, exe, args, cwd, cgroup, env;
  if (!str(rec, &r.filename, filename) || !str(rec, &r.executable, exe) ||
      !str(rec, &r.args, args) || !str(rec, &r.cwd, cwd) || !str(rec, &r.cgroup, cgroup) ||
      !str(rec, &r.env, env)) {
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
  info.suid = r.suid;
  info.sgid = r.sgid;
  info.sid = static_cast<int32_t>(r.sid);
  info.pgid = static_cast<int32_t>(r.pgid);
  info.tty_major = r.tty_major;
  info.tty_minor = r.tty_minor;
  info.interactive = (r.h.flags & WSN_F_INTERACTIVE) != 0;
  if (!env.empty() && !env_names_.empty()) {
    // The kernel copied at most WSN_ENV_MAX bytes or what room the record had left: a block
    // that does not end in NUL was cut, and its last entry is incomplete.
    info.env_vars = keep_env_vars(env, env_names_, env.back() == '\0');
  }
  const ProcessInfo& p = table_.on_exec(std::move(info));
  if (!interest_.wants(EbpfEvent::kExec)) return Outcome::kSkip;
  set_common(e, r.h, EbpfEvent::kExec, EventOutcome::kSuccess);
  set_process(e, p, ids_of(r.h));
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
  set_process(e, child, ids_of(r.h));
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
  if (auto w = account_writers_.find(pid); w != account_writers_.end()) {
    const std::set<std::string> files = std::move(w->second);
    account_writers_.erase(w);
    if (p != nullptr) {
      for (const std::string& f : files) account_changes(r.h, *p, f);
    }
  }
  if (p == nullptr || !interest_.wants(EbpfEvent::kExit)) return Outcome::kSkip;
  const int64_t code = exit_code_from_status(r.exit_status);
  set_common(e, r.h, EbpfEvent::kExit, code == 0 ? EventOutcome::kSuccess : EventOutcome::kFailure);
  set_process(e, *p, ids_of(r.h));
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
  const bool iam = accounts_ != nullptr && interest_.wants(EbpfEvent::kIam);
  if (!interest_.wants(kind) && !iam) return Outcome::kSkip;
  if (kind == EbpfEvent::kFileRename && path2.empty()) {
    return malformed("rename record without the new name");
  }
  // As the program asked for it, made absolute (relative to its cwd or dirfd).
  path_ = join_path(dir.empty() ? std::string_view("/") : dir, path);
  if (kind == EbpfEvent::kFileRename) {
    path2_ = join_path(dir2.empty() ? std::string_view("/") : dir2, path2);
  }
  const ProcessInfo& p = actor(r.h);
  if (iam) {
    // A new copy renamed over an account file is the commit point of useradd, passwd …;
    // a file rewritten in place is complete when its writer exits.
    if (kind == EbpfEvent::kFileRename && accounts_->watched(path2_)) {
      account_changes(r.h, p, path2_);
    } else if (kind == EbpfEvent::kFileCreate && accounts_->watched(path_)) {
      account_changes(r.h, p, path_);
    } else if (kind == EbpfEvent::kFileOpenWrite && accounts_->watched(path_)) {
      account_writers_[p.pid].insert(path_);
    }
  }
  if (!interest_.wants(kind)) return Outcome::kSkip;
  set_common(e, r.h, kind, EventOutcome::kSuccess);
  set_process(e, p, ids_of(r.h));
  if (kind == EbpfEvent::kFileRename) {
    set_file_path(e, path2_);
    e.set_string(fields::kFileOriginalPath, path_);
    // Elastic Defend's names for the old path (file.Ext.original.*).
    const DefendFieldIds& d = defend_fields();
    e.set_string(d.original_path, path_);
    const size_t slash = path_.rfind('/');
    const std::string_view old_name = std::string_view(path_).substr(slash + 1);
    if (!old_name.empty()) e.set_string(d.original_name, old_name);
    if (const size_t dot = old_name.rfind('.');
        dot != std::string_view::npos && dot > 0 && dot + 1 < old_name.size()) {
      e.set_string(d.original_extension, old_name.substr(dot + 1));
    }
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
    case WSN_NET_DISCONNECT:
      kind = EbpfEvent::kDisconnect;
      break;
    default:
      return malformed("network record with unknown operation " + std::to_string(r.op));
  }
  if (r.family != kAfInet && r.family != kAfInet6) {
    return malformed("network record with address family " + std::to_string(r.family));
  }
  const bool ok = kind != EbpfEvent::kConnect || r.ret == 0 || r.ret == -kEinprogress;
  // A resolver's socket: the DNS responses delivered to its local port are its lookups.
  if (kind == EbpfEvent::kConnect && ok && r.dport == 53 && r.sport != 0 &&
      interest_.wants(EbpfEvent::kDnsLookup)) {
    remember_dns_asker(r.family, r.sport, r.h);
  }
  if (!interest_.wants(kind)) return Outcome::kSkip;
  const ProcessInfo& p = actor(r.h);
  set_common(e, r.h, kind, ok ? EventOutcome::kSuccess : EventOutcome::kFailure);
  set_process(e, p, ids_of(r.h));
  const IpAddress src = make_ip(r.family, r.saddr);
  e.set_ip(fields::kSourceIp, src);
  if (r.sport != 0) e.set_int(fields::kSourcePort, r.sport);
  if (kind != EbpfEvent::kBind) {
    e.set_ip(fields::kDestinationIp, make_ip(r.family, r.daddr));
    if (r.dport != 0) e.set_int(fields::kDestinationPort, r.dport);
    if (auto d = direction(kind, r.ret); !d.empty()) e.set_string(fields::kNetworkDirection, d);
  }
  if (auto t = ecs_transport_name(r.protocol); !t.empty())
    e.set_string(fields::kNetworkTransport, t);
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
    case WSN_CRED_SETSID:
      kind = EbpfEvent::kSessionIdChange;
      break;
    default:
      return malformed("credential record with unknown operation " + std::to_string(r.op));
  }
  // The table follows the process's identity and session, whatever the interest.
  const ProcessInfo& p = actor(r.h);
  if (kind == EbpfEvent::kSessionIdChange) {
    table_.on_setsid(p.pid, static_cast<int32_t>(r.ret));
  } else if (kind != EbpfEvent::kCapset) {
    table_.on_ids(p.pid, r.h.uid, r.h.euid, r.h.gid, r.h.egid);
  }
  if (!interest_.wants(kind)) return Outcome::kSkip;
  set_common(e, r.h, kind, EventOutcome::kSuccess);
  // user.* / group.* = the new identity (Elastic Defend's uid_change / gid_change);
  // process.user.* / process.group.* = the effective identity before the change.
  if (kind == EbpfEvent::kSetuid) {
    set_process(e, p, {r.old_uid, r.old_euid, r.h.gid, r.h.egid});
    set_user(e, fields::kUserId, fields::kUserName, r.h.euid);
  } else if (kind == EbpfEvent::kSetgid) {
    set_process(e, p, {r.h.uid, r.h.euid, r.old_gid, r.old_egid});
    set_group(e, fields::kGroupId, fields::kGroupName, r.h.egid);
  } else if (kind == EbpfEvent::kSessionIdChange) {
    set_process(e, p, ids_of(r.h));
  } else {
    set_process(e, p, ids_of(r.h));
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
  set_process(e, p, ids_of(r.h));
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
  set_process(e, p, ids_of(r.h));
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
  set_process(e, p, ids_of(r.h));
  if (!path.empty()) {
    set_file_path(e, path);
    // process.Ext.load_module.name: the module's name, its file name without .ko[.xz|.zst|.gz].
    std::string_view name = path.substr(path.rfind('/') + 1);
    for (std::string_view ext : {".xz", ".zst", ".gz"}) {
      if (name.ends_with(ext)) name.remove_suffix(ext.size());
    }
    if (name.ends_with(".ko")) name.remove_suffix(3);
    if (!name.empty()) e.set_string(defend_fields().load_module_name, name);
  }
  return Outcome::kEvent;
}

}  // namespace wsn::collect
