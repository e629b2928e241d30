#include "metrics/process_metrics.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <string>

namespace wsn::metrics {
namespace {

struct StatmValues {
  uint64_t size_pages = 0;
  uint64_t resident_pages = 0;
};

bool read_statm(StatmValues& out) {
  std::FILE* f = std::fopen("/proc/self/statm", "re");
  if (!f) return false;
  unsigned long long size = 0, resident = 0;
  const bool ok = std::fscanf(f, "%llu %llu", &size, &resident) == 2;
  std::fclose(f);
  out.size_pages = size;
  out.resident_pages = resident;
  return ok;
}

size_t count_open_fds() {
  DIR* d = ::opendir("/proc/self/fd");
  if (!d) return 0;
  size_t n = 0;
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] != '.') ++n;
  }
  ::closedir(d);
  return n > 0 ? n - 1 : 0;  // minus the descriptor of the listing itself
}

// CPU seconds (user + system) and start time from /proc/self/stat.
bool read_stat(double& cpu_seconds, double& start_seconds) {
  std::FILE* f = std::fopen("/proc/self/stat", "re");
  if (!f) return false;
  char buf[1024];
  const size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  buf[n] = '\0';
  // Fields after the command name, which is in parentheses and may contain spaces.
  const std::string text(buf);
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return false;
  unsigned long long utime = 0, stime = 0, starttime = 0;
  // Skip state (3) ... up to utime (14), stime (15), starttime (22).
  const int got = std::sscanf(text.c_str() + close + 2,
                              "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d "
                              "%*d %*d %*d %llu",
                              &utime, &stime, &starttime);
  if (got != 3) return false;
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  cpu_seconds = static_cast<double>(utime + stime) / ticks;
  // Boot time from /proc/stat (btime) + start ticks.
  double btime = 0;
  if (std::FILE* s = std::fopen("/proc/stat", "re")) {
    char line[256];
    while (std::fgets(line, sizeof line, s)) {
      unsigned long long b = 0;
      if (std::sscanf(line, "btime %llu", &b) == 1) {
        btime = static_cast<double>(b);
        break;
      }
    }
    std::fclose(s);
  }
  start_seconds = btime + static_cast<double>(starttime) / ticks;
  return true;
}

}  // namespace

double process_cpu_seconds() {
  double cpu_s = 0, start_s = 0;
  return read_stat(cpu_s, start_s) ? cpu_s : 0;
}

uint64_t process_rss_bytes() {
  StatmValues v;
  if (!read_statm(v)) return 0;
  return v.resident_pages * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

uint64_t register_process_metrics(Registry& registry) {
  Gauge& rss =
      registry.gauge("process_resident_memory_bytes", "Resident memory size in bytes.").get();
  Gauge& vsz =
      registry.gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.").get();
  Gauge& fds = registry.gauge("process_open_fds", "Number of open file descriptors.").get();
  Gauge& cpu =
      registry
          .real_counter("process_cpu_seconds_total", "Total user and system CPU time in seconds.")
          .get();
  Gauge& start = registry
                     .gauge("process_start_time_seconds",
                            "Start time of the process since the Unix epoch in seconds.")
                     .get();
  // CPU time keeps its fraction (clock ticks, 1/100 s): a whole-second counter read 0 for the
  // first second of CPU an agent used, which is most of a quiet host's first minutes.
  return registry.add_collector([&rss, &vsz, &fds, &cpu, &start] {
    StatmValues v;
    const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
    if (read_statm(v)) {
      rss.set(static_cast<double>(v.resident_pages) * page);
      vsz.set(static_cast<double>(v.size_pages) * page);
    }
    fds.set(static_cast<double>(count_open_fds()));
    double cpu_s = 0, start_s = 0;
    if (read_stat(cpu_s, start_s)) {
      cpu.set(cpu_s);
      start.set(start_s);
    }
  });
}

}  // namespace wsn::metrics
