#include "collect/ebpf/bpf_loader.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <fstream>
#include <mutex>

#include "collect/ebpf/bpf/wsn_record.h"
#include "collect/ebpf/hooks.h"
#include "collect/ebpf/tracefs.h"
#include "wsn.skel.h"

namespace wsn::collect {
namespace {

// libbpf reports through one global print callback; keep the tail of its warnings so a load
// failure can say what the verifier or the kernel objected to.
std::mutex g_log_mu;
std::string g_log;

int libbpf_print(enum libbpf_print_level level, const char* fmt, va_list args) {
  if (level == LIBBPF_DEBUG) return 0;
  // Whole messages: a verifier log arrives as one, and its end says why a program failed.
  va_list again;
  va_copy(again, args);
  const int n = std::vsnprintf(nullptr, 0, fmt, args);
  std::string msg(n > 0 ? static_cast<size_t>(n) : 0, '\0');
  if (n > 0) std::vsnprintf(msg.data(), msg.size() + 1, fmt, again);
  va_end(again);
  if (n <= 0) return 0;
  std::lock_guard lock(g_log_mu);
  g_log += msg;
  constexpr size_t kKeep = 16384;
  if (g_log.size() > kKeep) g_log.erase(0, g_log.size() - kKeep);
  return 0;
}

void reset_log() {
  static std::once_flag once;
  std::call_once(once, [] { libbpf_set_print(libbpf_print); });
  std::lock_guard lock(g_log_mu);
  g_log.clear();
}

// The last lines of the libbpf log (the verifier's verdict is at the end).
std::string log_tail(size_t max_bytes = 1500) {
  std::lock_guard lock(g_log_mu);
  if (g_log.size() <= max_bytes) return g_log;
  return "..." + g_log.substr(g_log.size() - max_bytes);
}

Error bpf_error(std::string what, int err) {
  std::string msg = std::move(what) + ": " + std::strerror(err);
  if (err == EPERM || err == EACCES) {
    msg += " (loading BPF programs needs root, or CAP_BPF with CAP_PERFMON)";
  }
  const std::string tail = log_tail();
  if (!tail.empty()) msg += "\nlibbpf: " + tail;
  return Error{std::move(msg), err};
}

size_t round_ring_size(size_t bytes) {
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  size_t size = page;
  while (size < bytes && size < (size_t{1} << 30)) size <<= 1;
  return size;
}

}  // namespace

void BpfLoader::LinkDeleter::operator()(bpf_link* l) const {
  bpf_link__destroy(l);
}

BpfLoader::~BpfLoader() {
  links_.clear();  // detach first, then free programs and maps
  if (skel_ != nullptr) wsn_bpf__destroy(skel_);
}

int BpfLoader::ring_buffer_fd() const {
  return bpf_map__fd(skel_->maps.wsn_events);
}

uint64_t BpfLoader::counter(unsigned which) const {
  std::vector<uint64_t> per_cpu(static_cast<size_t>(ncpus_));
  const uint32_t key = which;
  if (bpf_map__lookup_elem(skel_->maps.wsn_counters, &key, sizeof(key), per_cpu.data(),
                           per_cpu.size() * sizeof(uint64_t), 0) != 0) {
    return 0;
  }
  uint64_t sum = 0;
  for (uint64_t v : per_cpu) sum += v;
  return sum;
}

namespace {

// Where the cgroup v2 (unified) hierarchy is mounted; empty when it is not.
std::string cgroup2_root() {
  std::ifstream in("/proc/self/mounts");
  std::string dev, dir, type, rest;
  while (in >> dev >> dir >> type && std::getline(in, rest)) {
    if (type == "cgroup2") return dir;
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<BpfLoader>> BpfLoader::load(const BpfLoaderConfig& config) {
  reset_log();
  std::unique_ptr<BpfLoader> self(new BpfLoader());
  self->ncpus_ = libbpf_num_possible_cpus();
  if (self->ncpus_ <= 0) return Error{"cannot count the possible CPUs", -self->ncpus_};

  self->skel_ = wsn_bpf__open();
  if (self->skel_ == nullptr) return bpf_error("opening the BPF object", errno);
  wsn_bpf* skel = self->skel_;

  self->ring_bytes_ = round_ring_size(config.ring_buffer_bytes);
  if (int err =
          bpf_map__set_max_entries(skel->maps.wsn_events, static_cast<uint32_t>(self->ring_bytes_));
      err != 0) {
    return bpf_error("sizing the ring buffer", -err);
  }
  const EbpfInterest& interest = config.interest;
  skel->rodata->wsn_ignore_tgid = config.ignore_tgid;
  skel->rodata->wsn_reads_mode = interest.reads_mode();
  // iam events watch writes of the account files (account_watch.h).
  const bool iam = interest.wants(EbpfEvent::kIam);
  skel->rodata->wsn_want_open_write = iam || interest.wants(EbpfEvent::kFileOpenWrite) ? 1 : 0;
  skel->rodata->wsn_want_create = iam || interest.wants(EbpfEvent::kFileCreate) ? 1 : 0;
  skel->rodata->wsn_capture_env = config.capture_env ? 1 : 0;
  const bool disconnects = interest.wants(EbpfEvent::kDisconnect);
  skel->rodata->wsn_want_disconnect = disconnects ? 1 : 0;
  skel->rodata->wsn_wakeup_bytes = std::min(config.wakeup_bytes, self->ring_bytes_ / 2);

  // Which syscalls to watch; tracefs tells which of them this kernel has.
  std::vector<const WatchedSyscall*> wanted;
  for (const WatchedSyscall& sc : watched_syscalls()) {
    if (syscall_wanted(sc, interest) && sc.nr >= 0 && sc.nr < WSN_MAX_SYSCALLS) {
      wanted.push_back(&sc);
    }
  }
  if (!wanted.empty()) {
    auto tracefs = find_tracefs(config.mount_tracefs);
    if (!tracefs.ok()) return tracefs.error();
    self->tracefs_ = tracefs.value();
  }
  std::vector<const WatchedSyscall*> watch;
  bool family_used[WSN_FAM_COUNT] = {};
  bool module_fallback = false;
  for (const WatchedSyscall* sc : wanted) {
    const std::string enter = "syscalls/sys_enter_" + std::string(sc->name);
    if (!tracepoint_exists(self->tracefs_, enter)) {
      self->unavailable_.push_back("tp:" + enter);
      if (wsn_sys_family(sc->tag) == WSN_FAM_MODULE && config.module_attempts_fallback) {
        module_fallback = true;
        skel->rodata->wsn_nr_init_module = SYS_init_module;
        skel->rodata->wsn_nr_finit_module = SYS_finit_module;
      }
      continue;
    }
    watch.push_back(sc);
    family_used[wsn_sys_family(sc->tag)] = true;
  }
  bool nargs_used[6] = {};
  for (const WatchedSyscall* sc : watch) nargs_used[sc->nargs] = true;
  bpf_program* enter_progs[6] = {skel->progs.wsn_sys_enter0, skel->progs.wsn_sys_enter1,
                                 skel->progs.wsn_sys_enter2, skel->progs.wsn_sys_enter3,
                                 skel->progs.wsn_sys_enter4, skel->progs.wsn_sys_enter5};
  for (int n = 0; n <= 5; ++n) bpf_program__set_autoload(enter_progs[n], nargs_used[n]);
  bpf_program__set_autoload(skel->progs.wsn_sys_exit, !watch.empty());
  const bool dns = interest.wants(EbpfEvent::kDnsLookup);
  bpf_program__set_autoload(skel->progs.wsn_dns_ingress, dns);
  bpf_program__set_autoload(skel->progs.wsn_raw_enter_module, module_fallback);
  bpf_program__set_autoload(skel->progs.wsn_raw_exit_module, module_fallback);
  bpf_program__set_autoload(skel->progs.wsn_tcp_state, disconnects);
  for (int f = 0; f < WSN_FAM_COUNT; ++f) {
    bpf_program* prog =
        bpf_object__find_program_by_name(skel->obj, std::string(family_program(f)).c_str());
    if (prog == nullptr)
      return Error{"BPF program " + std::string(family_program(f)) + " is missing"};
    bpf_program__set_autoload(prog, family_used[f]);
  }

  if (int err = wsn_bpf__load(skel); err != 0) return bpf_error("loading the BPF programs", -err);

  for (const WatchedSyscall* sc : watch) {
    const uint32_t key = static_cast<uint32_t>(sc->nr);
    const uint32_t tag = sc->tag;
    if (bpf_map__update_elem(skel->maps.wsn_syscall_tags, &key, sizeof(key), &tag, sizeof(tag),
                             BPF_ANY) != 0) {
      return bpf_error("watching syscall " + std::string(sc->name), errno);
    }
  }
  for (int f = 0; f < WSN_FAM_COUNT; ++f) {
    if (!family_used[f]) continue;
    bpf_program* prog =
        bpf_object__find_program_by_name(skel->obj, std::string(family_program(f)).c_str());
    const uint32_t key = static_cast<uint32_t>(f);
    const int fd = bpf_program__fd(prog);
    if (bpf_map__update_elem(skel->maps.wsn_exit_progs, &key, sizeof(key), &fd, sizeof(fd),
                             BPF_ANY) != 0) {
      return bpf_error("installing exit handler " + std::string(family_program(f)), errno);
    }
  }
  self->reads_mode_ = interest.reads_mode();
  if (self->reads_mode_ == 1) {
    for (const std::string& p : interest.read_prefixes()) {
      if (Status s = self->add_read_prefix(p); !s.ok()) return s.error();
    }
  }

  // Attach last, once every table is filled: the first event already sees the full setup.
  struct {
    bpf_program* prog;
    const char* tracepoint;
  } const raw_hooks[] = {
      {skel->progs.wsn_exec, "sched_process_exec"},
      {skel->progs.wsn_fork, "sched_process_fork"},
      {skel->progs.wsn_exit, "sched_process_exit"},
      {skel->progs.wsn_raw_enter_module, "sys_enter"},
      {skel->progs.wsn_raw_exit_module, "sys_exit"},
      {skel->progs.wsn_tcp_state, "inet_sock_set_state"},
  };
  for (const auto& h : raw_hooks) {
    if (!bpf_program__autoload(h.prog)) continue;
    const std::string name = std::string("raw:") + h.tracepoint;
    bpf_link* link = bpf_program__attach_raw_tracepoint(h.prog, h.tracepoint);
    if (link == nullptr) return bpf_error("attaching " + name, errno);
    self->links_.emplace_back(link);
    self->attached_.push_back(name);
  }
  if (dns) {
    // On the unified hierarchy's root: every socket of the host, in every namespace.
    const std::string root = cgroup2_root();
    const int cg = root.empty() ? -1 : ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cg < 0) {
      self->unavailable_.push_back("cgroup_skb:ingress (no cgroup v2 hierarchy mounted)");
    } else {
      bpf_link* link = bpf_program__attach_cgroup(skel->progs.wsn_dns_ingress, cg);
      const int err = errno;
      ::close(cg);
      if (link == nullptr) return bpf_error("attaching cgroup_skb:ingress on " + root, err);
      self->links_.emplace_back(link);
      self->attached_.push_back("cgroup_skb:ingress");
    }
  }
  for (const WatchedSyscall* sc : watch) {
    const std::string name(sc->name);
    if (Status s = self->attach_tracepoint(enter_progs[sc->nargs], "syscalls/sys_enter_" + name);
        !s.ok()) {
      return s.error();
    }
    if (Status s = self->attach_tracepoint(skel->progs.wsn_sys_exit, "syscalls/sys_exit_" + name);
        !s.ok()) {
      return s.error();
    }
  }
  return self;
}

Status BpfLoader::add_read_prefix(std::string_view prefix) {
  if (reads_mode_ != 1) return Error{"read opens are not prefix-filtered in this run"};
  struct {
    uint32_t prefixlen;
    uint8_t data[WSN_READ_PREFIX_MAX];
  } key{};
  const uint8_t one = 1;
  const size_t n = std::min(prefix.size(), sizeof(key.data) - 1);
  if (n == 0) return Error{"an empty read prefix would report every read"};
  std::memcpy(key.data, prefix.data(), n);
  key.prefixlen = static_cast<uint32_t>(n * 8);
  if (bpf_map__update_elem(skel_->maps.wsn_read_prefixes, &key, sizeof(key), &one, sizeof(one),
                           BPF_ANY) != 0) {
    return bpf_error("adding read prefix '" + std::string(prefix) + "'", errno);
  }
  return {};
}

Status BpfLoader::attach_tracepoint(bpf_program* prog, const std::string& tracepoint) {
  const std::string name = "tp:" + tracepoint;
  const auto id = tracepoint_id(tracefs_, tracepoint);
  if (!id) return Error{"no id for tracepoint " + tracepoint + " in " + tracefs_};
  perf_event_attr attr{};
  attr.type = PERF_TYPE_TRACEPOINT;
  attr.size = sizeof(attr);
  attr.config = static_cast<uint64_t>(*id);
  attr.sample_period = 1;
  attr.wakeup_events = 1;
  // One event serves every CPU: the program hangs off the tracepoint itself.
  const int pfd =
      static_cast<int>(::syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC));
  if (pfd < 0) return bpf_error("opening the perf event of " + name, errno);
  bpf_link* link = bpf_program__attach_perf_event(prog, pfd);  // owns pfd from here
  if (link == nullptr) {
    const int err = errno;
    ::close(pfd);
    return bpf_error("attaching " + name, err);
  }
  links_.emplace_back(link);
  attached_.push_back(name);
  return {};
}

}  // namespace wsn::collect
