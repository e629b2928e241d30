// One line of a syslog file (/var/log/auth.log, /var/log/syslog) as rsyslog writes it: an
// RFC 3339 timestamp (Debian 12's default, "2026-12-07T15:40:01.123456+00:00") or a BSD one
// ("Dec  7 15:40:01", RFC 3164, the year taken from `now`), the host, the program with its pid
// in brackets, and the message.
//
// Thread safe: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace wsn::logs {

struct SyslogLine {
  int64_t time_ns = 0;  // UTC, ns since the Unix epoch
  std::string_view host;
  std::string_view program;  // "sshd"; empty when the line names none
  int64_t pid = -1;          // -1: none
  std::string_view message;
};

// nullopt when the line has no recognizable timestamp and host. `now_ns` gives the year of BSD
// timestamps (a date in the future by more than a day is taken as last year's).
std::optional<SyslogLine> parse_syslog_line(std::string_view line, int64_t now_ns);

}  // namespace wsn::logs
