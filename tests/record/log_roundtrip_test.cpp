// The binary log written and read back: every field type and category, many blocks, alerts and
// notes in order, a reader whose schema types a field differently, header fields.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "record/file_header.h"
#include "record/log_format.h"
#include "record_test_util.h"

namespace wsn::record {
namespace {

using test::expected_line;
using test::make_event;
using test::read_all;
using test::TempDir;

TEST(LogRoundTrip, EveryFieldTypeAndCategory) {
  TempDir dir;
  const std::string path = dir / "all.wsnlog";
  FieldRegistry wreg;
  std::vector<std::string> expected;
  {
    LogWriterOptions opt;
    opt.build_id = "0.1.0+abc";
    opt.ruleset_hash = "sha256:1234";
    opt.host = "testhost";
    auto w = LogWriter::open(path, wreg, opt);
    ASSERT_TRUE(w.ok()) << w.error().message;
    const char* cats[] = {"process", "file", "network", "driver", "authentication", "iam", ""};
    for (int k = 0; k < 7; ++k) {
      Event e;
      e.set_timestamp(fields::kTimestamp, 1'700'000'000'123'456'789 + k);
      if (cats[k][0] != '\0') {
        const std::string_view c[] = {cats[k]};
        e.set_string_list(fields::kEventCategory, c);
        e.set_category(wreg.intern_category(cats[k]));
      }
      e.set_string(fields::kProcessName, k % 2 ? "bash" : "");  // empty string too
      e.set_int(fields::kProcessPid, k == 3 ? -42 : 1 << (k * 5));
      e.set_uint(fields::kEventSequence, ~uint64_t{0} - static_cast<uint64_t>(k));
      e.set_bool(wreg.intern("custom.flag", FieldType::kBool), k % 2 == 0);
      IpAddress v4;
      ASSERT_TRUE(IpAddress::parse("10.1.2.3", v4));
      IpAddress v6;
      ASSERT_TRUE(IpAddress::parse("2001:db8::1", v6));
      e.set_ip(wreg.intern("source.ip", FieldType::kIp), v4);
      e.set_ip(wreg.intern("destination.ip", FieldType::kIp), v6);
      e.set_timestamp(fields::kProcessStart, k == 2 ? -5 : 1'600'000'000'000'000'000);
      const std::string_view args[] = {"sh", "-c", "echo \"\xff\" | tee /x/y", ""};
      e.set_string_list(fields::kProcessArgs, std::span(args, static_cast<size_t>(k % 5)));
      e.set_string(wreg.intern("custom.unknown"), std::string(600, 'x') + std::to_string(k));
      ASSERT_TRUE((*w)->write_event(e).ok());
      expected.push_back(expected_line(wreg, e));
    }
    ASSERT_TRUE((*w)->close().ok());
    EXPECT_EQ((*w)->stats().events, 7u);
  }
  FieldRegistry rreg;  // a fresh registry: ids are resolved by name
  auto r = LogSetReader::open(path, rreg);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)->header().build_id, "0.1.0+abc");
  EXPECT_EQ((*r)->header().ruleset_hash, "sha256:1234");
  EXPECT_EQ((*r)->header().host, "testhost");
  EXPECT_EQ((*r)->header().version, kFormatVersion);
  EXPECT_EQ((*r)->header().schema, schema_hash(rreg));
  EXPECT_GT((*r)->header().created_ns, 0);
  EXPECT_EQ(read_all(**r, rreg), expected);
  const ReadStats s = (*r)->stats();
  EXPECT_EQ(s.events, 7u);
  EXPECT_EQ(s.corrupt_blocks, 0u);
  EXPECT_EQ(s.torn_tail_bytes, 0u);
  EXPECT_EQ(rreg.type(rreg.find("custom.flag")), FieldType::kBool);
  EXPECT_EQ(rreg.type(rreg.find("source.ip")), FieldType::kIp);
}

TEST(LogRoundTrip, ManyEventsAcrossBlocksWithAlertsAndNotes) {
  TempDir dir;
  const std::string path = dir / "many.wsnlog";
  FieldRegistry wreg;
  std::vector<std::string> expected;
  {
    LogWriterOptions opt;
    opt.block_bytes = 8 << 10;
    auto w = LogWriter::open(path, wreg, opt);
    ASSERT_TRUE(w.ok());
    Event e;
    for (uint64_t k = 0; k < 20000; ++k) {
      make_event(wreg, k, e);
      ASSERT_TRUE((*w)->write_event(e).ok());
      expected.push_back(expected_line(wreg, e));
      if (k % 1000 == 7) {
        const std::string alert = "{\"rule\":{\"id\":\"R" + std::to_string(k) + "\"}}";
        ASSERT_TRUE((*w)->write_alert(alert).ok());
        expected.push_back("alert " + alert);
      }
      if (k == 12345) {
        ASSERT_TRUE((*w)->write_note("rule X quarantined at event 12345").ok());
        expected.push_back("note rule X quarantined at event 12345");
      }
      if (k == 500) {
        ASSERT_TRUE((*w)->flush().ok());
      }
    }
    ASSERT_TRUE((*w)->close().ok());
    EXPECT_GT((*w)->stats().blocks, 10u);
  }
  FieldRegistry rreg;
  auto r = LogSetReader::open(path, rreg);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(read_all(**r, rreg), expected);
  const ReadStats s = (*r)->stats();
  EXPECT_EQ(s.events, 20000u);
  EXPECT_EQ(s.alerts, 20u);
  EXPECT_EQ(s.notes, 1u);
  EXPECT_GT(s.blocks, 10u);
  EXPECT_EQ(s.first_time_ns, 1'700'000'000'000'000'000);
  EXPECT_EQ(s.last_time_ns, 1'700'000'000'000'000'000 + int64_t{19999} * 1'000'003);
  EXPECT_LT(s.compressed_bytes, s.raw_bytes);
}

TEST(LogRoundTrip, FieldTypedOtherwiseByTheReaderIsDroppedAndCounted) {
  TempDir dir;
  const std::string path = dir / "types.wsnlog";
  FieldRegistry wreg;
  const FieldId x = wreg.intern("custom.x", FieldType::kInt);
  {
    auto w = LogWriter::open(path, wreg);
    ASSERT_TRUE(w.ok());
    Event e;
    for (int k = 0; k < 3; ++k) {
      e.clear();
      e.set_int(x, k);
      e.set_string(fields::kProcessName, "sh");
      ASSERT_TRUE((*w)->write_event(e).ok());
    }
  }
  FieldRegistry rreg;
  ASSERT_TRUE(rreg.define("custom.x", FieldType::kString));
  auto r = LogSetReader::open(path, rreg);
  ASSERT_TRUE(r.ok());
  const auto lines = read_all(**r, rreg);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "unknown {\"process\":{\"name\":\"sh\"}}");
  EXPECT_EQ((*r)->stats().type_mismatches, 3u);
  EXPECT_EQ(rreg.type_mismatches(rreg.find("custom.x")), 3u);
}

TEST(LogRoundTrip, EmptyLogHasOnlyAHeader) {
  TempDir dir;
  const std::string path = dir / "empty.wsnlog";
  FieldRegistry reg;
  {
    auto w = LogWriter::open(path, reg);
    ASSERT_TRUE(w.ok());
  }
  auto r = LogSetReader::open(path, reg);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(read_all(**r, reg).empty());
  EXPECT_EQ((*r)->stats().blocks, 0u);
  EXPECT_TRUE(is_binary_log(path));
}

}  // namespace
}  // namespace wsn::record
