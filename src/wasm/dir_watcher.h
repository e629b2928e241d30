// Hot reload support: watches rule directories (recursively, with inotify) for new, changed,
// moved or deleted rule files — *.wasm modules, the *.yml / *.yaml documents naming them, Elastic
// *.toml rules and *.ndjson exception-list exports —
// and reports them in batches once the directory has been quiet for a moment, so a module
// copied in several writes triggers one reload. RuleReloader runs the watch on a thread and
// calls back (e.g. Engine::load_rules); the Wasm rule kind keeps the previous version of a
// rule whose new module fails to load, and reports why.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "wsn/result.h"

namespace wsn::wasm {

class DirectoryWatcher {
 public:
  static Result<std::unique_ptr<DirectoryWatcher>> create(const std::vector<std::string>& dirs,
                                                          std::vector<std::string> suffixes = {
                                                              ".wasm", ".yml", ".yaml", ".toml",
                                                              ".ndjson"});
  ~DirectoryWatcher();
  DirectoryWatcher(const DirectoryWatcher&) = delete;
  DirectoryWatcher& operator=(const DirectoryWatcher&) = delete;

  // Waits up to `timeout_ms` for a relevant change, then until `settle_ms` pass without
  // another. Returns the paths that changed (empty on timeout or after stop()).
  std::vector<std::string> wait(int timeout_ms, int settle_ms = 200);
  // Makes a blocked wait() return (thread safe).
  void stop();

 private:
  DirectoryWatcher() = default;
  void add_tree(const std::string& dir);
  bool relevant(const std::string& name) const;
  // Reads pending events into `changed`; false when nothing was pending.
  bool drain(std::vector<std::string>& changed);

  int fd_ = -1;
  int wake_fd_ = -1;
  std::map<int, std::string> dirs_;
  std::vector<std::string> suffixes_;
};

class RuleReloader {
 public:
  using Callback = std::function<void(const std::vector<std::string>& changed)>;
  // Starts watching `dirs` on a thread; `on_change` runs on that thread.
  static Result<std::unique_ptr<RuleReloader>> start(const std::vector<std::string>& dirs,
                                                     Callback on_change, int settle_ms = 200);
  ~RuleReloader();
  uint64_t reloads() const { return reloads_.load(); }

 private:
  RuleReloader() = default;
  std::unique_ptr<DirectoryWatcher> watcher_;
  Callback on_change_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> reloads_{0};
  std::thread thread_;
};

}  // namespace wsn::wasm
