#include "event/timestamp.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>

namespace wsn {
namespace {

constexpr int64_t kSec = 1'000'000'000;
constexpr int64_t kT = 1'700'000'000;  // 2023-11-14T22:13:20Z

int64_t parse_ok(std::string_view text) {
  int64_t ns = -12345;
  const char* why = parse_rfc3339(text, ns);
  EXPECT_EQ(why, nullptr) << text << ": " << why;
  return ns;
}

std::string parse_error(std::string_view text) {
  int64_t ns = 0;
  const char* why = parse_rfc3339(text, ns);
  return why == nullptr ? "accepted" : why;
}

std::string format(int64_t ns) {
  std::string s;
  format_rfc3339(ns, s);
  return s;
}

TEST(Rfc3339, ParsesUtcAndFractions) {
  EXPECT_EQ(parse_ok("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_ok("2023-11-14T22:13:20Z"), kT * kSec);
  EXPECT_EQ(parse_ok("2023-11-14T22:13:20.5Z"), kT * kSec + 500'000'000);
  EXPECT_EQ(parse_ok("2023-11-14T22:13:20.123Z"), kT * kSec + 123'000'000);
  EXPECT_EQ(parse_ok("2023-11-14T22:13:20.123456Z"), kT * kSec + 123'456'000);
  EXPECT_EQ(parse_ok("2023-11-14T22:13:20.123456789Z"), kT * kSec + 123'456'789);
  // Digits past nanoseconds are truncated, not rounded.
  EXPECT_EQ(parse_ok("2023-11-14T22:13:20.1234567899999Z"), kT * kSec + 123'456'789);
  EXPECT_EQ(parse_ok("2023-11-14t22:13:20z"), kT * kSec);
  EXPECT_EQ(parse_ok("2023-11-14 22:13:20Z"), kT * kSec);
}

TEST(Rfc3339, AppliesOffsets) {
  EXPECT_EQ(parse_ok("2023-11-15T00:13:20+02:00"), kT * kSec);
  EXPECT_EQ(parse_ok("2023-11-14T16:43:20.25-05:30"), kT * kSec + 250'000'000);
  EXPECT_EQ(parse_ok("2023-11-14T22:13:20+00:00"), kT * kSec);
  EXPECT_EQ(parse_ok("2023-11-14T22:13:20-00:00"), kT * kSec);
  // An offset can move the instant across a day and year boundary.
  EXPECT_EQ(parse_ok("2024-01-01T01:00:00+02:00"), parse_ok("2023-12-31T23:00:00Z"));
}

TEST(Rfc3339, CalendarRules) {
  EXPECT_EQ(parse_ok("2024-02-29T00:00:00Z"), parse_ok("2024-03-01T00:00:00Z") - 86400 * kSec);
  EXPECT_EQ(parse_ok("2000-02-29T12:00:00Z"), 951'825'600 * kSec);
  EXPECT_EQ(parse_error("2023-02-29T00:00:00Z"), "day out of range");
  EXPECT_EQ(parse_error("1900-02-29T00:00:00Z"), "day out of range");
  EXPECT_EQ(parse_error("2023-04-31T00:00:00Z"), "day out of range");
  EXPECT_EQ(parse_error("2023-01-00T00:00:00Z"), "day out of range");
  EXPECT_EQ(parse_error("2023-13-01T00:00:00Z"), "month out of range");
  EXPECT_EQ(parse_error("2023-00-01T00:00:00Z"), "month out of range");
  EXPECT_EQ(parse_error("2023-01-01T24:00:00Z"), "hour out of range");
  EXPECT_EQ(parse_error("2023-01-01T00:60:00Z"), "minute out of range");
  EXPECT_EQ(parse_error("2023-01-01T00:00:61Z"), "second out of range");
  // A leap second lands on the next second.
  EXPECT_EQ(parse_ok("2016-12-31T23:59:60Z"), parse_ok("2017-01-01T00:00:00Z"));
  EXPECT_EQ(parse_ok("1969-12-31T23:59:59.5Z"), -500'000'000);
}

TEST(Rfc3339, RejectsMalformedText) {
  EXPECT_EQ(parse_error(""), "expected YYYY-MM-DDTHH:MM:SS");
  EXPECT_EQ(parse_error("2023-1-01T00:00:00Z"), "expected YYYY-MM-DDTHH:MM:SS");
  EXPECT_EQ(parse_error("2023-01-01"), "expected YYYY-MM-DDTHH:MM:SS");
  EXPECT_EQ(parse_error("2023-01-01X00:00:00Z"), "expected YYYY-MM-DDTHH:MM:SS");
  EXPECT_EQ(parse_error("2023-01-01T00:00:00"), "missing time zone (Z or +hh:mm)");
  EXPECT_EQ(parse_error("2023-01-01T00:00:00.Z"), "missing fraction digits");
  EXPECT_EQ(parse_error("2023-01-01T00:00:00+0200"), "bad time zone offset (expected +hh:mm)");
  EXPECT_EQ(parse_error("2023-01-01T00:00:00+02"), "bad time zone offset (expected +hh:mm)");
  EXPECT_EQ(parse_error("2023-01-01T00:00:00+24:00"), "time zone offset out of range");
  EXPECT_EQ(parse_error("2023-01-01T00:00:00+02:60"), "time zone offset out of range");
  EXPECT_EQ(parse_error("2023-01-01T00:00:00ZZ"), "trailing characters");
  EXPECT_EQ(parse_error("2023-01-01T00:00:00Z "), "trailing characters");
  EXPECT_EQ(parse_error("２023-01-01T00:00:00Z"), "expected YYYY-MM-DDTHH:MM:SS");
}

TEST(Rfc3339, RangeIsExactlyInt64Nanoseconds) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(parse_ok("1677-09-21T00:12:43.145224192Z"), kMin);
  EXPECT_EQ(parse_ok("2262-04-11T23:47:16.854775807Z"), kMax);
  const std::string range = "out of range (representable: 1677-09-21 to 2262-04-11)";
  EXPECT_EQ(parse_error("1677-09-21T00:12:43.145224191Z"), range);
  EXPECT_EQ(parse_error("2262-04-11T23:47:16.854775808Z"), range);
  EXPECT_EQ(parse_error("0000-01-01T00:00:00Z"), range);
  EXPECT_EQ(parse_error("9999-12-31T23:59:59Z"), range);
  EXPECT_EQ(format(kMin), "1677-09-21T00:12:43.145224192Z");
  EXPECT_EQ(format(kMax), "2262-04-11T23:47:16.854775807Z");
}

TEST(Rfc3339, FormatKeepsAtLeastMillisecondsAndTrimsZeros) {
  EXPECT_EQ(format(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format(kT * kSec + 120'000'000), "2023-11-14T22:13:20.120Z");
  EXPECT_EQ(format(kT * kSec + 123'400'000), "2023-11-14T22:13:20.1234Z");
  EXPECT_EQ(format(kT * kSec + 123'456'000), "2023-11-14T22:13:20.123456Z");
  EXPECT_EQ(format(kT * kSec + 1), "2023-11-14T22:13:20.000000001Z");
  EXPECT_EQ(format(-1), "1969-12-31T23:59:59.999999999Z");
  EXPECT_EQ(format(-kSec), "1969-12-31T23:59:59.000Z");
  std::string appended = "x=";
  format_rfc3339(0, appended);
  EXPECT_EQ(appended, "x=1970-01-01T00:00:00.000Z");
}

TEST(Rfc3339, FormatThenParseIsIdentity) {
  std::mt19937_64 rng(42);
  for (int k = 0; k < 20000; ++k) {
    const auto ns = static_cast<int64_t>(rng());
    ASSERT_EQ(parse_ok(format(ns)), ns) << format(ns);
  }
}

TEST(Epoch, AutoUnitByMagnitude) {
  int64_t ns = 0;
  ASSERT_TRUE(epoch_to_ns(int64_t{kT}, EpochUnit::kAuto, ns));
  EXPECT_EQ(ns, kT * kSec);
  ASSERT_TRUE(epoch_to_ns(int64_t{kT * 1000 + 123}, EpochUnit::kAuto, ns));
  EXPECT_EQ(ns, kT * kSec + 123'000'000);
  ASSERT_TRUE(epoch_to_ns(int64_t{kT * 1'000'000 + 123'456}, EpochUnit::kAuto, ns));
  EXPECT_EQ(ns, kT * kSec + 123'456'000);
  ASSERT_TRUE(epoch_to_ns(int64_t{kT * kSec + 7}, EpochUnit::kAuto, ns));
  EXPECT_EQ(ns, kT * kSec + 7);
  ASSERT_TRUE(epoch_to_ns(int64_t{0}, EpochUnit::kAuto, ns));
  EXPECT_EQ(ns, 0);
  ASSERT_TRUE(epoch_to_ns(int64_t{-86400}, EpochUnit::kAuto, ns));
  EXPECT_EQ(ns, -86400 * kSec);
  // Thresholds: 99'999'999'999 is still seconds (and overflows), 1e11 is milliseconds.
  EXPECT_FALSE(epoch_to_ns(int64_t{99'999'999'999}, EpochUnit::kAuto, ns));
  ASSERT_TRUE(epoch_to_ns(int64_t{100'000'000'000}, EpochUnit::kAuto, ns));
  EXPECT_EQ(ns, 100'000'000'000 * 1'000'000);
  EXPECT_FALSE(epoch_to_ns(int64_t{9'300'000'000}, EpochUnit::kAuto, ns));  // s past 2262
  EXPECT_FALSE(epoch_to_ns(std::numeric_limits<uint64_t>::max(), EpochUnit::kAuto, ns));
  ASSERT_TRUE(epoch_to_ns(uint64_t{1'000}, EpochUnit::kAuto, ns));
  EXPECT_EQ(ns, 1'000 * kSec);
  ASSERT_TRUE(epoch_to_ns(std::numeric_limits<int64_t>::min(), EpochUnit::kAuto, ns));
  EXPECT_EQ(ns, std::numeric_limits<int64_t>::min());  // nanoseconds by magnitude
}

TEST(Epoch, FixedUnits) {
  int64_t ns = 0;
  ASSERT_TRUE(epoch_to_ns(int64_t{5}, EpochUnit::kSeconds, ns));
  EXPECT_EQ(ns, 5 * kSec);
  ASSERT_TRUE(epoch_to_ns(int64_t{5}, EpochUnit::kMillis, ns));
  EXPECT_EQ(ns, 5'000'000);
  ASSERT_TRUE(epoch_to_ns(int64_t{5}, EpochUnit::kMicros, ns));
  EXPECT_EQ(ns, 5'000);
  ASSERT_TRUE(epoch_to_ns(int64_t{kT}, EpochUnit::kNanos, ns));
  EXPECT_EQ(ns, kT);
  // FILETIME: 100 ns ticks since 1601-01-01 (the EQL test data's unit).
  ASSERT_TRUE(epoch_to_ns(int64_t{116'444'736'000'000'000}, EpochUnit::kFileTime, ns));
  EXPECT_EQ(ns, 0);
  ASSERT_TRUE(epoch_to_ns(int64_t{131'485'997'150'000'000}, EpochUnit::kFileTime, ns));
  EXPECT_EQ(ns, 1'504'126'115'000'000'000);
  EXPECT_FALSE(epoch_to_ns(int64_t{0}, EpochUnit::kFileTime, ns));  // 1601 < 1677
  EXPECT_FALSE(epoch_to_ns(int64_t{kT * 1000}, EpochUnit::kSeconds, ns));
}

TEST(Epoch, FractionalValues) {
  int64_t ns = 0;
  ASSERT_TRUE(epoch_to_ns(1'700'000'000.25, EpochUnit::kAuto, ns));
  EXPECT_EQ(ns, kT * kSec + 250'000'000);
  ASSERT_TRUE(epoch_to_ns(1'700'000'000'123.5, EpochUnit::kAuto, ns));
  EXPECT_EQ(ns, kT * kSec + 123'500'000);
  ASSERT_TRUE(epoch_to_ns(-1.5, EpochUnit::kAuto, ns));
  EXPECT_EQ(ns, -1'500'000'000);
  ASSERT_TRUE(epoch_to_ns(2.5, EpochUnit::kMillis, ns));
  EXPECT_EQ(ns, 2'500'000);
  EXPECT_FALSE(epoch_to_ns(1e30, EpochUnit::kAuto, ns));
  EXPECT_FALSE(epoch_to_ns(std::numeric_limits<double>::quiet_NaN(), EpochUnit::kAuto, ns));
  EXPECT_FALSE(epoch_to_ns(std::numeric_limits<double>::infinity(), EpochUnit::kAuto, ns));
  EXPECT_FALSE(epoch_to_ns(9.5e9, EpochUnit::kSeconds, ns));
}

}  // namespace
}  // namespace wsn
