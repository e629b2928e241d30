#include "wasm/dir_watcher.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

namespace wsn::wasm {
namespace fs = std::filesystem;

namespace {
constexpr uint32_t kMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE |
                           IN_DELETE_SELF | IN_ATTRIB;
}

Result<std::unique_ptr<DirectoryWatcher>> DirectoryWatcher::create(
    const std::vector<std::string>& dirs, std::vector<std::string> suffixes) {
  std::unique_ptr<DirectoryWatcher> w(new DirectoryWatcher());
  w->fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (w->fd_ < 0) return Error{"inotify_init1: " + std::string(strerror(errno)), errno};
  w->wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (w->wake_fd_ < 0) return Error{"eventfd: " + std::string(strerror(errno)), errno};
  w->suffixes_ = std::move(suffixes);
  for (const auto& d : dirs) {
    std::error_code ec;
    if (!fs::is_directory(d, ec)) continue;  // single rule files: their directory is watched
    w->add_tree(d);
  }
  for (const auto& d : dirs) {
    std::error_code ec;
    if (fs::is_regular_file(d, ec)) w->add_tree(fs::path(d).parent_path().string());
  }
  if (w->dirs_.empty()) return Error{"no directory to watch"};
  return w;
}

DirectoryWatcher::~DirectoryWatcher() {
  if (fd_ >= 0) close(fd_);
  if (wake_fd_ >= 0) close(wake_fd_);
}

void DirectoryWatcher::add_tree(const std::string& dir) {
  const int wd = inotify_add_watch(fd_, dir.c_str(), kMask);
  if (wd >= 0) dirs_[wd] = dir;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_directory(ec)) {
      const int sub = inotify_add_watch(fd_, it->path().c_str(), kMask);
      if (sub >= 0) dirs_[sub] = it->path().string();
    }
  }
}

bool DirectoryWatcher::relevant(const std::string& name) const {
  for (const auto& s : suffixes_) {
    if (name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
      return true;
    }
  }
  return false;
}

bool DirectoryWatcher::drain(std::vector<std::string>& changed) {
  alignas(inotify_event) char buf[16384];
  bool any = false;
  for (;;) {
    const ssize_t n = read(fd_, buf, sizeof buf);
    if (n <= 0) break;
    for (ssize_t off = 0; off < n;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
      off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
      const std::string name = ev->len ? std::string(ev->name) : std::string();
      auto dir = dirs_.find(ev->wd);
      if (dir == dirs_.end()) continue;
      const std::string path = dir->second + "/" + name;
      if ((ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO))) {
        add_tree(path);  // a new subdirectory: watch it and report its rule files
        std::error_code ec;
        for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::end(it);
             it.increment(ec)) {
          if (relevant(it->path().string())) {
            changed.push_back(it->path().string());
            any = true;
          }
        }
        continue;
      }
      if (!name.empty() && relevant(name)) {
        changed.push_back(path);
        any = true;
      }
    }
  }
  return any;
}

std::vector<std::string> DirectoryWatcher::wait(int timeout_ms, int settle_ms) {
  std::vector<std::string> changed;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  bool seen = false;
  for (;;) {
    int wait_ms = settle_ms;
    if (!seen) {
      wait_ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     deadline - std::chrono::steady_clock::now())
                                     .count());
      if (wait_ms <= 0) return changed;
    }
    struct pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    const int rc = poll(fds, 2, wait_ms);
    if (rc < 0 && errno != EINTR) return changed;
    if (fds[1].revents & POLLIN) return {};
    if (rc == 0) {
      if (seen) break;  // quiet for settle_ms after a change
      continue;
    }
    if (drain(changed)) seen = true;
  }
  std::sort(changed.begin(), changed.end());
  changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
  return changed;
}

void DirectoryWatcher::stop() {
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof one);
}

Result<std::unique_ptr<RuleReloader>> RuleReloader::start(const std::vector<std::string>& dirs,
                                                          Callback on_change, int settle_ms) {
  auto w = DirectoryWatcher::create(dirs);
  if (!w.ok()) return w.error();
  std::unique_ptr<RuleReloader> r(new RuleReloader());
  r->watcher_ = std::move(w.value());
  r->on_change_ = std::move(on_change);
  RuleReloader* self = r.get();
  r->thread_ = std::thread([self, settle_ms] {
    while (!self->stop_.load()) {
      auto changed = self->watcher_->wait(1000, settle_ms);
      if (self->stop_.load()) break;
      if (changed.empty()) continue;
      self->on_change_(changed);
      self->reloads_.fetch_add(1);
    }
  });
  return r;
}

RuleReloader::~RuleReloader() {
  stop_.store(true);
  watcher_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace wsn::wasm
