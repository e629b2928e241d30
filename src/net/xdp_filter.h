// The XDP filter's control plane: loads bpf/xdp_filter.bpf.c once and pins the program and its
// maps under a bpffs directory (default /sys/fs/bpf/wasm-sentinel), so every later `net`
// command and a running agent work on the same filter, and the rules outlive any process.
// Attachments are made through netlink (bpf_xdp_attach) and stay until `net detach`.
//
// Thread safety: one XdpFilter per thread. Processes coordinate rule-set changes with an
// exclusive flock on the pin directory (RuleTable takes it); the data path never waits.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "net/classifier.h"
#include "wsn/result.h"

namespace wsn::net {

inline constexpr const char* kDefaultPinDir = "/sys/fs/bpf/wasm-sentinel";

enum class AttachMode : uint8_t { kNative, kSkb };

struct Attachment {
  std::string iface;
  int ifindex = 0;
  AttachMode mode = AttachMode::kSkb;
};

struct FilterSettings {
  Action default_action = Action::kPass;  // pass or drop
  Action malformed_action = Action::kPass;
  uint32_t inspect_packets = 8;  // per flow
  uint32_t inspect_bytes = 512;
  bool drop_events = false;  // the first dropped packet of each flow becomes an event
};

// Global counters, summed over CPUs (order of wsn_xdp_stat).
struct FilterStats {
  uint64_t packets = 0, passed = 0, dropped = 0, defaulted = 0, malformed = 0, not_ip = 0,
           fragments = 0, blocked = 0, inspected = 0, inspect_copied = 0, inspect_ringbuf_full = 0;
};

struct RuleCounter {
  uint64_t packets = 0;
  uint64_t bytes = 0;
};

// One BPF_PROG_TEST_RUN of an XDP program (any: ours, or a peer's in the benchmark) over
// `frame`, `repeat` times: its return value and the kernel's own ns per run.
struct ProgTestRun {
  uint32_t retval = 0;
  uint32_t duration_ns = 0;
};
Result<ProgTestRun> prog_test_run(int prog_fd, const std::vector<uint8_t>& frame, uint32_t repeat);

// What decided one packet in a test run.
struct TestVerdict {
  uint32_t xdp_action = 0;  // XDP_DROP (1) or XDP_PASS (2)
  enum class By : uint8_t { kRule, kDefault, kBlock, kMalformed, kNotIp } by = By::kDefault;
  uint32_t slot = 0;  // with kRule
  Action action = Action::kPass;
};

// A stored rule: the NetRule and its counter slot (the control plane's copy in the pinned
// spec map).
struct StoredRule {
  NetRule rule;
  uint32_t slot = 0;
};

class XdpFilter {
 public:
  // Opens the filter pinned in pin_dir; when there is none and `create` is set, loads the
  // program, pins it (mounting bpffs on /sys/fs/bpf first if needed) and writes settings.
  static Result<XdpFilter> open(const std::string& pin_dir, bool create);
  // Whether a filter is pinned there.
  static bool exists(const std::string& pin_dir);
  // Unpins everything (detach first: an attached program keeps running until detached).
  static Status remove(const std::string& pin_dir);

  XdpFilter(XdpFilter&&) noexcept;
  XdpFilter& operator=(XdpFilter&&) noexcept;
  ~XdpFilter();

  const std::string& pin_dir() const;
  uint32_t program_id() const;

  Status attach(const std::string& iface, AttachMode mode);
  Status detach(const std::string& iface);
  Result<std::vector<Attachment>> attachments() const;  // interfaces running this program

  Result<FilterSettings> settings() const;
  Status set_settings(const FilterSettings& s);

  // Replaces the whole compiled rule set atomically: fills the idle half, then flips.
  Status apply(const CompiledRules& compiled);

  Result<std::vector<StoredRule>> stored_rules() const;
  Status store_rule(const StoredRule& r);
  Status erase_rule(uint32_t id);

  Result<FilterStats> stats() const;
  Result<RuleCounter> rule_counter(uint32_t slot) const;
  Status reset_rule_counter(uint32_t slot);

  // Runs one frame through the program (BPF_PROG_TEST_RUN) and reports what decided it.
  Result<TestVerdict> test_run(const std::vector<uint8_t>& frame) const;
  // ns per packet over `repeat` runs of the frame (the kernel's own timing).
  Result<uint32_t> test_run_duration(const std::vector<uint8_t>& frame, uint32_t repeat) const;

  int map_fd(const char* name) const;  // a pinned map by name, for the inspect/block paths

 private:
  struct Fds;
  explicit XdpFilter(std::unique_ptr<Fds> fds);
  std::unique_ptr<Fds> fds_;
};

}  // namespace wsn::net
