// Network rules as anyone can write them (CLI arguments, configuration entries): every line is
// parsed by parse_rule_args; the accepted rules are compiled into the XDP classifier, and
// packets derived from the input are classified both ways — the compiled form (the algorithm
// the XDP program runs) must agree with the reference semantics, or the fuzzer aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "net/classifier.h"
#include "net/rule_args.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace wsn::net;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<NetRule> rules;
  std::vector<SlottedRule> slotted;
  size_t start = 0;
  while (start <= text.size() && rules.size() < 16) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    auto r = parse_rule_args(text.substr(start, end - start));
    if (r.ok()) {
      r->id = static_cast<uint32_t>(rules.size() + 1);
      rules.push_back(r.value());
      slotted.push_back({r.value(), static_cast<uint32_t>(slotted.size())});
    }
    start = end + 1;
  }
  auto compiled = compile_rules(slotted);
  if (!compiled.ok()) return 0;
  // Packets: every rule's own addresses and port bounds, plus bytes of the input.
  std::vector<PacketFields> packets;
  for (const NetRule& r : rules) {
    PacketFields p;
    p.family = r.family().value_or(Family::kV4);
    if (r.src) p.src = r.src->addr;
    if (r.dst) p.dst = r.dst->addr;
    for (uint8_t proto : {uint8_t{6}, uint8_t{17}, uint8_t{1}, uint8_t{58}}) {
      p.raw_proto = proto;
      p.proto = static_cast<Protocol>(proto);
      p.has_ports = proto == 6 || proto == 17;
      for (uint16_t sp : {r.sport.lo, r.sport.hi}) {
        for (uint16_t dp : {r.dport.lo, r.dport.hi, uint16_t(r.dport.hi + 1)}) {
          p.sport = p.has_ports ? sp : 0;
          p.dport = p.has_ports ? dp : 0;
          packets.push_back(p);
        }
      }
    }
  }
  for (const PacketFields& p : packets) {
    const NetRule* want = first_match(rules, p);
    auto got = classify(compiled.value(), p);
    if (got.has_value() != (want != nullptr)) abort();
    if (want && (rules[got->slot].id != want->id || got->action != want->action)) abort();
  }
  return 0;
}
