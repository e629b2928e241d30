// iam events from the account databases: the collector watches writes to /etc/passwd,
// /etc/group and /etc/shadow (the commit points of useradd, groupadd, usermod, passwd, vipw …:
// they rename a new copy over the file, or rewrite it in place) and compares each with what it
// held before, so that user and group creation, modification and deletion are seen whatever
// tool made them — without kprobes and without parsing the tools' own logs.
//
// Actions are the auditd names Elastic's rules read (go-libaudit's normalization):
// added-user-account, deleted-user-account, modified-user-account, changed-password,
// added-group-account-to, deleted-group-account-from, modified-group-account. event.type is
// ["user"|"group", "creation"|"deletion"|"change"].
//
// Not thread safe: owned by the collector's reader thread.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace wsn::collect {

struct AccountFiles {
  std::string passwd = "/etc/passwd";
  std::string group = "/etc/group";
  std::string shadow = "/etc/shadow";
};

struct AccountChange {
  std::string_view action;  // added-user-account …
  std::string_view type;    // creation | deletion | change
  bool group = false;       // a group (else a user)
  std::string name;
  std::string id;           // uid / gid
};

class AccountWatch {
 public:
  explicit AccountWatch(AccountFiles files = {});

  // Reads the current contents (the baseline the next changes() compares against).
  void snapshot();
  // Whether `path` is one of the watched files.
  bool watched(std::string_view path) const;
  // Re-reads the watched file `path` and returns what changed in it since it was last read.
  // One file at a time: a change is reported with the write that made it, not with whichever
  // write of another file the collector happens to read first.
  std::vector<AccountChange> changes(std::string_view path);

 private:
  struct Entry {
    std::string id;
    std::string rest;  // the other fields: any change of them is a modification
  };
  using Table = std::map<std::string, Entry, std::less<>>;
  static Table read_table(const std::string& path, size_t id_field);

  AccountFiles files_;
  Table users_, groups_, shadow_;
};

}  // namespace wsn::collect
