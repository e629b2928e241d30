// Which events the live collector should produce (interest pushdown).
//
// `run` derives an EbpfInterest from its loaded rules (interest_from: event.category /
// event.action / event.type, and the path prefixes of rules on file reads); the loader then
// loads and attaches only the BPF programs those events need, plus process tracking (exec /
// fork / exit), which is always on because every event's process.* fields come from it.
//
// Reads ("file" / "open", a read-only open) are the one high-volume kind: they are reported
// only under the configured path prefixes (matched in the kernel), or for every path when
// set_all_reads(true).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wsn/detector.h"

namespace wsn::collect {

enum class EbpfEvent : uint8_t {
  kExec,
  kFork,
  kExit,
  kSetuid,
  kSetgid,
  kCapset,
  kSessionIdChange,
  kPtrace,
  kMemfdCreate,
  kFileOpen,
  kFileOpenWrite,
  kFileCreate,
  kFileUnlink,
  kFileRename,
  kFileChmod,
  kFileChown,
  kConnect,
  kAccept,
  kDisconnect,  // a TCP connection closed by its process (sock/inet_sock_set_state)
  kBind,
  kLoadModule,
  kDnsLookup,  // DNS responses delivered to a local socket (cgroup_skb ingress)
  kIam,        // user / group changes, from writes to the account files (account_watch.h)
  kCount
};

// The event vocabulary: ECS event.category / event.action / event.type of each kind ("*": the
// kind has several, listed by iam_actions() / iam_types()).
struct EbpfEventInfo {
  EbpfEvent event;
  std::string_view category;
  std::string_view action;
  std::string_view type;
};
std::span<const EbpfEventInfo> ebpf_events();
std::span<const std::string_view> iam_actions();
std::span<const std::string_view> iam_types();
const EbpfEventInfo& ebpf_event_info(EbpfEvent e);

class EbpfInterest {
 public:
  // Every kind; reads only under read prefixes (none by default).
  static EbpfInterest all();
  // Nothing beyond process tracking (exec, fork, exit).
  static EbpfInterest process_only();

  void add(EbpfEvent e) { bits_ |= bit(e); }
  // Adds the kinds of `category` ("process", "file", "network") whose action is
  // `action`, or all of them when action is empty. Returns false when nothing matches.
  bool add(std::string_view category, std::string_view action = {});
  // Read-only opens are reported under this prefix (e.g. "/etc/shadow", "/root/.ssh/").
  // Also adds kFileOpen. Prefixes are cut to 251 bytes; an empty prefix or more than 256
  // prefixes switch to all reads (the kernel trie's limits; never fewer events than asked).
  void add_read_prefix(std::string_view prefix);
  // Read-only opens of every path (heavy: every open(2) of a file crosses the ring buffer).
  void set_all_reads(bool on);

  bool wants(EbpfEvent e) const { return (bits_ & bit(e)) != 0; }
  const std::vector<std::string>& read_prefixes() const { return read_prefixes_; }
  bool all_reads() const { return all_reads_; }
  // 0: no read opens, 1: prefix-filtered, 2: all.
  uint32_t reads_mode() const;
  // "exec fork exit file/open(2 prefixes) ..." for logs and the docs.
  std::string to_string() const;
  // What `needed` wants that this interest does not deliver ("file/open under /etc/x",
  // "network/connect"), e.g. after a rule reload; empty when covered.
  std::vector<std::string> missing(const EbpfInterest& needed) const;
  // The read prefixes of `needed` that this interest's prefixes do not cover (the
  // "file/open under …" part of missing()).
  std::vector<std::string> missing_read_prefixes(const EbpfInterest& needed) const;

 private:
  static uint32_t bit(EbpfEvent e) { return 1u << static_cast<unsigned>(e); }
  uint32_t bits_ = bit(EbpfEvent::kExec) | bit(EbpfEvent::kFork) | bit(EbpfEvent::kExit);
  std::vector<std::string> read_prefixes_;
  bool all_reads_ = false;
};

// The collector events a rule set's interest needs (the kinds whose category, action and type
// some Want allows; read opens under its path prefixes, or every read when a Want on read
// opens has none), plus process tracking. `everything` gives every kind and every read.
EbpfInterest interest_from(const EventInterest& wanted);

// Whether the collector can produce any event `w` accepts (category, action and type in its
// vocabulary). Rules whose every Want fails this can never fire on live collector events.
bool ebpf_may_emit(const EventInterest::Want& w);

// The rules (ids, sorted, unique) that make interest_from() report every file read: a Want
// on read opens without a file.path prefix narrower than "/".
std::vector<std::string> rules_wanting_all_reads(const EventInterest& wanted);

}  // namespace wsn::collect
