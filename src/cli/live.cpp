#include "cli/live.h"

#include <fmt/core.h>

#include <chrono>
#include <cstdio>
#include <utility>

#include "cli/operations.h"

namespace wsn::cli {

namespace {

sigset_t watched_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void SignalWatcher::block_signals() {
  const sigset_t set = watched_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

SignalWatcher::SignalWatcher(Engine& engine, bool reload) : set_(watched_signals()) {
  block_signals();
  thread_ = std::thread([this, &engine, reload] {
    const timespec tick{1, 0};
    while (!done_.load()) {
      const int sig = sigtimedwait(&set_, nullptr, &tick);
      if (sig == SIGINT || sig == SIGTERM) engine.stop();
      if (sig == SIGHUP && reload) reload_rules_reporting(engine, "SIGHUP");
    }
  });
}

SignalWatcher::~SignalWatcher() {
  done_.store(true);
  pthread_kill(thread_.native_handle(), SIGUSR1);
  thread_.join();
}

collect::EbpfOptions ebpf_options(const config::Config& cfg) {
  collect::EbpfOptions eo;
  eo.ring_buffer_bytes = cfg.sources.ebpf.ring_buffer_bytes;
  eo.process_table_capacity = cfg.sources.ebpf.process_table;
  eo.host_name = cfg.sources.ebpf.host_name;
  return eo;
}

collect::EbpfInterest rules_interest(const RuleSet& rules, const FieldRegistry& registry) {
  EventInterest wanted;
  for (const auto& compiled : rules.compiled) {
    if (compiled) compiled->add_interest(wanted, registry);
  }
  return collect::interest_from(wanted);
}

collect::EbpfInterest every_event() {
  collect::EbpfInterest all = collect::EbpfInterest::all();
  all.set_all_reads(true);
  return all;
}

void print_hooks(const collect::EbpfSource& source, const collect::EbpfInterest& interest,
                 const std::string& headline) {
  std::string hooks;
  for (const auto& h : source.attached_hooks()) hooks += (hooks.empty() ? "" : " ") + h;
  fmt::print(stderr, "wasm-sentinel: {}; events: {}; hooks: {}; Ctrl-C stops\n", headline,
             interest.to_string(), hooks);
  if (interest.reads_mode() == 1) {
    std::string prefixes;
    for (const auto& p : interest.read_prefixes()) prefixes += (prefixes.empty() ? "" : " ") + p;
    fmt::print(stderr, "wasm-sentinel: file reads reported under: {}\n", prefixes);
  }
  for (const auto& h : source.unavailable_hooks()) {
    fmt::print(stderr, "wasm-sentinel: warning: this kernel has no {}; those events are not seen\n",
               h);
  }
  if (interest.reads_mode() == 2) {
    fmt::print(stderr,
               "wasm-sentinel: warning: every file opened for reading is reported (a loaded rule "
               "can match read opens without a file.path prefix, or all hooks were asked for); "
               "this is the heaviest setting on busy hosts\n");
  }
}

LiveSupervisor::LiveSupervisor(Engine& engine, collect::EbpfSource& source,
                               collect::EbpfInterest attached, bool follow_rules, double seconds)
    : engine_(engine), source_(source), attached_(std::move(attached)) {
  generation_ = engine_.rules()->generation;
  thread_ = std::thread([this, follow_rules, seconds] {
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    auto last_check = start;
    while (!done_.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      const auto now = Clock::now();
      if (seconds > 0 && now - start >= std::chrono::duration<double>(seconds)) {
        engine_.stop();
        return;
      }
      if (follow_rules && now - last_check >= std::chrono::milliseconds(200)) {
        last_check = now;
        check_rules();
      }
    }
  });
}

LiveSupervisor::~LiveSupervisor() {
  done_.store(true);
  thread_.join();
}

void LiveSupervisor::check_rules() {
  const auto rules = engine_.rules();
  if (rules->generation == generation_) return;
  generation_ = rules->generation;
  const collect::EbpfInterest needed = rules_interest(*rules, engine_.registry());
  std::vector<std::string> missing = attached_.missing(needed);
  if (missing.empty()) return;
  // Only read prefixes missing, and reads already prefix-filtered: widen the kernel filter.
  const std::vector<std::string> added = attached_.missing_read_prefixes(needed);
  const bool prefixes_only =
      attached_.reads_mode() == 1 && needed.reads_mode() == 1 && added.size() == missing.size();
  if (prefixes_only) {
    std::string shown;
    for (const std::string& p : added) shown += (shown.empty() ? "" : ", ") + p;
    if (Status s = source_.add_read_prefixes(added); s.ok()) {
      for (const std::string& p : added) attached_.add_read_prefix(p);
      fmt::print(stderr,
                 "wasm-sentinel: the reloaded rules read more paths; now also reporting read "
                 "opens under {}\n",
                 shown);
      return;
    }
  }
  std::string list;
  for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
  fmt::print(stderr,
             "wasm-sentinel: warning: the reloaded rules need events the running collector does "
             "not watch ({}); restart `run` to attach their hooks (until then those rules miss "
             "them)\n",
             list);
}

}  // namespace wsn::cli
