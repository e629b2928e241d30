// uid / gid → name, from /etc/passwd and /etc/group.
//
// Loaded on first use and reloaded when a file's modification time changes (checked at most
// every `recheck_ns`, 2 s by default), so a user added while the collector runs gets a name.
// Unknown ids give an empty name.
//
// Not thread safe: owned by the collector's reader thread.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <unordered_map>

namespace wsn::collect {

class UserNames {
 public:
  explicit UserNames(std::string passwd_path = "/etc/passwd", std::string group_path = "/etc/group",
                     int64_t recheck_ns = 2'000'000'000);

  std::string_view user(uint32_t uid);
  std::string_view group(uint32_t gid);

  // Parses the passwd / group format ("name:x:id:..."); returns entries read.
  static size_t parse(std::string_view text, std::unordered_map<uint32_t, std::string>& out);

 private:
  struct Db {
    std::string path;
    std::unordered_map<uint32_t, std::string> names;
    timespec mtime{};
    int64_t size = -1;  // with mtime: coarse timestamps can miss a quick rewrite
    int64_t checked_ns = -1;
    bool loaded = false;
  };
  std::string_view get(Db& db, uint32_t id);
  void refresh(Db& db, bool force);

  Db users_;
  Db groups_;
  int64_t recheck_ns_;
};

}  // namespace wsn::collect
