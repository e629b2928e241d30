// Event time conversions: RFC 3339 text and epoch numbers ↔ nanoseconds since the Unix epoch.
//
// The representable range is that of int64 nanoseconds: 1677-09-21T00:12:43.145224192Z to
// 2262-04-11T23:47:16.854775807Z. Everything outside is "out of range", never wrapped.
// All functions are pure, allocation-free (format_rfc3339 appends to a caller buffer) and
// thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace wsn {

// Unit of a numeric timestamp. kAuto decides by magnitude (see epoch_to_ns); the others are
// fixed overrides for dialects whose unit is known, e.g. kFileTime for Windows logs (100 ns
// intervals since 1601-01-01, as in the EQL test data).
enum class EpochUnit : uint8_t { kAuto, kSeconds, kMillis, kMicros, kNanos, kFileTime };

// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±hh:mm)`. 't' or ' ' may replace 'T' and 'z' may
// replace 'Z'. Fraction digits beyond nanoseconds are truncated. Second 60 (a leap second) is
// accepted and lands on the next second, as POSIX time does. Returns nullptr on success, else
// a static reason such as "month out of range".
const char* parse_rfc3339(std::string_view text, int64_t& ns_out);

// Appends `YYYY-MM-DDTHH:MM:SS.fffZ` (UTC). The fraction keeps nanosecond precision but drops
// trailing zeros, never going below 3 digits: .120Z, .123456Z, .000000001Z.
void format_rfc3339(int64_t ns, std::string& out);

// Integer epoch value → ns. kAuto: |v| < 1e11 seconds, < 1e14 milliseconds, < 1e17
// microseconds, else nanoseconds (so ms values before 1973-03 read as seconds). Returns false
// when the result does not fit int64 ns.
bool epoch_to_ns(int64_t v, EpochUnit unit, int64_t& ns_out);
bool epoch_to_ns(uint64_t v, EpochUnit unit, int64_t& ns_out);
// Fractional epoch value (1700000000.25) → ns, rounded to the nearest ns that the double can
// express (about 0.25 µs near 2023 for seconds). NaN/inf and out-of-range give false.
bool epoch_to_ns(double v, EpochUnit unit, int64_t& ns_out);

}  // namespace wsn
