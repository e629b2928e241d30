#include "collect/ebpf/user_names.h"

#include <sys/stat.h>

#include <charconv>
#include <fstream>
#include <sstream>

#include "common/clock.h"

namespace wsn::collect {

UserNames::UserNames(std::string passwd_path, std::string group_path, int64_t recheck_ns)
    : recheck_ns_(recheck_ns) {
  users_.path = std::move(passwd_path);
  groups_.path = std::move(group_path);
}

size_t UserNames::parse(std::string_view text, std::unordered_map<uint32_t, std::string>& out) {
  size_t n = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (line.empty() || line[0] == '#') continue;
    const size_t c1 = line.find(':');
    if (c1 == std::string_view::npos || c1 == 0) continue;
    const size_t c2 = line.find(':', c1 + 1);
    if (c2 == std::string_view::npos) continue;
    const size_t c3 = line.find(':', c2 + 1);
    const std::string_view id_text =
        line.substr(c2 + 1, c3 == std::string_view::npos ? std::string_view::npos : c3 - c2 - 1);
    uint32_t id = 0;
    const auto r = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
    if (r.ec != std::errc() || r.ptr != id_text.data() + id_text.size()) continue;
    out.try_emplace(id, line.substr(0, c1));  // first entry wins, like getpwuid
    ++n;
  }
  return n;
}

void UserNames::refresh(Db& db, bool force) {
  const int64_t now = monotonic_ns();
  if (!force && db.loaded && now - db.checked_ns < recheck_ns_) return;
  db.checked_ns = now;
  struct stat st {};
  if (::stat(db.path.c_str(), &st) != 0) {
    db.loaded = true;
    return;
  }
  if (db.loaded && st.st_mtim.tv_sec == db.mtime.tv_sec && st.st_mtim.tv_nsec == db.mtime.tv_nsec &&
      st.st_size == db.size) {
    return;
  }
  std::ifstream in(db.path);
  std::stringstream ss;
  ss << in.rdbuf();
  db.names.clear();
  parse(ss.str(), db.names);
  db.mtime = st.st_mtim;
  db.size = st.st_size;
  db.loaded = true;
}

std::string_view UserNames::get(Db& db, uint32_t id) {
  refresh(db, false);
  auto it = db.names.find(id);
  return it == db.names.end() ? std::string_view{} : std::string_view(it->second);
}

std::string_view UserNames::user(uint32_t uid) {
  return get(users_, uid);
}
std::string_view UserNames::group(uint32_t gid) {
  return get(groups_, gid);
}

}  // namespace wsn::collect
