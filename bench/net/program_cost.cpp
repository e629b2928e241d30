#include "program_cost.h"

#include <cstdio>
#include <map>
#include <optional>

#include "xdp_filter_peer.h"

namespace wsn::bench {
namespace {

struct Row {
  std::string mix, probe;
  size_t rules = 0;
  double ours = 0, peer = 0;  // ns per packet; peer 0: none
};

}  // namespace

void program_cost(const Options& o, OurFilter& ours, const std::string& object) {
  std::printf(
      "\n== 1. Program cost: ns per packet (BPF_PROG_TEST_RUN, repeat %u, median of %d "
      "rounds)\n",
      o.repeat, o.rounds);
  std::printf("xdp-filter object: %s\n", object.c_str());
  std::vector<Row> rows;
  for (Mix mix : o.mixes) {
    for (size_t n : o.counts) {
      RuleMix m = make_mix(mix, n);
      const double load_s = ours.replace(m.rules);
      std::optional<XdpFilterPeer> peer;
      double peer_load_s = 0;
      if (mix == Mix::kExact) {
        const auto t0 = Clock::now();
        size_t addresses = 0;
        for (const ExactRule& e : m.exact) addresses += e.is_port ? 0 : 1;
        peer.emplace(must(XdpFilterPeer::load(object, addresses), "load xdp-filter"));
        must(peer->fill(m.exact), "fill xdp-filter's maps");
        peer_load_s = seconds_since(t0);
      }
      std::printf("  %s, %zu rules: loaded ours in %.2f s (%u match shapes)", mix_name(mix).c_str(),
                  n, load_s, ours.shapes());
      if (peer) std::printf(", xdp-filter's maps in %.2f s", peer_load_s);
      std::printf("\n");
      // Every probe must get the verdict it is meant to from both programs.
      for (const Probe& p : m.probes) {
        auto v = must(ours.filter().test_run(p.frame), "test run (ours)");
        if (v.xdp_action != p.expect_xdp)
          die("ours returned " + std::to_string(v.xdp_action) + " for '" + p.name + "'");
        if (peer) {
          uint32_t a = must(peer->test_run(p.frame), "test run (xdp-filter)");
          if (a != p.expect_xdp)
            die("xdp-filter returned " + std::to_string(a) + " for '" + p.name + "'");
        }
      }
      std::vector<std::vector<double>> mine(m.probes.size()), theirs(m.probes.size());
      for (int r = 0; r < o.rounds; ++r) {
        for (size_t i = 0; i < m.probes.size(); ++i) {
          const auto& f = m.probes[i].frame;
          mine[i].push_back(must(ours.filter().test_run_duration(f, o.repeat), "time ours"));
          if (peer) theirs[i].push_back(must(peer->test_run_duration(f, o.repeat), "time peer"));
        }
      }
      for (size_t i = 0; i < m.probes.size(); ++i)
        rows.push_back({mix_name(mix), m.probes[i].name, n, median(mine[i]), median(theirs[i])});
    }
  }

  std::printf("\n| mix | rules | probe | ours ns/pkt | xdp-filter ns/pkt | ours / xdp-filter |\n");
  std::printf("|---|---:|---|---:|---:|---:|\n");
  // xdp-filter's mean over its probes at each count: the reference for the cidr mix.
  std::map<size_t, std::pair<double, int>> peer_mean, ours_exact_mean, ours_cidr_mean;
  for (const Row& r : rows) {
    if (r.peer > 0) {
      peer_mean[r.rules].first += r.peer;
      peer_mean[r.rules].second++;
      ours_exact_mean[r.rules].first += r.ours;
      ours_exact_mean[r.rules].second++;
    } else {
      ours_cidr_mean[r.rules].first += r.ours;
      ours_cidr_mean[r.rules].second++;
    }
  }
  auto mean = [](const std::pair<double, int>& p) { return p.second ? p.first / p.second : 0; };
  for (const Row& r : rows) {
    if (r.peer > 0) {
      std::printf("| %s | %zu | %s | %.0f | %.0f | %.2f |\n", r.mix.c_str(), r.rules,
                  r.probe.c_str(), r.ours, r.peer, r.ours / r.peer);
    } else {
      std::printf("| %s | %zu | %s | %.0f | — | — |\n", r.mix.c_str(), r.rules, r.probe.c_str(),
                  r.ours);
    }
  }
  std::printf(
      "\nMean over the probes, against xdp-filter's mean over its (exact-mix) probes at the "
      "same rule count:\n\n| rules | xdp-filter | ours, exact | ratio | ours, cidr+ranges "
      "| ratio |\n|---:|---:|---:|---:|---:|---:|\n");
  for (size_t n : o.counts) {
    const double pm = mean(peer_mean[n]), oe = mean(ours_exact_mean[n]),
                 oc = mean(ours_cidr_mean[n]);
    auto cell = [](double v, const char* fmt) {
      char buf[32] = "—";
      if (v > 0) std::snprintf(buf, sizeof buf, fmt, v);
      return std::string(buf);
    };
    std::printf("| %zu | %s | %s | %s | %s | %s |\n", n, cell(pm, "%.0f").c_str(),
                cell(oe, "%.0f").c_str(), cell(pm ? oe / pm : 0, "%.2f").c_str(),
                cell(oc, "%.0f").c_str(), cell(pm ? oc / pm : 0, "%.2f").c_str());
  }
}

}  // namespace wsn::bench
