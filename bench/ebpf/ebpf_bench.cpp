// Live eBPF collector benchmark (root). Standalone: `ebpf_bench [--quick]`.
//
//  1. Overhead: a fork/exec storm and a file-open storm, timed with the collector off and on in
//     the same run (alternating rounds, median per round), on three interests: every event
//     kind with reads under /etc/shadow and /root/.ssh/; the hooks `run` attaches for the
//     bundled rules; a process-only rule set (no syscall hook).
//  2. Throughput: create+unlink storms from several processes for a fixed time; the events/s
//     the ring buffer and the reader sustain, and the kernel drop counter (expected 0).
//  3. Overload: a consumer that cannot keep up (the bus blocks, the reader stalls, the ring
//     fills): the drop counter must account for exactly what did not arrive.
//
// The storms run in child processes: the collector ignores its own process in the kernel.
#include <dirent.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "bus/event_bus.h"
#include "collect/ebpf/ebpf_source.h"

namespace {

using wsn::collect::EbpfInterest;
using wsn::collect::EbpfOptions;
using wsn::collect::EbpfSource;
using Clock = std::chrono::steady_clock;

double now_s() {
  return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
}

// Storms run in a worker forked before any collector exists: a process forked from the
// collector's process would inherit its mappings (the ring buffer alone is 2 x 16 MiB of
// page tables) and its own forks would be slowed by copying them, which says nothing about
// the collector's cost to the rest of the host.
struct Worker {
  pid_t pid = -1;
  int cmd = -1, result = -1;
};
Worker g_worker;

enum Storm : int { kForkExec, kOpen, kCreateUnlink };
void fork_exec_storm(int n);
void open_storm(int n);
void create_unlink_storm(const std::string& dir, int n);

void start_worker(const std::string& dir) {
  int to[2], from[2];
  if (::pipe(to) != 0 || ::pipe(from) != 0) std::exit(2);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(to[1]);
    ::close(from[0]);
    int req[2];
    while (::read(to[0], req, sizeof(req)) == static_cast<ssize_t>(sizeof(req))) {
      const double t0 = now_s();
      if (req[0] == kForkExec) fork_exec_storm(req[1]);
      if (req[0] == kOpen) open_storm(req[1]);
      if (req[0] == kCreateUnlink) create_unlink_storm(dir, req[1]);
      const double dt = now_s() - t0;
      if (::write(from[1], &dt, sizeof(dt)) != static_cast<ssize_t>(sizeof(dt))) break;
    }
    ::_exit(0);
  }
  ::close(to[0]);
  ::close(from[1]);
  g_worker = {pid, to[1], from[0]};
}

// Runs a storm in the worker; returns its own timing (seconds).
double timed_storm(Storm kind, int iterations) {
  const int req[2] = {kind, iterations};
  double dt = -1;
  if (::write(g_worker.cmd, req, sizeof(req)) != static_cast<ssize_t>(sizeof(req)) ||
      ::read(g_worker.result, &dt, sizeof(dt)) != static_cast<ssize_t>(sizeof(dt))) {
    std::fprintf(stderr, "storm worker died\n");
    std::exit(2);
  }
  return dt;
}

void fork_exec_storm(int n) {
  for (int k = 0; k < n; ++k) {
    const pid_t p = ::fork();
    if (p == 0) {
      const char* argv[] = {"/bin/true", nullptr};
      ::execv("/bin/true", const_cast<char* const*>(argv));
      ::_exit(127);
    }
    ::waitpid(p, nullptr, 0);
  }
}

void open_storm(int n) {
  for (int k = 0; k < n; ++k) {
    const int fd = ::open("/etc/hostname", O_RDONLY);
    if (fd >= 0) ::close(fd);
  }
}

void create_unlink_storm(const std::string& dir, int n) {
  const std::string path = dir + "/f" + std::to_string(::getpid());
  for (int k = 0; k < n; ++k) {
    const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
    if (fd >= 0) ::close(fd);
    ::unlink(path.c_str());
  }
}

