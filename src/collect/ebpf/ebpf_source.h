// The live eBPF collector: an EventSource producing ECS events from the running kernel.
//
// Usage (the engine / CLI):
//
//   collect::EbpfOptions opt;
//   opt.interest = interest_from_rules(...);           // or EbpfInterest::all()
//   collect::EbpfSource src(opt);
//   if (Status s = src.start(); !s.ok()) { fall back, print s.error().message }
//   std::thread t([&] { BatchWriter w(bus); Status r = src.run(w); });
//   ... on SIGINT / SIGTERM: src.stop(); t.join();     // run() detaches everything
//
// start() loads and attaches the BPF programs and seeds the process table; events begin to
// queue in the kernel ring buffer from then on (run() calls start() itself when needed, but
// calling it first lets the caller report a clear error and know the collector is live).
// run() decodes records until stop(), flushing the BatchWriter after each burst so live
// events are not held back by batching; on return every program is detached.
//
// Builds without BPF support (no BTF, bpftool or clang at configure time) compile a stub
// whose start() / run() return an Error saying so; ebpf_available() tells either way.
//
// Thread safety: start / run from one thread; stop / stats / detailed_stats from any. Destroy
// the source only after run() has returned.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collect/ebpf/env_vars.h"
#include "collect/ebpf/interest.h"
#include "collect/ebpf/process_table.h"
#include "wsn/result.h"
#include "wsn/source.h"

namespace wsn::collect {

struct EbpfOptions {
  // Kernel ring buffer size (rounded up to a power of two). At ~200 bytes a record, 4 MiB
  // holds ~20k records: a quarter second of a heavy burst. Its data pages are mapped twice
  // into the reader, so it counts 2x in RSS.
  size_t ring_buffer_bytes = size_t{4} << 20;
  EbpfInterest interest = EbpfInterest::all();
  // Process whose activity the kernel drops (the engine itself). -1: this process; 0: none.
  int32_t ignore_pid = -1;
  size_t process_table_capacity = 65536;
  // The kernel wakes the reader once this many bytes are pending; records below it wait for
  // the reader's next poll, at most poll_timeout_ms. Waking per record would cost a context
  // switch per event; 0 does exactly that (lowest latency).
  size_t wakeup_bytes = size_t{64} << 10;
  // Longest a record waits in the ring when traffic is light (also how often run() re-checks
  // stop, though stop() wakes it at once).
  int poll_timeout_ms = 20;
  // Mount tracefs on /sys/kernel/tracing when none is mounted (syscall hooks need it).
  bool mount_tracefs = true;
  // Kernels without module support (CONFIG_MODULES=n) have no module syscall tracepoints;
  // this watches load attempts through raw sys_enter / sys_exit instead, at ~+150 ns on
  // every syscall of the host. Off by default.
  bool module_attempts_fallback = false;
  // host.name of every event; empty: gethostname().
  std::string host_name;
  // Environment variables kept in process.env_vars (names; empty: none, and the kernel does
  // not copy environments at all).
  std::vector<std::string> env_vars = default_env_vars();
  // Called with the reason for each record that could not be decoded (reader thread).
  std::function<void(std::string_view)> on_malformed;
};

struct EbpfStats {
  uint64_t records = 0;         // records read from the ring buffer
  uint64_t events = 0;          // events produced
  uint64_t malformed = 0;       // records rejected by the decoder
  uint64_t kernel_drops = 0;    // records lost in the kernel: ring buffer full
  uint64_t path_truncated = 0;  // paths cut at WSN_PATH_DEPTH / WSN_PATH_MAX
  uint64_t args_truncated = 0;  // argv cut at WSN_ARGS_MAX bytes
  ProcessTableStats processes;
};

class EbpfSource final : public EventSource {
 public:
  explicit EbpfSource(EbpfOptions options = {});
  ~EbpfSource() override;
  EbpfSource(const EbpfSource&) = delete;
  EbpfSource& operator=(const EbpfSource&) = delete;

  std::string_view name() const override { return "ebpf"; }
  // Loads, attaches and seeds; a no-op when already started. The Error says what is missing
  // (privileges, BTF, tracefs) and how to fix it.
  Status start();
  Status run(EventWriter& out) override;
  void stop() override;
  SourceStats stats() const override;
  EbpfStats detailed_stats() const;

  // Hooks attached ("raw:sched_process_exec", "tp:syscalls/sys_enter_openat", ...) and the
  // wanted hooks this kernel lacks; valid after start().
  std::vector<std::string> attached_hooks() const;
  std::vector<std::string> unavailable_hooks() const;
  // Widens the read-open filter at run time (a rule reload that reads more paths): works when
  // the source started with prefix-filtered reads; other changes need new hooks, i.e. a
  // restart. Thread safe.
  Status add_read_prefixes(const std::vector<std::string>& prefixes);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Ok when this build has BPF support and the host can run it (root or CAP_BPF, kernel BTF);
// otherwise an Error naming what is missing, for a fallback message.
Status ebpf_available();

}  // namespace wsn::collect
