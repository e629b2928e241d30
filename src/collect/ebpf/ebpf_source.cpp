#include "collect/ebpf/ebpf_source.h"

#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <ctime>
#include <fstream>
#include <mutex>

#include "bus/event_bus.h"
#include "collect/ebpf/bpf/wsn_record.h"
#include "collect/ebpf/bpf_loader.h"
#include "collect/ebpf/host_identity.h"
#include "collect/ebpf/record_decoder.h"
#include "collect/ebpf/ring_reader.h"
#include "collect/ebpf/user_names.h"
#include "common/clock.h"

namespace wsn::collect {
namespace {

std::string read_boot_id() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return id;
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof(buf) - 1) != 0) return {};
  return buf;
}

}  // namespace

struct EbpfSource::Impl {
  explicit Impl(EbpfOptions o) : opt(std::move(o)) {}

  void on_record(std::span<const uint8_t> rec) {
    records.fetch_add(1, std::memory_order_relaxed);
    Event& e = out->next();
    switch (decoder->decode(rec, e)) {
      case RecordDecoder::Outcome::kEvent:
        out->commit();
        events.fetch_add(1, std::memory_order_relaxed);
        break;
      case RecordDecoder::Outcome::kSkip:
        break;
      case RecordDecoder::Outcome::kMalformed:
        malformed.fetch_add(1, std::memory_order_relaxed);
        out->count_malformed();
        if (opt.on_malformed) opt.on_malformed(decoder->error());
        break;
    }
    // iam changes an account-file write revealed, published after the record's own event.
    while (decoder->has_extra()) {
      decoder->take_extra(out->next());
      out->commit();
      events.fetch_add(1, std::memory_order_relaxed);
    }
  }

  // Kernel counters and table size, refreshed by the reader thread for stats().
  void snapshot() {
    std::lock_guard lock(mu);
    if (loader) {
      kernel_drops = loader->counter(WSN_CNT_RINGBUF_DROPS);
      path_truncated = loader->counter(WSN_CNT_PATH_TRUNCATED);
      args_truncated = loader->counter(WSN_CNT_ARGS_TRUNCATED);
    }
    if (table) table_stats = table->stats();
  }

  EbpfOptions opt;
  std::unique_ptr<ProcessTable> table;
  UserNames users;
  std::unique_ptr<RecordDecoder> decoder;
  AccountWatch accounts;  // iam events (when wanted)
  EventWriter* out = nullptr;

  std::atomic<bool> stop_requested{false};
  std::atomic<uint64_t> records{0}, events{0}, malformed{0};

  mutable std::mutex mu;  // guards everything below
  std::unique_ptr<BpfLoader> loader;
  std::unique_ptr<RingReader> ring;
  std::vector<std::string> attached, unavailable;
  uint64_t kernel_drops = 0, path_truncated = 0, args_truncated = 0;
  ProcessTableStats table_stats;
};

EbpfSource::EbpfSource(EbpfOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

EbpfSource::~EbpfSource() {
  std::lock_guard lock(impl_->mu);
  impl_->ring.reset();
  impl_->loader.reset();
}

Status EbpfSource::start() {
  Impl& s = *impl_;
  {
    std::lock_guard lock(s.mu);
    if (s.loader) return {};
  }
  if (Status ok = ebpf_available(); !ok.ok()) return ok;

  BpfLoaderConfig cfg;
  cfg.ring_buffer_bytes = s.opt.ring_buffer_bytes;
  cfg.ignore_tgid = s.opt.ignore_pid < 0 ? static_cast<uint32_t>(::getpid())
                                         : static_cast<uint32_t>(s.opt.ignore_pid);
  cfg.interest = s.opt.interest;
  cfg.mount_tracefs = s.opt.mount_tracefs;
  cfg.wakeup_bytes = s.opt.wakeup_bytes;
  cfg.capture_env = !s.opt.env_vars.empty();
  cfg.module_attempts_fallback = s.opt.module_attempts_fallback;
  auto loader = BpfLoader::load(cfg);
  if (!loader.ok()) return loader.error();

  // Seed after attaching: a process that starts in between is then seen by both, which is
  // harmless, instead of by neither.
  s.table = std::make_unique<ProcessTable>(s.opt.process_table_capacity, read_boot_id());
  s.table->set_env_names(s.opt.env_vars);
  s.table->seed();
  s.decoder = std::make_unique<RecordDecoder>(
      *s.table, s.users, s.opt.interest, s.opt.host_name.empty() ? host_name() : s.opt.host_name);
  s.decoder->set_host_identity(read_host_identity());
  s.decoder->set_env_names(s.opt.env_vars);
  if (s.opt.interest.wants(EbpfEvent::kIam)) {
    s.accounts.snapshot();
    s.decoder->set_account_watch(&s.accounts);
  }
  s.decoder->set_clock_offset(clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME));

  auto ring = RingReader::open(loader.value()->ring_buffer_fd(),
                               [&s](std::span<const uint8_t> rec) { s.on_record(rec); });
  if (!ring.ok()) return ring.error();

  std::lock_guard lock(s.mu);
  s.attached = loader.value()->attached();
  s.unavailable = loader.value()->unavailable();
  s.loader = std::move(loader.value());
  s.ring = std::move(ring.value());
  s.table_stats = s.table->stats();
  return {};
}

