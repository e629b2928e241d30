// The nftables peer of the wire test: in the receiving namespace, a netdev table whose ingress
// chain on the veth (the earliest nftables hook, before IP processing) drops packets whose
// source address is in an interval set of the same CIDRs, with a counter on the drop rule.
// Loaded and removed with `nft -f` / `nft delete table` inside the namespace.
//
// One instance per namespace.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "net/net_rule.h"
#include "wsn/result.h"

namespace wsn::bench {

class NftSetPeer {
 public:
  NftSetPeer(std::string netns, std::string iface) : ns_(std::move(netns)), if_(std::move(iface)) {}
  ~NftSetPeer();
  NftSetPeer(const NftSetPeer&) = delete;
  NftSetPeer& operator=(const NftSetPeer&) = delete;

  Status load(const std::vector<net::Cidr>& sources);
  Status unload();
  Result<uint64_t> dropped() const;  // the drop rule's counter

 private:
  std::string ns_, if_;
  bool loaded_ = false;
};

}  // namespace wsn::bench
