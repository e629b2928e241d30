#include "net/net_rule.h"

#include <arpa/inet.h>

#include <charconv>
#include <tuple>

namespace wsn::net {
namespace {

Error invalid(std::string message) {
  return Error{std::move(message), 0, ErrorCode::kInvalid};
}

bool parse_number(std::string_view text, uint32_t max, uint32_t& out) {
  if (text.empty() || text.size() > 10) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && out <= max;
}

// Does `addr` have a bit set past the first `len` bits?
bool host_bits_set(const std::array<uint8_t, 16>& addr, unsigned len, unsigned width) {
  for (unsigned bit = len; bit < width; ++bit)
    if (addr[bit / 8] & (0x80u >> (bit % 8))) return true;
  return false;
}

bool prefix_equal(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& b,
                  unsigned len) {
  for (unsigned bit = 0; bit < len; ++bit) {
    uint8_t m = 0x80u >> (bit % 8);
    if ((a[bit / 8] & m) != (b[bit / 8] & m)) return false;
  }
  return true;
}

unsigned width(Family f) {
  return f == Family::kV4 ? 32 : 128;
}

}  // namespace

bool Cidr::contains(const Cidr& other) const {
  return family == other.family && len <= other.len && prefix_equal(addr, other.addr, len);
}

std::string Cidr::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(family == Family::kV4 ? AF_INET : AF_INET6, addr.data(), buf, sizeof buf);
  std::string s = buf;
  if (len != width(family)) s += "/" + std::to_string(len);
  return s;
}

std::string PortRange::to_string() const {
  if (lo == hi) return std::to_string(lo);
  return std::to_string(lo) + "-" + std::to_string(hi);
}

std::string_view protocol_name(Protocol p) {
  switch (p) {
    case Protocol::kAny:
      return "any";
    case Protocol::kIcmp:
      return "icmp";
    case Protocol::kTcp:
      return "tcp";
    case Protocol::kUdp:
      return "udp";
    case Protocol::kIcmpv6:
      return "icmpv6";
  }
  return "?";
}

std::string_view action_name(Action a) {
  switch (a) {
    case Action::kPass:
      return "pass";
    case Action::kDrop:
      return "drop";
    case Action::kInspect:
      return "inspect";
  }
  return "?";
}

std::optional<Family> NetRule::family() const {
  if (src) return src->family;
  if (dst) return dst->family;
  if (proto == Protocol::kIcmp) return Family::kV4;
  if (proto == Protocol::kIcmpv6) return Family::kV6;
  return std::nullopt;
}

std::string NetRule::to_string() const {
  std::string s = "--id " + std::to_string(id) + " --priority " + std::to_string(priority);
  if (src) s += " --src " + src->to_string();
  if (dst) s += " --dst " + dst->to_string();
  if (!sport.any()) s += " --sport " + sport.to_string();
  if (!dport.any()) s += " --dport " + dport.to_string();
  if (proto != Protocol::kAny) s += " --proto " + std::string(protocol_name(proto));
  s += " --action " + std::string(action_name(action));
  return s;
}

Result<Cidr> parse_address(std::string_view text) {
  std::string s(text);
  Cidr c;
  if (inet_pton(AF_INET, s.c_str(), c.addr.data()) == 1) {
    c.family = Family::kV4;
    c.len = 32;
    return c;
  }
  if (inet_pton(AF_INET6, s.c_str(), c.addr.data()) == 1) {
    c.family = Family::kV6;
    c.len = 128;
    return c;
  }
  return invalid("'" + s + "' is not an IPv4 or IPv6 address");
}

