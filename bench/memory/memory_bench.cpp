// Memory benchmark of the real agent (issue 11): starts the built wasm-sentinel, drives ordinary
// host activity for a fixed time, samples RSS every 100 ms and prints peak and steady RSS, the
// /proc/PID/smaps breakdown by category and the ratio against the 32 MB goal.
//
//   wsn_memory_bench [--seconds N] [--agent PATH] [--rules PATH] [--replay] [--keep]
//
// Live (`run` with the bundled rules) when root and the kernel has BTF; otherwise it says why
// and replays the sample log through standard input at a steady rate instead. In the same run
// it measures two peers under the same activity: the agent with one rule that never matches
// (the engine's floor, what the bundled rules add is the difference) and `sleep` (the floor of
// any dynamically linked process on this host). The agent keeps everything the default `run`
// has on: the SQLite alert store and the HTTP endpoint, pointed at a scratch directory and a
// free port so that two agents can run side by side.
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#ifndef WSN_AGENT_PATH
#define WSN_AGENT_PATH "wasm-sentinel"
#endif
#ifndef WSN_SOURCE_DIR
#define WSN_SOURCE_DIR "."
#endif

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kGoalMb = 32.0;  // the replaced product's promise: < 32 MB
constexpr double kMb = 1e6;

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  return static_cast<bool>(out);
}

// kB value of `key` in a /proc status-like text; -1 when absent.
long field_kb(const std::string& text, const std::string& key) {
  const size_t at = text.find(key + ":");
  if (at == std::string::npos) return -1;
  return std::strtol(text.c_str() + at + key.size() + 1, nullptr, 10);
}

// Children of `pid` (the agent's Wasm helper, if any), recursively.
void descendants(pid_t pid, std::vector<pid_t>& out) {
  const std::string text =
      read_all("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  std::istringstream in(text);
  pid_t child;
  while (in >> child) {
    out.push_back(child);
    descendants(child, out);
  }
}

long rss_kb(pid_t pid) {
  return field_kb(read_all("/proc/" + std::to_string(pid) + "/status"), "VmRSS");
}

// One process's breakdown from /proc/PID/smaps, kB by category.
struct Breakdown {
  std::map<std::string, long> rss, pss;
  long total_rss = 0, total_pss = 0;
};

// Stack pointers of every thread, to tell thread stacks from other anonymous mappings.
std::vector<unsigned long> thread_sps(pid_t pid) {
  std::vector<unsigned long> sps;
  const std::string dir = "/proc/" + std::to_string(pid) + "/task";
  DIR* d = ::opendir(dir.c_str());
  if (!d) return sps;
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    // "nr arg1..arg6 sp pc" while blocked in a system call.
    std::istringstream in(read_all(dir + "/" + e->d_name + "/syscall"));
    std::vector<std::string> words;
    std::string w;
    while (in >> w) words.push_back(w);
    if (words.size() >= 9) sps.push_back(std::strtoul(words[7].c_str(), nullptr, 16));
  }
  ::closedir(d);
  return sps;
}

std::string category(const std::string& name, const std::string& exe, unsigned long lo,
                     unsigned long hi, const std::vector<unsigned long>& sps, long size_kb,
                     long ring_kb) {
  if (name == "[heap]") return "heap";
  if (name == "[stack]") return "stacks";
  if (name.rfind("anon_inode:bpf", 0) == 0) {
    // The ring buffer maps its data area twice: by far the largest BPF mapping.
    return size_kb >= ring_kb ? "ring buffer" : "BPF maps";
  }
  if (name.empty()) {
    for (unsigned long sp : sps) {
      if (sp >= lo && sp < hi) return "stacks";
    }
    return "heap";  // malloc arenas and anonymous mmaps
  }
  if (name == exe) return "binary";
  if (name[0] == '/') return name.find(".so") != std::string::npos ? "shared libs" : "files";
  return "other";  // [vdso], [vvar], ...
}

