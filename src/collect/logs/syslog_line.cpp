#include "collect/logs/syslog_line.h"

#include <charconv>
#include <ctime>

namespace wsn::logs {
namespace {

bool digits(std::string_view s, size_t at, size_t n, int& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (size_t k = 0; k < n; ++k) {
    const char c = s[at + k];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

int64_t days_from_civil(int y, unsigned m, unsigned d) {  // H. Hinnant's algorithm
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<int64_t>(era) * 146097 + static_cast<int64_t>(doe) - 719468;
}

int64_t to_ns(int y, int mo, int d, int h, int mi, int s) {
  return ((days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 24 + h) *
              60 * 60 +
          mi * 60 + s) *
         1'000'000'000LL;
}

// "2026-12-07T15:40:01.123456+00:00" (or Z); returns the length read, 0 when not one.
size_t rfc3339(std::string_view s, int64_t& ns) {
  int y, mo, d, h, mi, sec;
  if (!digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, mo) ||
      s[7] != '-' || !digits(s, 8, 2, d) || s[10] != 'T' || !digits(s, 11, 2, h) ||
      s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec)) {
    return 0;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return 0;
  ns = to_ns(y, mo, d, h, mi, sec);
  size_t at = 19;
  if (at < s.size() && s[at] == '.') {
    int64_t frac = 0, scale = 1'000'000'000;
    for (++at; at < s.size() && s[at] >= '0' && s[at] <= '9'; ++at) {
      if (scale > 1) {
        scale /= 10;
        frac += (s[at] - '0') * scale;
      }
    }
    ns += frac;
  }
  if (at < s.size() && s[at] == 'Z') return at + 1;
  int oh, om;
  if (at + 6 <= s.size() && (s[at] == '+' || s[at] == '-') && digits(s, at + 1, 2, oh) &&
      s[at + 3] == ':' && digits(s, at + 4, 2, om)) {
    const int64_t off = (oh * 60 + om) * 60 * 1'000'000'000LL;
    ns += s[at] == '+' ? -off : off;
    return at + 6;
  }
  return 0;
}

// "Dec  7 15:40:01"; returns the length read (15), 0 when not one.
size_t bsd(std::string_view s, int64_t now_ns, int64_t& ns) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() < 15 || s[3] != ' ' || s[6] != ' ' || s[9] != ':' || s[12] != ':') return 0;
  int mo = 0;
  while (mo < 12 && kMonths[mo] != s.substr(0, 3)) ++mo;
  if (mo == 12) return 0;
  int d, h, mi, sec;
  if (!digits(s, s[4] == ' ' ? 5 : 4, s[4] == ' ' ? 1 : 2, d) || !digits(s, 7, 2, h) ||
      !digits(s, 10, 2, mi) || !digits(s, 13, 2, sec)) {
    return 0;
  }
  const std::time_t now = static_cast<std::time_t>(now_ns / 1'000'000'000LL);
  std::tm utc{};
  gmtime_r(&now, &utc);
  int year = utc.tm_year + 1900;
  ns = to_ns(year, mo + 1, d, h, mi, sec);
  if (ns > now_ns + 86'400LL * 1'000'000'000LL) ns = to_ns(year - 1, mo + 1, d, h, mi, sec);
  return 15;
}

}  // namespace

std::optional<SyslogLine> parse_syslog_line(std::string_view line, int64_t now_ns) {
  SyslogLine out;
  size_t at = rfc3339(line, out.time_ns);
  if (at == 0) at = bsd(line, now_ns, out.time_ns);
  if (at == 0 || at >= line.size() || line[at] != ' ') return std::nullopt;
  std::string_view rest = line.substr(at + 1);
  const size_t sp = rest.find(' ');
  if (sp == 0 || sp == std::string_view::npos) return std::nullopt;
  out.host = rest.substr(0, sp);
  rest.remove_prefix(sp + 1);
  // "prog[pid]: msg" or "prog: msg"; a line without that is all message.
  const size_t colon = rest.find(": ");
  const std::string_view tag = colon == std::string_view::npos ? std::string_view() : rest.substr(0, colon);
  if (!tag.empty() && tag.find(' ') == std::string_view::npos) {
    out.program = tag;
    if (const size_t lb = tag.find('['); lb != std::string_view::npos && tag.back() == ']') {
      out.program = tag.substr(0, lb);
      int64_t pid = 0;
      const std::string_view digits_view = tag.substr(lb + 1, tag.size() - lb - 2);
      const auto r = std::from_chars(digits_view.data(), digits_view.data() + digits_view.size(), pid);
      if (r.ec == std::errc() && r.ptr == digits_view.data() + digits_view.size()) out.pid = pid;
    }
    rest.remove_prefix(colon + 2);
  }
  out.message = rest;
  return out;
}

}  // namespace wsn::logs
