// User-space process table of the live collector.
//
// Seeded from /proc at start, then kept current from the kernel's exec / fork / exit records.
// Every event the collector emits takes its process.* and process.parent.* fields from here.
//
// Identity: process.entity_id is a hash of the host boot id, the pid and the process start
// time in clock ticks (the unit of /proc/<pid>/stat field 22), so it is the same whether the
// process was seen at seeding or at its fork, stays the same across exec, and differs for a
// later process that reuses the pid.
//
// Bounded: at most `capacity` entries after trim(). Exited processes are kept (their
// children's events may still name them as parent) until room is needed, and at most the
// kMaxExited most recent of them in any case (memory follows the live processes, not the
// host's process churn); then, if live processes alone overflow the table, the least recently
// used are evicted (down to 7/8 of capacity, amortizing the scan) and counted. A lookup that
// misses reads /proc/<pid> once.
//
// Pointers returned by the table stay valid until the next trim() (which is the only call
// that removes entries), so a caller can hold a process and its parent while building one
// event and trim between events.
//
// Not thread safe: owned by the collector's reader thread.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace wsn::collect {

struct ProcessInfo {
  int32_t pid = 0;
  int32_t ppid = 0;
  uint64_t start_ns = 0;  // CLOCK_BOOTTIME ns of the process start (tick precision if seeded)
  std::string entity_id;
  std::string name;
  std::string executable;
  std::vector<std::string> args;
  uint32_t args_count = 0;   // true argc when args were truncated, else 0 (= args.size())
  std::string command_line;  // args joined by single spaces
  std::string working_directory;
  std::string container_id;
  uint32_t uid = 0, euid = 0, gid = 0, egid = 0;
  uint32_t suid = 0, sgid = 0;  // saved set-user / set-group ids
  // Session and process group (their leaders are the processes whose pid equals them), and
  // the controlling terminal (0/0: none). Inherited at fork, changed by setsid and exec.
  int32_t sid = 0, pgid = 0;
  uint32_t tty_major = 0, tty_minor = 0;
  bool interactive = false;           // stdin and stderr are the controlling terminal (ECS)
  std::vector<std::string> env_vars;  // allow-listed "NAME=value" (env_vars.h)
  // The entry leader (entry_leader.h): set when the process is first seen, then kept.
  int32_t entry_pid = 0;
  std::string entry_entity_id;
  std::string_view entry_type;  // static strings
  bool exited = false;
  bool from_proc = false;  // seeded (or filled) from /proc rather than seen starting
  uint64_t last_used = 0;  // table-internal recency stamp (eviction order)
};

struct ProcessTableStats {
  uint64_t size = 0;
  uint64_t seeded = 0;         // entries read from /proc at start
  uint64_t proc_fills = 0;     // lookups that missed and were filled from /proc
  uint64_t evicted_live = 0;   // live processes dropped because the table was full
  uint64_t reaped_exited = 0;  // exited processes dropped to make room
};

// Computes process.entity_id (22 characters: 128 bits in unpadded base64). `boot_id` is
// /proc/sys/kernel/random/boot_id, start_ticks the process start in clock ticks since boot
// (/proc/<pid>/stat field 22).
std::string make_entity_id(std::string_view boot_id, int32_t pid, uint64_t start_ticks);

// Joins argv with single spaces (the ECS process.command_line convention).
std::string join_command_line(const std::vector<std::string>& args);

class ProcessTable {
 public:
  // Exited processes kept at most (fewer when the capacity is smaller).
  static constexpr size_t kMaxExited = 2048;

  // proc_root is normally "/proc" (tests may point elsewhere).
  ProcessTable(size_t capacity, std::string boot_id, std::string proc_root = "/proc");

  // Reads every /proc/<pid>; returns the number of processes added.
  size_t seed();

  // Kernel records. Each returns the updated entry.
  const ProcessInfo& on_exec(ProcessInfo info);
  const ProcessInfo& on_fork(int32_t parent_pid, int32_t child_pid, int32_t child_ppid,
                             uint64_t child_start_ns);
  // Marks the process exited; returns it (filled from /proc or minimal when unknown).
  const ProcessInfo* on_exit(int32_t pid, uint64_t start_ns);

  // The entry for pid, reading /proc/<pid> when unknown. nullptr when the process is gone.
  const ProcessInfo* lookup(int32_t pid);
  // Without the /proc fallback.
  const ProcessInfo* find(int32_t pid) const;
  // Parent, grandparent ... up to max_depth entries (stops at unknown or pid 0).
  std::vector<const ProcessInfo*> ancestors(int32_t pid, size_t max_depth);

  // setsid(2): the process leads a new session and group, without a controlling terminal.
  void on_setsid(int32_t pid, int32_t sid);
  // set*id(2): the process's ids after the call.
  void on_ids(int32_t pid, uint32_t uid, uint32_t euid, uint32_t gid, uint32_t egid);

  // Records a new parent (the kernel re-parents orphans to init or a subreaper).
  void reparent(int32_t pid, int32_t ppid);

  // Remembers a process seen only through a record header (gone before we could read it).
  const ProcessInfo& remember(ProcessInfo info);

  // Drops entries beyond capacity (exited first). Invalidates pointers from this table.
  void trim();

  ProcessTableStats stats() const;
  size_t capacity() const { return capacity_; }
  const std::string& boot_id() const { return boot_id_; }

  // Environment variable names kept in ProcessInfo::env_vars of processes read from /proc.
  void set_env_names(std::vector<std::string> names) { env_names_ = std::move(names); }

  // Reads one /proc/<pid> entry; false when the process is gone or unreadable.
  bool read_proc(int32_t pid, ProcessInfo& out) const;

 private:
  ProcessInfo& insert(ProcessInfo info);
  // Sets p's entry leader from its ancestry in the table (entry_leader.h).
  void resolve_entry_leader(ProcessInfo& p, int depth);
  void reap_oldest_exited();

  const size_t capacity_;
  const size_t max_exited_;
  const std::string boot_id_;
  const std::string proc_root_;
  const uint64_t ns_per_tick_;
  std::vector<std::string> env_names_;
  std::unordered_map<int32_t, ProcessInfo> procs_;
  // Exited pids in exit order, with their start time (a stale pair is skipped when reaped).
  std::deque<std::pair<int32_t, uint64_t>> exited_;
  uint64_t clock_ = 0;
  ProcessTableStats stats_;
};

}  // namespace wsn::collect
