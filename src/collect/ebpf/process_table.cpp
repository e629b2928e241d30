#include "collect/ebpf/process_table.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <memory>

#include "collect/ebpf/container_id.h"
#include "collect/ebpf/entry_leader.h"
#include "collect/ebpf/env_vars.h"

namespace wsn::collect {
namespace {

// Reads a small /proc file whole; false when it cannot be opened.
bool read_small_file(const std::string& path, std::string& out) {
  out.clear();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > (1u << 20)) break;  // /proc/<pid>/cmdline can be large; enough is enough
  }
  ::close(fd);
  return true;
}

std::string read_link(const std::string& path) {
  char buf[4096];
  const ssize_t n = ::readlink(path.c_str(), buf, sizeof(buf));
  if (n <= 0) return {};
  return std::string(buf, static_cast<size_t>(n));
}

template <typename T>
bool parse_number(std::string_view s, T& out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// "Uid:\t0\t0\t0\t0" → real, effective, saved.
void parse_id_line(std::string_view status, std::string_view key, uint32_t& real,
                   uint32_t& effective, uint32_t& saved) {
  const size_t at = status.find(key);
  if (at == std::string_view::npos) return;
  std::string_view rest = status.substr(at + key.size());
  rest = rest.substr(0, rest.find('\n'));
  uint32_t vals[3] = {0, 0, 0};
  for (int k = 0; k < 3; ++k) {
    const size_t b = rest.find_first_not_of(" \t");
    if (b == std::string_view::npos) return;
    rest.remove_prefix(b);
    const size_t e = rest.find_first_of(" \t");
    if (!parse_number(rest.substr(0, e), vals[k])) return;
    rest.remove_prefix(e == std::string_view::npos ? rest.size() : e);
  }
  real = vals[0];
  effective = vals[1];
  saved = vals[2];
}

// Whether /proc/<pid>/fd/<fd> is the character device major:minor.
bool fd_is_chrdev(const std::string& dir, int fd, uint32_t major_no, uint32_t minor_no) {
  struct stat st {};
  if (::stat((dir + "/fd/" + std::to_string(fd)).c_str(), &st) != 0) return false;
  return S_ISCHR(st.st_mode) && major(st.st_rdev) == major_no && minor(st.st_rdev) == minor_no;
}

}  // namespace

std::string make_entity_id(std::string_view boot_id, int32_t pid, uint64_t start_ticks) {
  // Two independent 64-bit hashes (FNV-1a with distinct seeds, SplitMix64 finalizer) give
  // 128 bits, written like the entity ids of docs/sample-data.md.
  auto hash = [&](uint64_t h) {
    auto mix = [&h](const void* p, size_t n) {
      const auto* b = static_cast<const unsigned char*>(p);
      for (size_t k = 0; k < n; ++k) {
        h ^= b[k];
        h *= 1099511628211ull;
      }
    };
    mix(boot_id.data(), boot_id.size());
    mix(&pid, sizeof(pid));
    mix(&start_ticks, sizeof(start_ticks));
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 31;
    return h;
  };
  const uint64_t a = hash(14695981039346656037ull), b = hash(0x9e3779b97f4a7c15ull);
  uint8_t bytes[16];
  for (int k = 0; k < 8; ++k) {
    bytes[k] = static_cast<uint8_t>(a >> (8 * k));
    bytes[8 + k] = static_cast<uint8_t>(b >> (8 * k));
  }
  static constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve(22);
  for (int k = 0; k < 16; k += 3) {
    const uint32_t v = (uint32_t{bytes[k]} << 16) | (k + 1 < 16 ? uint32_t{bytes[k + 1]} << 8 : 0) |
                       (k + 2 < 16 ? uint32_t{bytes[k + 2]} : 0);
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    if (k + 1 < 16) out += kB64[(v >> 6) & 63];
    if (k + 2 < 16) out += kB64[v & 63];
  }
  return out;
}