Breakdown breakdown(pid_t pid) {
  Breakdown b;
  const std::string base = "/proc/" + std::to_string(pid);
  char exe_buf[4096];
  const ssize_t n = ::readlink((base + "/exe").c_str(), exe_buf, sizeof(exe_buf) - 1);
  const std::string exe = n > 0 ? std::string(exe_buf, static_cast<size_t>(n)) : "";
  const std::vector<unsigned long> sps = thread_sps(pid);
  std::istringstream in(read_all(base + "/smaps"));
  // First pass: the largest BPF mapping (the ring buffer) decides the threshold.
  struct Map {
    unsigned long lo = 0, hi = 0;
    std::string name;
    long size = 0, rss = 0, pss = 0;
  };
  std::vector<Map> maps;
  std::string line;
  while (std::getline(in, line)) {
    const size_t dash = line.find('-');
    const size_t sp = line.find(' ');
    if (dash != std::string::npos && sp != std::string::npos && dash < sp &&
        std::isxdigit(static_cast<unsigned char>(line[0])) && line.find(':') > sp) {
      Map m;
      m.lo = std::strtoul(line.substr(0, dash).c_str(), nullptr, 16);
      m.hi = std::strtoul(line.substr(dash + 1, sp - dash - 1).c_str(), nullptr, 16);
      // The pathname is the sixth column (may contain spaces).
      std::istringstream cols(line);
      std::string c;
      for (int k = 0; k < 5; ++k) cols >> c;
      std::getline(cols, m.name);
      m.name.erase(0, m.name.find_first_not_of(' '));
      maps.push_back(m);
    } else if (!maps.empty()) {
      long v = 0;
      if (std::sscanf(line.c_str(), "Size: %ld kB", &v) == 1) maps.back().size = v;
      if (std::sscanf(line.c_str(), "Rss: %ld kB", &v) == 1) maps.back().rss = v;
      if (std::sscanf(line.c_str(), "Pss: %ld kB", &v) == 1) maps.back().pss = v;
    }
  }
  long ring_kb = 0;
  for (const Map& m : maps) {
    if (m.name.rfind("anon_inode:bpf", 0) == 0) ring_kb = std::max(ring_kb, m.size);
  }
  if (ring_kb < 256) ring_kb = 1L << 40;  // no ring buffer mapped (replay)
  for (const Map& m : maps) {
    const std::string cat = category(m.name, exe, m.lo, m.hi, sps, m.size, ring_kb);
    b.rss[cat] += m.rss;
    b.pss[cat] += m.pss;
    b.total_rss += m.rss;
    b.total_pss += m.pss;
  }
  return b;
}

// Ordinary host activity, in a child forked before any agent so it shares none of their
// memory: every 20 ms a short shell pipeline (fork + exec of sh, ls, cat), a few file opens and
// reads, a file written and removed, and a loopback TCP connection.
pid_t start_activity(const std::string& dir, int http_port) {
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  ::setpgid(0, 0);
  const int devnull = ::open("/dev/null", O_WRONLY);
  ::dup2(devnull, 1);
  ::dup2(devnull, 2);
  for (unsigned k = 0;; ++k) {
    if (const pid_t sh = ::fork(); sh == 0) {
      ::execl("/bin/sh", "sh", "-c", "ls /etc > /dev/null; cat /etc/hostname /etc/os-release",
              static_cast<char*>(nullptr));
      ::_exit(127);
    } else if (sh > 0) {
      ::waitpid(sh, nullptr, 0);
    }
    for (const char* p : {"/etc/passwd", "/etc/hosts", "/etc/resolv.conf", "/proc/self/stat"}) {
      char buf[512];
      if (const int fd = ::open(p, O_RDONLY); fd >= 0) {
        [[maybe_unused]] const ssize_t r = ::read(fd, buf, sizeof(buf));
        ::close(fd);
      }
    }
    const std::string tmp = dir + "/activity." + std::to_string(k % 8);
    if (const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600); fd >= 0) {
      [[maybe_unused]] const ssize_t w = ::write(fd, "hello\n", 6);
      ::close(fd);
    }
    ::unlink(tmp.c_str());
    if (const int s = ::socket(AF_INET, SOCK_STREAM, 0); s >= 0) {
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(static_cast<uint16_t>(http_port));
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof(a));
      ::close(s);
    }
    ::usleep(20'000);
  }
}

struct Agent {
  std::string label;
  pid_t pid = -1;
  int stdin_fd = -1;  // replay: the sample log is written here
  std::vector<long> samples_kb;
  std::vector<long> timeline_kb;  // one sample every 5 s, to show growth
  long peak_kb = 0;
  Breakdown last;
  long children_kb = 0;  // RSS of its child processes at the end
};

