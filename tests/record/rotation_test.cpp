// Rotation and retention: segments by size, the newest N kept, each segment readable on its own
// (its own header and dictionary), the base name reading the whole recording in order.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include "record/rotation.h"
#include "record_test_util.h"

namespace wsn::record {
namespace {

using test::expected_line;
using test::make_event;
using test::read_all;
using test::TempDir;

TEST(Rotation, SegmentNames) {
  EXPECT_EQ(segment_path("/d/rec.wsnlog", 0), "/d/rec.wsnlog");
  EXPECT_EQ(segment_path("/d/rec.wsnlog", 3), "/d/rec.000003.wsnlog");
  EXPECT_EQ(segment_path("rec.bin", 12), "rec.bin.000012");
  EXPECT_EQ(segment_path("rec.wsnlog", 1234567), "rec.1234567.wsnlog");
}

TEST(Rotation, BySizeKeepsTheNewestSegmentsAndEachReadsAlone) {
  TempDir dir;
  const std::string base = dir / "rec.wsnlog";
  FieldRegistry wreg;
  std::vector<std::string> expected;
  uint64_t segments = 0;
  {
    LogWriterOptions opt;
    opt.block_bytes = 4 << 10;
    opt.rotation.max_bytes = 6 << 10;
    opt.rotation.keep = 3;
    auto w = LogWriter::open(base, wreg, opt);
    ASSERT_TRUE(w.ok());
    Event e;
    for (uint64_t k = 0; k < 3000; ++k) {
      make_event(wreg, k, e);
      ASSERT_TRUE((*w)->write_event(e).ok());
      expected.push_back(expected_line(wreg, e));
    }
    ASSERT_TRUE((*w)->close().ok());
    segments = (*w)->stats().segments;
  }
  ASSERT_GT(segments, 4u);
  const auto present = list_segments(base);
  ASSERT_EQ(present.size(), 3u);
  EXPECT_EQ(present[0].index, segments - 3);
  EXPECT_EQ(present[2].index, segments - 1);
  EXPECT_FALSE(std::filesystem::exists(base));  // segment 0 went first
  struct stat st {};
  ASSERT_EQ(stat(present[0].path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // Each segment alone: its own dictionary, a fresh registry.
  std::vector<std::string> got_alone;
  for (const Segment& s : present) {
    FieldRegistry reg;
    auto r = LogReader::open(s.path, reg);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ((*r)->header().segment, s.index);
    const auto lines = read_all(**r, reg);
    ASSERT_FALSE(lines.empty());
    got_alone.insert(got_alone.end(), lines.begin(), lines.end());
  }
  // The base name reads the same, in order, and it is the tail of what was written.
  FieldRegistry rreg;
  ASSERT_TRUE(is_binary_log(base));
  auto set = LogSetReader::open(base, rreg);
  ASSERT_TRUE(set.ok()) << set.error().message;
  const auto all = read_all(**set, rreg);
  EXPECT_EQ(all, got_alone);
  ASSERT_LT(all.size(), expected.size());
  EXPECT_TRUE(std::equal(all.begin(), all.end(), expected.end() - static_cast<long>(all.size())));
  EXPECT_EQ((*set)->stats().segments, 3u);
  EXPECT_EQ((*set)->headers().size(), 3u);
  EXPECT_EQ((*set)->headers()[0].recording, (*set)->headers()[2].recording);
}

TEST(Rotation, ReopeningDeletesTheSegmentsOfAnEarlierRecording) {
  TempDir dir;
  const std::string base = dir / "rec.wsnlog";
  FieldRegistry reg;
  {
    LogWriterOptions opt;
    opt.block_bytes = 1 << 10;
    opt.rotation.max_bytes = 2 << 10;
    auto w = LogWriter::open(base, reg, opt);
    ASSERT_TRUE(w.ok());
    Event e;
    for (uint64_t k = 0; k < 500; ++k) {
      make_event(reg, k, e);
      ASSERT_TRUE((*w)->write_event(e).ok());
    }
  }
  ASSERT_GT(list_segments(base).size(), 2u);
  {
    auto w = LogWriter::open(base, reg);
    ASSERT_TRUE(w.ok());
  }
  EXPECT_EQ(list_segments(base).size(), 1u);
}

TEST(Rotation, ExplicitRotateStartsANewSegment) {
  TempDir dir;
  const std::string base = dir / "r.wsnlog";
  FieldRegistry reg;
  {
    auto w = LogWriter::open(base, reg);
    ASSERT_TRUE(w.ok());
    Event e;
    make_event(reg, 1, e);
    ASSERT_TRUE((*w)->write_event(e).ok());
    ASSERT_TRUE((*w)->rotate().ok());
    make_event(reg, 2, e);
    ASSERT_TRUE((*w)->write_event(e).ok());
    EXPECT_EQ((*w)->current_path(), dir / "r.000001.wsnlog");
  }
  FieldRegistry rreg;
  auto set = LogSetReader::open(base, rreg);
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(read_all(**set, rreg).size(), 2u);
  EXPECT_EQ((*set)->segments().size(), 2u);
}

}  // namespace
}  // namespace wsn::record

namespace wsn::record {
namespace {

// tick() with an explicit clock: a pending block is written once it is older than the flush
// interval, and a segment older than max_age rotates (no waiting: the clock is passed in).
TEST(Rotation, TickFlushesOldBlocksAndRotatesOldSegments) {
  test::TempDir dir;
  const std::string base = dir / "tick.wsnlog";
  FieldRegistry reg;
  constexpr int64_t kHour = int64_t{3600} * 1'000'000'000;
  LogWriterOptions opt;
  opt.flush_interval_ns = kHour;
  opt.rotation.max_age_ns = 3 * kHour;
  auto w = LogWriter::open(base, reg, opt);
  ASSERT_TRUE(w.ok());
  Event e;
  test::make_event(reg, 1, e);
  ASSERT_TRUE((*w)->write_event(e).ok());
  const int64_t now = steady_now_ns();
  ASSERT_TRUE((*w)->tick(now).ok());
  EXPECT_EQ((*w)->stats().blocks, 0u);  // younger than the interval
  ASSERT_TRUE((*w)->tick(now + 2 * kHour).ok());
  EXPECT_EQ((*w)->stats().blocks, 1u);
  EXPECT_EQ((*w)->stats().segments, 1u);
  ASSERT_TRUE((*w)->tick(now + 4 * kHour).ok());
  EXPECT_EQ((*w)->stats().segments, 2u);
  EXPECT_EQ((*w)->current_path(), dir / "tick.000001.wsnlog");
  ASSERT_TRUE((*w)->close().ok());
}

}  // namespace
}  // namespace wsn::record
