#include "net/classifier.h"

#include <algorithm>
#include <numeric>
#include <string>
#include <tuple>
#include <unordered_map>

namespace wsn::net {
namespace {

std::array<uint8_t, 16> masked(const std::array<uint8_t, 16>& addr, unsigned len) {
  std::array<uint8_t, 16> out{};
  for (unsigned byte = 0; byte < 16; ++byte) {
    unsigned bits = len > byte * 8 ? std::min(8u, len - byte * 8) : 0;
    uint8_t mask = bits == 0 ? 0 : static_cast<uint8_t>(0xff00u >> bits);
    out[byte] = addr[byte] & mask;
  }
  return out;
}

uint8_t ip_proto(Protocol p) {
  return static_cast<uint8_t>(p);
}

bool address_only(const NetRule& r, const std::optional<Cidr>& one,
                  const std::optional<Cidr>& other) {
  return one && !other && r.sport.any() && r.dport.any() && r.proto == Protocol::kAny;
}

// Trie entries: each prefix gets the best verdict among all prefixes that contain it, so the
// longest-prefix match alone answers for every covering rule. The prefixes covering P are P
// cut to each shorter length: one hash lookup per length, not a comparison with every prefix
// (a 60,000-host blocklist compiles in milliseconds, not seconds).
std::vector<LpmEntry> close_over_covering(std::vector<LpmEntry> raw) {
  auto key = [](const Cidr& c) {
    std::string k(18, '\0');
    k[0] = static_cast<char>(c.family);
    k[1] = static_cast<char>(c.len);
    auto m = masked(c.addr, c.len);
    std::copy(m.begin(), m.end(), k.begin() + 2);
    return k;
  };
  std::unordered_map<std::string, size_t> index;  // prefix → position in `out`
  std::vector<LpmEntry> out;
  for (const LpmEntry& e : raw) {
    auto [it, fresh] = index.emplace(key(e.prefix), out.size());
    if (fresh)
      out.push_back(e);
    else if (e.verdict.rank < out[it->second].verdict.rank)
      out[it->second].verdict = e.verdict;
  }
  std::vector<bool> lengths(129, false);
  for (const LpmEntry& e : out) lengths[e.prefix.len] = true;
  std::vector<LpmEntry> closed = out;
  for (LpmEntry& e : closed) {
    for (unsigned len = 0; len < e.prefix.len; ++len) {
      if (!lengths[len]) continue;
      Cidr cover = e.prefix;
      cover.len = static_cast<uint8_t>(len);
      auto it = index.find(key(cover));
      if (it != index.end() && out[it->second].verdict.rank < e.verdict.rank)
        e.verdict = out[it->second].verdict;
    }
  }
  return closed;
}

}  // namespace

std::vector<std::pair<uint16_t, uint16_t>> port_blocks(PortRange range) {
  if (range.any()) return {{0, 0}};
  std::vector<std::pair<uint16_t, uint16_t>> out;
  uint32_t lo = range.lo;
  const uint32_t hi = range.hi;
  while (lo <= hi) {
    uint32_t size = 1;
    while (size < 65536 && lo % (size * 2) == 0 && lo + size * 2 - 1 <= hi) size *= 2;
    out.emplace_back(static_cast<uint16_t>(lo), static_cast<uint16_t>(~(size - 1) & 0xffff));
    lo += size;
  }
  return out;
}

Result<CompiledRules> compile_rules(const std::vector<SlottedRule>& rules) {
  // Rank = position in (priority, id) order, so the data path compares one number.
  std::vector<size_t> order(rules.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::tie(rules[a].rule.priority, rules[a].rule.id) <
           std::tie(rules[b].rule.priority, rules[b].rule.id);
  });

  CompiledRules out;
  std::vector<LpmEntry> src_raw, dst_raw;
  std::map<std::tuple<Family, uint8_t, uint8_t, uint8_t, uint16_t, uint16_t>, uint32_t> shapes;
  // key of an entry → index in out.entries (identical keys keep the best verdict)
  std::map<std::tuple<uint32_t, uint8_t, uint16_t, uint16_t, std::array<uint8_t, 16>,
                      std::array<uint8_t, 16>>,
           size_t>
      keys;

