// What `run` and `record` share around the live eBPF collector: signal handling, collector
// options and hook selection from the configuration and the loaded rules (interest pushdown),
// and a supervisor thread that ends timed runs and notices rule reloads that need hooks the
// collector does not have.
#pragma once

#include <atomic>
#include <csignal>
#include <cstdint>
#include <string>
#include <thread>

#include "collect/ebpf/ebpf_source.h"
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
  // or a signal may land in a thread that does not expect it (SIGHUP would kill the process).
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

// Collector options from `sources.ebpf` (ring buffer, process table, host name); the interest
// is left to the caller.
collect::EbpfOptions ebpf_options(const config::Config& cfg);

// The collector events `rules` can match (every rule kind describes itself; see
// CompiledRules::add_interest) plus process tracking.
collect::EbpfInterest rules_interest(const RuleSet& rules, const FieldRegistry& registry);

// Every event kind and every file read (`sources.ebpf.hooks: all`, `record --hooks all`).
collect::EbpfInterest every_event();

// Prints the hooks attached for `interest` (and wanted ones this kernel lacks), with a warning
// when every file read is reported.
void print_hooks(const collect::EbpfSource& source, const collect::EbpfInterest& interest,
                 const std::string& headline);

// Ends a live run after `seconds` (0: never) and, when `engine` gets new rules (SIGHUP, the
// rules watcher, the HTTP API), checks that the collector still delivers what they need:
// extra read prefixes are added in the kernel at once; anything else is a warning that a
// restart is needed (hooks are chosen at start).
class LiveSupervisor {
 public:
  LiveSupervisor(Engine& engine, collect::EbpfSource& source, collect::EbpfInterest attached,
                 bool follow_rules, double seconds);
  ~LiveSupervisor();  // joins the thread
  LiveSupervisor(const LiveSupervisor&) = delete;
  LiveSupervisor& operator=(const LiveSupervisor&) = delete;

 private:
  void check_rules();

  Engine& engine_;
  collect::EbpfSource& source_;
  collect::EbpfInterest attached_;
  uint64_t generation_ = 0;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace wsn::cli
