#include "collect/ebpf/env_vars.h"

#include <algorithm>

namespace wsn::collect {

std::vector<std::string> default_env_vars() {
  return {"LD_PRELOAD",   "LD_LIBRARY_PATH", "LD_AUDIT",   "HISTFILE",    "HISTSIZE",
          "HISTFILESIZE", "HISTCONTROL",     "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"};
}

std::vector<std::string> keep_env_vars(std::string_view block,
                                       const std::vector<std::string>& names, bool complete) {
  std::vector<std::string> out;
  while (!block.empty()) {
    const size_t nul = block.find('\0');
    // The last entry of a truncated block may be cut in the middle of its value.
    if (nul == std::string_view::npos && !complete) break;
    const std::string_view entry = block.substr(0, nul);
    block.remove_prefix(nul == std::string_view::npos ? block.size() : nul + 1);
    const size_t eq = entry.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    const std::string_view name = entry.substr(0, eq);
    if (std::find(names.begin(), names.end(), name) != names.end()) out.emplace_back(entry);
  }
  return out;
}

}  // namespace wsn::collect