// A collector running on a bus whose consumer counts (and optionally dawdles over) events.
class Running {
 public:
  Running(EbpfOptions opt, wsn::EventBus::Policy policy, size_t capacity, int consumer_delay_us)
      : bus_(capacity, 256, policy), src_(std::move(opt)) {
    const wsn::Status s = src_.start();
    if (!s.ok()) {
      std::fprintf(stderr, "collector: %s\n", s.error().message.c_str());
      std::exit(2);
    }
    reader_ = std::thread([this] {
      wsn::BatchWriter w(bus_);
      (void)src_.run(w);
      w.flush();
      bus_.close();
    });
    consumer_ = std::thread([this, consumer_delay_us] {
      while (auto b = bus_.pop()) {
        consumed_ += b->size;
        if (consumer_delay_us > 0)
          std::this_thread::sleep_for(std::chrono::microseconds(consumer_delay_us));
        bus_.release(std::move(b));
      }
    });
  }
  ~Running() { stop(); }
  void stop() {
    if (!reader_.joinable()) return;
    src_.stop();
    reader_.join();
    consumer_.join();
  }
  EbpfSource& src() { return src_; }
  wsn::EventBus& bus() { return bus_; }
  uint64_t consumed() const { return consumed_.load(); }

 private:
  wsn::EventBus bus_;
  EbpfSource src_;
  std::thread reader_, consumer_;
  std::atomic<uint64_t> consumed_{0};
};

EbpfOptions typical_options() {
  EbpfOptions opt;
  opt.interest = EbpfInterest::all();
  opt.interest.add_read_prefix("/etc/shadow");
  opt.interest.add_read_prefix("/root/.ssh/");
  return opt;
}

// What `run` attaches for the bundled rules (interest pushdown; `run` prints the same list):
// no ptrace, capset, chown, accept or bind hooks; reads only under the rules' path prefixes.
EbpfOptions bundled_rules_options() {
  EbpfOptions opt;
  opt.interest = EbpfInterest::process_only();
  for (const char* action : {"uid_change", "gid_change", "memfd_create"}) {
    opt.interest.add("process", action);
  }
  for (const char* action : {"modification", "creation", "deletion", "rename", "chmod"}) {
    opt.interest.add("file", action);
  }
  opt.interest.add("network", "connection_attempted");
  opt.interest.add("process", "load_module");
  for (const char* p : {"/etc/gshadow", "/etc/gshadow-", "/etc/security/opasswd", "/etc/shadow",
                        "/etc/shadow-", "/home/", "/root/.ssh/"}) {
    opt.interest.add_read_prefix(p);
  }
  return opt;
}

// A rule set on process activity only: exec / fork / exit, no syscall hook at all.
EbpfOptions process_only_options() {
  EbpfOptions opt;
  opt.interest = EbpfInterest::process_only();
  return opt;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Kernel-side cost: with kernel.bpf_stats_enabled, the run time of this process's own BPF
// programs (found through its file descriptors; tail-called handlers count in their caller).
struct ProgTime {
  std::string name;
  uint64_t ns = 0, runs = 0;
};

std::vector<ProgTime> own_prog_times() {
  std::vector<ProgTime> out;
  DIR* d = ::opendir("/proc/self/fd");
  if (d == nullptr) return out;
  while (const dirent* e = ::readdir(d)) {
    const int fd = std::atoi(e->d_name);
    char link[64] = {};
    const std::string path = std::string("/proc/self/fd/") + e->d_name;
    if (::readlink(path.c_str(), link, sizeof(link) - 1) <= 0 ||
        std::strcmp(link, "anon_inode:bpf-prog") != 0) {
      continue;
    }
    bpf_prog_info info{};
    bpf_attr attr{};
    attr.info.bpf_fd = static_cast<uint32_t>(fd);
    attr.info.info_len = sizeof(info);
    attr.info.info = reinterpret_cast<uint64_t>(&info);
    if (::syscall(SYS_bpf, BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)) != 0) continue;
    out.push_back({info.name, info.run_time_ns, info.run_cnt});
  }
  ::closedir(d);
  return out;
}

bool set_bpf_stats(bool on) {
  const int fd = ::open("/proc/sys/kernel/bpf_stats_enabled", O_WRONLY);
  if (fd < 0) return false;
  const bool ok = ::write(fd, on ? "1" : "0", 1) == 1;
  ::close(fd);
  return ok;
}

