#include "collect/ebpf/hooks.h"

#include <sys/syscall.h>

#include "collect/ebpf/bpf/wsn_record.h"

// Added in Linux 6.6; older C libraries do not name it (same number on every architecture).
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

namespace wsn::collect {
namespace {

using E = EbpfEvent;
// iam events come from writes and renames of the account files (account_watch.h).
constexpr uint32_t kOpens = event_bit(E::kFileOpen) | event_bit(E::kFileOpenWrite) |
                            event_bit(E::kFileCreate) | event_bit(E::kIam);
constexpr uint32_t kUnlink = event_bit(E::kFileUnlink);
constexpr uint32_t kRename = event_bit(E::kFileRename) | event_bit(E::kIam);
constexpr uint32_t kChmod = event_bit(E::kFileChmod);
constexpr uint32_t kChown = event_bit(E::kFileChown);
constexpr uint32_t kSetuid = event_bit(E::kSetuid);
constexpr uint32_t kSetgid = event_bit(E::kSetgid);
constexpr uint32_t kModule = event_bit(E::kLoadModule);
constexpr uint32_t kConnect = event_bit(E::kConnect) | event_bit(E::kDisconnect);
constexpr uint32_t kAccept = event_bit(E::kAccept) | event_bit(E::kDisconnect);

#define WSN_SC(name, tag, nargs, ev) \
  { #name, SYS_##name, tag, nargs, ev }

constexpr WatchedSyscall kSyscalls[] = {
#ifdef SYS_open
    WSN_SC(open, WSN_SYS_OPEN, 3, kOpens),
#endif
    WSN_SC(openat, WSN_SYS_OPENAT, 4, kOpens),
    WSN_SC(openat2, WSN_SYS_OPENAT2, 4, kOpens),
#ifdef SYS_creat
    WSN_SC(creat, WSN_SYS_CREAT, 2, kOpens),
#endif
#ifdef SYS_unlink
    WSN_SC(unlink, WSN_SYS_UNLINK, 1, kUnlink),
#endif
    WSN_SC(unlinkat, WSN_SYS_UNLINKAT, 3, kUnlink),
#ifdef SYS_rmdir
    WSN_SC(rmdir, WSN_SYS_RMDIR, 1, kUnlink),
#endif
#ifdef SYS_rename
    WSN_SC(rename, WSN_SYS_RENAME, 2, kRename),
#endif
#ifdef SYS_renameat
    WSN_SC(renameat, WSN_SYS_RENAMEAT, 4, kRename),
#endif
    WSN_SC(renameat2, WSN_SYS_RENAMEAT2, 5, kRename),
#ifdef SYS_chmod
    WSN_SC(chmod, WSN_SYS_CHMOD, 2, kChmod),
#endif
    WSN_SC(fchmod, WSN_SYS_FCHMOD, 2, kChmod),
    WSN_SC(fchmodat, WSN_SYS_FCHMODAT, 3, kChmod),
    WSN_SC(fchmodat2, WSN_SYS_FCHMODAT2, 4, kChmod),
#ifdef SYS_chown
    WSN_SC(chown, WSN_SYS_CHOWN, 3, kChown),
#endif
#ifdef SYS_lchown
    WSN_SC(lchown, WSN_SYS_LCHOWN, 3, kChown),
#endif
    WSN_SC(fchown, WSN_SYS_FCHOWN, 3, kChown),
    WSN_SC(fchownat, WSN_SYS_FCHOWNAT, 5, kChown),
    // DNS lookups are matched to the process that asked through its connect(2) to port 53; a
    // disconnect's direction is the one its connect(2) or accept(2) gave the socket.
    WSN_SC(connect, WSN_SYS_CONNECT, 3, kConnect | event_bit(E::kDnsLookup)),
#ifdef SYS_accept
    WSN_SC(accept, WSN_SYS_ACCEPT, 3, kAccept),
#endif
    WSN_SC(accept4, WSN_SYS_ACCEPT4, 4, kAccept),
    WSN_SC(bind, WSN_SYS_BIND, 3, event_bit(E::kBind)),
    WSN_SC(setuid, WSN_SYS_SETUID, 1, kSetuid),
    WSN_SC(setreuid, WSN_SYS_SETREUID, 2, kSetuid),
    WSN_SC(setresuid, WSN_SYS_SETRESUID, 3, kSetuid),
    WSN_SC(setfsuid, WSN_SYS_SETFSUID, 1, kSetuid),
    WSN_SC(setgid, WSN_SYS_SETGID, 1, kSetgid),
    WSN_SC(setregid, WSN_SYS_SETREGID, 2, kSetgid),
    WSN_SC(setresgid, WSN_SYS_SETRESGID, 3, kSetgid),
    WSN_SC(setfsgid, WSN_SYS_SETFSGID, 1, kSetgid),
    WSN_SC(capset, WSN_SYS_CAPSET, 2, event_bit(E::kCapset)),
    WSN_SC(setsid, WSN_SYS_SETSID, 0, event_bit(E::kSessionIdChange)),
    WSN_SC(ptrace, WSN_SYS_PTRACE, 4, event_bit(E::kPtrace)),
    WSN_SC(memfd_create, WSN_SYS_MEMFD_CREATE, 2, event_bit(E::kMemfdCreate)),
    WSN_SC(init_module, WSN_SYS_INIT_MODULE, 3, kModule),
    WSN_SC(finit_module, WSN_SYS_FINIT_MODULE, 3, kModule),
};

#undef WSN_SC

constexpr std::string_view kFamilyPrograms[] = {
    "wsn_exit_open",   "wsn_exit_path",  "wsn_exit_sock",   "wsn_exit_cred",
    "wsn_exit_ptrace", "wsn_exit_memfd", "wsn_exit_module",
};
static_assert(std::size(kFamilyPrograms) == WSN_FAM_COUNT);

}  // namespace

std::span<const WatchedSyscall> watched_syscalls() {
  return kSyscalls;
}

std::string_view family_program(int family) {
  if (family < 0 || family >= WSN_FAM_COUNT) return {};
  return kFamilyPrograms[family];
}

bool syscall_wanted(const WatchedSyscall& sc, const EbpfInterest& interest) {
  for (const auto& e : ebpf_events()) {
    if ((sc.events & event_bit(e.event)) == 0 || !interest.wants(e.event)) continue;
    // Read opens alone need the open syscalls only when reads are actually reported.
    if (e.event == EbpfEvent::kFileOpen && interest.reads_mode() == 0) continue;
    return true;
  }
  return false;
}

}  // namespace wsn::collect
