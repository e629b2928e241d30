#include "collect/ebpf/account_watch.h"

#include <fstream>

namespace wsn::collect {

AccountWatch::AccountWatch(AccountFiles files) : files_(std::move(files)) {}

AccountWatch::Table AccountWatch::read_table(const std::string& path, size_t id_field) {
  Table out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    // name:x:id:… — the name is field 0, the id field `id_field` (0: none, as in shadow).
    std::vector<std::string_view> f;
    std::string_view rest(line);
    for (;;) {
      const size_t c = rest.find(':');
      f.push_back(rest.substr(0, c));
      if (c == std::string_view::npos) break;
      rest.remove_prefix(c + 1);
    }
    if (f[0].empty()) continue;
    Entry e;
    if (id_field != 0 && id_field < f.size()) e.id = std::string(f[id_field]);
    e.rest = line.substr(f[0].size());
    out.emplace(std::string(f[0]), std::move(e));
  }
  return out;
}

void AccountWatch::snapshot() {
  users_ = read_table(files_.passwd, 2);
  groups_ = read_table(files_.group, 2);
  shadow_ = read_table(files_.shadow, 0);
}

bool AccountWatch::watched(std::string_view path) const {
  return path == files_.passwd || path == files_.group || path == files_.shadow;
}

std::vector<AccountChange> AccountWatch::changes(std::string_view path) {
  std::vector<AccountChange> out;
  auto diff = [&out](const Table& before, const Table& after, bool group) {
    for (const auto& [name, e] : after) {
      auto it = before.find(name);
      if (it == before.end()) {
        out.push_back({group ? "added-group-account-to" : "added-user-account", "creation",
                       group, name, e.id});
      } else if (it->second.rest != e.rest) {
        out.push_back({group ? "modified-group-account" : "modified-user-account", "change",
                       group, name, e.id});
      }
    }
    for (const auto& [name, e] : before) {
      if (after.find(name) == after.end()) {
        out.push_back({group ? "deleted-group-account-from" : "deleted-user-account",
                       "deletion", group, name, e.id});
      }
    }
  };
  if (path == files_.passwd) {
    Table users = read_table(files_.passwd, 2);
    diff(users_, users, false);
    users_ = std::move(users);
  } else if (path == files_.group) {
    Table groups = read_table(files_.group, 2);
    diff(groups_, groups, true);
    groups_ = std::move(groups);
  } else if (path == files_.shadow) {
    // A password change: the hash field (1) of a user shadow already listed.
    Table shadow = read_table(files_.shadow, 0);
    auto hash = [](const std::string& rest) {
      const size_t a = rest.find(':', 0), b = rest.find(':', a + 1);
      return rest.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
    };
    for (const auto& [name, e] : shadow) {
      auto it = shadow_.find(name);
      if (it == shadow_.end() || hash(it->second.rest) == hash(e.rest)) continue;
      auto u = users_.find(name);
      out.push_back({"changed-password", "change", false, name,
                     u == users_.end() ? std::string() : u->second.id});
    }
    shadow_ = std::move(shadow);
  }
  return out;
}

}  // namespace wsn::collect