// One extra round with BPF statistics on: where the kernel-side time goes, per storm op.
void profile(const char* name, Storm kind, int iterations) {
  Running c(typical_options(), wsn::EventBus::Policy::kDrop, 1024, 0);
  if (!set_bpf_stats(true)) return;
  timed_storm(kind, iterations);
  const auto times = own_prog_times();
  set_bpf_stats(false);
  uint64_t total = 0;
  std::string detail;
  for (const auto& t : times) {
    if (t.runs == 0) continue;
    total += t.ns;
    char buf[96];
    std::snprintf(buf, sizeof(buf), " %s %.0fns", t.name.c_str(),
                  static_cast<double>(t.ns) / iterations);
    detail += buf;
  }
  std::printf("  %-20s BPF time %.0f ns/op:%s\n", name, static_cast<double>(total) / iterations,
              detail.c_str());
}

// CPU seconds used by this process (the collector's reader and consumer threads).
double self_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

void overhead(const char* name, Storm kind, int iterations, int rounds,
              EbpfOptions (*options)() = typical_options) {
  std::vector<double> off, on;
  double cpu = 0, wall_on = 0;
  uint64_t events = 0;
  timed_storm(kind, iterations / 10);  // warm caches
  for (int r = 0; r < rounds; ++r) {
    off.push_back(timed_storm(kind, iterations));
    {
      Running c(options(), wsn::EventBus::Policy::kDrop, 1024, 0);
      const double c0 = self_cpu_s();
      const uint64_t e0 = c.src().stats().events;
      const double t = timed_storm(kind, iterations);
      on.push_back(t);
      wall_on += t;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let the reader drain
      cpu += self_cpu_s() - c0;
      events += c.src().stats().events - e0;
      if (c.src().stats().lost != 0) std::printf("  (kernel drops: %lu)\n", c.src().stats().lost);
    }
  }
  const double m_off = median(off), m_on = median(on);
  std::printf(
      "%-22s %8.2f us/op off  %8.2f us/op on  overhead %+6.1f %%   "
      "collector CPU %.2f s for %.2f s of storm, %lu events\n",
      name, m_off / iterations * 1e6, m_on / iterations * 1e6, (m_on - m_off) / m_off * 100, cpu,
      wall_on, static_cast<unsigned long>(events));
}

void throughput(int writers, double seconds) {
  char tmpl[] = "/tmp/wsn_bench_XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return;
  const std::string dir = tmpl;
  EbpfOptions opt = typical_options();
  Running c(std::move(opt), wsn::EventBus::Policy::kBlock, 4096, 0);
  const uint64_t e0 = c.src().stats().events;
  std::vector<pid_t> kids;
  const double t0 = now_s();
  for (int w = 0; w < writers; ++w) {
    const pid_t p = ::fork();
    if (p == 0) {
      const double end = now_s() + seconds;
      while (now_s() < end) create_unlink_storm(dir, 1000);
      ::_exit(0);
    }
    kids.push_back(p);
  }
  for (pid_t p : kids) ::waitpid(p, nullptr, 0);
  const double gen = now_s() - t0;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto st = c.src().stats();
  const uint64_t ev = st.events - e0;
  std::printf(
      "throughput: %d writer(s) for %.1f s: %lu events, %.0f events/s sustained, "
      "kernel drops %lu, bus drops %lu\n",
      writers, gen, static_cast<unsigned long>(ev), ev / gen, static_cast<unsigned long>(st.lost),
      static_cast<unsigned long>(c.bus().counters().dropped));
  c.stop();
  ::rmdir(dir.c_str());
}

// Reader capacity: a burst lands in a large ring with nobody reading, then the reader drains
// it as fast as it can (decode + bus); records/s of that drain.
void drain_rate() {
  EbpfOptions opt = typical_options();
  opt.ring_buffer_bytes = size_t{64} << 20;
  EbpfSource src(std::move(opt));
  if (!src.start().ok()) return;
  const int n = 100000;
  timed_storm(kCreateUnlink, n);  // 2 records per iteration, nothing read yet
  wsn::EventBus bus(4096, 256, wsn::EventBus::Policy::kBlock);
  std::atomic<uint64_t> consumed{0};
  std::thread consumer([&] {
    while (auto b = bus.pop()) {
      consumed += b->size;
      bus.release(std::move(b));
    }
  });
  const double t0 = now_s();
  double t_done = 0;
  std::thread reader([&] {
    wsn::BatchWriter w(bus);
    (void)src.run(w);
    bus.close();
  });
  while (consumed.load() < 2ull * n && now_s() - t0 < 30) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  t_done = now_s() - t0;
  src.stop();
  reader.join();
  consumer.join();
  std::printf(
      "drain: %lu queued records read and decoded in %.3f s: %.0f events/s "
      "(reader capacity), kernel drops %lu\n",
      static_cast<unsigned long>(consumed.load()), t_done, consumed.load() / t_done,
      static_cast<unsigned long>(src.stats().lost));
}

