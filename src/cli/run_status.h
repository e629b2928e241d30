// What a long `replay` or a live `run` is doing, on standard error while it runs:
//
//   replay of a file, on a terminal: a progress bar redrawn in place (percent of the file read,
//     rate, alerts, ETA);
//   replay, not a terminal: a plain line every interval
//     wasm-sentinel: progress: 45% of 27.0 MiB, 123456 events (150000 events/s), 12 alerts, ETA 12
//     s
//   live run: a plain line every interval
//     wasm-sentinel: status: 1234 events/s, 567890 events, 0 dropped, 0 lost, 12 alerts,
//     38 rules, RSS 45.2 MiB
//
// The figures come from the engine's metrics registry (the counters /metrics serves), so the
// reporter needs no hook in the data path.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "engine/engine.h"

namespace wsn::cli {

// Totals of a run so far, summed over sources.
struct RunCounters {
  uint64_t processed = 0;
  uint64_t dropped = 0;  // in the event queue
  uint64_t lost = 0;     // before reaching it (kernel ring buffer)
  uint64_t alerts = 0;
};
RunCounters read_run_counters(metrics::Registry& registry);

// How far this process has read `path`: the file offset of its open descriptor (from
// /proc/self/fdinfo), or -1 when it has none open.
int64_t read_position(const std::string& path);

class RunStatusReporter {
 public:
  struct Options {
    std::chrono::milliseconds interval{5000};  // between plain lines; 0: no plain lines
    bool terminal = false;  // standard error is a terminal: redraw a progress bar instead
    std::string input;      // replay: the file being read ("" or "-": a live run or a stream)
  };
  RunStatusReporter(Engine& engine, Options options);
  ~RunStatusReporter();  // stops, and clears the bar
  RunStatusReporter(const RunStatusReporter&) = delete;
  RunStatusReporter& operator=(const RunStatusReporter&) = delete;

  // The lines, exposed for tests. `elapsed_s`: since the start; `rate`: events/s lately.
  static std::string progress_line(const RunCounters& c, int64_t pos, int64_t size, double rate,
                                   double elapsed_s);
  static std::string progress_bar(const RunCounters& c, int64_t pos, int64_t size, double rate,
                                  double elapsed_s);
  static std::string status_line(const RunCounters& c, double rate, size_t rules,
                                 uint64_t rss_bytes);

 private:
  void loop();

  Engine& engine_;
  const Options options_;
  int64_t size_ = -1;  // of the replayed file; -1: unknown (stream, rotated recording)
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool drawn_ = false;  // a bar is on the terminal's last line
  std::thread thread_;
};

}  // namespace wsn::cli
