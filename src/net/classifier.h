// Compiles a rule list into the XDP filter's classifier (docs/network.md "Classification"):
// address-only rules into LPM-trie entries, every other rule into a tuple space (one hash
// table per match shape) with port ranges split into prefix-aligned blocks. `classify` runs
// the same algorithm as bpf/xdp_filter.bpf.c over the compiled form, so tests can compare it
// with the reference semantics (net_rule.h first_match) without a kernel.
//
// Plain values; no shared state.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "net/net_rule.h"
#include "wsn/result.h"

namespace wsn::net {

inline constexpr size_t kMaxTuples = 64;          // = WSN_XDP_MAX_TUPLES
inline constexpr size_t kMaxEntries = 262144;     // = WSN_XDP_MAX_ENTRIES
inline constexpr uint32_t kMaxRuleSlots = 65536;  // = WSN_XDP_MAX_RULES

struct Verdict {
  uint32_t rank = 0;  // position in (priority, id) order: lower wins
  uint32_t slot = 0;  // the rule's counter/spec slot
  Action action = Action::kPass;
  bool operator==(const Verdict&) const = default;
};

struct Tuple {
  Family family = Family::kV4;
  uint8_t src_len = 0;
  uint8_t dst_len = 0;
  uint8_t proto = 0;  // 0: any
  uint16_t sport_mask = 0;
  uint16_t dport_mask = 0;
  uint32_t best_rank = 0;
  auto shape() const { return std::tuple(family, src_len, dst_len, proto, sport_mask, dport_mask); }
};

struct TupleEntry {
  uint32_t tuple = 0;  // index into CompiledRules::tuples
  uint8_t proto = 0;
  uint16_t sport = 0;
  uint16_t dport = 0;
  std::array<uint8_t, 16> src{};  // masked
  std::array<uint8_t, 16> dst{};
  Verdict verdict;
};

struct LpmEntry {
  Cidr prefix;
  Verdict verdict;  // the best rule among every trie prefix that covers this one
};

struct CompiledRules {
  std::vector<Tuple> tuples;  // IPv4's then IPv6's, each sorted by best_rank
  uint32_t v4_tuples = 0;     // how many of them are IPv4's
  std::vector<TupleEntry> entries;
  std::vector<LpmEntry> src_lpm;
  std::vector<LpmEntry> dst_lpm;
};

// A rule and the slot the rule table gave it.
struct SlottedRule {
  NetRule rule;
  uint32_t slot = 0;
};

// Fails (kResource) when the set needs more than kMaxTuples shapes or kMaxEntries entries,
// saying how many and which rules make them.
Result<CompiledRules> compile_rules(const std::vector<SlottedRule>& rules);

// Prefix-aligned blocks covering [lo, hi]: (value, mask) with value & ~mask == 0.
std::vector<std::pair<uint16_t, uint16_t>> port_blocks(PortRange range);

// The classifier's answer for one packet, as the BPF program computes it.
std::optional<Verdict> classify(const CompiledRules& compiled, const PacketFields& packet);

}  // namespace wsn::net
