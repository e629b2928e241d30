// DNS responses (RFC 1035 §4) as the collector reports them: the question and the addresses
// answered, for ECS dns.question.name / dns.question.type / dns.resolved_ip /
// dns.response_code.
//
// The message comes from the network (any local socket's peer on port 53): every length and
// compression pointer is checked, names are at most 255 bytes and 127 labels, pointer chains are
// bounded, and anything malformed is refused rather than guessed at.
//
// Thread safe: a pure function.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wsn::collect {

struct DnsResponse {
  std::string question;       // the first question's name, without the trailing dot
  std::string_view qtype;     // "A", "AAAA", "PTR" …, or the number as text in qtype_text
  std::string qtype_text;
  std::string_view rcode;     // "NOERROR", "NXDOMAIN" …
  std::vector<std::string> resolved_ips;  // A and AAAA answers, in message order
};

// False (and `why`) when `msg` is not a well-formed DNS response with a question.
bool parse_dns_response(std::span<const uint8_t> msg, DnsResponse& out, std::string& why);

}  // namespace wsn::collect
