// Part 1 of wsn_xdp_bench: ns per packet from BPF_PROG_TEST_RUN, ours against xdp-filter with
// the same exact-match rules, and ours alone with CIDRs and port ranges; prints the tables.
#pragma once

#include <string>

#include "bench_support.h"

namespace wsn::bench {

void program_cost(const Options& o, OurFilter& ours, const std::string& xdp_filter_object);

}  // namespace wsn::bench
