#include "collect/ebpf/container_id.h"

namespace wsn::collect {
namespace {

constexpr size_t kIdLength = 64;

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

}  // namespace

std::string container_id_from_cgroup(std::string_view cgroup) {
  while (!cgroup.empty() && cgroup.back() == '/') cgroup.remove_suffix(1);
  if (const size_t slash = cgroup.rfind('/'); slash != std::string_view::npos) {
    cgroup.remove_prefix(slash + 1);
  }
  if (cgroup.ends_with(".scope")) cgroup.remove_suffix(6);
  // The id is the trailing run of hex digits, after an optional "<runtime>-" prefix.
  if (cgroup.size() < kIdLength) return {};
  const std::string_view id = cgroup.substr(cgroup.size() - kIdLength);
  for (char c : id) {
    if (!is_hex(c)) return {};
  }
  if (cgroup.size() > kIdLength && cgroup[cgroup.size() - kIdLength - 1] != '-') return {};
  return std::string(id);
}

std::string container_id_from_proc_cgroup(std::string_view text) {
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    // "hierarchy-id:controllers:path"
    const size_t c1 = line.find(':');
    if (c1 == std::string_view::npos) continue;
    const size_t c2 = line.find(':', c1 + 1);
    if (c2 == std::string_view::npos) continue;
    std::string id = container_id_from_cgroup(line.substr(c2 + 1));
    if (!id.empty()) return id;
  }
  return {};
}

}  // namespace wsn::collect
