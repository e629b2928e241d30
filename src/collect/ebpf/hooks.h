// What the loader attaches for an interest (the pushdown table).
//
// Process tracking (exec / fork / exit) is three raw tracepoints, always attached. Each
// watched syscall gets its syscalls/sys_enter_<name> and sys_exit_<name> tracepoints; the
// table below gives its number on this architecture, its BPF tag, its argument count (which
// entry program fits its tracepoint record) and the events that need it. The loader writes
// the wanted ones into the kernel's watch table and loads only the exit handlers of the
// families involved.
#pragma once

#include <span>
#include <string_view>

#include "collect/ebpf/interest.h"

namespace wsn::collect {

struct WatchedSyscall {
  std::string_view name;  // "openat"
  long nr;                // this architecture's syscall number
  unsigned tag;           // enum wsn_sys (bpf/wsn_record.h)
  int nargs;              // arguments the kernel's tracepoint record holds (0..5)
  uint32_t events;        // EbpfEvent bits that need it
};

// The syscalls this architecture has, among those the collector understands.
std::span<const WatchedSyscall> watched_syscalls();

// Exit handler program of each family (enum wsn_family), for the tail-call table.
std::string_view family_program(int family);

// Bit of an EbpfEvent in WatchedSyscall::events.
constexpr uint32_t event_bit(EbpfEvent e) {
  return 1u << static_cast<unsigned>(e);
}

// Whether `sc` must be watched for `interest`.
bool syscall_wanted(const WatchedSyscall& sc, const EbpfInterest& interest);

}  // namespace wsn::collect
