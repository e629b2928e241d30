#include "nft_set_peer.h"

#include <unistd.h>

#include <cstdio>
#include <regex>

#include "veth_pair.h"

namespace wsn::bench {

NftSetPeer::~NftSetPeer() {
  (void)unload();
}

Status NftSetPeer::load(const std::vector<net::Cidr>& sources) {
  const std::string path = "/tmp/wsn-xdp-bench-" + std::to_string(getpid()) + ".nft";
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return Error{"write " + path, 0};
  std::fprintf(f,
               "table netdev wsn_xdp_bench {\n"
               "  set drop4 {\n    type ipv4_addr; flags interval;\n    elements = {\n");
  for (size_t i = 0; i < sources.size(); ++i)
    std::fprintf(f, "      %s%s\n", sources[i].to_string().c_str(),
                 i + 1 < sources.size() ? "," : "");
  std::fprintf(f,
               "    }\n  }\n  chain ingress {\n"
               "    type filter hook ingress device \"%s\" priority -500; policy accept;\n"
               "    ip saddr @drop4 counter drop\n  }\n}\n",
               if_.c_str());
  std::fclose(f);
  std::string out;
  int rc = VethPair::run_in(ns_, "nft -f " + path, &out);
  std::remove(path.c_str());
  if (rc != 0) return Error{"nft -f (the nftables peer): " + out, 0};
  loaded_ = true;
  return {};
}

Status NftSetPeer::unload() {
  if (!loaded_) return {};
  loaded_ = false;
  std::string out;
  if (VethPair::run_in(ns_, "nft delete table netdev wsn_xdp_bench", &out) != 0)
    return Error{"nft delete table: " + out, 0};
  return {};
}

Result<uint64_t> NftSetPeer::dropped() const {
  std::string out;
  if (VethPair::run_in(ns_, "nft list chain netdev wsn_xdp_bench ingress", &out) != 0)
    return Error{"nft list chain: " + out, 0};
  std::smatch m;
  static const std::regex kCounter(R"(counter packets (\d+))");
  if (!std::regex_search(out, m, kCounter)) return Error{"no counter in: " + out, 0};
  return std::stoull(m[1].str());
}

}  // namespace wsn::bench
