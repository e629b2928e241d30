#include "net/xdp_filter.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>

#include "bpf/xdp_abi.h"
#include "xdp_filter.skel.h"

namespace wsn::net {
namespace {

constexpr long kBpfFsMagic = 0xcafe4a11;

// Every map of the object, by the name its pin file has.
constexpr const char* kMaps[] = {"wsn_xdp_config",  "wsn_xdp_tuples",  "wsn_xdp_entries",
                                 "wsn_xdp_src_lpm", "wsn_xdp_dst_lpm", "wsn_xdp_rule_counters",
                                 "wsn_xdp_stats",   "wsn_xdp_blocks",  "wsn_xdp_flows",
                                 "wsn_xdp_inspect", "wsn_xdp_last",    "wsn_xdp_specs"};

Error sys_error(const std::string& what, int err) {
  return Error{what + ": " + std::strerror(err), err};
}

Status ensure_bpffs(const std::string& pin_dir) {
  std::filesystem::path dir(pin_dir);
  std::filesystem::path root = dir.parent_path();
  struct statfs fs {};
  if (statfs(root.c_str(), &fs) != 0) return sys_error("statfs " + root.string(), errno);
  if (static_cast<long>(fs.f_type) != kBpfFsMagic) {
    // The kernel's default place; mounting it is what every BPF agent does on a bare host.
    if (root != "/sys/fs/bpf") {
      return Error{root.string() + " is not a bpffs mount; give a --pin-dir under /sys/fs/bpf", 0,
                   ErrorCode::kUnavailable};
    }
    if (mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700") != 0)
      return sys_error("mount bpffs on /sys/fs/bpf", errno);
  }
  if (mkdir(pin_dir.c_str(), 0700) != 0 && errno != EEXIST)
    return sys_error("mkdir " + pin_dir, errno);
  return {};
}

int num_cpus() {
  static int n = libbpf_num_possible_cpus();
  return n > 0 ? n : 1;
}

template <typename T>
Status update(int fd, const void* key, const T& value, const char* what) {
  if (bpf_map_update_elem(fd, key, &value, BPF_ANY) != 0)
    return sys_error(std::string("update ") + what, errno);
  return {};
}

}  // namespace

struct XdpFilter::Fds {
  std::string pin_dir;
  int prog = -1;
  uint32_t prog_id = 0;
  std::map<std::string, int> maps;
  ~Fds() {
    if (prog >= 0) close(prog);
    for (auto& [name, fd] : maps) close(fd);
  }
  int map(const char* name) const {
    auto it = maps.find(name);
    return it == maps.end() ? -1 : it->second;
  }
};

XdpFilter::XdpFilter(std::unique_ptr<Fds> fds) : fds_(std::move(fds)) {}
XdpFilter::XdpFilter(XdpFilter&&) noexcept = default;
XdpFilter& XdpFilter::operator=(XdpFilter&&) noexcept = default;
XdpFilter::~XdpFilter() = default;

const std::string& XdpFilter::pin_dir() const {
  return fds_->pin_dir;
}
uint32_t XdpFilter::program_id() const {
  return fds_->prog_id;
}
int XdpFilter::map_fd(const char* name) const {
  return fds_->map(name);
}

bool XdpFilter::exists(const std::string& pin_dir) {
  return access((pin_dir + "/prog").c_str(), F_OK) == 0;
}

Status XdpFilter::remove(const std::string& pin_dir) {
  std::error_code ec;
  for (const char* m : kMaps) std::filesystem::remove(pin_dir + "/" + m, ec);
  std::filesystem::remove(pin_dir + "/prog", ec);
  std::filesystem::remove(pin_dir, ec);
  if (ec) return Error{"remove " + pin_dir + ": " + ec.message(), ec.value()};
  return {};
}

Result<XdpFilter> XdpFilter::open(const std::string& pin_dir, bool create) {
  if (!exists(pin_dir)) {
    if (!create) {
      return Error{"no XDP filter is loaded (nothing pinned at " + pin_dir +
                       "); run `wasm-sentinel net attach --iface IF` first",
                   ENOENT, ErrorCode::kNotFound};
    }
    if (auto st = ensure_bpffs(pin_dir); !st.ok()) return st.error();
    wsn_xdp* skel = wsn_xdp__open_and_load();
    if (!skel) return sys_error("load the XDP filter program", errno);
    int err = bpf_object__pin_maps(skel->obj, pin_dir.c_str());
    if (err == 0) err = bpf_program__pin(skel->progs.wsn_xdp_filter, (pin_dir + "/prog").c_str());
    if (err == 0) {
      wsn_xdp_config cfg{};
      cfg.abi_version = WSN_XDP_ABI_VERSION;
      FilterSettings defaults;
      cfg.default_action = static_cast<uint32_t>(defaults.default_action);
      cfg.malformed_action = static_cast<uint32_t>(defaults.malformed_action);
      cfg.inspect_packets = defaults.inspect_packets;
      cfg.inspect_bytes = defaults.inspect_bytes;
      uint32_t zero = 0;
      if (bpf_map_update_elem(bpf_map__fd(skel->maps.wsn_xdp_config), &zero, &cfg, BPF_ANY) != 0)
        err = -errno;
    }
    wsn_xdp__destroy(skel);
    if (err != 0) {
      (void)remove(pin_dir);
      return sys_error("pin the XDP filter under " + pin_dir, -err);
    }
  }
  auto fds = std::make_unique<Fds>();
  fds->pin_dir = pin_dir;
  fds->prog = bpf_obj_get((pin_dir + "/prog").c_str());
  if (fds->prog < 0) return sys_error("open " + pin_dir + "/prog", errno);
  bpf_prog_info info{};
  uint32_t len = sizeof info;
  if (bpf_obj_get_info_by_fd(fds->prog, &info, &len) != 0)
    return sys_error("read the XDP program's id", errno);
  fds->prog_id = info.id;
  for (const char* m : kMaps) {
    int fd = bpf_obj_get((pin_dir + "/" + m).c_str());
    if (fd < 0) {
      return sys_error("open pinned map " + pin_dir + "/" + m +
                           " (a filter from another version? `net detach` and `net unload`)",
                       errno);
    }
    fds->maps[m] = fd;
  }
  XdpFilter filter(std::move(fds));
  wsn_xdp_config cfg{};
  uint32_t zero = 0;
  if (bpf_map_lookup_elem(filter.map_fd("wsn_xdp_config"), &zero, &cfg) != 0)
    return sys_error("read the filter's configuration", errno);
  if (cfg.abi_version != WSN_XDP_ABI_VERSION) {
    return Error{"the filter pinned at " + pin_dir + " has layout version " +
                     std::to_string(cfg.abi_version) + ", this program writes version " +
                     std::to_string(WSN_XDP_ABI_VERSION) + "; `net unload` it and attach again",
                 0, ErrorCode::kInvalid};
  }
  return filter;
}

Status XdpFilter::attach(const std::string& iface, AttachMode mode) {
  int ifindex = static_cast<int>(if_nametoindex(iface.c_str()));
  if (ifindex == 0)
    return Error{"no network interface '" + iface + "'", ENODEV, ErrorCode::kNotFound};
  uint32_t current = 0;
  if (bpf_xdp_query_id(ifindex, 0, &current) == 0 && current != 0) {
    if (current == fds_->prog_id) return {};
    return Error{iface + " already runs another XDP program (id " + std::to_string(current) +
                     "); detach it first (e.g. `ip link set dev " + iface + " xdp off`)",
                 EBUSY, ErrorCode::kUnavailable};
  }
  uint32_t flags = XDP_FLAGS_UPDATE_IF_NOEXIST |
                   (mode == AttachMode::kNative ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE);
  if (bpf_xdp_attach(ifindex, fds_->prog, flags, nullptr) != 0) {
    int err = errno;
    std::string hint = mode == AttachMode::kNative && (err == EOPNOTSUPP || err == EINVAL)
                           ? " (the driver has no native XDP; try --mode skb)"
                           : "";
    return sys_error("attach XDP to " + iface + hint, err);
  }
  return {};
}

Result<std::vector<Attachment>> XdpFilter::attachments() const {
  std::vector<Attachment> out;
  struct if_nameindex* names = if_nameindex();
  if (!names) return sys_error("list network interfaces", errno);
  for (struct if_nameindex* n = names; n->if_index != 0; ++n) {
    bpf_xdp_query_opts q{};
    q.sz = sizeof q;
    if (bpf_xdp_query(static_cast<int>(n->if_index), 0, &q) != 0) continue;
    if (q.prog_id == fds_->prog_id || q.skb_prog_id == fds_->prog_id ||
        q.drv_prog_id == fds_->prog_id) {
      out.push_back({n->if_name, static_cast<int>(n->if_index),
                     q.drv_prog_id == fds_->prog_id ? AttachMode::kNative : AttachMode::kSkb});
    }
  }
  if_freenameindex(names);
  return out;
}

Status XdpFilter::detach(const std::string& iface) {
  auto list = attachments();
  if (!list.ok()) return list.error();
  for (const Attachment& a : list.value()) {
    if (a.iface != iface) continue;
    bpf_xdp_attach_opts opts{};
    opts.sz = sizeof opts;
    opts.old_prog_fd = fds_->prog;
    uint32_t flags = XDP_FLAGS_REPLACE |
                     (a.mode == AttachMode::kNative ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE);
    if (bpf_xdp_detach(a.ifindex, flags, &opts) != 0)
      return sys_error("detach XDP from " + iface, errno);
    return {};
  }
  return Error{"the filter is not attached to " + iface, 0, ErrorCode::kNotFound};
}

Result<FilterSettings> XdpFilter::settings() const {
  wsn_xdp_config cfg{};
  uint32_t zero = 0;
  if (bpf_map_lookup_elem(map_fd("wsn_xdp_config"), &zero, &cfg) != 0)
    return sys_error("read the filter's configuration", errno);
  FilterSettings s;
  s.default_action = static_cast<Action>(cfg.default_action);
  s.malformed_action = static_cast<Action>(cfg.malformed_action);
  s.inspect_packets = cfg.inspect_packets;
  s.inspect_bytes = cfg.inspect_bytes;
  s.drop_events = cfg.drop_events != 0;
  return s;
}

Status XdpFilter::set_settings(const FilterSettings& s) {
  wsn_xdp_config cfg{};
  uint32_t zero = 0;
  int fd = map_fd("wsn_xdp_config");
  if (bpf_map_lookup_elem(fd, &zero, &cfg) != 0)
    return sys_error("read the filter's configuration", errno);
  cfg.default_action = static_cast<uint32_t>(s.default_action);
  cfg.malformed_action = static_cast<uint32_t>(s.malformed_action);
  cfg.inspect_packets = s.inspect_packets;
  cfg.inspect_bytes = s.inspect_bytes > WSN_XDP_SNAP_MAX ? WSN_XDP_SNAP_MAX : s.inspect_bytes;
  cfg.drop_events = s.drop_events ? 1 : 0;
  return update(fd, &zero, cfg, "the filter's configuration");
}

namespace {

// Deletes every key of one set from a map whose key says its set through `set_of`.
template <typename Key, typename SetOf>
Status clear_set(int fd, uint32_t set, SetOf set_of, const char* what) {
  std::vector<Key> doomed;
  Key key{}, next{};
  const void* prev = nullptr;
  while (bpf_map_get_next_key(fd, prev, &next) == 0) {
    if (set_of(next) == set) doomed.push_back(next);
    key = next;
    prev = &key;
  }
  for (const Key& k : doomed)
    if (bpf_map_delete_elem(fd, &k) != 0 && errno != ENOENT)
      return sys_error(std::string("clear ") + what, errno);
  return {};
}

wsn_xdp_verdict to_bpf(const Verdict& v) {
  wsn_xdp_verdict out{};
  out.priority = v.rank;
  out.slot = v.slot;
  out.action = static_cast<uint32_t>(v.action);
  return out;
}

void copy_addr(uint32_t (&dst)[4], const std::array<uint8_t, 16>& src) {
  std::memcpy(dst, src.data(), 16);
}

void mask_words(uint32_t (&out)[4], unsigned len) {
  std::array<uint8_t, 16> bytes{};
  for (unsigned bit = 0; bit < len; ++bit)
    bytes[bit / 8] |= static_cast<uint8_t>(0x80u >> (bit % 8));
  std::memcpy(out, bytes.data(), 16);
}

}  // namespace

Status XdpFilter::apply(const CompiledRules& c) {
  int cfg_fd = map_fd("wsn_xdp_config");
  uint32_t zero = 0;
  wsn_xdp_config cfg{};
  if (bpf_map_lookup_elem(cfg_fd, &zero, &cfg) != 0)
    return sys_error("read the filter's configuration", errno);
  const uint32_t idle = (cfg.active_set & 1) ^ 1;

  int entries = map_fd("wsn_xdp_entries");
  int src_lpm = map_fd("wsn_xdp_src_lpm");
  int dst_lpm = map_fd("wsn_xdp_dst_lpm");
  if (auto st = clear_set<wsn_xdp_key>(
          entries, idle, [](const wsn_xdp_key& k) { return k.tuple >> 16; }, "classifier entries");
      !st.ok())
    return st;
  auto lpm_set = [](const wsn_xdp_lpm_key& k) { return k.tag >> 8; };
  if (auto st = clear_set<wsn_xdp_lpm_key>(src_lpm, idle, lpm_set, "source trie"); !st.ok())
    return st;
  if (auto st = clear_set<wsn_xdp_lpm_key>(dst_lpm, idle, lpm_set, "destination trie"); !st.ok())
    return st;

  int tuples = map_fd("wsn_xdp_tuples");
  for (uint32_t i = 0; i < c.tuples.size(); ++i) {
    const Tuple& t = c.tuples[i];
    wsn_xdp_tuple bt{};
    bt.family = static_cast<uint8_t>(t.family);
    bt.src_len = t.src_len;
    bt.dst_len = t.dst_len;
    bt.match_proto = t.proto;
    bt.sport_mask = t.sport_mask;
    bt.dport_mask = t.dport_mask;
    bt.best_priority = t.best_rank;
    mask_words(bt.src_mask, t.src_len);
    mask_words(bt.dst_mask, t.dst_len);
    uint32_t index = idle * WSN_XDP_MAX_TUPLES + i;
    if (auto st = update(tuples, &index, bt, "match shapes"); !st.ok()) return st;
  }
  for (const TupleEntry& e : c.entries) {
    wsn_xdp_key k{};
    k.tuple = idle << 16 | e.tuple;
    k.proto = e.proto;
    k.sport = e.sport;
    k.dport = e.dport;
    copy_addr(k.src, e.src);
    copy_addr(k.dst, e.dst);
    if (auto st = update(entries, &k, to_bpf(e.verdict), "classifier entries"); !st.ok()) return st;
  }
  auto fill_trie = [&](int fd, const std::vector<LpmEntry>& list, const char* what) -> Status {
    for (const LpmEntry& e : list) {
      wsn_xdp_lpm_key k{};
      k.prefixlen = 32 + e.prefix.len;
      k.tag = idle << 8 | static_cast<uint32_t>(e.prefix.family);
      copy_addr(k.addr, e.prefix.addr);
      if (auto st = update(fd, &k, to_bpf(e.verdict), what); !st.ok()) return st;
    }
    return {};
  };
  if (auto st = fill_trie(src_lpm, c.src_lpm, "source trie"); !st.ok()) return st;
  if (auto st = fill_trie(dst_lpm, c.dst_lpm, "destination trie"); !st.ok()) return st;

  // The idle half is complete: publish its sizes, then flip (a single word the program reads
  // once per packet, so a packet sees one whole set or the other).
  cfg.tuple_first[idle][0] = 0;
  cfg.tuple_count[idle][0] = c.v4_tuples;
  cfg.tuple_first[idle][1] = c.v4_tuples;
  cfg.tuple_count[idle][1] = static_cast<uint32_t>(c.tuples.size()) - c.v4_tuples;
  cfg.lpm_in_use[idle] = (c.src_lpm.empty() ? 0u : 1u) | (c.dst_lpm.empty() ? 0u : 2u);
  if (auto st = update(cfg_fd, &zero, cfg, "the filter's configuration"); !st.ok()) return st;
  cfg.active_set = idle;
  return update(cfg_fd, &zero, cfg, "the filter's configuration");
}

namespace {

StoredRule from_spec(const wsn_xdp_rule_spec& s) {
  StoredRule out;
  NetRule& r = out.rule;
  r.id = s.id;
  r.priority = s.priority;
  r.action = static_cast<Action>(s.action);
  r.proto = static_cast<Protocol>(s.proto);
  auto cidr = [](uint8_t family, uint8_t len, const uint8_t* addr) {
    Cidr c;
    c.family = static_cast<Family>(family);
    c.len = len;
    std::memcpy(c.addr.data(), addr, 16);
    return c;
  };
  if (s.has_src) r.src = cidr(s.src_family, s.src_len, s.src);
  if (s.has_dst) r.dst = cidr(s.dst_family, s.dst_len, s.dst);
  r.sport = {s.sport_lo, s.sport_hi};
  r.dport = {s.dport_lo, s.dport_hi};
  out.slot = s.slot;
  return out;
}

}  // namespace

Result<std::vector<StoredRule>> XdpFilter::stored_rules() const {
  int fd = map_fd("wsn_xdp_specs");
  std::vector<StoredRule> out;
  uint32_t key = 0, next = 0;
  const void* prev = nullptr;
  while (bpf_map_get_next_key(fd, prev, &next) == 0) {
    wsn_xdp_rule_spec s{};
    if (bpf_map_lookup_elem(fd, &next, &s) == 0) out.push_back(from_spec(s));
    key = next;
    prev = &key;
  }
  std::sort(out.begin(), out.end(), [](const StoredRule& a, const StoredRule& b) {
    return std::tie(a.rule.priority, a.rule.id) < std::tie(b.rule.priority, b.rule.id);
  });
  return out;
}

Status XdpFilter::store_rule(const StoredRule& stored) {
  const NetRule& r = stored.rule;
  wsn_xdp_rule_spec s{};
  s.id = r.id;
  s.priority = r.priority;
  s.slot = stored.slot;
  s.action = static_cast<uint8_t>(r.action);
  s.proto = static_cast<uint8_t>(r.proto);
  if (r.src) {
    s.has_src = 1;
    s.src_family = static_cast<uint8_t>(r.src->family);
    s.src_len = r.src->len;
    std::memcpy(s.src, r.src->addr.data(), 16);
  }
  if (r.dst) {
    s.has_dst = 1;
    s.dst_family = static_cast<uint8_t>(r.dst->family);
    s.dst_len = r.dst->len;
    std::memcpy(s.dst, r.dst->addr.data(), 16);
  }
  s.sport_lo = r.sport.lo;
  s.sport_hi = r.sport.hi;
  s.dport_lo = r.dport.lo;
  s.dport_hi = r.dport.hi;
  return update(map_fd("wsn_xdp_specs"), &s.id, s, "the rule store");
}

Status XdpFilter::erase_rule(uint32_t id) {
  if (bpf_map_delete_elem(map_fd("wsn_xdp_specs"), &id) != 0)
    return sys_error("delete rule " + std::to_string(id), errno);
  return {};
}

Result<FilterStats> XdpFilter::stats() const {
  std::vector<uint64_t> per_cpu(num_cpus());
  uint64_t sums[WSN_STAT_COUNT] = {};
  for (uint32_t i = 0; i < WSN_STAT_COUNT; ++i) {
    if (bpf_map_lookup_elem(map_fd("wsn_xdp_stats"), &i, per_cpu.data()) != 0)
      return sys_error("read the filter's statistics", errno);
    for (uint64_t v : per_cpu) sums[i] += v;
  }
  FilterStats s;
  s.packets = sums[WSN_STAT_PACKETS];
  s.passed = sums[WSN_STAT_PASSED];
  s.dropped = sums[WSN_STAT_DROPPED];
  s.defaulted = sums[WSN_STAT_DEFAULT];
  s.malformed = sums[WSN_STAT_MALFORMED];
  s.not_ip = sums[WSN_STAT_NOT_IP];
  s.fragments = sums[WSN_STAT_FRAGMENTS];
  s.blocked = sums[WSN_STAT_BLOCKED];
  s.inspected = sums[WSN_STAT_INSPECTED];
  s.inspect_copied = sums[WSN_STAT_INSPECT_COPIED];
  s.inspect_ringbuf_full = sums[WSN_STAT_INSPECT_RINGBUF_FULL];
  return s;
}

Result<RuleCounter> XdpFilter::rule_counter(uint32_t slot) const {
  std::vector<wsn_xdp_counter> per_cpu(num_cpus());
  if (bpf_map_lookup_elem(map_fd("wsn_xdp_rule_counters"), &slot, per_cpu.data()) != 0)
    return sys_error("read rule counters", errno);
  RuleCounter c;
  for (const auto& v : per_cpu) {
    c.packets += v.packets;
    c.bytes += v.bytes;
  }
  return c;
}

Status XdpFilter::reset_rule_counter(uint32_t slot) {
  std::vector<wsn_xdp_counter> zeros(num_cpus());
  if (bpf_map_update_elem(map_fd("wsn_xdp_rule_counters"), &slot, zeros.data(), BPF_ANY) != 0)
    return sys_error("reset rule counters", errno);
  return {};
}

namespace {

Result<std::vector<wsn_xdp_decision>> read_last(int fd) {
  std::vector<wsn_xdp_decision> per_cpu(num_cpus());
  uint32_t zero = 0;
  if (bpf_map_lookup_elem(fd, &zero, per_cpu.data()) != 0)
    return sys_error("read the last decision", errno);
  return per_cpu;
}

}  // namespace

Result<TestVerdict> XdpFilter::test_run(const std::vector<uint8_t>& frame) const {
  auto before = read_last(map_fd("wsn_xdp_last"));
  if (!before.ok()) return before.error();
  auto run = prog_test_run(fds_->prog, frame, 1);
  if (!run.ok()) return run.error();
  auto after = read_last(map_fd("wsn_xdp_last"));
  if (!after.ok()) return after.error();
  TestVerdict v;
  v.xdp_action = run->retval;
  for (size_t cpu = 0; cpu < after->size(); ++cpu) {
    if ((*after)[cpu].seq == (*before)[cpu].seq) continue;
    const wsn_xdp_decision& d = (*after)[cpu];
    v.action = static_cast<Action>(d.action);
    switch (d.slot) {
      case WSN_DECIDED_DEFAULT:
        v.by = TestVerdict::By::kDefault;
        break;
      case WSN_DECIDED_BLOCK:
        v.by = TestVerdict::By::kBlock;
        break;
      case WSN_DECIDED_MALFORMED:
        v.by = TestVerdict::By::kMalformed;
        break;
      case WSN_DECIDED_NOT_IP:
        v.by = TestVerdict::By::kNotIp;
        break;
      default:
        v.by = TestVerdict::By::kRule;
        v.slot = d.slot;
    }
    break;
  }
  return v;
}

Result<uint32_t> XdpFilter::test_run_duration(const std::vector<uint8_t>& frame,
                                              uint32_t repeat) const {
  auto run = prog_test_run(fds_->prog, frame, repeat);
  if (!run.ok()) return run.error();
  return run->duration_ns;
}

Result<ProgTestRun> prog_test_run(int prog_fd, const std::vector<uint8_t>& frame, uint32_t repeat) {
  std::vector<uint8_t> out(frame.size() + 256);  // room for a program that grows the frame
  bpf_test_run_opts opts{};
  opts.sz = sizeof opts;
  opts.data_in = frame.data();
  opts.data_size_in = static_cast<uint32_t>(frame.size());
  opts.data_out = out.data();
  opts.data_size_out = static_cast<uint32_t>(out.size());
  opts.repeat = repeat;
  if (bpf_prog_test_run_opts(prog_fd, &opts) != 0)
    return sys_error("run a test packet through the XDP program (BPF_PROG_TEST_RUN)", errno);
  return ProgTestRun{opts.retval, opts.duration};
}

}  // namespace wsn::net
