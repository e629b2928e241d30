#include "collect/ebpf/interest.h"

#include <algorithm>

namespace wsn::collect {
namespace {

// Elastic Defend's action names where Defend reports the same thing (exec, fork, end,
// uid_change, creation, modification, connection_attempted …), so that Elastic's rules match
// live events; the collector's own names for what Defend does not report (open, chmod, bind …).
constexpr EbpfEventInfo kEvents[] = {
    {EbpfEvent::kExec, "process", "exec", "start"},
    {EbpfEvent::kFork, "process", "fork", "start"},
    {EbpfEvent::kExit, "process", "end", "end"},
    {EbpfEvent::kSetuid, "process", "uid_change", "change"},
    {EbpfEvent::kSetgid, "process", "gid_change", "change"},
    {EbpfEvent::kCapset, "process", "capset", "change"},
    {EbpfEvent::kSessionIdChange, "process", "session_id_change", "change"},
    {EbpfEvent::kPtrace, "process", "ptrace", "access"},
    {EbpfEvent::kMemfdCreate, "process", "memfd_create", "creation"},
    {EbpfEvent::kFileOpen, "file", "open", "access"},
    {EbpfEvent::kFileOpenWrite, "file", "modification", "change"},
    {EbpfEvent::kFileCreate, "file", "creation", "creation"},
    {EbpfEvent::kFileUnlink, "file", "deletion", "deletion"},
    {EbpfEvent::kFileRename, "file", "rename", "change"},
    {EbpfEvent::kFileChmod, "file", "chmod", "change"},
    {EbpfEvent::kFileChown, "file", "chown", "change"},
    {EbpfEvent::kConnect, "network", "connection_attempted", "start"},
    {EbpfEvent::kAccept, "network", "connection_accepted", "start"},
    {EbpfEvent::kDisconnect, "network", "disconnect_received", "end"},
    {EbpfEvent::kBind, "network", "bind", "start"},
    {EbpfEvent::kLoadModule, "process", "load_module", "start"},
    {EbpfEvent::kDnsLookup, "network", "lookup_result", "protocol"},
    {EbpfEvent::kIam, "iam", "*", "*"},
};

constexpr std::string_view kIamActions[] = {
    "added-user-account",     "deleted-user-account",   "modified-user-account",
    "changed-password",       "added-group-account-to", "deleted-group-account-from",
    "modified-group-account",
};
constexpr std::string_view kIamTypes[] = {"user", "group", "creation", "deletion", "change"};
static_assert(std::size(kEvents) == static_cast<size_t>(EbpfEvent::kCount));

// An empty constraint list allows everything.
bool listed(const std::vector<std::string>& list, std::string_view v) {
  return list.empty() || std::find(list.begin(), list.end(), v) != list.end();
}

constexpr size_t kMaxPrefixes = 256;
constexpr size_t kMaxPrefixBytes = 251;  // WSN_READ_PREFIX_MAX less the NUL the kernel reads

}  // namespace

std::span<const EbpfEventInfo> ebpf_events() {
  return kEvents;
}

std::span<const std::string_view> iam_actions() {
  return kIamActions;
}

std::span<const std::string_view> iam_types() {
  return kIamTypes;
}

const EbpfEventInfo& ebpf_event_info(EbpfEvent e) {
  return kEvents[static_cast<size_t>(e)];
}

EbpfInterest EbpfInterest::all() {
  EbpfInterest i;
  for (const auto& e : kEvents) i.add(e.event);
  return i;
}

EbpfInterest EbpfInterest::process_only() {
  return EbpfInterest();
}

bool EbpfInterest::add(std::string_view category, std::string_view action) {
  bool any = false;
  for (const auto& e : kEvents) {
    if (e.category == category && (action.empty() || e.action == action)) {
      add(e.event);
      any = true;
    }
  }
  return any;
}

void EbpfInterest::add_read_prefix(std::string_view prefix) {
  add(EbpfEvent::kFileOpen);
  // A shortened prefix matches more paths, never fewer: the rules still filter exactly.
  if (prefix.size() > kMaxPrefixBytes) prefix = prefix.substr(0, kMaxPrefixBytes);
  if (prefix.empty()) {
    all_reads_ = true;
    return;
  }
  if (std::find(read_prefixes_.begin(), read_prefixes_.end(), prefix) == read_prefixes_.end()) {
    if (read_prefixes_.size() >= kMaxPrefixes) {
      all_reads_ = true;  // more prefixes than the kernel trie holds: report every read
      return;
    }
    read_prefixes_.emplace_back(prefix);
  }
}

void EbpfInterest::set_all_reads(bool on) {
  all_reads_ = on;
  if (on) add(EbpfEvent::kFileOpen);
}

uint32_t EbpfInterest::reads_mode() const {
  if (!wants(EbpfEvent::kFileOpen)) return 0;
  if (all_reads_) return 2;
  return read_prefixes_.empty() ? 0 : 1;
}

std::string EbpfInterest::to_string() const {
  std::string out;
  for (const auto& e : kEvents) {
    if (!wants(e.event)) continue;
    if (e.event == EbpfEvent::kFileOpen && reads_mode() == 0) continue;
    if (!out.empty()) out += ' ';
    out += e.category;
    out += '/';
    out += e.action;
    if (e.event == EbpfEvent::kFileOpen && reads_mode() == 1) {
      out += "(" + std::to_string(read_prefixes_.size()) + " prefixes)";
    }
    if (e.event == EbpfEvent::kFileOpen && reads_mode() == 2) out += "(every path)";
  }
  return out;
}

std::vector<std::string> EbpfInterest::missing(const EbpfInterest& needed) const {
  std::vector<std::string> out;
  for (const auto& e : kEvents) {
    if (e.event == EbpfEvent::kFileOpen || !needed.wants(e.event) || wants(e.event)) continue;
    out.push_back(std::string(e.category) + "/" + std::string(e.action));
  }
  if (needed.reads_mode() == 0 || reads_mode() == 2) return out;
  if (needed.reads_mode() == 2) {
    out.emplace_back("file/open of every path");
    return out;
  }
  for (const std::string& p : missing_read_prefixes(needed)) out.push_back("file/open under " + p);
  return out;
}

std::vector<std::string> EbpfInterest::missing_read_prefixes(const EbpfInterest& needed) const {
  std::vector<std::string> out;
  for (const std::string& p : needed.read_prefixes()) {
    const bool covered = std::any_of(read_prefixes_.begin(), read_prefixes_.end(),
                                     [&p](const std::string& q) { return p.starts_with(q); });
    if (!covered) out.push_back(p);
  }
  return out;
}

namespace {

// Some value of `values` is in `list` (an empty list allows everything).
bool any_listed(const std::vector<std::string>& list, std::span<const std::string_view> values) {
  return list.empty() || std::any_of(values.begin(), values.end(),
                                     [&list](std::string_view v) { return listed(list, v); });
}

bool wants_kind(const EventInterest::Want& w, const EbpfEventInfo& e) {
  if (!w.category.empty() && w.category != e.category) return false;
  if (e.event == EbpfEvent::kIam) {
    return any_listed(w.actions, kIamActions) && any_listed(w.types, kIamTypes);
  }
  return listed(w.actions, e.action) && listed(w.types, e.type);
}

// A prefix that admits every absolute path.
bool whole_tree(const std::vector<std::string>& prefixes) {
  return prefixes.empty() || std::find(prefixes.begin(), prefixes.end(), "/") != prefixes.end();
}

}  // namespace

bool ebpf_may_emit(const EventInterest::Want& w) {
  return std::any_of(std::begin(kEvents), std::end(kEvents),
                     [&w](const EbpfEventInfo& e) { return wants_kind(w, e); });
}

std::vector<std::string> rules_wanting_all_reads(const EventInterest& wanted) {
  std::vector<std::string> out;
  const EbpfEventInfo& reads = ebpf_event_info(EbpfEvent::kFileOpen);
  for (const EventInterest::Want& w : wanted.wants) {
    if (!w.rule_id.empty() && wants_kind(w, reads) && whole_tree(w.path_prefixes)) {
      out.push_back(w.rule_id);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

EbpfInterest interest_from(const EventInterest& wanted) {
  EbpfInterest out = EbpfInterest::process_only();
  if (wanted.everything) {
    out = EbpfInterest::all();
    out.set_all_reads(true);
    return out;
  }
  for (const EventInterest::Want& w : wanted.wants) {
    for (const auto& e : kEvents) {
      if (!wants_kind(w, e)) continue;
      out.add(e.event);
      if (e.event != EbpfEvent::kFileOpen) continue;
      if (whole_tree(w.path_prefixes)) out.set_all_reads(true);
      for (const std::string& p : w.path_prefixes) out.add_read_prefix(p);
    }
  }
  return out;
}

}  // namespace wsn::collect
