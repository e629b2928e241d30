// What the running kernel offers the live collector, probed (never guessed from the version):
// for `wasm-sentinel --version`.
#pragma once

#include <string>
#include <vector>

namespace wsn::cli {

struct KernelCapability {
  std::string name;    // "BTF", "BPF tracepoints", …
  std::string answer;  // "yes", "no", or "unknown (why)"
};

// Probes BTF, the BPF program types the collector uses (tracepoint, raw tracepoint), XDP and
// BPF LSM. Loading a probe program needs root or CAP_BPF; without it the answer says so.
std::vector<KernelCapability> probe_kernel_capabilities();

}  // namespace wsn::cli