pid_t spawn(const std::vector<std::string>& argv, const std::string& out_path,
            const std::string& err_path, int* stdin_write) {
  int in_pipe[2] = {-1, -1};
  if (stdin_write && ::pipe2(in_pipe, O_CLOEXEC) != 0) return -1;
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (stdin_write) ::dup2(in_pipe[0], 0);
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(out, 1);
    ::dup2(err, 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  if (stdin_write) {
    ::close(in_pipe[0]);
    *stdin_write = in_pipe[1];
  }
  return pid;
}

int free_port() {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

// Why live collection is not possible here ("" when it is).
std::string live_unavailable() {
  if (::geteuid() != 0) return "not root";
  if (::access("/sys/kernel/btf/vmlinux", R_OK) != 0) return "the kernel has no BTF";
  return "";
}

double mb(long kb) {
  return static_cast<double>(kb) * 1024.0 / kMb;
}

long median(std::vector<long> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 20;
  std::string agent_path = WSN_AGENT_PATH;
  std::string rules;  // empty: the bundled rules
  bool force_replay = false, keep = false;
  for (int k = 1; k < argc; ++k) {
    const std::string a = argv[k];
    if (a == "--seconds" && k + 1 < argc) {
      seconds = std::atof(argv[++k]);
    } else if (a == "--agent" && k + 1 < argc) {
      agent_path = argv[++k];
    } else if (a == "--rules" && k + 1 < argc) {
      rules = argv[++k];
    } else if (a == "--replay") {
      force_replay = true;
    } else if (a == "--keep") {
      keep = true;
    } else {
      std::fprintf(stderr,
                   "usage: %s [--seconds N] [--agent PATH] [--rules PATH] [--replay] [--keep]\n",
                   argv[0]);
      return 2;
    }
  }
  ::signal(SIGPIPE, SIG_IGN);

  char tmpl[] = "/tmp/wsn_memory_bench.XXXXXX";
  if (!::mkdtemp(tmpl)) return 2;
  const std::string dir = tmpl;
  const std::string why = force_replay ? "--replay given" : live_unavailable();
  const bool live = why.empty();
  const std::string sample = std::string(WSN_SOURCE_DIR) + "/data/sample/linux-activity.jsonl";

  // The peer's single rule: valid, needs only process events, never matches.
  const std::string peer_rules = dir + "/peer.yml";
  write_file(peer_rules,
             "id: wsn.bench.memory_peer\n"
             "name: Memory benchmark peer (never matches)\n"
             "description: The single rule of the peer agent.\n"
             "severity: low\n"
             "type: eql\n"
             "query: process where process.name == \"wsn-memory-bench-never\"\n");
  const std::string bundled_rules = rules;

  std::vector<Agent> agents;
  const int activity_port = free_port();
  for (const std::string label : {"agent", "peer: agent with 1 rule"}) {
    Agent ag;
    ag.label = label;
    const std::string name = label == "agent" ? "agent" : "peer";
    const int port = label == "agent" ? activity_port : free_port();
    const std::string cfg = dir + "/" + name + ".yml";
    // Everything the default `run` has stays on; only paths and the port move.
    write_file(cfg,
               "version: 1\n"
               "sinks:\n"
               "  sqlite:\n"
               "    enabled: true\n"
               "    path: " +
                   dir + "/" + name +
                   "-alerts.db\n"
                   "http:\n"
                   "  enabled: true\n"
                   "  listen: 127.0.0.1:" +
                   std::to_string(port) +
                   "\n"
                   "response:\n"
                   "  audit_log: " +
                   dir + "/" + name + "-audit.jsonl\n");
    std::vector<std::string> args = {agent_path, live ? "run" : "replay", "-c", cfg};
    if (label != "agent") {
      args.insert(args.end(), {"-r", peer_rules});
    } else if (!bundled_rules.empty()) {
      args.insert(args.end(), {"-r", bundled_rules});
    }
    if (live) {
      args.insert(args.end(), {"--duration", std::to_string(static_cast<int>(seconds) + 30)});
    } else {
      args.push_back("-");
    }
    ag.pid = spawn(args, dir + "/" + name + ".out", dir + "/" + name + ".err",
                   live ? nullptr : &ag.stdin_fd);
    agents.push_back(std::move(ag));
  }
  Agent sleeper;
  sleeper.label = "peer: sleep";
  sleeper.pid = spawn({"/bin/sleep", std::to_string(static_cast<int>(seconds) + 30)}, "/dev/null",
                      "/dev/null", nullptr);

  std::printf("wasm-sentinel memory benchmark: %s, %s rules, %.0f s of activity\n",
              live ? "live (run, eBPF)" : ("replay through stdin (" + why + ")").c_str(),
              bundled_rules.empty() ? "bundled" : bundled_rules.c_str(), seconds);
  std::fflush(stdout);

  // Replay: the sample log at a steady rate (its events over and over, ~1,000 events/s).
  std::string log_text;
  std::vector<std::string> log_lines;
  if (!live) {
    std::istringstream in(read_all(sample));
    for (std::string l; std::getline(in, l);) log_lines.push_back(l + "\n");
    if (log_lines.empty()) {
      std::fprintf(stderr, "cannot read %s\n", sample.c_str());
      return 2;
    }
  }
  const pid_t activity = live ? start_activity(dir, activity_port) : -1;

  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  size_t line = 0;
  unsigned tick_no = 0;
  std::vector<Agent*> all = {&agents[0], &agents[1], &sleeper};
  while (Clock::now() < end) {
    const auto tick = Clock::now();
    if (!live) {
      for (int k = 0; k < 100; ++k, ++line) {  // 100 events per 100 ms
        const std::string& l = log_lines[line % log_lines.size()];
        for (Agent& ag : agents) {
          if (ag.stdin_fd >= 0 && ::write(ag.stdin_fd, l.data(), l.size()) < 0) ag.stdin_fd = -1;
        }
      }
    }
    ++tick_no;
    const bool second_half = tick - start > (end - start) / 2;
    for (Agent* ag : all) {
      const long kb = rss_kb(ag->pid);
      if (kb < 0) continue;
      ag->peak_kb = std::max(ag->peak_kb, kb);
      if (second_half) ag->samples_kb.push_back(kb);
      if (tick_no % 50 == 0) ag->timeline_kb.push_back(kb);
    }
    std::this_thread::sleep_until(tick + std::chrono::milliseconds(100));
  }
  for (Agent* ag : all) {
    ag->last = breakdown(ag->pid);
    std::vector<pid_t> kids;
    descendants(ag->pid, kids);
    for (pid_t k : kids) ag->children_kb += std::max(0L, rss_kb(k));
  }

  if (activity > 0) {
    ::kill(-activity, SIGKILL);
    ::waitpid(activity, nullptr, 0);
  }
  bool failed = false;
  for (Agent* ag : all) {
    if (ag->stdin_fd >= 0) ::close(ag->stdin_fd);
    ::kill(ag->pid, SIGTERM);
    int status = 0;
    ::waitpid(ag->pid, &status, 0);
    if (ag->samples_kb.empty()) {
      std::printf("%s did not run; its stderr:\n%s\n", ag->label.c_str(),
                  read_all(dir + "/" + (ag == &agents[0] ? "agent" : "peer") + ".err").c_str());
      failed = true;
    }
  }
  if (failed) return 1;

  std::printf("\n%-26s %10s %10s %10s %10s\n", "process", "peak MB", "steady MB", "PSS MB",
              "children");
  for (Agent* ag : all) {
    std::printf("%-26s %10.1f %10.1f %10.1f %10.1f\n", ag->label.c_str(), mb(ag->peak_kb),
                mb(median(ag->samples_kb)), mb(ag->last.total_pss), mb(ag->children_kb));
  }
  const std::vector<std::string> cats = {"heap",   "ring buffer", "BPF maps", "stacks",
                                         "binary", "shared libs", "files",    "other"};
  std::printf("\nRSS breakdown at the end (smaps), MB: RSS (PSS)\n%-14s", "category");
  for (Agent* ag : all) std::printf(" %24s", ag->label.c_str());
  std::printf("\n");
  for (const std::string& c : cats) {
    std::printf("%-14s", c.c_str());
    for (Agent* ag : all) {
      char cell[64];
      std::snprintf(cell, sizeof(cell), "%.1f (%.1f)", mb(ag->last.rss[c]), mb(ag->last.pss[c]));
      std::printf(" %24s", cell);
    }
    std::printf("\n");
  }
  const Agent& a = agents[0];
  const long steady = median(a.samples_kb);
  std::printf("\nagent RSS every 5 s, MB:");
  for (long kb : agents[0].timeline_kb) std::printf(" %.1f", mb(kb));
  std::printf("\n");
  std::printf(
      "\nagent steady RSS %.1f MB, peak %.1f MB; goal %.0f MB: steady/goal %.2f, "
      "peak/goal %.2f\n",
      mb(steady), mb(a.peak_kb), kGoalMb, mb(steady) / kGoalMb, mb(a.peak_kb) / kGoalMb);
  std::printf(
      "agent / peer with 1 rule: %.2f (+%.1f MB for the bundled rules); agent / sleep: "
      "%.1f\n",
      static_cast<double>(steady) / static_cast<double>(median(agents[1].samples_kb)),
      mb(steady - median(agents[1].samples_kb)),
      static_cast<double>(steady) / static_cast<double>(median(sleeper.samples_kb)));
  // The agent's own summary: events, drops in the queue and losses in the ring buffer.
  std::printf("\nagent summary (stderr):\n");
  std::istringstream err(read_all(dir + "/agent.err"));
  for (std::string l; std::getline(err, l);) {
    if (l.find(" events") != std::string::npos && l.find("hooks:") == std::string::npos) {
      std::printf("  %s\n", l.c_str());
    }
  }
  if (keep) {
    std::printf("files kept in %s\n", dir.c_str());
  } else {
    std::system(("rm -rf '" + dir + "'").c_str());
  }
  return steady * 1024.0 / kMb <= kGoalMb ? 0 : 3;
}