std::string join_command_line(const std::vector<std::string>& args) {
  std::string out;
  for (const auto& a : args) {
    if (!out.empty()) out += ' ';
    out += a;
  }
  return out;
}

ProcessTable::ProcessTable(size_t capacity, std::string boot_id, std::string proc_root)
    : capacity_(capacity < 16 ? 16 : capacity),
      max_exited_(std::min(capacity_, kMaxExited)),
      boot_id_(std::move(boot_id)),
      proc_root_(std::move(proc_root)),
      ns_per_tick_([] {
        const long hz = ::sysconf(_SC_CLK_TCK);
        return static_cast<uint64_t>(1'000'000'000 / (hz > 0 ? hz : 100));
      }()) {
  procs_.reserve(capacity_ < 4096 ? capacity_ : 4096);
}

bool ProcessTable::read_proc(int32_t pid, ProcessInfo& out) const {
  const std::string dir = proc_root_ + "/" + std::to_string(pid);
  std::string text;
  if (!read_small_file(dir + "/stat", text)) return false;
  // "pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime
  //  stime cutime cstime priority nice num_threads itrealvalue starttime ..."
  const size_t lp = text.find('('), rp = text.rfind(')');
  if (lp == std::string::npos || rp == std::string::npos || rp < lp) return false;
  const std::string comm = text.substr(lp + 1, rp - lp - 1);
  std::string_view rest = std::string_view(text).substr(rp + 1);
  // Fields after comm, 1-based from "state" (field 3 overall).
  std::string_view fields[20];
  size_t n = 0;
  while (n < 20 && !rest.empty()) {
    const size_t b = rest.find_first_not_of(' ');
    if (b == std::string_view::npos) break;
    rest.remove_prefix(b);
    const size_t e = rest.find(' ');
    fields[n++] = rest.substr(0, e);
    rest.remove_prefix(e == std::string_view::npos ? rest.size() : e);
  }
  if (n < 20) return false;
  ProcessInfo p;
  p.pid = pid;
  uint64_t start_ticks = 0;
  if (!parse_number(fields[1], p.ppid) || !parse_number(fields[19], start_ticks)) return false;
  p.start_ns = start_ticks * ns_per_tick_;
  p.entity_id = make_entity_id(boot_id_, pid, start_ticks);
  p.from_proc = true;
  // Session, group, terminal: stat fields 5-7 (read now: `fields` point into `text`, reused
  // below) (tty_nr: minor bits 0-7 and 20-31, major 8-19).
  uint32_t tty_nr = 0;
  if (parse_number(fields[2], p.pgid) && parse_number(fields[3], p.sid) &&
      parse_number(fields[4], tty_nr) && tty_nr != 0) {
    p.tty_major = (tty_nr >> 8) & 0xfff;
    p.tty_minor = (tty_nr & 0xff) | ((tty_nr >> 12) & 0xfff00);
    p.interactive = fd_is_chrdev(dir, 0, p.tty_major, p.tty_minor) &&
                    fd_is_chrdev(dir, 2, p.tty_major, p.tty_minor);
  }

  if (read_small_file(dir + "/status", text)) {
    parse_id_line(text, "Uid:", p.uid, p.euid, p.suid);
    parse_id_line(text, "Gid:", p.gid, p.egid, p.sgid);
  }
  if (!env_names_.empty() && read_small_file(dir + "/environ", text)) {
    p.env_vars = keep_env_vars(text, env_names_, true);
  }
  if (read_small_file(dir + "/cmdline", text)) {
    size_t b = 0;
    while (b < text.size()) {
      size_t e = text.find('\0', b);
      if (e == std::string::npos) e = text.size();
      p.args.emplace_back(text, b, e - b);
      b = e + 1;
    }
  }
  p.command_line = join_command_line(p.args);
  p.executable = read_link(dir + "/exe");
  p.name = comm;  // the kernel comm, as exec records report it
  p.working_directory = read_link(dir + "/cwd");
  if (read_small_file(dir + "/cgroup", text)) p.container_id = container_id_from_proc_cgroup(text);
  out = std::move(p);
  return true;
}

size_t ProcessTable::seed() {
  std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(proc_root_.c_str()), ::closedir);
  if (!d) return 0;
  size_t added = 0;
  while (const dirent* e = ::readdir(d.get())) {
    int32_t pid = 0;
    if (!parse_number(std::string_view(e->d_name), pid) || pid <= 0) continue;
    ProcessInfo p;
    if (!read_proc(pid, p)) continue;
    insert(std::move(p));
    ++added;
  }
  for (auto& [pid, p] : procs_) resolve_entry_leader(p, 0);
  trim();
  stats_.seeded += added;
  return added;
}

