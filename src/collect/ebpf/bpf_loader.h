// Loads WasmSentinel's BPF object for an interest and attaches the hooks it needs.
//
// Only the wanted syscalls are watched (their tracepoints attached, their numbers in the
// kernel's watch table), and programs nothing wanted uses are not even loaded
// (set_autoload(false)), so the verifier and the kernel never see them. Syscalls whose
// tracepoints this kernel lacks (fchmodat2 before 6.6, module loading without
// CONFIG_MODULES) are listed in unavailable(). Everything is owned: destroying the loader
// detaches every link before freeing programs and maps.
//
// Detaching a syscall tracepoint waits for an RCU-tasks grace period (~60 ms each on 6.18),
// so stopping with every syscall watched takes a few seconds; attaching is fast.
//
// Thread safety: counter() may be called from any thread; the rest from the owner.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collect/ebpf/interest.h"
#include "wsn/result.h"

struct wsn_bpf;
struct bpf_link;
struct bpf_program;

namespace wsn::collect {

struct BpfLoaderConfig {
  size_t ring_buffer_bytes = size_t{4} << 20;  // rounded up to a power of two
  uint32_t ignore_tgid = 0;                    // 0: report every process
  EbpfInterest interest = EbpfInterest::all();
  bool mount_tracefs = true;  // mount tracefs when missing (needed for syscall hooks)
  // Pending bytes at which the kernel wakes the reader (0: every record); below it the
  // reader's periodic poll collects them.
  size_t wakeup_bytes = 0;
  // On kernels without the module syscall tracepoints, watch load attempts through the raw
  // sys_enter / sys_exit tracepoints (costs every syscall ~+150 ns).
  bool module_attempts_fallback = false;
  // Copy each exec's environment into its record (for process.env_vars).
  bool capture_env = false;
};

class BpfLoader {
 public:
  static Result<std::unique_ptr<BpfLoader>> load(const BpfLoaderConfig& config);
  ~BpfLoader();
  BpfLoader(const BpfLoader&) = delete;
  BpfLoader& operator=(const BpfLoader&) = delete;

  int ring_buffer_fd() const;
  size_t ring_buffer_bytes() const { return ring_bytes_; }
  // Sum over CPUs of one of the kernel-side counters (enum wsn_counter in bpf/wsn_record.h).
  uint64_t counter(unsigned which) const;
  // "raw:sched_process_exec", "tp:syscalls/sys_enter_openat", ... in attach order.
  const std::vector<std::string>& attached() const { return attached_; }
  // Wanted hooks this kernel does not have ("tp:syscalls/sys_enter_finit_module").
  const std::vector<std::string>& unavailable() const { return unavailable_; }
  // Reports read opens under one more path prefix from now on (the kernel trie is a map:
  // no program changes). Only when loaded with prefix-filtered reads (reads_mode 1).
  // Thread safe with the running programs.
  Status add_read_prefix(std::string_view prefix);

 private:
  struct LinkDeleter {
    void operator()(bpf_link* l) const;
  };
  BpfLoader() = default;
  Status attach_tracepoint(bpf_program* prog, const std::string& tracepoint);

  wsn_bpf* skel_ = nullptr;
  std::vector<std::unique_ptr<bpf_link, LinkDeleter>> links_;
  std::vector<std::string> attached_;
  std::vector<std::string> unavailable_;
  std::string tracefs_;
  size_t ring_bytes_ = 0;
  int ncpus_ = 1;
  uint32_t reads_mode_ = 0;
};

}  // namespace wsn::collect
