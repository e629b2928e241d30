#include "collect/ebpf/interest.h"

#include <algorithm>

namespace wsn::collect {
namespace {

constexpr EbpfEventInfo kEvents[] = {
    {EbpfEvent::kExec, "process", "exec", "start"},
    {EbpfEvent::kFork, "process", "fork", "start"},
    {EbpfEvent::kExit, "process", "exit", "end"},
    {EbpfEvent::kSetuid, "process", "setuid", "change"},
    {EbpfEvent::kSetgid, "process", "setgid", "change"},
    {EbpfEvent::kCapset, "process", "capset", "change"},
    {EbpfEvent::kPtrace, "process", "ptrace", "access"},
    {EbpfEvent::kMemfdCreate, "process", "memfd_create", "creation"},
    {EbpfEvent::kFileOpen, "file", "open", "access"},
    {EbpfEvent::kFileOpenWrite, "file", "open_write", "change"},
    {EbpfEvent::kFileCreate, "file", "create", "creation"},
    {EbpfEvent::kFileUnlink, "file", "unlink", "deletion"},
    {EbpfEvent::kFileRename, "file", "rename", "change"},
    {EbpfEvent::kFileChmod, "file", "chmod", "change"},
    {EbpfEvent::kFileChown, "file", "chown", "change"},
    {EbpfEvent::kConnect, "network", "connect", "start"},
    {EbpfEvent::kAccept, "network", "accept", "start"},
    {EbpfEvent::kBind, "network", "bind", "start"},
    {EbpfEvent::kLoadModule, "driver", "load_module", "start"},
};
static_assert(std::size(kEvents) == static_cast<size_t>(EbpfEvent::kCount));

constexpr size_t kMaxPrefixes = 256;
constexpr size_t kMaxPrefixBytes = 251;  // WSN_READ_PREFIX_MAX less the NUL the kernel reads

}  // namespace

std::span<const EbpfEventInfo> ebpf_events() {
  return kEvents;
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
  }
  return out;
}

}  // namespace wsn::collect
