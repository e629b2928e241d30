// What `run` and `record` share around live sources: signal handling, choosing and preparing the
// configured sources (any set of source plug-ins; the kernel collector by default), printing
// what they collect, and ending timed runs.
#pragma once

#include <atomic>
#include <csignal>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "engine/engine.h"

namespace wsn::cli {

// Stops the engine on SIGINT/SIGTERM and (when `reload`) reloads the rules on SIGHUP: the
// signals are blocked in every thread and taken by a watcher thread with sigtimedwait, so no
// code runs in signal context. SIGUSR1 (also blocked) wakes the watcher when the run is over.
class SignalWatcher {
 public:
  // Blocks the watched signals in the calling thread, hence in every thread it starts from
  // now on: call it before anything starts threads (rule loading, sinks, HTTP, collector),
  // or a signal may land in a thread that does not expect it (SIGHUP would end the process).
  static void block_signals();
  explicit SignalWatcher(Engine& engine, bool reload = true);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  sigset_t set_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

// The source plug-ins `cfg` enables that can run on this host; prints why for each that cannot
// ("<name>: live collection unavailable: …"). Empty when none can.
std::vector<std::string> usable_sources(const Engine& engine, const config::Config& cfg);

// The running set of sources of a live run.
struct LiveSources {
  std::vector<std::unique_ptr<EventSource>> owned;
  std::vector<EventSource*> running;  // those that prepared; what Engine::run gets
};

// Makes the sources named in `names` and prepares each with `wanted`; one that fails to prepare
// is reported and left out. Empty `running` when none could start.
LiveSources start_sources(Engine& engine, const config::Config& cfg,
                          const std::vector<std::string>& names, const EventInterest& wanted);

// The rules no running source can feed: for each, one line naming the rule and the events it
// waits for ("rule X waits for network events with event.action in (lookup_result), which no
// source of this run produces"). A sequence with one such step can never complete either.
std::vector<std::string> unreachable_rules(const LiveSources& sources, const EventInterest& wanted);

// Prints the headline and what each source collects.
void print_sources(const LiveSources& sources, const std::string& headline);

// Ends a run after `seconds` (0: never).
class RunTimer {
 public:
  RunTimer(Engine& engine, double seconds);
  ~RunTimer();  // joins the thread
  RunTimer(const RunTimer&) = delete;
  RunTimer& operator=(const RunTimer&) = delete;

 private:
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace wsn::cli