  for (uint32_t rank = 0; rank < order.size(); ++rank) {
    const NetRule& r = rules[order[rank]].rule;
    Verdict v{rank, rules[order[rank]].slot, r.action};
    if (address_only(r, r.src, r.dst)) {
      src_raw.push_back({*r.src, v});
      continue;
    }
    if (address_only(r, r.dst, r.src)) {
      dst_raw.push_back({*r.dst, v});
      continue;
    }
    std::vector<Family> families;
    if (auto f = r.family())
      families = {*f};
    else
      families = {Family::kV4, Family::kV6};
    for (Family f : families) {
      uint8_t proto = ip_proto(r.proto);
      for (auto [sval, smask] : port_blocks(r.sport)) {
        for (auto [dval, dmask] : port_blocks(r.dport)) {
          Tuple t{f,
                  r.src ? r.src->len : uint8_t{0},
                  r.dst ? r.dst->len : uint8_t{0},
                  proto,
                  smask,
                  dmask,
                  rank};
          auto [it, fresh] = shapes.emplace(t.shape(), static_cast<uint32_t>(out.tuples.size()));
          if (fresh) out.tuples.push_back(t);
          Tuple& shape = out.tuples[it->second];
          shape.best_rank = std::min(shape.best_rank, rank);
          TupleEntry e;
          e.tuple = it->second;
          e.proto = proto;
          e.sport = sval;
          e.dport = dval;
          if (r.src) e.src = masked(r.src->addr, r.src->len);
          if (r.dst) e.dst = masked(r.dst->addr, r.dst->len);
          e.verdict = v;
          auto key = std::tuple(e.tuple, e.proto, e.sport, e.dport, e.src, e.dst);
          auto [kit, new_key] = keys.emplace(key, out.entries.size());
          if (new_key) out.entries.push_back(e);
          // ranks only grow in this loop: an existing entry already holds the better verdict
        }
      }
    }
  }
  if (out.tuples.size() > kMaxTuples) {
    return Error{"the rule set needs " + std::to_string(out.tuples.size()) +
                     " match shapes (address families × prefix lengths × protocols × port "
                     "blocks); the filter handles at most " +
                     std::to_string(kMaxTuples) +
                     ". Use fewer distinct prefix lengths or port ranges aligned to powers of two",
                 0, ErrorCode::kResource};
  }
  if (out.entries.size() + src_raw.size() + dst_raw.size() > kMaxEntries) {
    return Error{"the rule set needs " +
                     std::to_string(out.entries.size() + src_raw.size() + dst_raw.size()) +
                     " classifier entries (port ranges count once per aligned block); the "
                     "filter holds at most " +
                     std::to_string(kMaxEntries),
                 0, ErrorCode::kResource};
  }
  // Shapes by family, then by their best rule, so the data path walks only its family's and
  // can stop early; renumber entries.
  std::vector<uint32_t> by_rank(out.tuples.size());
  std::iota(by_rank.begin(), by_rank.end(), 0);
  std::stable_sort(by_rank.begin(), by_rank.end(), [&](uint32_t a, uint32_t b) {
    return std::tuple(out.tuples[a].family, out.tuples[a].best_rank) <
           std::tuple(out.tuples[b].family, out.tuples[b].best_rank);
  });
  std::vector<uint32_t> new_index(out.tuples.size());
  std::vector<Tuple> sorted;
  for (uint32_t i = 0; i < by_rank.size(); ++i) {
    new_index[by_rank[i]] = i;
    sorted.push_back(out.tuples[by_rank[i]]);
  }
  out.tuples = std::move(sorted);
  out.v4_tuples =
      static_cast<uint32_t>(std::count_if(out.tuples.begin(), out.tuples.end(),
                                          [](const Tuple& t) { return t.family == Family::kV4; }));
  for (TupleEntry& e : out.entries) e.tuple = new_index[e.tuple];
  out.src_lpm = close_over_covering(std::move(src_raw));
  out.dst_lpm = close_over_covering(std::move(dst_raw));
  return out;
}

std::optional<Verdict> classify(const CompiledRules& c, const PacketFields& p) {
  std::optional<Verdict> best;
  auto consider = [&](const Verdict& v) {
    if (!best || v.rank < best->rank) best = v;
  };
  auto lpm = [&](const std::vector<LpmEntry>& trie, const std::array<uint8_t, 16>& addr) {
    const LpmEntry* longest = nullptr;
    Cidr host{p.family, addr, static_cast<uint8_t>(p.family == Family::kV4 ? 32 : 128)};
    for (const LpmEntry& e : trie)
      if (e.prefix.contains(host) && (!longest || e.prefix.len > longest->prefix.len)) longest = &e;
    if (longest) consider(longest->verdict);
  };
  lpm(c.src_lpm, p.src);
  lpm(c.dst_lpm, p.dst);
  // Only the packet's family's shapes, as the program walks them.
  const uint32_t first = p.family == Family::kV4 ? 0 : c.v4_tuples;
  const uint32_t last =
      p.family == Family::kV4 ? c.v4_tuples : static_cast<uint32_t>(c.tuples.size());
  for (uint32_t i = first; i < last; ++i) {
    const Tuple& t = c.tuples[i];
    if (best && t.best_rank >= best->rank) break;
    if (t.family != p.family) continue;
    if (t.proto && t.proto != p.raw_proto) continue;
    if ((t.sport_mask || t.dport_mask) && !p.has_ports) continue;
    auto src = masked(p.src, t.src_len);
    auto dst = masked(p.dst, t.dst_len);
    for (const TupleEntry& e : c.entries) {
      if (e.tuple == i && e.proto == t.proto && e.sport == (p.sport & t.sport_mask) &&
          e.dport == (p.dport & t.dport_mask) && e.src == src && e.dst == dst) {
        consider(e.verdict);
      }
    }
  }
  return best;
}

}  // namespace wsn::net
