#include "cli/live.h"

#include <fmt/core.h>

#include <algorithm>
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

std::vector<std::string> usable_sources(const Engine& engine, const config::Config& cfg) {
  std::vector<std::string> out;
  for (const SourcePlugin* p : engine.enabled_sources(cfg)) {
    if (p->available) {
      if (Status s = p->available(); !s.ok()) {
        fmt::print(stderr, "wasm-sentinel: {}: live collection unavailable: {}\n", p->name,
                   s.error().message);
        continue;
      }
    }
    out.push_back(p->name);
  }
  return out;
}

LiveSources start_sources(Engine& engine, const config::Config& cfg,
                          const std::vector<std::string>& names, const EventInterest& wanted) {
  LiveSources out;
  if (names.empty()) return out;
  auto made = engine.make_sources(cfg, config::Mode::kRun, names);
  if (!made.ok()) {
    fmt::print(stderr, "wasm-sentinel: {}\n", made.error().message);
    return out;
  }
  out.owned = std::move(made.value());
  for (auto& s : out.owned) {
    if (Status st = s->prepare(wanted); !st.ok()) {
      fmt::print(stderr, "wasm-sentinel: {}: live collection unavailable: {}\n", s->name(),
                 st.error().message);
      continue;
    }
    out.running.push_back(s.get());
  }
  return out;
}

std::vector<std::string> unreachable_rules(const LiveSources& sources,
                                           const EventInterest& wanted) {
  std::vector<std::string> out;
  std::vector<std::string_view> named;  // one line per rule
  for (const EventInterest::Want& w : wanted.wants) {
    if (w.rule_id.empty()) continue;
    if (std::find(named.begin(), named.end(), w.rule_id) != named.end()) continue;
    const bool fed = std::any_of(sources.running.begin(), sources.running.end(),
                                 [&w](const EventSource* s) { return s->may_emit(w); });
    if (fed) continue;
    named.push_back(w.rule_id);
    auto list = [](const std::vector<std::string>& v) {
      std::string s;
      for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
      return s;
    };
    std::string what = (w.category.empty() ? std::string("any") : w.category) + " events";
    if (!w.actions.empty()) what += " with event.action in (" + list(w.actions) + ")";
    if (!w.types.empty()) {
      what += std::string(w.actions.empty() ? " with" : " and") + " event.type in (" +
              list(w.types) + ")";
    }
    out.push_back("rule " + w.rule_id + " waits for " + what +
                  ", which no source of this run produces: it cannot fire on live events");
  }
  return out;
}

void print_sources(const LiveSources& sources, const std::string& headline) {
  std::string names;
  for (const EventSource* s : sources.running) {
    names += (names.empty() ? "" : ", ") + std::string(s->name());
  }
  for (const EventSource* s : sources.running) {
    for (const std::string& line : s->describe()) fmt::print(stderr, "wasm-sentinel: {}\n", line);
  }
  fmt::print(stderr, "wasm-sentinel: {}; sources: {}; Ctrl-C stops\n", headline, names);
}

RunTimer::RunTimer(Engine& engine, double seconds) {
  if (seconds <= 0) return;
  thread_ = std::thread([this, &engine, seconds] {
    using Clock = std::chrono::steady_clock;
    const auto end = Clock::now() + std::chrono::duration<double>(seconds);
    while (!done_.load()) {
      if (Clock::now() >= end) {
        engine.stop();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
}

RunTimer::~RunTimer() {
  done_.store(true);
  if (thread_.joinable()) thread_.join();
}

}  // namespace wsn::cli