void ProcessTable::reap_oldest_exited() {
  const auto [pid, start] = exited_.front();
  exited_.pop_front();
  auto it = procs_.find(pid);
  // The pid may have been reused since it exited: only drop the exited incarnation.
  if (it != procs_.end() && it->second.exited && it->second.start_ns == start) {
    procs_.erase(it);
    ++stats_.reaped_exited;
  }
}

void ProcessTable::trim() {
  // Only the most recent exits are worth keeping (late records, children naming them); without
  // this bound a host running many short-lived processes fills the table with the dead, ~0.5 KB
  // each, since pids (pid_max 4M) are rarely reused.
  while (exited_.size() > max_exited_) reap_oldest_exited();
  while (procs_.size() > capacity_ && !exited_.empty()) reap_oldest_exited();
  if (procs_.size() > capacity_) {
    // Evict the least recently used, down to 7/8 of capacity so that the scan is amortized
    // over many inserts rather than paid on each.
    const size_t target = capacity_ - capacity_ / 8;
    std::vector<std::pair<uint64_t, int32_t>> by_use;
    by_use.reserve(procs_.size());
    for (const auto& [pid, p] : procs_) by_use.emplace_back(p.last_used, pid);
    const size_t drop = procs_.size() - target;
    std::nth_element(by_use.begin(), by_use.begin() + static_cast<ptrdiff_t>(drop - 1),
                     by_use.end());
    for (size_t k = 0; k < drop; ++k) procs_.erase(by_use[k].second);
    stats_.evicted_live += drop;
  }
  // Bound the exited list too: entries whose pid was reused or evicted are stale.
  while (exited_.size() > capacity_) exited_.pop_front();
}

ProcessInfo& ProcessTable::insert(ProcessInfo info) {
  info.last_used = ++clock_;
  auto it = procs_.find(info.pid);
  if (it != procs_.end()) {
    it->second = std::move(info);
    return it->second;
  }
  const int32_t pid = info.pid;
  return procs_.emplace(pid, std::move(info)).first->second;
}

void ProcessTable::resolve_entry_leader(ProcessInfo& p, int depth) {
  if (p.entry_pid != 0) return;
  ProcessInfo* parent = nullptr;
  if (p.ppid > 0 && p.ppid != p.pid) {
    if (auto it = procs_.find(p.ppid); it != procs_.end()) parent = &it->second;
  }
  // Seeded processes come in pid order, not ancestry order: resolve the parent first (the
  // depth bound only guards against a corrupt cycle).
  if (parent != nullptr && depth < 128) resolve_entry_leader(*parent, depth + 1);
  assign_entry_leader(p, parent);
}

const ProcessInfo& ProcessTable::on_exec(ProcessInfo info) {
  info.entity_id = make_entity_id(boot_id_, info.pid, info.start_ns / ns_per_tick_);
  info.exited = false;
  info.from_proc = false;
  // exec keeps the session the process belongs to, and an entry leader stays one.
  if (auto it = procs_.find(info.pid); it != procs_.end() && it->second.entry_pid != 0) {
    info.entry_pid = it->second.entry_pid;
    info.entry_entity_id = it->second.entry_entity_id;
    info.entry_type = it->second.entry_type;
    if (info.entry_pid == info.pid) info.entry_entity_id = info.entity_id;
  }
  if (info.entry_pid == 0) resolve_entry_leader(info, 0);
  if (info.command_line.empty()) info.command_line = join_command_line(info.args);
  return insert(std::move(info));
}

