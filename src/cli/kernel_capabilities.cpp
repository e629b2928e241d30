#include "cli/kernel_capabilities.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#ifdef WSN_HAVE_LIBBPF
#include <bpf/libbpf.h>
#endif

namespace wsn::cli {
namespace {

std::string read_first_line(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

#ifdef WSN_HAVE_LIBBPF
// libbpf loads a minimal program of the type: 1 = the kernel accepts it, 0 = it does not.
std::string probe_program_type(bpf_prog_type type) {
  const int rc = libbpf_probe_bpf_prog_type(type, nullptr);
  if (rc == 1) return "yes";
  if (rc == 0) return "no";
  if (rc == -EPERM || rc == -EACCES) return "unknown (probing needs root or CAP_BPF)";
  return std::string("unknown (probe failed: ") + std::strerror(-rc) + ")";
}
#endif

// BPF LSM programs run only when "bpf" is among the active LSMs (lsm= boot parameter).
std::string bpf_lsm_active() {
  const std::string lsms = read_first_line("/sys/kernel/security/lsm");
  if (lsms.empty())
    return "unknown (cannot read /sys/kernel/security/lsm; securityfs not mounted?)";
  std::stringstream list(lsms);
  std::string item;
  while (std::getline(list, item, ',')) {
    if (item == "bpf") return "yes";
  }
  return "no (active LSMs: " + lsms + "; add bpf to the lsm= boot parameter)";
}

}  // namespace

std::vector<KernelCapability> probe_kernel_capabilities() {
  std::vector<KernelCapability> out;
  utsname u{};
  out.push_back({"kernel", ::uname(&u) == 0 ? std::string(u.release) : "unknown"});
  out.push_back({"BTF (/sys/kernel/btf/vmlinux)",
                 ::access("/sys/kernel/btf/vmlinux", R_OK) == 0 ? "yes" : "no"});
#ifdef WSN_HAVE_LIBBPF
  libbpf_set_print(nullptr);  // a failed probe is an answer here, not a message
  out.push_back({"BPF tracepoints", probe_program_type(BPF_PROG_TYPE_TRACEPOINT)});
  out.push_back({"BPF raw tracepoints", probe_program_type(BPF_PROG_TYPE_RAW_TRACEPOINT)});
  out.push_back({"XDP", probe_program_type(BPF_PROG_TYPE_XDP)});
  out.push_back({"BPF LSM programs", probe_program_type(BPF_PROG_TYPE_LSM)});
#else
  const std::string no_libbpf = "unknown (this build has no libbpf to probe with)";
  out.push_back({"BPF tracepoints", no_libbpf});
  out.push_back({"BPF raw tracepoints", no_libbpf});
  out.push_back({"XDP", no_libbpf});
  out.push_back({"BPF LSM programs", no_libbpf});
#endif
  out.push_back({"BPF LSM active", bpf_lsm_active()});
  return out;
}

}  // namespace wsn::cli
