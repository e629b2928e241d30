#include "cli/run_status.h"

#include <dirent.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "metrics/process_metrics.h"

namespace wsn::cli {
namespace {

std::string mib(double bytes) {
  return fmt::format("{:.1f} MiB", bytes / (1024.0 * 1024.0));
}

std::string duration(double s) {
  const auto t = static_cast<uint64_t>(s + 0.5);
  if (t < 60) return fmt::format("{} s", t);
  if (t < 3600) return fmt::format("{}:{:02}", t / 60, t % 60);
  return fmt::format("{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60);
}

// Seconds left at `rate` bytes/s, or "" when unknown.
std::string eta(int64_t pos, int64_t size, double elapsed_s) {
  if (pos <= 0 || size <= 0 || elapsed_s <= 0 || pos >= size) return "";
  const double bytes_per_s = static_cast<double>(pos) / elapsed_s;
  return duration(static_cast<double>(size - pos) / bytes_per_s);
}

// Sum of every series of `name` in a Prometheus text rendering.
uint64_t sum_family(const std::string& text, const std::string& name) {
  double sum = 0;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name, 0) != 0) continue;
    const char next = line.size() > name.size() ? line[name.size()] : '\0';
    if (next != ' ' && next != '{') continue;
    const size_t space = line.rfind(' ');
    if (space == std::string::npos) continue;
    sum += std::strtod(line.c_str() + space + 1, nullptr);
  }
  return static_cast<uint64_t>(sum);
}

}  // namespace

RunCounters read_run_counters(metrics::Registry& registry) {
  const std::string text = registry.render();
  RunCounters c;
  c.processed = sum_family(text, "wsn_events_processed_total");
  c.dropped = sum_family(text, "wsn_events_dropped_total");
  c.lost = sum_family(text, "wsn_kernel_drops_total");
  c.alerts = sum_family(text, "wsn_alerts_total");
  return c;
}

int64_t read_position(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path want = std::filesystem::canonical(path, ec);
  if (ec) return -1;
  int64_t best = -1;
  DIR* d = ::opendir("/proc/self/fd");
  if (!d) return -1;
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    char target[4096];
    const std::string link = std::string("/proc/self/fd/") + e->d_name;
    const ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
    if (n <= 0 || std::string_view(target, static_cast<size_t>(n)) != want.native()) continue;
    std::ifstream info(std::string("/proc/self/fdinfo/") + e->d_name);
    std::string key;
    int64_t pos = 0;
    if (info >> key >> pos && key == "pos:") best = std::max(best, pos);
  }
  ::closedir(d);
  return best;
}

std::string RunStatusReporter::progress_line(const RunCounters& c, int64_t pos, int64_t size,
                                             double rate, double elapsed_s) {
  std::string out = "wasm-sentinel: progress: ";
  if (pos >= 0 && size > 0) {
    out += fmt::format("{}% of {}, ", pos * 100 / size, mib(static_cast<double>(size)));
  }
  out += fmt::format("{} events ({:.0f} events/s), {} alerts", c.processed, rate, c.alerts);
  if (const std::string left = eta(pos, size, elapsed_s); !left.empty()) out += ", ETA " + left;
  return out;
}

std::string RunStatusReporter::progress_bar(const RunCounters& c, int64_t pos, int64_t size,
                                            double rate, double elapsed_s) {
  constexpr int kWidth = 30;
  std::string out = "[";
  if (pos >= 0 && size > 0) {
    const int filled = static_cast<int>(pos * kWidth / size);
    out += std::string(static_cast<size_t>(filled), '#');
    out += std::string(static_cast<size_t>(kWidth - filled), '.');
    out += fmt::format("] {:3}% {}/{}", pos * 100 / size, mib(static_cast<double>(pos)),
                       mib(static_cast<double>(size)));
  } else {
    out += std::string(kWidth, '?') + "]";
  }
  out += fmt::format("  {} events  {:.0f} events/s  {} alerts", c.processed, rate, c.alerts);
  if (const std::string left = eta(pos, size, elapsed_s); !left.empty()) out += "  ETA " + left;
  return out;
}

std::string RunStatusReporter::status_line(const RunCounters& c, double rate, size_t rules,
                                           uint64_t rss_bytes) {
  return fmt::format(
      "wasm-sentinel: status: {:.0f} events/s, {} events, {} dropped, {} lost, {} alerts, {} "
      "rules, RSS {}",
      rate, c.processed, c.dropped, c.lost, c.alerts, rules, mib(static_cast<double>(rss_bytes)));
}

RunStatusReporter::RunStatusReporter(Engine& engine, Options options)
    : engine_(engine), options_(std::move(options)) {
  if (!options_.input.empty() && options_.input != "-") {
    struct stat st {};
    if (::stat(options_.input.c_str(), &st) == 0 && S_ISREG(st.st_mode)) size_ = st.st_size;
  }
  const bool replay = !options_.input.empty();
  const bool bar = options_.terminal && replay;
  if (bar || options_.interval.count() > 0) thread_ = std::thread([this] { loop(); });
}

RunStatusReporter::~RunStatusReporter() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (drawn_) std::fputs("\r\x1b[K", stderr);  // the summary line takes the bar's place
}

void RunStatusReporter::loop() {
  const bool replay = !options_.input.empty();
  const bool bar = options_.terminal && replay;
  // The bar is redrawn 5 times a second, or as often as a shorter --status-interval asks.
  const auto tick =
      bar ? std::min<std::chrono::milliseconds>(std::chrono::milliseconds(200), options_.interval)
          : options_.interval;
  const auto start = std::chrono::steady_clock::now();
  auto last = start;
  uint64_t last_processed = 0;
  int64_t last_pos = -1;
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, tick, [this] { return stop_; })) {
    const auto now = std::chrono::steady_clock::now();
    const RunCounters c = read_run_counters(engine_.metrics());
    const double dt = std::chrono::duration<double>(now - last).count();
    const double rate = dt > 0 ? static_cast<double>(c.processed - last_processed) / dt : 0;
    const double elapsed = std::chrono::duration<double>(now - start).count();
    last = now;
    last_processed = c.processed;
    std::string text;
    if (replay) {
      int64_t pos = size_ > 0 ? read_position(options_.input) : -1;
      // Closed after having been read: detection is finishing the last events of the file.
      if (pos < 0 && last_pos >= 0) pos = size_;
      last_pos = pos;
      text = bar ? "\r" + progress_bar(c, pos, size_, rate, elapsed) + "\x1b[K"
                 : progress_line(c, pos, size_, rate, elapsed) + "\n";
      drawn_ = bar;
    } else {
      size_t rules = 0;
      for (const auto& r : engine_.rules()->rules) rules += r.failed ? 0 : 1;
      text = status_line(c, rate, rules, metrics::process_rss_bytes()) + "\n";
    }
    std::fputs(text.c_str(), stderr);
    std::fflush(stderr);
  }
}

}  // namespace wsn::cli