const ProcessInfo& ProcessTable::on_fork(int32_t parent_pid, int32_t child_pid, int32_t child_ppid,
                                         uint64_t child_start_ns) {
  ProcessInfo child;
  if (const ProcessInfo* parent = lookup(parent_pid)) {
    child = *parent;  // same image until it execs
  }
  child.pid = child_pid;
  child.ppid = child_ppid;
  child.start_ns = child_start_ns;
  child.entity_id = make_entity_id(boot_id_, child_pid, child_start_ns / ns_per_tick_);
  child.exited = false;
  child.from_proc = false;
  child.entry_pid = 0;
  assign_entry_leader(child, find(parent_pid));
  return insert(std::move(child));
}

const ProcessInfo* ProcessTable::on_exit(int32_t pid, uint64_t start_ns) {
  ProcessInfo* p = nullptr;
  auto it = procs_.find(pid);
  if (it != procs_.end()) p = &it->second;
  if (p == nullptr) return nullptr;
  if (!p->exited) {
    p->exited = true;
    if (start_ns != 0 && p->start_ns / ns_per_tick_ == start_ns / ns_per_tick_) {
      p->start_ns = start_ns;  // keep the pair in exited_ consistent with the entry
    }
    exited_.emplace_back(pid, p->start_ns);
  }
  return p;
}

const ProcessInfo* ProcessTable::find(int32_t pid) const {
  auto it = procs_.find(pid);
  return it == procs_.end() ? nullptr : &it->second;
}

const ProcessInfo* ProcessTable::lookup(int32_t pid) {
  if (pid <= 0) return nullptr;
  if (auto it = procs_.find(pid); it != procs_.end()) {
    it->second.last_used = ++clock_;
    return &it->second;
  }
  ProcessInfo info;
  if (!read_proc(pid, info)) return nullptr;
  ++stats_.proc_fills;
  ProcessInfo& p = insert(std::move(info));
  resolve_entry_leader(p, 0);
  return &p;
}

void ProcessTable::on_setsid(int32_t pid, int32_t sid) {
  auto it = procs_.find(pid);
  if (it == procs_.end()) return;
  ProcessInfo& p = it->second;
  p.sid = sid;
  p.pgid = sid;
  p.tty_major = p.tty_minor = 0;
  p.interactive = false;
}

void ProcessTable::on_ids(int32_t pid, uint32_t uid, uint32_t euid, uint32_t gid, uint32_t egid) {
  auto it = procs_.find(pid);
  if (it == procs_.end()) return;
  it->second.uid = uid;
  it->second.euid = euid;
  it->second.gid = gid;
  it->second.egid = egid;
}

void ProcessTable::reparent(int32_t pid, int32_t ppid) {
  if (auto it = procs_.find(pid); it != procs_.end()) it->second.ppid = ppid;
}

const ProcessInfo& ProcessTable::remember(ProcessInfo info) {
  if (info.entity_id.empty()) {
    info.entity_id = make_entity_id(boot_id_, info.pid, info.start_ns / ns_per_tick_);
  }
  return insert(std::move(info));
}

std::vector<const ProcessInfo*> ProcessTable::ancestors(int32_t pid, size_t max_depth) {
  std::vector<const ProcessInfo*> out;
  const ProcessInfo* p = lookup(pid);
  while (p != nullptr && out.size() < max_depth && p->ppid > 0 && p->ppid != p->pid) {
    p = lookup(p->ppid);
    if (p != nullptr) out.push_back(p);
  }
  return out;
}

ProcessTableStats ProcessTable::stats() const {
  ProcessTableStats s = stats_;
  s.size = procs_.size();
  return s;
}

}  // namespace wsn::collect