Result<Cidr> parse_cidr(std::string_view text) {
  size_t slash = text.find('/');
  auto addr = parse_address(text.substr(0, slash));
  if (!addr.ok()) {
    return invalid("bad CIDR '" + std::string(text) + "': " + addr.error().message +
                   " (expected ADDRESS or ADDRESS/LEN, e.g. 10.0.0.0/8 or 2001:db8::/32)");
  }
  Cidr c = addr.value();
  if (slash == std::string_view::npos) return c;
  uint32_t len = 0;
  if (!parse_number(text.substr(slash + 1), width(c.family), len)) {
    return invalid("bad CIDR '" + std::string(text) + "': the prefix length must be 0-" +
                   std::to_string(width(c.family)) + " for an " +
                   (c.family == Family::kV4 ? "IPv4" : "IPv6") + " address");
  }
  c.len = static_cast<uint8_t>(len);
  if (host_bits_set(c.addr, c.len, width(c.family))) {
    Cidr network = c;
    for (unsigned bit = c.len; bit < width(c.family); ++bit)
      network.addr[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
    return invalid("bad CIDR '" + std::string(text) + "': bits are set past the /" +
                   std::to_string(len) + " prefix; did you mean " + network.to_string() + "?");
  }
  return c;
}

Result<PortRange> parse_port_range(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return invalid("bad port '" + std::string(text) + "': " + why +
                   " (expected a port 0-65535 or a range LO-HI, e.g. 80 or 1024-65535)");
  };
  size_t dash = text.find('-');
  uint32_t lo = 0, hi = 0;
  if (!parse_number(text.substr(0, dash), 65535, lo)) return bad("not a port number");
  hi = lo;
  if (dash != std::string_view::npos && !parse_number(text.substr(dash + 1), 65535, hi))
    return bad("not a port number after '-'");
  if (hi < lo) return bad("the range is reversed");
  return PortRange{static_cast<uint16_t>(lo), static_cast<uint16_t>(hi)};
}

Result<Protocol> parse_protocol(std::string_view text) {
  for (Protocol p :
       {Protocol::kAny, Protocol::kTcp, Protocol::kUdp, Protocol::kIcmp, Protocol::kIcmpv6})
    if (text == protocol_name(p)) return p;
  return invalid("unknown protocol '" + std::string(text) +
                 "' (expected tcp, udp, icmp, icmpv6 or any)");
}

Result<Action> parse_action(std::string_view text) {
  for (Action a : {Action::kPass, Action::kDrop, Action::kInspect})
    if (text == action_name(a)) return a;
  return invalid("unknown action '" + std::string(text) + "' (expected pass, drop or inspect)");
}

Status validate_rule(const NetRule& r) {
  if (r.src && r.dst && r.src->family != r.dst->family) {
    return invalid("--src " + r.src->to_string() + " and --dst " + r.dst->to_string() +
                   " are of different address families; a packet cannot match both");
  }
  std::optional<Family> addr_family = r.src   ? r.src->family
                                      : r.dst ? std::optional<Family>(r.dst->family)
                                              : std::nullopt;
  if (addr_family == Family::kV6 && r.proto == Protocol::kIcmp)
    return invalid("--proto icmp is IPv4's; an IPv6 address needs --proto icmpv6");
  if (addr_family == Family::kV4 && r.proto == Protocol::kIcmpv6)
    return invalid("--proto icmpv6 is IPv6's; an IPv4 address needs --proto icmp");
  bool ports = !r.sport.any() || !r.dport.any();
  if (ports && (r.proto == Protocol::kIcmp || r.proto == Protocol::kIcmpv6)) {
    return invalid("--sport/--dport need --proto tcp, udp or any; " +
                   std::string(protocol_name(r.proto)) + " has no ports");
  }
  return {};
}

bool rule_matches(const NetRule& r, const PacketFields& p) {
  auto in = [&](const std::optional<Cidr>& c, const std::array<uint8_t, 16>& a) {
    return !c || (c->family == p.family && prefix_equal(c->addr, a, c->len));
  };
  if (!in(r.src, p.src) || !in(r.dst, p.dst)) return false;
  if (r.proto == Protocol::kIcmp && p.family != Family::kV4) return false;
  if (r.proto == Protocol::kIcmpv6 && p.family != Family::kV6) return false;
  if (r.proto != Protocol::kAny && static_cast<uint8_t>(r.proto) != p.raw_proto) return false;
  if (!r.sport.any() || !r.dport.any()) {
    if (!p.has_ports) return false;
    if (p.sport < r.sport.lo || p.sport > r.sport.hi) return false;
    if (p.dport < r.dport.lo || p.dport > r.dport.hi) return false;
  }
  return true;
}

const NetRule* first_match(const std::vector<NetRule>& rules, const PacketFields& p) {
  const NetRule* best = nullptr;
  for (const NetRule& r : rules) {
    if (!rule_matches(r, p)) continue;
    if (!best || std::tie(r.priority, r.id) < std::tie(best->priority, best->id)) best = &r;
  }
  return best;
}

}  // namespace wsn::net