void overload() {
  EbpfOptions opt = typical_options();
  opt.ring_buffer_bytes = 256 << 10;  // small ring
  // A consumer far slower than the storm (20 ms per batch of 256: ~13k events/s) behind a
  // tiny blocking bus: the reader stalls, the ring fills, the kernel drops.
  Running c(std::move(opt), wsn::EventBus::Policy::kBlock, 2, 20000);
  const int n = 50000;
  const double dt = timed_storm(kCreateUnlink, n);
  // Let everything that made it into the ring reach the consumer.
  uint64_t last = 0;
  for (int k = 0; k < 100; ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const uint64_t now = c.consumed();
    if (now == last) break;
    last = now;
  }
  c.stop();
  const auto st = c.src().stats();
  const auto d = c.src().detailed_stats();
  const uint64_t generated = 2ull * n;  // create + unlink per iteration (+ the child's own)
  std::printf(
      "overload: %lu file events generated in %.2f s into a 256 KiB ring with a slow "
      "consumer: %lu records read, %lu kernel drops; read + dropped = %lu (%s)\n",
      static_cast<unsigned long>(generated), dt, static_cast<unsigned long>(d.records),
      static_cast<unsigned long>(st.lost), static_cast<unsigned long>(d.records + st.lost),
      d.records + st.lost >= generated ? "every event accounted for" : "MISSING events");
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  if (::geteuid() != 0) {
    std::fprintf(stderr, "ebpf_bench needs root\n");
    return 2;
  }
  if (wsn::Status s = wsn::collect::ebpf_available(); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.error().message.c_str());
    return 2;
  }
  const int rounds = quick ? 3 : 7;
  char tmpl[] = "/tmp/wsn_bench_XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return 2;
  const std::string dir = tmpl;
  start_worker(dir);
  overhead("fork+exec /bin/true", kForkExec, quick ? 300 : 2000, rounds);
  overhead("open+close (read)", kOpen, quick ? 20000 : 200000, rounds);
  overhead("create+unlink", kCreateUnlink, quick ? 10000 : 50000, rounds);
  // Interest pushdown: what the hooks of the bundled rules, and of a process-only rule set,
  // cost the same storms.
  std::printf("with the bundled rules' hooks (%s):\n",
              bundled_rules_options().interest.to_string().c_str());
  overhead("fork+exec /bin/true", kForkExec, quick ? 300 : 2000, rounds, bundled_rules_options);
  overhead("open+close (read)", kOpen, quick ? 20000 : 200000, rounds, bundled_rules_options);
  overhead("create+unlink", kCreateUnlink, quick ? 10000 : 50000, rounds, bundled_rules_options);
  std::printf("with process-only hooks (%s):\n",
              process_only_options().interest.to_string().c_str());
  overhead("fork+exec /bin/true", kForkExec, quick ? 300 : 2000, rounds, process_only_options);
  overhead("open+close (read)", kOpen, quick ? 20000 : 200000, rounds, process_only_options);
  std::printf("kernel-side cost per op (bpf_stats, per program, ns per storm op):\n");
  profile("fork+exec /bin/true", kForkExec, quick ? 300 : 2000);
  profile("open+close (read)", kOpen, quick ? 20000 : 200000);
  profile("create+unlink", kCreateUnlink, quick ? 10000 : 50000);
  throughput(1, quick ? 1.0 : 3.0);
  throughput(2, quick ? 1.0 : 3.0);
  drain_rate();
  overload();
  ::close(g_worker.cmd);
  ::waitpid(g_worker.pid, nullptr, 0);
  ::rmdir(dir.c_str());
  return 0;
}
