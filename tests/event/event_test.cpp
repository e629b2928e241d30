#include "wsn/event.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wsn {
namespace {

TEST(Event, TypedValuesRoundTrip) {
  Event e;
  e.set_timestamp(fields::kTimestamp, 1'700'000'000'123'000'000);
  e.set_string(fields::kProcessName, "bash");
  e.set_int(fields::kProcessPid, -4);
  e.set_uint(fields::kEventSequence, 7);
  IpAddress ip;
  ASSERT_TRUE(IpAddress::parse("10.1.2.3", ip));
  e.set_ip(fields::kDestinationIp, ip);
  const std::vector<std::string_view> args = {"bash", "-c", "id"};
  e.set_string_list(fields::kProcessArgs, args);

  EXPECT_EQ(e.time_ns(), 1'700'000'000'123'000'000);
  FieldView v;
  ASSERT_TRUE(e.get(fields::kProcessName, v));
  EXPECT_EQ(v.type, FieldType::kString);
  EXPECT_EQ(v.s, "bash");
  ASSERT_TRUE(e.get(fields::kProcessPid, v));
  EXPECT_EQ(v.i, -4);
  ASSERT_TRUE(e.get(fields::kEventSequence, v));
  EXPECT_EQ(v.u, 7u);
  ASSERT_TRUE(e.get(fields::kDestinationIp, v));
  EXPECT_EQ(v.ip->to_string(), "10.1.2.3");
  ASSERT_TRUE(e.get(fields::kProcessArgs, v));
  ASSERT_EQ(v.list_count, 3u);
  EXPECT_EQ(e.list_item(v, 1), "-c");
  EXPECT_FALSE(e.has(fields::kFilePath));
}

TEST(Event, LaterValueReplacesEarlier) {
  Event e;
  e.set_string(fields::kProcessName, "a");
  e.set_string(fields::kProcessName, "bbb");
  EXPECT_EQ(e.field_count(), 1u);
  FieldView v;
  ASSERT_TRUE(e.get(fields::kProcessName, v));
  EXPECT_EQ(v.s, "bbb");
}

TEST(Event, NonIndexedFieldsAreFound) {
  Event e;
  const FieldId far = 5000;
  e.set_string(far, "x");
  e.set_int(far + 1, 3);
  FieldView v;
  ASSERT_TRUE(e.get(far, v));
  EXPECT_EQ(v.s, "x");
  ASSERT_TRUE(e.get(far + 1, v));
  EXPECT_EQ(v.i, 3);
  EXPECT_FALSE(e.has(far + 2));
}

TEST(Event, ClearForgetsEverythingAndKeepsWorking) {
  Event e;
  for (int round = 0; round < 3; ++round) {
    e.clear();
    EXPECT_TRUE(e.empty());
    EXPECT_FALSE(e.has(fields::kProcessName));
    EXPECT_EQ(e.time_ns(), 0);
    e.set_string(fields::kProcessName, std::string(100, 'a' + round));
    FieldView v;
    ASSERT_TRUE(e.get(fields::kProcessName, v));
    EXPECT_EQ(v.s, std::string(100, 'a' + round));
  }
}

TEST(Event, CopiesAreIndependent) {
  Event a;
  a.set_string(fields::kFilePath, "/etc/shadow");
  Event b = a;
  a.clear();
  FieldView v;
  ASSERT_TRUE(b.get(fields::kFilePath, v));
  EXPECT_EQ(v.s, "/etc/shadow");
}

TEST(IpAddress, ParsesBothFamiliesAndRejectsJunk) {
  IpAddress a;
  ASSERT_TRUE(IpAddress::parse("::1", a));
  EXPECT_FALSE(a.is_v4);
  EXPECT_EQ(a.to_string(), "::1");
  ASSERT_TRUE(IpAddress::parse("2001:db8::5", a));
  EXPECT_EQ(a.to_string(), "2001:db8::5");
  ASSERT_TRUE(IpAddress::parse("192.0.2.1", a));
  EXPECT_TRUE(a.is_v4);
  EXPECT_FALSE(IpAddress::parse("256.1.1.1", a));
  EXPECT_FALSE(IpAddress::parse("", a));
  EXPECT_FALSE(IpAddress::parse(std::string(200, '1'), a));
  EXPECT_FALSE(IpAddress::parse("1.2.3.4\n", a));
}

}  // namespace
}  // namespace wsn
