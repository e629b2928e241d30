// Kernel record → ECS Event.
//
// Checks each ring-buffer record (kind, size, every string's bounds), keeps the process table
// current from exec / fork / exit records, and fills an Event with the event vocabulary of
// interest.h plus process.* / process.parent.* / user / container fields from the table, and
// the host identity (host.*) given once.
// Records of kinds outside the interest still update the table but produce no event.
//
// The decoder owns scratch buffers so that steady-state decoding allocates only when the
// process table changes (exec / fork).
//
// Not thread safe: one decoder per reader thread.
#pragma once

#include <cstdint>
#include <deque>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include <vector>

#include "collect/ebpf/account_watch.h"
#include "collect/ebpf/defend_fields.h"
#include "collect/ebpf/host_identity.h"
#include "collect/ebpf/interest.h"
#include "collect/ebpf/process_table.h"
#include "collect/ebpf/user_names.h"
#include "wsn/event.h"

#include "collect/ebpf/bpf/wsn_record.h"

namespace wsn::collect {

// Joins a base directory and a relative path, resolving "." and ".." lexically.
std::string join_path(std::string_view dir, std::string_view rel);
// ECS file.mode: permission and special bits as 4 octal digits ("0644", "4755").
std::string format_file_mode(uint32_t mode);
// Capability bit set → names ("CAP_SYS_ADMIN", ...); unknown bits as "CAP_<n>".
std::vector<std::string_view> capability_names(uint64_t caps);
// process.exit_code from a wait(2) status: the exit code, or 128 + signal when killed.
int64_t exit_code_from_status(uint32_t status);

class RecordDecoder {
 public:
  enum class Outcome : uint8_t { kEvent, kSkip, kMalformed };

  RecordDecoder(ProcessTable& table, UserNames& users, EbpfInterest interest,
                std::string host_name);

  // Environment variable names kept in process.env_vars (env_vars.h); empty: none.
  void set_env_names(std::vector<std::string> names) { env_names_ = std::move(names); }

  // Account files to compare on writes, for iam events (account_watch.h); nullptr: none.
  void set_account_watch(AccountWatch* accounts) { accounts_ = accounts; }

  // host.* set on every event besides host.name (read_host_identity, once per source).
  void set_host_identity(std::vector<HostField> host) { host_ = std::move(host); }

  // CLOCK_REALTIME - CLOCK_BOOTTIME, to turn kernel timestamps into @timestamp.
  void set_clock_offset(int64_t boot_to_realtime_ns) { clock_offset_ns_ = boot_to_realtime_ns; }

  // Decodes one record into `out` (cleared first). kEvent: publish out; kSkip: a tracking-only
  // record; kMalformed: error() says why.
  Outcome decode(std::span<const uint8_t> record, Event& out);
  std::string_view error() const { return error_; }
  // Events a record produced besides its own (iam changes found after an account-file write):
  // while has_extra(), take_extra() swaps the next one into `out`.
  bool has_extra() const { return extra_next_ < extra_count_; }
  void take_extra(Event& out);

 private:
  Outcome malformed(std::string message);
  bool str(std::span<const uint8_t> rec, const void* desc, std::string_view& out);

  Outcome exec(std::span<const uint8_t> rec, Event& e);
  Outcome fork(std::span<const uint8_t> rec, Event& e);
  Outcome exit(std::span<const uint8_t> rec, Event& e);
  Outcome file(std::span<const uint8_t> rec, Event& e);
  Outcome net(std::span<const uint8_t> rec, Event& e);
  Outcome cred(std::span<const uint8_t> rec, Event& e);
  Outcome ptrace(std::span<const uint8_t> rec, Event& e);
  Outcome memfd(std::span<const uint8_t> rec, Event& e);
  Outcome module(std::span<const uint8_t> rec, Event& e);
  Outcome dns(std::span<const uint8_t> rec, Event& e);
  void remember_dns_asker(uint16_t family, uint16_t port, const wsn_hdr& h);

  enum class EventOutcome : uint8_t { kNone, kSuccess, kFailure };  // event.outcome (fork: none)

  // The acting process of a record header (filled from /proc or the header when unknown).
  const ProcessInfo& actor(const wsn_hdr& h);
  void set_common(Event& e, const wsn_hdr& h, EbpfEvent kind, EventOutcome outcome);
  // The identity process.* reports: effective ids in process.user / process.group (ECS), real
  // ids in process.real_user / process.real_group.
  struct Ids {
    uint32_t uid, euid, gid, egid;
  };
  static Ids ids_of(const wsn_hdr& h);
  // process.*, process.parent.* and the session, group and entry leaders.
  void set_process(Event& e, const ProcessInfo& p, const Ids& ids);
  void set_user(Event& e, FieldId id_field, FieldId name_field, uint32_t uid);
  void set_group(Event& e, FieldId id_field, FieldId name_field, uint32_t gid);
  void set_leader(Event& e, int which, int32_t pid, const ProcessInfo& p);
  // A related process's args_count, working directory, start, ids and interactivity.
  void set_relative(Event& e, const RelativeFieldIds& f, const ProcessInfo& r);
  // Queues an iam event per change of the account file `file`, acted by p.
  void account_changes(const wsn_hdr& h, const ProcessInfo& p, std::string_view file);
  void set_file_path(Event& e, std::string_view path);
  void set_string_list(Event& e, uint16_t field, const std::vector<std::string>& items);

  ProcessTable& table_;
  UserNames& users_;
  EbpfInterest interest_;
  std::string host_name_;
  std::vector<HostField> host_;
  std::vector<std::string> env_names_;
  AccountWatch* accounts_ = nullptr;
  // Processes that opened account files for writing, and which (compared when they exit).
  std::unordered_map<int32_t, std::set<std::string>> account_writers_;
  // Resolver sockets by (family, local port): the header of the connect(2) to port 53.
  static constexpr size_t kMaxDnsAskers = 4096;
  std::unordered_map<uint32_t, wsn_hdr> dns_askers_;
  std::deque<uint32_t> dns_order_;
  uint64_t dns_unparsed_ = 0;  // datagrams from port 53 that are not DNS responses
  std::vector<Event> extra_;
  size_t extra_count_ = 0, extra_next_ = 0;
  int64_t clock_offset_ns_ = 0;
  std::string error_;
  std::vector<std::string_view> views_;
  std::string path_, path2_;
};

}  // namespace wsn::collect
