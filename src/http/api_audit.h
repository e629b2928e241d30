// The audit record of one call to a mutating API endpoint (rule enable/disable): who (the peer
// address), what (the call and the rule), and the result, as one JSON line. Every attempt is
// recorded, refused ones too. The bearer token is never part of a record.
//
//   {"@timestamp":"2026-12-07T18:00:00.000Z","audit":"api","peer":"127.0.0.1:51234",
//    "method":"POST","path":"/api/v1/rules/ID/disable","action":"disable","rule":"ID",
//    "status":200,"result":"ok","detail":""}
#pragma once

#include <cstdint>
#include <string>

namespace wsn::http {

struct ApiAuditFacts {
  int64_t time_ns = 0;  // wall clock
  std::string peer;     // "ADDRESS:PORT"
  std::string method, path;
  std::string action;  // "enable", "disable"
  std::string rule;
  int status = 0;
  std::string result;  // ok, unauthorized, forbidden, not_found, failed
  std::string detail;
};

std::string api_audit_record(const ApiAuditFacts& facts);

}  // namespace wsn::http
