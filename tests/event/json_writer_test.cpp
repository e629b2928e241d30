#include "event/json_writer.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "event/json_reader.h"

namespace wsn {
namespace {

std::string to_json(const Event& e, const FieldRegistry& reg) {
  std::string s;
  write_event_json(e, reg, s);
  return s;
}

std::string escaped(std::string_view s) {
  std::string out;
  append_json_string(s, out);
  return out;
}

// A comparable picture of an event: name → (type, rendered value).
std::map<std::string, std::pair<FieldType, std::string>> snapshot(const Event& e,
                                                                  const FieldRegistry& reg) {
  std::map<std::string, std::pair<FieldType, std::string>> m;
  for (size_t k = 0; k < e.field_count(); ++k) {
    const FieldView v = e.view_at(k);
    std::string text;
    switch (v.type) {
      case FieldType::kString:
        text = v.s;
        break;
      case FieldType::kInt:
      case FieldType::kBool:
      case FieldType::kTimestamp:
        text = std::to_string(v.i);
        break;
      case FieldType::kUInt:
        text = std::to_string(v.u);
        break;
      case FieldType::kIp:
        text = v.ip->to_string() + (v.ip->is_v4 ? "/4" : "/6");
        break;
      case FieldType::kStringList:
        for (uint32_t i = 0; i < v.list_count; ++i) {
          text += "[" + std::string(e.list_item(v, i)) + "]";
        }
        break;
    }
    m[reg.info(e.field_at(k)).name] = {v.type, text};
  }
  return m;
}

TEST(JsonString, EscapesWhatJsonRequires) {
  EXPECT_EQ(escaped("plain"), R"("plain")");
  EXPECT_EQ(escaped(""), R"("")");
  EXPECT_EQ(escaped("q\"b\\s/"), R"("q\"b\\s/")");
  EXPECT_EQ(escaped("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(escaped(std::string("\x00\x01\x1f\x7f", 4)), R"("\u0000\u0001\u001f\u007f")");
  EXPECT_EQ(escaped("gr\xc3\xbc\xc3\x9f \xe2\x82\xac \xf0\x9f\x98\x80"),
            "\"gr\xc3\xbc\xc3\x9f \xe2\x82\xac \xf0\x9f\x98\x80\"");
}

TEST(JsonString, ReplacesInvalidUtf8ByteByByte) {
  const std::string fffd = "\xef\xbf\xbd";
  EXPECT_EQ(escaped("a\xff"
                    "b"),
            "\"a" + fffd + "b\"");
  EXPECT_EQ(escaped("\xc3"), "\"" + fffd + "\"");                                   // truncated
  EXPECT_EQ(escaped("\xc0\xaf"), "\"" + fffd + fffd + "\"");                        // overlong
  EXPECT_EQ(escaped("\xed\xa0\x80"), "\"" + fffd + fffd + fffd + "\"");             // surrogate
  EXPECT_EQ(escaped("\xf4\x90\x80\x80"), "\"" + fffd + fffd + fffd + fffd + "\"");  // > U+10FFFF
  EXPECT_EQ(escaped("\xe2\x82"
                    "x"),
            "\"" + fffd + fffd + "x\"");
}

TEST(Utf8, SequenceLength) {
  EXPECT_EQ(utf8_sequence_length(""), 0u);
  EXPECT_EQ(utf8_sequence_length("a"), 1u);
  EXPECT_EQ(utf8_sequence_length("\xc3\xbc"), 2u);
  EXPECT_EQ(utf8_sequence_length("\xe0\xa0\x80"), 3u);
  EXPECT_EQ(utf8_sequence_length("\xe0\x9f\x80"), 0u);
  EXPECT_EQ(utf8_sequence_length("\xf0\x90\x80\x80"), 4u);
  EXPECT_EQ(utf8_sequence_length("\xf4\x8f\xbf\xbf"), 4u);
  EXPECT_EQ(utf8_sequence_length("\x80"), 0u);
  EXPECT_EQ(utf8_sequence_length("\xf8\x88\x80\x80\x80"), 0u);
}

class JsonWriterTest : public ::testing::Test {
 protected:
  FieldRegistry reg_;
  Event ev_;
};

TEST_F(JsonWriterTest, NestsDottedNamesAndTypesValues) {
  ev_.set_string(fields::kProcessName, "bash");
  ev_.set_timestamp(fields::kTimestamp, 1'700'000'000'123'000'000);
  ev_.set_int(fields::kProcessPid, -4);
  ev_.set_int(fields::kProcessParentPid, 1);
  ev_.set_uint(fields::kEventSequence, 18446744073709551615u);
  IpAddress v4, v6;
  ASSERT_TRUE(IpAddress::parse("10.0.0.1", v4));
  ASSERT_TRUE(IpAddress::parse("2001:db8::1", v6));
  ev_.set_ip(fields::kSourceIp, v4);
  ev_.set_ip(fields::kDestinationIp, v6);
  const std::vector<std::string_view> cats = {"process"};
  ev_.set_string_list(fields::kEventCategory, cats);
  ev_.set_string_list(fields::kProcessArgs, std::vector<std::string_view>{});
  ASSERT_TRUE(reg_.define("custom.flag", FieldType::kBool));
  ev_.set_bool(reg_.find("custom.flag"), true);
  ev_.set_string(reg_.intern("zeta"), "last");
  EXPECT_EQ(to_json(ev_, reg_),
            R"({"@timestamp":"2023-11-14T22:13:20.123Z","custom":{"flag":true},)"
            R"("destination":{"ip":"2001:db8::1"},"event":{"category":["process"],)"
            R"("sequence":18446744073709551615},"process":{"args":[],"name":"bash",)"
            R"("parent":{"pid":1},"pid":-4},"source":{"ip":"10.0.0.1"},"zeta":"last"})");
}

TEST_F(JsonWriterTest, EmptyEventAndAppending) {
  std::string out = "prefix ";
  write_event_json(ev_, reg_, out);
  EXPECT_EQ(out, "prefix {}");
}

TEST_F(JsonWriterTest, OrderDoesNotDependOnInsertionOrRegistration) {
  FieldRegistry other;
  // Register the unknown names in the opposite order in the second registry.
  const FieldId a1 = reg_.intern("a.x"), b1 = reg_.intern("b"), c1 = reg_.intern("a-y");
  const FieldId c2 = other.intern("a-y"), b2 = other.intern("b"), a2 = other.intern("a.x");
  Event e1, e2;
  e1.set_string(a1, "1");
  e1.set_string(b1, "2");
  e1.set_string(c1, "3");
  e1.set_string(fields::kHostName, "h");
  e2.set_string(fields::kHostName, "h");
  e2.set_string(c2, "3");
  e2.set_string(b2, "2");
  e2.set_string(a2, "1");
  EXPECT_EQ(to_json(e1, reg_), R"({"a":{"x":"1"},"a-y":"3","b":"2","host":{"name":"h"}})");
  EXPECT_EQ(to_json(e2, other), to_json(e1, reg_));
}

// The writer keeps the field order of recent event shapes (the same built-in fields in the same
// insertion order) per thread: an event written after others of its shape, or of shapes that
// differ only in insertion order or in one field, reads exactly as on a thread that never saw one.
TEST_F(JsonWriterTest, RememberedFieldOrderGivesTheSameOutputAsAFreshSort) {
  auto make = [](bool swapped, bool extra, std::string_view name) {
    Event e;
    if (swapped) e.set_string(fields::kProcessName, name);
    e.set_string(fields::kHostName, "h");
    e.set_timestamp(fields::kTimestamp, 1'000'000'000);
    e.set_int(fields::kProcessPid, 7);
    if (!swapped) e.set_string(fields::kProcessName, name);
    if (extra) e.set_string(fields::kProcessExecutable, "/usr/bin/x");
    const std::string_view types[] = {"start"};
    e.set_string_list(fields::kEventType, types);
    return e;
  };
  const std::vector<Event> events = {make(false, false, "a"), make(false, false, "b"),
                                     make(true, false, "c"),  make(false, true, "d"),
                                     make(true, true, "e"),   make(false, false, "f")};
  std::vector<std::string> here;
  for (int round = 0; round < 2; ++round) {
    for (const Event& e : events) here.push_back(to_json(e, reg_));
  }
  for (size_t k = 0; k < here.size(); ++k) {
    std::string fresh;  // a new thread: nothing remembered
    std::thread([&] { fresh = to_json(events[k % events.size()], reg_); }).join();
    EXPECT_EQ(here[k], fresh) << k;
  }
  EXPECT_EQ(here[2], R"({"@timestamp":"1970-01-01T00:00:01.000Z","event":{"type":["start"]},)"
                     R"("host":{"name":"h"},"process":{"name":"c","pid":7}})");
}

TEST_F(JsonWriterTest, LeafThatIsAlsoAPrefixStaysValid) {
  ev_.set_string(reg_.intern("a"), "1");
  ev_.set_string(reg_.intern("a.b"), "2");
  ev_.set_string(reg_.intern("a.b.c"), "3");
  ev_.set_string(reg_.intern("a.d"), "4");
  ev_.set_string(reg_.intern("x.y"), "5");
  ev_.set_string(reg_.intern("x.y.z"), "6");
  ev_.set_string(reg_.intern("x.w"), "7");
  const std::string json = to_json(ev_, reg_);
  EXPECT_EQ(json, R"({"a":"1","a.b":"2","a.b.c":"3","a.d":"4","x":{"w":"7","y":"5","y.z":"6"}})");
  // Reading it back gives the same fields.
  FieldRegistry fresh;
  JsonEventReader reader(fresh);
  Event back;
  ASSERT_TRUE(reader.parse(json, back)) << reader.error();
  EXPECT_EQ(snapshot(back, fresh), snapshot(ev_, reg_));
}

TEST_F(JsonWriterTest, DeepNamesStayWithinTheReadersDepthLimit) {
  std::string name = "s0";
  for (int k = 1; k < 40; ++k) name += ".s" + std::to_string(k);
  ev_.set_string(reg_.intern(name), "deep");
  ev_.set_string(reg_.intern(name + ".more"), "deeper");
  const std::string json = to_json(ev_, reg_);
  std::string want;
  for (int k = 0; k < 16; ++k) want += "{\"s" + std::to_string(k) + "\":";
  std::string rest = "s16";
  for (int k = 17; k < 40; ++k) rest += ".s" + std::to_string(k);
  want += "{\"" + rest + "\":\"deep\",\"" + rest + ".more\":\"deeper\"}" + std::string(16, '}');
  EXPECT_EQ(json, want);
  JsonEventReader reader(reg_);
  Event back;
  ASSERT_TRUE(reader.parse(json, back)) << reader.error();
  EXPECT_EQ(snapshot(back, reg_), snapshot(ev_, reg_));
}

TEST_F(JsonWriterTest, OddNamesRoundTrip) {
  for (const char* name : {"", ".a", "a.", "a..b", ".", "k\"ey\\", "t\tab"}) {
    ev_.set_string(reg_.intern(name), name);
  }
  const std::string json = to_json(ev_, reg_);
  FieldRegistry fresh;
  JsonEventReader reader(fresh);
  Event back;
  ASSERT_TRUE(reader.parse(json, back)) << reader.error() << "\n" << json;
  EXPECT_EQ(snapshot(back, fresh), snapshot(ev_, reg_)) << json;
}

TEST_F(JsonWriterTest, BinaryStringsStillGiveValidJson) {
  std::string binary;
  for (int c = 0; c < 256; ++c) binary.push_back(static_cast<char>(c));
  ev_.set_string(fields::kProcessCommandLine, binary);
  const std::vector<std::string_view> args = {binary, "\xff\xfe"};
  ev_.set_string_list(fields::kProcessArgs, args);
  const std::string json = to_json(ev_, reg_);
  JsonEventReader reader(reg_);
  Event back;
  ASSERT_TRUE(reader.parse(json, back)) << reader.error();
  FieldView v;
  ASSERT_TRUE(back.get(fields::kProcessCommandLine, v));
  // Bytes 0..127 survive; each of the 128 high bytes became U+FFFD.
  EXPECT_EQ(v.s.substr(0, 128), binary.substr(0, 128));
  EXPECT_EQ(v.s.size(), 128u + 128u * 3u);
}

TEST_F(JsonWriterTest, ReadWriteReadRoundTrip) {
  ASSERT_TRUE(reg_.define("labels.ok", FieldType::kBool));
  const std::vector<std::string> lines = {
      R"({"@timestamp":"2023-11-14T22:13:20.123456789Z","event":{"category":["process","file"],)"
      R"("type":["start"],"sequence":99},"process":{"pid":-1,"name":"sh","args":["sh","-c","echo \"hi\"\n"],)"
      R"("start":1700000000,"parent":{"pid":1}},"source.ip":"192.168.0.1","destination.ip":"fe80::1",)"
      R"("labels":{"ok":true},"custom":{"n":5,"objs":[{"a":[1,2]}],"arr":["x","y"],"s":"tab\there"}})",
      R"({"@timestamp":0,"host.name":"\u00e9t\u00e9","user":{"name":"\u0000nul"},"a":"leaf","a.b":"child"})",
      R"({"@timestamp":-1,"process.exit_code":0,"event.sequence":18446744073709551615,)"
      R"("destination.ip":"::ffff:10.0.0.1","labels.ok":false,"empty":[]})",
  };
  JsonEventReader reader(reg_);
  for (const std::string& line : lines) {
    Event first, second;
    ASSERT_TRUE(reader.parse(line, first)) << reader.error() << "\n" << line;
    const std::string json = to_json(first, reg_);
    ASSERT_TRUE(reader.parse(json, second)) << reader.error() << "\n" << json;
    EXPECT_EQ(snapshot(second, reg_), snapshot(first, reg_)) << json;
    EXPECT_EQ(second.category(), first.category());
    EXPECT_EQ(second.time_ns(), first.time_ns());
    EXPECT_EQ(to_json(second, reg_), json);  // byte-for-byte reproducible
  }
}

TEST_F(JsonWriterTest, TimestampsKeepNanoseconds) {
  ev_.set_timestamp(fields::kTimestamp, 1'700'000'000'000'000'001);
  ev_.set_timestamp(fields::kProcessStart, -1'500'000'000);
  EXPECT_EQ(to_json(ev_, reg_), R"({"@timestamp":"2023-11-14T22:13:20.000000001Z",)"
                                R"("process":{"start":"1969-12-31T23:59:58.500Z"}})");
}

TEST_F(JsonWriterTest, FieldsUnknownToTheRegistryAreLeftOut) {
  ev_.set_string(fields::kHostName, "h");
  ev_.set_string(static_cast<FieldId>(FieldRegistry::kMaxFields - 1), "stray");
  EXPECT_EQ(to_json(ev_, reg_), R"({"host":{"name":"h"}})");
}

}  // namespace
}  // namespace wsn
