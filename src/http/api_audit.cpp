#include "http/api_audit.h"

#include <ctime>

#include <fmt/core.h>

#include "common/json_text.h"

namespace wsn::http {
namespace {

std::string rfc3339_millis(int64_t ns) {
  const std::time_t secs = static_cast<std::time_t>(ns / 1'000'000'000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (ns / 1'000'000) % 1000);
}

}  // namespace

std::string api_audit_record(const ApiAuditFacts& f) {
  std::string out;
  JsonObjectWriter(out)
      .str("@timestamp", rfc3339_millis(f.time_ns))
      .str("audit", "api")
      .str("peer", f.peer)
      .str("method", f.method)
      .str("path", f.path)
      .str("action", f.action)
      .str("rule", f.rule)
      .num("status", f.status)
      .str("result", f.result)
      .str("detail", f.detail)
      .close();
  return out;
}

}  // namespace wsn::http
