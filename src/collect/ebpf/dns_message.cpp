#include "collect/ebpf/dns_message.h"

#include <arpa/inet.h>

namespace wsn::collect {
namespace {

constexpr size_t kHeader = 12;
constexpr int kMaxPointers = 16;

uint16_t be16(std::span<const uint8_t> m, size_t at) {
  return static_cast<uint16_t>(m[at] << 8 | m[at + 1]);
}

// Reads the name at `at` (following compression pointers); `next` is where the record
// continues after the name as written at `at`. Empty `out` is the root.
bool read_name(std::span<const uint8_t> m, size_t at, std::string& out, size_t& next) {
  out.clear();
  bool jumped = false;
  int pointers = 0, labels = 0;
  for (;;) {
    if (at >= m.size()) return false;
    const uint8_t len = m[at];
    if ((len & 0xc0) == 0xc0) {
      if (at + 1 >= m.size() || ++pointers > kMaxPointers) return false;
      const size_t target = static_cast<size_t>(len & 0x3f) << 8 | m[at + 1];
      if (!jumped) next = at + 2;
      jumped = true;
      if (target >= at) return false;  // pointers go backwards: no loops
      at = target;
      continue;
    }
    if ((len & 0xc0) != 0) return false;  // reserved label types
    if (len == 0) {
      if (!jumped) next = at + 1;
      return true;
    }
    if (at + 1 + len > m.size() || ++labels > 127) return false;
    if (!out.empty()) out += '.';
    out.append(reinterpret_cast<const char*>(m.data() + at + 1), len);
    if (out.size() > 255) return false;
    at += 1 + len;
  }
}

std::string_view type_name(uint16_t t) {
  switch (t) {
    case 1: return "A";
    case 2: return "NS";
    case 5: return "CNAME";
    case 6: return "SOA";
    case 12: return "PTR";
    case 15: return "MX";
    case 16: return "TXT";
    case 28: return "AAAA";
    case 33: return "SRV";
    case 65: return "HTTPS";
    case 255: return "ANY";
    default: return {};
  }
}

std::string_view rcode_name(unsigned r) {
  static constexpr std::string_view kNames[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                                "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                                "NXRRSET", "NOTAUTH", "NOTZONE"};
  return r < std::size(kNames) ? kNames[r] : std::string_view("UNKNOWN");
}

}  // namespace

bool parse_dns_response(std::span<const uint8_t> m, DnsResponse& out, std::string& why) {
  out = {};
  if (m.size() < kHeader) return why = "shorter than a DNS header", false;
  const uint16_t flags = be16(m, 2);
  if ((flags & 0x8000) == 0) return why = "a query, not a response", false;
  const uint16_t qd = be16(m, 4), an = be16(m, 6);
  if (qd == 0) return why = "no question", false;
  out.rcode = rcode_name(flags & 0x0f);
  size_t at = kHeader;
  size_t next = 0;
  if (!read_name(m, at, out.question, next)) return why = "malformed question name", false;
  if (next + 4 > m.size()) return why = "truncated question", false;
  const uint16_t qtype = be16(m, next);
  out.qtype = type_name(qtype);
  if (out.qtype.empty()) out.qtype_text = std::to_string(qtype);
  at = next + 4;
  // Further questions (rare) are skipped.
  for (uint16_t q = 1; q < qd; ++q) {
    std::string ignored;
    if (!read_name(m, at, ignored, next) || next + 4 > m.size()) {
      return why = "truncated question", false;
    }
    at = next + 4;
  }
  // Answers: a message cut by the capture limit keeps the complete records before the cut.
  std::string owner;
  for (uint16_t a = 0; a < an; ++a) {
    if (!read_name(m, at, owner, next) || next + 10 > m.size()) break;
    const uint16_t type = be16(m, next), klass = be16(m, next + 2), rdlen = be16(m, next + 8);
    const size_t rdata = next + 10;
    if (rdata + rdlen > m.size()) break;
    char text[INET6_ADDRSTRLEN] = {};
    if (klass == 1 && type == 1 && rdlen == 4) {
      ::inet_ntop(AF_INET, m.data() + rdata, text, sizeof(text));
      out.resolved_ips.emplace_back(text);
    } else if (klass == 1 && type == 28 && rdlen == 16) {
      ::inet_ntop(AF_INET6, m.data() + rdata, text, sizeof(text));
      out.resolved_ips.emplace_back(text);
    }
    at = rdata + rdlen;
  }
  return true;
}

}  // namespace wsn::collect
