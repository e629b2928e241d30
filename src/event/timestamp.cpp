#include "event/timestamp.h"

#include <cmath>
#include <limits>

namespace wsn {
namespace {

constexpr int64_t kNsPerSec = 1'000'000'000;
// 1601-01-01 to 1970-01-01 in 100 ns FILETIME ticks.
constexpr int64_t kFileTimeUnixEpoch = 116'444'736'000'000'000;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
constexpr int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Civil {
  int64_t y;
  unsigned m, d;
};

constexpr Civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

constexpr bool is_leap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

constexpr unsigned days_in_month(int64_t y, unsigned m) {
  constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Reads exactly `n` digits at text[pos].
bool digits(std::string_view text, size_t pos, size_t n, unsigned& out) {
  if (pos + n > text.size()) return false;
  unsigned v = 0;
  for (size_t k = 0; k < n; ++k) {
    const char c = text[pos + k];
    if (!is_digit(c)) return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  out = v;
  return true;
}

bool scale(int64_t v, int64_t factor, int64_t& out) {
  return !__builtin_mul_overflow(v, factor, &out);
}

void put2(std::string& out, unsigned v) {
  out.push_back(static_cast<char>('0' + v / 10));
  out.push_back(static_cast<char>('0' + v % 10));
}

int64_t auto_factor(uint64_t magnitude) {
  if (magnitude < 100'000'000'000ull) return kNsPerSec;      // seconds
  if (magnitude < 100'000'000'000'000ull) return 1'000'000;  // milliseconds
  if (magnitude < 100'000'000'000'000'000ull) return 1'000;  // microseconds
  return 1;                                                  // nanoseconds
}

int64_t unit_factor(EpochUnit unit) {
  switch (unit) {
    case EpochUnit::kSeconds:
      return kNsPerSec;
    case EpochUnit::kMillis:
      return 1'000'000;
    case EpochUnit::kMicros:
      return 1'000;
    case EpochUnit::kNanos:
      return 1;
    case EpochUnit::kFileTime:
      return 100;
    case EpochUnit::kAuto:
      break;
  }
  return 1;
}

}  // namespace

const char* parse_rfc3339(std::string_view text, int64_t& ns_out) {
  unsigned year, month, day, hour, minute, second;
  if (!digits(text, 0, 4, year) || text.size() < 19 || text[4] != '-' ||
      !digits(text, 5, 2, month) || text[7] != '-' || !digits(text, 8, 2, day) ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !digits(text, 11, 2, hour) ||
      text[13] != ':' || !digits(text, 14, 2, minute) || text[16] != ':' ||
      !digits(text, 17, 2, second)) {
    return "expected YYYY-MM-DDTHH:MM:SS";
  }
  if (month < 1 || month > 12) return "month out of range";
  if (day < 1 || day > days_in_month(year, month)) return "day out of range";
  if (hour > 23) return "hour out of range";
  if (minute > 59) return "minute out of range";
  if (second > 60) return "second out of range";

  size_t pos = 19;
  int64_t frac_ns = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const size_t first = pos;
    int64_t place = kNsPerSec / 10;
    while (pos < text.size() && is_digit(text[pos])) {
      frac_ns += (text[pos] - '0') * place;  // digits past ns have place 0: truncated
      place /= 10;
      ++pos;
    }
    if (pos == first) return "missing fraction digits";
  }
  if (pos >= text.size()) return "missing time zone (Z or +hh:mm)";
  int64_t offset_s = 0;
  const char tz = text[pos];
  if (tz == 'Z' || tz == 'z') {
    ++pos;
  } else if (tz == '+' || tz == '-') {
    unsigned oh, om;
    if (!digits(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !digits(text, pos + 4, 2, om)) {
      return "bad time zone offset (expected +hh:mm)";
    }
    if (oh > 23 || om > 59) return "time zone offset out of range";
    offset_s = (tz == '+' ? 1 : -1) * static_cast<int64_t>(oh * 3600 + om * 60);
    pos += 6;
  } else {
    return "missing time zone (Z or +hh:mm)";
  }
  if (pos != text.size()) return "trailing characters";

  // Local time minus its offset is UTC. Seconds fit easily (year 9999 ≈ 2.5e11 s).
  const int64_t secs =
      days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  // Before 1970 borrow the fraction from the next second: the earliest instant's whole
  // second alone lies below INT64_MIN ns.
  int64_t whole = secs;
  if (whole < 0 && frac_ns > 0) {
    ++whole;
    frac_ns -= kNsPerSec;
  }
  int64_t ns;
  if (!scale(whole, kNsPerSec, ns) || __builtin_add_overflow(ns, frac_ns, &ns)) {
    return "out of range (representable: 1677-09-21 to 2262-04-11)";
  }
  ns_out = ns;
  return nullptr;
}

void format_rfc3339(int64_t ns, std::string& out) {
  int64_t secs = ns / kNsPerSec;
  int64_t frac = ns % kNsPerSec;
  if (frac < 0) {  // floor division: the fraction is always forward from the second
    frac += kNsPerSec;
    --secs;
  }
  int64_t days = secs / 86400;
  int64_t sod = secs % 86400;
  if (sod < 0) {
    sod += 86400;
    --days;
  }
  const Civil c = civil_from_days(days);
  // int64 ns keeps the year within 1677..2262, so four digits always suffice.
  const auto y = static_cast<unsigned>(c.y);
  put2(out, y / 100);
  put2(out, y % 100);
  out.push_back('-');
  put2(out, c.m);
  out.push_back('-');
  put2(out, c.d);
  out.push_back('T');
  put2(out, static_cast<unsigned>(sod / 3600));
  out.push_back(':');
  put2(out, static_cast<unsigned>(sod / 60 % 60));
  out.push_back(':');
  put2(out, static_cast<unsigned>(sod % 60));
  out.push_back('.');
  char digits9[9];
  auto f = static_cast<uint32_t>(frac);
  for (int k = 8; k >= 0; --k) {
    digits9[k] = static_cast<char>('0' + f % 10);
    f /= 10;
  }
  size_t n = 9;
  while (n > 3 && digits9[n - 1] == '0') --n;
  out.append(digits9, n);
  out.push_back('Z');
}

bool epoch_to_ns(int64_t v, EpochUnit unit, int64_t& ns_out) {
  if (unit == EpochUnit::kFileTime) {
    int64_t ticks;
    return !__builtin_sub_overflow(v, kFileTimeUnixEpoch, &ticks) && scale(ticks, 100, ns_out);
  }
  const uint64_t magnitude = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  const int64_t factor = unit == EpochUnit::kAuto ? auto_factor(magnitude) : unit_factor(unit);
  return scale(v, factor, ns_out);
}

bool epoch_to_ns(uint64_t v, EpochUnit unit, int64_t& ns_out) {
  // Above INT64_MAX every unit overflows int64 ns (even nanoseconds and FILETIME ticks).
  if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
  return epoch_to_ns(static_cast<int64_t>(v), unit, ns_out);
}

bool epoch_to_ns(double v, EpochUnit unit, int64_t& ns_out) {
  if (!std::isfinite(v) || std::fabs(v) >= 9.2e18) return false;
  const double whole = std::trunc(v);
  const double part = v - whole;
  int64_t units = static_cast<int64_t>(whole);
  int64_t factor;
  if (unit == EpochUnit::kFileTime) {
    if (__builtin_sub_overflow(units, kFileTimeUnixEpoch, &units)) return false;
    factor = 100;
  } else if (unit == EpochUnit::kAuto) {
    factor = auto_factor(static_cast<uint64_t>(std::fabs(whole)));
  } else {
    factor = unit_factor(unit);
  }
  int64_t ns;
  if (!scale(units, factor, ns)) return false;
  const auto rest = static_cast<int64_t>(std::llround(part * static_cast<double>(factor)));
  if (__builtin_add_overflow(ns, rest, &ns)) return false;
  ns_out = ns;
  return true;
}

}  // namespace wsn