Status EbpfSource::run(EventWriter& out) {
  Impl& s = *impl_;
  if (s.stop_requested.load()) {
    // Stopped before running: still detach whatever start() attached.
    std::lock_guard lock(s.mu);
    s.ring.reset();
    s.loader.reset();
    return {};
  }
  if (Status ok = start(); !ok.ok()) return ok;
  s.out = &out;
  RingReader* ring = nullptr;
  {
    std::lock_guard lock(s.mu);
    ring = s.ring.get();
  }
  int64_t last_snapshot = 0;
  Status result;
  while (!s.stop_requested.load(std::memory_order_acquire)) {
    if (!ring->wait(s.opt.poll_timeout_ms)) {
      result = Error{"waiting for BPF ring buffer records failed", errno};
      break;
    }
    // Re-derived each round: wall-clock steps (NTP, settimeofday) move it.
    s.decoder->set_clock_offset(clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME));
    ring->consume();
    out.flush();
    s.table->trim();
    const int64_t now = monotonic_ns();
    if (now - last_snapshot > 100'000'000) {
      s.snapshot();
      last_snapshot = now;
    }
  }
  // Stop: take what is already queued, then detach everything before returning.
  ring->consume();
  out.flush();
  s.snapshot();
  s.out = nullptr;
  std::lock_guard lock(s.mu);
  s.ring.reset();
  s.loader.reset();
  return result;
}

void EbpfSource::stop() {
  impl_->stop_requested.store(true, std::memory_order_release);
  std::lock_guard lock(impl_->mu);
  if (impl_->ring) impl_->ring->wake();
}

SourceStats EbpfSource::stats() const {
  SourceStats st;
  st.events = impl_->events.load(std::memory_order_relaxed);
  st.malformed = impl_->malformed.load(std::memory_order_relaxed);
  std::lock_guard lock(impl_->mu);
  st.lost = impl_->loader ? impl_->loader->counter(WSN_CNT_RINGBUF_DROPS) : impl_->kernel_drops;
  return st;
}

EbpfStats EbpfSource::detailed_stats() const {
  EbpfStats st;
  st.records = impl_->records.load(std::memory_order_relaxed);
  st.events = impl_->events.load(std::memory_order_relaxed);
  st.malformed = impl_->malformed.load(std::memory_order_relaxed);
  std::lock_guard lock(impl_->mu);
  if (impl_->loader) {
    st.kernel_drops = impl_->loader->counter(WSN_CNT_RINGBUF_DROPS);
    st.path_truncated = impl_->loader->counter(WSN_CNT_PATH_TRUNCATED);
    st.args_truncated = impl_->loader->counter(WSN_CNT_ARGS_TRUNCATED);
  } else {
    st.kernel_drops = impl_->kernel_drops;
    st.path_truncated = impl_->path_truncated;
    st.args_truncated = impl_->args_truncated;
  }
  st.processes = impl_->table_stats;
  return st;
}

std::vector<std::string> EbpfSource::attached_hooks() const {
  std::lock_guard lock(impl_->mu);
  return impl_->attached;
}

std::vector<std::string> EbpfSource::unavailable_hooks() const {
  std::lock_guard lock(impl_->mu);
  return impl_->unavailable;
}

Status EbpfSource::add_read_prefixes(const std::vector<std::string>& prefixes) {
  std::lock_guard lock(impl_->mu);
  if (!impl_->loader) return Error{"the eBPF collector is not running"};
  for (const std::string& p : prefixes) {
    if (Status s = impl_->loader->add_read_prefix(p); !s.ok()) return s;
  }
  return {};
}

Status ebpf_available() {
  struct stat st {};
  if (::stat("/sys/kernel/btf/vmlinux", &st) != 0) {
    return Error{
        "the kernel exposes no BTF (/sys/kernel/btf/vmlinux is missing; "
        "CONFIG_DEBUG_INFO_BTF=y is needed for the eBPF collector)",
        ENOENT, ErrorCode::kUnavailable};
  }
  if (::geteuid() != 0) {
    // CAP_BPF (39) with CAP_PERFMON (38), or CAP_SYS_ADMIN, are enough without root.
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    if (::syscall(SYS_capget, &hdr, data) != 0) {
      return Error{"the eBPF collector needs root (cannot read this process's capabilities)", errno,
                   ErrorCode::kPermission};
    }
    auto has = [&](int cap) { return (data[cap / 32].effective >> (cap % 32)) & 1u; };
    if (!has(21 /* CAP_SYS_ADMIN */) && !(has(39) && has(38))) {
      return Error{"the eBPF collector needs root, or CAP_BPF with CAP_PERFMON", EPERM,
                   ErrorCode::kPermission};
    }
  }
  return {};
}

}  // namespace wsn::collect
