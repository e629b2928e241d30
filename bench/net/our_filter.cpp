#include <bpf/bpf.h>
#include <unistd.h>

#include "bench_support.h"
#include "net/bpf/xdp_abi.h"
#include "net/rule_table.h"

namespace wsn::bench {

OurFilter::OurFilter() : pin_("/sys/fs/bpf/wsn-xdp-bench-" + std::to_string(getpid())) {
  cleanup_ = on_cleanup("rm -rf " + pin_);
  filter_.emplace(must(net::XdpFilter::open(pin_, true), "load our XDP filter"));
}

OurFilter::~OurFilter() {
  filter_.reset();
  (void)net::XdpFilter::remove(pin_);
  forget(cleanup_);
}

double OurFilter::replace(const std::vector<net::NetRule>& rules) {
  const auto t0 = Clock::now();
  net::RuleTable table(*filter_);
  must(table.replace(rules), "load our rules");
  return seconds_since(t0);
}

uint32_t OurFilter::shapes() const {
  wsn_xdp_config cfg{};
  uint32_t zero = 0;
  if (bpf_map_lookup_elem(filter_->map_fd("wsn_xdp_config"), &zero, &cfg) != 0) return 0;
  const uint32_t set = cfg.active_set & 1;
  return cfg.tuple_count[set][0] + cfg.tuple_count[set][1];  // IPv4 and IPv6 shapes
}

}  // namespace wsn::bench
