#include "xdp_filter_peer.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "net/xdp_filter.h"

namespace wsn::bench {
namespace {

// xdp-filter's common_kern_user.h
constexpr uint64_t kFlagSrc = 1 << 0;
constexpr uint64_t kFlagDst = 1 << 1;
constexpr uint64_t kFlagTcp = 1 << 2;
constexpr uint64_t kFlagUdp = 1 << 3;
constexpr unsigned kCounterShift = 6;
constexpr size_t kShippedAddresses = 10000;

Error sys_error(const std::string& what, int err) {
  return Error{what + ": " + std::strerror(err), err};
}

int num_cpus() {
  static int n = libbpf_num_possible_cpus();
  return n > 0 ? n : 1;
}

}  // namespace

struct XdpFilterPeer::State {
  bpf_object* obj = nullptr;
  int prog = -1, ipv4 = -1, ports = -1, stats = -1;
  ~State() {
    if (obj) bpf_object__close(obj);
  }
};

XdpFilterPeer::XdpFilterPeer(std::unique_ptr<State> s) : s_(std::move(s)) {}
XdpFilterPeer::XdpFilterPeer(XdpFilterPeer&&) noexcept = default;
XdpFilterPeer& XdpFilterPeer::operator=(XdpFilterPeer&&) noexcept = default;
XdpFilterPeer::~XdpFilterPeer() = default;

std::string XdpFilterPeer::object_path() {
  for (const char* dir : {"/usr/lib/x86_64-linux-gnu/bpf", "/usr/lib/aarch64-linux-gnu/bpf",
                          "/usr/lib/bpf", "/usr/local/lib/bpf"}) {
    std::string p = std::string(dir) + "/xdpfilt_alw_all.o";
    if (std::filesystem::exists(p)) return p;
  }
  return "";
}

Result<XdpFilterPeer> XdpFilterPeer::load(const std::string& object, size_t addresses) {
  auto s = std::make_unique<State>();
  s->obj = bpf_object__open_file(object.c_str(), nullptr);
  if (!s->obj) return sys_error("open " + object, errno);
  bpf_map* map;
  bpf_object__for_each_map(map, s->obj) {
    // LIBBPF_PIN_BY_NAME in the object: keep these maps private to this process.
    if (bpf_map__set_pin_path(map, nullptr) != 0)
      return sys_error("unpin xdp-filter's maps", errno);
    if (std::strcmp(bpf_map__name(map), "filter_ipv4") == 0 && addresses > kShippedAddresses) {
      if (bpf_map__set_max_entries(map, static_cast<uint32_t>(addresses)) != 0)
        return sys_error("resize filter_ipv4", errno);
    }
  }
  if (bpf_object__load(s->obj) != 0) return sys_error("load " + object, errno);
  bpf_program* prog = bpf_object__next_program(s->obj, nullptr);
  if (!prog) return Error{object + " has no program", 0};
  s->prog = bpf_program__fd(prog);
  s->ipv4 = bpf_object__find_map_fd_by_name(s->obj, "filter_ipv4");
  s->ports = bpf_object__find_map_fd_by_name(s->obj, "filter_ports");
  s->stats = bpf_object__find_map_fd_by_name(s->obj, "xdp_stats_map");
  if (s->ipv4 < 0 || s->ports < 0 || s->stats < 0)
    return Error{object + " lacks filter_ipv4, filter_ports or xdp_stats_map", 0};
  return XdpFilterPeer(std::move(s));
}

Status XdpFilterPeer::fill(const std::vector<ExactRule>& rules) {
  std::vector<uint64_t> values(num_cpus());
  for (const ExactRule& r : rules) {
    if (!r.is_port) {
      uint32_t key = r.addr_be;
      if (bpf_map_lookup_elem(s_->ipv4, &key, values.data()) != 0)
        std::fill(values.begin(), values.end(), 0);
      for (uint64_t& v : values) v |= r.src ? kFlagSrc : kFlagDst;
      if (bpf_map_update_elem(s_->ipv4, &key, values.data(), BPF_ANY) != 0)
        return sys_error("fill xdp-filter's filter_ipv4", errno);
      continue;
    }
    uint32_t key = htons(r.port);  // the program indexes by the header's network-order port
    if (bpf_map_lookup_elem(s_->ports, &key, values.data()) != 0)
      return sys_error("read xdp-filter's filter_ports", errno);
    for (uint64_t& v : values) v |= kFlagDst | (r.tcp ? kFlagTcp : kFlagUdp);
    if (bpf_map_update_elem(s_->ports, &key, values.data(), BPF_ANY) != 0)
      return sys_error("fill xdp-filter's filter_ports", errno);
  }
  return {};
}

Result<uint32_t> XdpFilterPeer::test_run(const std::vector<uint8_t>& frame) const {
  auto r = net::prog_test_run(s_->prog, frame, 1);
  if (!r.ok()) return r.error();
  return r->retval;
}

Result<uint32_t> XdpFilterPeer::test_run_duration(const std::vector<uint8_t>& frame,
                                                  uint32_t repeat) const {
  auto r = net::prog_test_run(s_->prog, frame, repeat);
  if (!r.ok()) return r.error();
  return r->duration_ns;
}

int XdpFilterPeer::program_fd() const {
  return s_->prog;
}

Result<uint64_t> XdpFilterPeer::dropped() const {
  struct Record {
    uint64_t packets, bytes;
  };
  std::vector<Record> per_cpu(num_cpus());
  uint32_t key = XDP_DROP;
  if (bpf_map_lookup_elem(s_->stats, &key, per_cpu.data()) != 0)
    return sys_error("read xdp-filter's xdp_stats_map", errno);
  uint64_t n = 0;
  for (const Record& r : per_cpu) n += r.packets;
  return n;
}

Result<uint64_t> XdpFilterPeer::address_hits() const {
  std::vector<uint64_t> values(num_cpus());
  uint64_t n = 0;
  uint32_t key = 0, next = 0;
  const void* prev = nullptr;
  while (bpf_map_get_next_key(s_->ipv4, prev, &next) == 0) {
    if (bpf_map_lookup_elem(s_->ipv4, &next, values.data()) == 0)
      for (uint64_t v : values) n += v >> kCounterShift;
    key = next;
    prev = &key;
  }
  return n;
}

}  // namespace wsn::bench
