#include "http/api_audit.h"

#include <ctime>

#include <fmt/core.h>

namespace wsn::http {
namespace {

void append_json_string(const std::string& s, std::string& out) {
  out += '"';
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      out += fmt::format("\\u{:04x}", u);
    } else {
      out += c;
    }
  }
  out += '"';
}

std::string rfc3339_millis(int64_t ns) {
  const std::time_t secs = static_cast<std::time_t>(ns / 1'000'000'000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (ns / 1'000'000) % 1000);
}

}  // namespace

std::string api_audit_record(const ApiAuditFacts& f) {
  std::string out =
      "{\"@timestamp\":\"" + rfc3339_millis(f.time_ns) + "\",\"audit\":\"api\",\"peer\":";
  append_json_string(f.peer, out);
  out += ",\"method\":";
  append_json_string(f.method, out);
  out += ",\"path\":";
  append_json_string(f.path, out);
  out += ",\"action\":";
  append_json_string(f.action, out);
  out += ",\"rule\":";
  append_json_string(f.rule, out);
  out += ",\"status\":" + std::to_string(f.status) + ",\"result\":";
  append_json_string(f.result, out);
  out += ",\"detail\":";
  append_json_string(f.detail, out);
  out += '}';
  return out;
}

}  // namespace wsn::http
