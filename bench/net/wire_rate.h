// Part 2 of wsn_xdp_bench: packets/s dropped on a veth pair between two namespaces made for the
// run — nothing, ours (CIDRs), xdp-filter (the exact hosts), an nftables set (the CIDRs) —
// from each tool's own counter, rounds alternating; prints the table.
#pragma once

#include <string>

#include "bench_support.h"

namespace wsn::bench {

void wire_rate(const Options& o, OurFilter& ours, const std::string& xdp_filter_object);

}  // namespace wsn::bench
