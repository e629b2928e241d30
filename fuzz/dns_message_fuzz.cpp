// DNS responses exactly as any peer on port 53 can send them: parse_dns_response must refuse
// or parse, never read out of bounds or loop (src/collect/ebpf/dns_message.h).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "collect/ebpf/dns_message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  wsn::collect::DnsResponse r;
  std::string why;
  wsn::collect::parse_dns_response(std::span<const uint8_t>(data, size), r, why);
  return 0;
}
