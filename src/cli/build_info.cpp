#include "cli/build_info.h"

#include <fmt/core.h>

#include "cli/kernel_capabilities.h"

namespace wsn::cli {

std::string build_info_text() {
  // WSN_COMMIT and WSN_BUILD_TYPE are fixed when CMake configures the build tree.
  return fmt::format("wasm-sentinel {}\ncommit: {}\nbuild: {}\n", WSN_VERSION, WSN_COMMIT,
                     WSN_BUILD_TYPE);
}

std::string version_text() {
  std::string out = build_info_text();
  out += "kernel capabilities (probed now):\n";
  for (const KernelCapability& c : probe_kernel_capabilities()) {
    out += fmt::format("  {}: {}\n", c.name, c.answer);
  }
  return out;
}

}  // namespace wsn::cli
