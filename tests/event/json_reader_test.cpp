#include "event/json_reader.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "event/json_writer.h"

namespace wsn {
namespace {

class JsonReaderTest : public ::testing::Test {
 protected:
  // Parses `line` into ev_; returns "" on success, else the reason.
  std::string parse(std::string_view line) { return parse_with(reader_, line); }
  std::string parse_with(JsonEventReader& r, std::string_view line) {
    ev_.clear();
    return r.parse(line, ev_) ? "" : std::string(r.error());
  }
  FieldView get(std::string_view name) {
    FieldView v;
    const FieldId id = reg_.find(name);
    EXPECT_NE(id, kInvalidField) << name;
    EXPECT_TRUE(id != kInvalidField && ev_.get(id, v)) << name << " absent";
    return v;
  }
  std::string str(std::string_view name) {
    const FieldView v = get(name);
    EXPECT_EQ(v.type, FieldType::kString) << name;
    return std::string(v.s);
  }
  std::vector<std::string> list(std::string_view name) {
    const FieldView v = get(name);
    EXPECT_EQ(v.type, FieldType::kStringList) << name;
    std::vector<std::string> items;
    for (uint32_t k = 0; k < v.list_count; ++k) items.emplace_back(ev_.list_item(v, k));
    return items;
  }
  bool has(std::string_view name) {
    const FieldId id = reg_.find(name);
    return id != kInvalidField && ev_.has(id);
  }
  std::string json() {
    std::string s;
    write_event_json(ev_, reg_, s);
    return s;
  }

  FieldRegistry reg_;
  JsonEventReader reader_{reg_};
  Event ev_;
};

TEST_F(JsonReaderTest, NestedDottedAndMixedKeysAreEquivalent) {
  const std::string nested =
      R"({"@timestamp":"2023-11-14T22:13:20.5Z","event":{"category":["process"],"type":["start"]},)"
      R"("process":{"name":"bash","pid":42,"parent":{"pid":1,"name":"init"}},"user":{"name":"root"}})";
  const std::string dotted =
      R"({"@timestamp":"2023-11-14T22:13:20.5Z","event.category":["process"],"event.type":["start"],)"
      R"("process.name":"bash","process.pid":42,"process.parent.pid":1,"process.parent.name":"init",)"
      R"("user.name":"root"})";
  const std::string mixed =
      R"({"process.parent":{"name":"init","pid":1},"user":{"name":"root"},"event.type":"start",)"
      R"("process":{"name":"bash","pid":42},"event":{"category":"process"},)"
      R"("@timestamp":"2023-11-14T22:13:20.5Z"})";
  ASSERT_EQ(parse(nested), "");
  const std::string want = json();
  EXPECT_EQ(str("process.name"), "bash");
  EXPECT_EQ(get("process.pid").i, 42);
  EXPECT_EQ(get("process.parent.pid").i, 1);
  EXPECT_EQ(ev_.category(), categories::kProcess);
  EXPECT_EQ(ev_.time_ns(), 1'700'000'000'500'000'000);
  ASSERT_EQ(parse(dotted), "");
  EXPECT_EQ(json(), want);
  ASSERT_EQ(parse(mixed), "");
  EXPECT_EQ(json(), want);
  EXPECT_EQ(ev_.field_count(), 8u);
}

TEST_F(JsonReaderTest, DuplicateKeysLastOneWins) {
  ASSERT_EQ(parse(R"({"process.name":"a","process":{"name":"b"}})"), "");
  EXPECT_EQ(str("process.name"), "b");
  ASSERT_EQ(parse(R"({"process":{"name":"b"},"process.name":"a"})"), "");
  EXPECT_EQ(str("process.name"), "a");
  ASSERT_EQ(parse(R"({"process.pid":1,"process.pid":2,"process.pid":"3"})"), "");
  EXPECT_EQ(get("process.pid").i, 3);
  EXPECT_EQ(ev_.field_count(), 1u);
}

TEST_F(JsonReaderTest, NullMeansAbsentAndEmptyObjectsAddNothing) {
  ASSERT_EQ(parse(R"({"process":{"name":null,"pid":7},"file":{},"source.ip":null})"), "");
  EXPECT_FALSE(has("process.name"));
  EXPECT_FALSE(has("source.ip"));
  EXPECT_EQ(get("process.pid").i, 7);
  EXPECT_EQ(ev_.field_count(), 1u);
  ASSERT_EQ(parse("{}"), "");
  EXPECT_TRUE(ev_.empty());
}

TEST_F(JsonReaderTest, StringFieldsTakeTheTextOfScalars) {
  ASSERT_EQ(parse(R"({"process.name":42,"user.name":true,"host.name":1.5,"host.id":5.0,)"
                  R"("user.id":-3,"group.id":18446744073709551615,"file.mode":1e300})"),
            "");
  EXPECT_EQ(str("process.name"), "42");
  EXPECT_EQ(str("user.name"), "true");
  EXPECT_EQ(str("host.name"), "1.5");
  EXPECT_EQ(str("host.id"), "5.0");
  EXPECT_EQ(str("user.id"), "-3");
  EXPECT_EQ(str("group.id"), "18446744073709551615");
  EXPECT_EQ(str("file.mode"), "1e+300");
  EXPECT_EQ(parse(R"({"process.name":["a"]})"), "field 'process.name': expected string, got array");
}

TEST_F(JsonReaderTest, IntegerFields) {
  ASSERT_EQ(parse(R"({"process.pid":-42,"process.exit_code":"17","source.port":"-9"})"), "");
  EXPECT_EQ(get("process.pid").i, -42);
  EXPECT_EQ(get("process.exit_code").i, 17);
  EXPECT_EQ(get("source.port").i, -9);
  EXPECT_EQ(get("process.pid").type, FieldType::kInt);
  ASSERT_EQ(parse(R"({"process.pid":9223372036854775807})"), "");
  EXPECT_EQ(get("process.pid").i, INT64_MAX);

  EXPECT_EQ(parse(R"({"process.pid":"abc"})"),
            R"(field 'process.pid': expected integer, got string "abc")");
  EXPECT_EQ(parse(R"({"process.pid":1.5})"),
            "field 'process.pid': expected integer, got number 1.5");
  EXPECT_EQ(parse(R"({"process.pid":2.0})"),
            "field 'process.pid': expected integer, got number 2.0");
  EXPECT_EQ(parse(R"({"process.pid":true})"),
            "field 'process.pid': expected integer, got bool true");
  EXPECT_EQ(parse(R"({"process.pid":[1]})"), "field 'process.pid': expected integer, got array");
  EXPECT_EQ(parse(R"({"process":{"pid":{"value":1}}})"),
            "field 'process.pid': expected integer, got object");
  EXPECT_EQ(parse(R"({"process.pid":" 42"})"),
            R"(field 'process.pid': expected integer, got string " 42")");
  EXPECT_EQ(parse(R"({"process.pid":"+42"})"),
            R"(field 'process.pid': expected integer, got string "+42")");
  EXPECT_EQ(parse(R"({"process.pid":""})"),
            R"(field 'process.pid': expected integer, got string "")");
  EXPECT_EQ(parse(R"({"process.pid":9223372036854775808})"),
            "field 'process.pid': integer 9223372036854775808 out of range");
  EXPECT_EQ(parse(R"({"process.pid":"99999999999999999999"})"),
            R"(field 'process.pid': integer "99999999999999999999" out of range)");
}

TEST_F(JsonReaderTest, BuiltInFieldsHaveNoSubFields) {
  const std::string want = "field 'process.pid': expected integer, got object";
  EXPECT_EQ(parse(R"({"process":{"pid":{"value":1}}})"), want);
  EXPECT_EQ(parse(R"({"process":{"pid":{}}})"), want);
  EXPECT_EQ(parse(R"({"process.pid.value":1})"), want);
  EXPECT_EQ(parse(R"({"process.pid.value":1})"), want);  // the cached verdict
  EXPECT_EQ(parse(R"({"process":{"pid.value":1}})"), want);
  EXPECT_EQ(parse(R"({"process.pid":1,"process":{"pid":{"value":1}}})"), want);
  EXPECT_EQ(parse(R"({"source":{"ip":{"v":"1.2.3.4"}}})"),
            "field 'source.ip': expected IP address string, got object");
  EXPECT_EQ(parse(R"({"process.args.0":"x"})"),
            "field 'process.args': expected array of strings, got object");
  EXPECT_EQ(reg_.find("process.pid.value"), kInvalidField);
  // Fields that are not built in may have both a value and sub-fields.
  ASSERT_EQ(parse(R"({"custom":"v","custom.sub":"w","custom":{"deeper":{"x":1}}})"), "");
  EXPECT_EQ(str("custom"), "v");
  EXPECT_EQ(str("custom.sub"), "w");
  EXPECT_EQ(str("custom.deeper.x"), "1");
}

TEST_F(JsonReaderTest, UnsignedFields) {
  ASSERT_EQ(parse(R"({"event.sequence":18446744073709551615})"), "");
  EXPECT_EQ(get("event.sequence").u, UINT64_MAX);
  ASSERT_EQ(parse(R"({"event.sequence":"7"})"), "");
  EXPECT_EQ(get("event.sequence").u, 7u);
  EXPECT_EQ(get("event.sequence").type, FieldType::kUInt);
  EXPECT_EQ(parse(R"({"event.sequence":-1})"),
            "field 'event.sequence': expected unsigned integer, got number -1");
  EXPECT_EQ(parse(R"({"event.sequence":"-1"})"),
            R"(field 'event.sequence': expected unsigned integer, got string "-1")");
  EXPECT_EQ(parse(R"({"event.sequence":false})"),
            "field 'event.sequence': expected unsigned integer, got bool false");
}

TEST_F(JsonReaderTest, BoolFields) {
  ASSERT_TRUE(reg_.define("file.hidden", FieldType::kBool));
  JsonEventReader r(reg_);
  ASSERT_EQ(parse_with(r, R"({"file":{"hidden":true}})"), "");
  EXPECT_EQ(get("file.hidden").i, 1);
  ASSERT_EQ(parse_with(r, R"({"file.hidden":"false"})"), "");
  EXPECT_EQ(get("file.hidden").i, 0);
  EXPECT_EQ(get("file.hidden").type, FieldType::kBool);
  EXPECT_EQ(parse_with(r, R"({"file.hidden":1})"),
            "field 'file.hidden': expected bool, got number 1");
  EXPECT_EQ(parse_with(r, R"({"file.hidden":"yes"})"),
            R"(field 'file.hidden': expected bool, got string "yes")");
}

TEST_F(JsonReaderTest, IpFields) {
  ASSERT_EQ(parse(R"({"source.ip":"10.1.2.3","destination.ip":"2001:db8::1"})"), "");
  EXPECT_TRUE(get("source.ip").ip->is_v4);
  EXPECT_EQ(get("source.ip").ip->to_string(), "10.1.2.3");
  EXPECT_FALSE(get("destination.ip").ip->is_v4);
  EXPECT_EQ(get("destination.ip").ip->to_string(), "2001:db8::1");
  ASSERT_EQ(parse(R"({"source.ip":"::1","destination.ip":"::ffff:1.2.3.4"})"), "");
  EXPECT_EQ(get("source.ip").ip->to_string(), "::1");
  EXPECT_EQ(get("destination.ip").ip->to_string(), "::ffff:1.2.3.4");
  EXPECT_EQ(parse(R"({"source.ip":"300.1.1.1"})"),
            R"(field 'source.ip': invalid IP address "300.1.1.1")");
  EXPECT_EQ(parse(R"({"source.ip":"1.2.3.4 "})"),
            R"(field 'source.ip': invalid IP address "1.2.3.4 ")");
  EXPECT_EQ(parse(R"({"source.ip":"2001:db8:::1"})"),
            R"(field 'source.ip': invalid IP address "2001:db8:::1")");
  EXPECT_EQ(parse(R"({"source.ip":""})"), R"(field 'source.ip': invalid IP address "")");
  EXPECT_EQ(parse(R"({"source.ip":167837953})"),
            "field 'source.ip': expected IP address string, got number 167837953");
}

TEST_F(JsonReaderTest, TimestampForms) {
  const int64_t t = 1'700'000'000'000'000'000;
  const std::vector<std::pair<std::string, int64_t>> good = {
      {R"("2023-11-14T22:13:20Z")", t},
      {R"("2023-11-14T22:13:20.123456789Z")", t + 123'456'789},
      {R"("2023-11-15T01:13:20.5+03:00")", t + 500'000'000},
      {R"("2023-11-14T17:13:20-05:00")", t},
      {"1700000000", t},
      {"1700000000123", t + 123'000'000},
      {"1700000000123456", t + 123'456'000},
      {"1700000000123456789", t + 123'456'789},
      {"1700000000.25", t + 250'000'000},
      {R"("1700000000")", t},
      {"0", 0},
      {"-1", -1'000'000'000},
  };
  for (const auto& [text, ns] : good) {
    ASSERT_EQ(parse(R"({"@timestamp":)" + text + "}"), "") << text;
    EXPECT_EQ(ev_.time_ns(), ns) << text;
    EXPECT_EQ(get("@timestamp").type, FieldType::kTimestamp);
  }
  ASSERT_EQ(parse(R"({"process":{"start":"2023-11-14T22:13:20Z"}})"), "");
  EXPECT_EQ(get("process.start").i, t);

  EXPECT_EQ(parse(R"({"@timestamp":"2023-13-01T00:00:00Z"})"),
            R"(field '@timestamp': invalid timestamp "2023-13-01T00:00:00Z": month out of range)");
  EXPECT_EQ(parse(R"({"@timestamp":"yesterday"})"),
            R"(field '@timestamp': invalid timestamp "yesterday": expected YYYY-MM-DDTHH:MM:SS)");
  EXPECT_EQ(
      parse(R"({"@timestamp":"2023-11-14T22:13:20"})"),
      R"(field '@timestamp': invalid timestamp "2023-11-14T22:13:20": missing time zone (Z or +hh:mm))");
  EXPECT_EQ(
      parse(R"({"@timestamp":"2300-01-01T00:00:00Z"})"),
      R"(field '@timestamp': invalid timestamp "2300-01-01T00:00:00Z": out of range (representable: 1677-09-21 to 2262-04-11))");
  EXPECT_EQ(parse(R"({"@timestamp":1e30})"), "field '@timestamp': timestamp 1e+30 out of range");
  EXPECT_EQ(parse(R"({"@timestamp":18446744073709551615})"),
            "field '@timestamp': timestamp 18446744073709551615 out of range");
  EXPECT_EQ(parse(R"({"@timestamp":9300000000})"),
            "field '@timestamp': timestamp 9300000000 out of range");
  EXPECT_EQ(parse(R"({"@timestamp":"99999999999999999999"})"),
            R"(field '@timestamp': timestamp "99999999999999999999" out of range)");
  EXPECT_EQ(parse(R"({"@timestamp":true})"),
            "field '@timestamp': expected timestamp, got bool true");
  EXPECT_EQ(parse(R"({"@timestamp":["2023-11-14T22:13:20Z"]})"),
            "field '@timestamp': expected timestamp, got array");
}

TEST_F(JsonReaderTest, StringListFields) {
  ASSERT_EQ(parse(R"({"process":{"args":["bash","-c","id"]}})"), "");
  EXPECT_EQ(list("process.args"), (std::vector<std::string>{"bash", "-c", "id"}));
  ASSERT_EQ(parse(R"({"process.args":"single"})"), "");
  EXPECT_EQ(list("process.args"), (std::vector<std::string>{"single"}));
  ASSERT_EQ(parse(R"({"process.args":[1,"x",true,2.5]})"), "");
  EXPECT_EQ(list("process.args"), (std::vector<std::string>{"1", "x", "true", "2.5"}));
  ASSERT_EQ(parse(R"({"process.args":[]})"), "");
  EXPECT_TRUE(list("process.args").empty());
  ASSERT_EQ(parse(R"({"process.args":7})"), "");
  EXPECT_EQ(list("process.args"), (std::vector<std::string>{"7"}));
  EXPECT_EQ(parse(R"({"process.args":["a",{"b":1}]})"),
            "field 'process.args': expected array of strings, got array containing object");
  EXPECT_EQ(parse(R"({"process.args":["a",["b"]]})"),
            "field 'process.args': expected array of strings, got array containing array");
  EXPECT_EQ(parse(R"({"process.args":["a",null]})"),
            "field 'process.args': expected array of strings, got array containing null");
  EXPECT_EQ(parse(R"({"process":{"args":{"a":"b"}}})"),
            "field 'process.args': expected array of strings, got object");
}

// Values of another JSON type than the field's are converted when nothing is lost, and are
// then not type mismatches.
TEST_F(JsonReaderTest, LosslessConversionsIntoDeclaredTypes) {
  // Integer text into integer fields (ECS long, unsigned).
  ASSERT_EQ(parse(R"({"process":{"parent":{"args_count":"42"}},"event.sequence":"7"})"), "");
  EXPECT_EQ(get("process.parent.args_count").type, FieldType::kInt);
  EXPECT_EQ(get("process.parent.args_count").i, 42);
  EXPECT_EQ(get("event.sequence").u, 7u);
  // Numbers and bools into string (keyword) fields: their JSON text.
  ASSERT_EQ(parse(R"({"host.os.type":42,"host.os.name":true,"host.os.version":1.5})"), "");
  EXPECT_EQ(str("host.os.type"), "42");
  EXPECT_EQ(str("host.os.name"), "true");
  EXPECT_EQ(str("host.os.version"), "1.5");
  // A single scalar into a string-list field: a one-item list.
  ASSERT_EQ(parse(R"({"process.env_vars":"PATH=/bin","process.Ext.ancestry":7})"), "");
  EXPECT_EQ(list("process.env_vars"), (std::vector<std::string>{"PATH=/bin"}));
  EXPECT_EQ(list("process.Ext.ancestry"), (std::vector<std::string>{"7"}));
  // "true" / "false" into bool fields.
  ASSERT_EQ(parse(R"({"process.interactive":"true","process.parent.interactive":"false"})"), "");
  EXPECT_EQ(get("process.interactive").type, FieldType::kBool);
  EXPECT_EQ(get("process.interactive").i, 1);
  EXPECT_EQ(get("process.parent.interactive").i, 0);
  // RFC 3339 text, epoch-ms integers and epoch-ms text into timestamp (ECS date) fields.
  ASSERT_EQ(parse(R"({"event.created":"2023-11-14T22:13:20Z","event.ingested":1700000000000,)"
                  R"("process.end":"1700000000000"})"),
            "");
  EXPECT_EQ(get("event.created").type, FieldType::kTimestamp);
  EXPECT_EQ(get("event.created").i, 1'700'000'000'000'000'000);
  EXPECT_EQ(get("event.ingested").i, 1'700'000'000'000'000'000);
  EXPECT_EQ(get("process.end").i, 1'700'000'000'000'000'000);
  // Address text into ip fields; a list of addresses into an ECS ip array.
  ASSERT_EQ(parse(R"({"client.ip":"10.0.0.1","host.ip":["10.0.0.2","fe80::1"]})"), "");
  EXPECT_EQ(get("client.ip").ip->to_string(), "10.0.0.1");
  EXPECT_EQ(list("host.ip"), (std::vector<std::string>{"10.0.0.2", "fe80::1"}));
  EXPECT_TRUE(reg_.type_mismatch_counts().empty());
}

// A value that no lossless conversion fits rejects the line with a reason naming the field
// (as before), and is counted for that field in the registry: never silently dropped.
TEST_F(JsonReaderTest, TypeMismatchesAreRejectedAndCountedPerField) {
  const auto count = [&](std::string_view name) { return reg_.type_mismatches(reg_.find(name)); };
  struct Case {
    const char* line;
    const char* field;
    const char* reason;
  };
  const Case cases[] = {
      {R"({"process.interactive":"yes"})", "process.interactive",
       R"(field 'process.interactive': expected bool, got string "yes")"},
      {R"({"process.interactive":1})", "process.interactive",
       "field 'process.interactive': expected bool, got number 1"},
      {R"({"process.parent.args_count":"abc"})", "process.parent.args_count",
       R"(field 'process.parent.args_count': expected integer, got string "abc")"},
      {R"({"process.parent.args_count":1.5})", "process.parent.args_count",
       "field 'process.parent.args_count': expected integer, got number 1.5"},
      {R"({"process.parent.args_count":[1]})", "process.parent.args_count",
       "field 'process.parent.args_count': expected integer, got array"},
      {R"({"process.parent.args_count":"99999999999999999999"})", "process.parent.args_count",
       R"(field 'process.parent.args_count': integer "99999999999999999999" out of range)"},
      {R"({"process":{"parent":{"args_count":{"n":1}}}})", "process.parent.args_count",
       "field 'process.parent.args_count': expected integer, got object"},
      {R"({"event.sequence":-1})", "event.sequence",
       "field 'event.sequence': expected unsigned integer, got number -1"},
      {R"({"client.ip":"300.1.1.1"})", "client.ip",
       R"(field 'client.ip': invalid IP address "300.1.1.1")"},
      {R"({"client.ip":167837953})", "client.ip",
       "field 'client.ip': expected IP address string, got number 167837953"},
      {R"({"event.created":"yesterday"})", "event.created",
       R"(field 'event.created': invalid timestamp "yesterday": expected YYYY-MM-DDTHH:MM:SS)"},
      {R"({"event.created":true})", "event.created",
       "field 'event.created': expected timestamp, got bool true"},
      {R"({"process.env_vars":[{"a":1}]})", "process.env_vars",
       "field 'process.env_vars': expected array of strings, got array containing object"},
      {R"({"host.os.type":["linux"]})", "host.os.type",
       "field 'host.os.type': expected string, got array"},
      {R"({"process.pid.x":1})", "process.pid",
       "field 'process.pid': expected integer, got object"},
  };
  std::map<std::string, uint64_t> want;
  for (const Case& c : cases) {
    EXPECT_EQ(parse(c.line), c.reason) << c.line;
    ++want[c.field];
    EXPECT_EQ(count(c.field), want[c.field]) << c.line;
  }
  // Only the fields named above were counted, each once per rejected value.
  std::map<std::string, uint64_t> got;
  for (const auto& [id, n] : reg_.type_mismatch_counts()) got[reg_.info(id).name] = n;
  EXPECT_EQ(got, want);
  // The cached "below a built-in" path counts again.
  EXPECT_NE(parse(R"({"process.pid.x":1})"), "");
  EXPECT_EQ(count("process.pid"), 2u);
}

TEST_F(JsonReaderTest, UnknownFieldsAreRegisteredAndKept) {
  const size_t before = reg_.size();
  ASSERT_EQ(parse(R"({"custom":{"n":5,"f":1.5,"b":false,"s":"x","arr":["a","b"],"nums":[1,2],)"
                  R"("mixed":[1,"a"],"objs":[{"a":1},{"b":[null,true]}],"empty":[]}})"),
            "");
  EXPECT_EQ(reg_.size(), before + 9);
  EXPECT_EQ(str("custom.n"), "5");
  EXPECT_EQ(str("custom.f"), "1.5");
  EXPECT_EQ(str("custom.b"), "false");
  EXPECT_EQ(str("custom.s"), "x");
  EXPECT_EQ(list("custom.arr"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(list("custom.nums"), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(str("custom.mixed"), R"([1,"a"])");
  EXPECT_EQ(str("custom.objs"), R"([{"a":1},{"b":[null,true]}])");
  EXPECT_TRUE(list("custom.empty").empty());
  EXPECT_EQ(reg_.type(reg_.find("custom.n")), FieldType::kString);
  EXPECT_EQ(reg_.type(reg_.find("custom.arr")), FieldType::kStringList);
  EXPECT_FALSE(reg_.info(reg_.find("custom.arr")).builtin);

  // The registered type then holds for later events: an array for a non-built-in string
  // field is kept as JSON text, a scalar for a list field becomes a one-item list.
  ASSERT_EQ(parse(R"({"custom":{"n":["a", "b"],"arr":"z"}})"), "");
  EXPECT_EQ(str("custom.n"), R"(["a","b"])");
  EXPECT_EQ(list("custom.arr"), (std::vector<std::string>{"z"}));
  EXPECT_EQ(reg_.size(), before + 9);
}

TEST_F(JsonReaderTest, FullRegistrySkipsTheFieldNotTheEvent) {
  for (size_t k = 0; reg_.size() < FieldRegistry::kMaxFields; ++k) {
    ASSERT_NE(reg_.intern("filler." + std::to_string(k)), kInvalidField);
  }
  JsonEventReader r(reg_);
  ASSERT_EQ(parse_with(r, R"({"process.name":"x","brand.new":"y","other.new":[1]})"), "");
  EXPECT_EQ(str("process.name"), "x");
  EXPECT_EQ(ev_.field_count(), 1u);
  EXPECT_EQ(r.skipped_fields(), 2u);
  ASSERT_EQ(parse_with(r, R"({"brand.new":"y"})"), "");  // the cached miss counts again
  EXPECT_EQ(r.skipped_fields(), 3u);
}

TEST_F(JsonReaderTest, CategoryFromFirstElement) {
  ASSERT_EQ(parse(R"({"event":{"category":["network","process"]}})"), "");
  EXPECT_EQ(ev_.category(), categories::kNetwork);
  ASSERT_EQ(parse(R"({"event.category":"file"})"), "");
  EXPECT_EQ(ev_.category(), categories::kFile);
  ASSERT_EQ(parse(R"({"event.category":["registry"]})"), "");
  EXPECT_NE(ev_.category(), categories::kUnknown);
  EXPECT_EQ(reg_.category_name(ev_.category()), "registry");
  const CategoryId registry_cat = ev_.category();
  ASSERT_EQ(parse(R"({"event.category":["registry"]})"), "");
  EXPECT_EQ(ev_.category(), registry_cat);
  ASSERT_EQ(parse(R"({"event.category":[]})"), "");
  EXPECT_EQ(ev_.category(), categories::kUnknown);
  ASSERT_EQ(parse(R"({"process.name":"x"})"), "");
  EXPECT_EQ(ev_.category(), categories::kUnknown);
}

TEST_F(JsonReaderTest, OptionsAdaptOtherDialects) {
  // The EQL test data: category in event_type, FILETIME timestamps in "timestamp".
  ReaderOptions opt;
  opt.category_field = "event_type";
  opt.timestamp_field = "timestamp";
  opt.epoch_unit = EpochUnit::kFileTime;
  JsonEventReader r(reg_, opt);
  ASSERT_EQ(parse_with(r, R"({"event_type":"process","timestamp":131485997150000000,)"
                          R"("process_name":"cmd.exe","unique_pid":4})"),
            "");
  EXPECT_EQ(ev_.category(), categories::kProcess);
  EXPECT_EQ(ev_.time_ns(), 1'504'126'115'000'000'000);
  EXPECT_EQ(str("process_name"), "cmd.exe");
  EXPECT_EQ(str("event_type"), "process");
  EXPECT_EQ(str("unique_pid"), "4");
  EXPECT_EQ(reg_.find("timestamp"), kInvalidField);  // stored as @timestamp only
  // The reader's options apply to every timestamp field.
  ASSERT_EQ(parse_with(r, R"({"process.start":116444736000000000})"), "");
  EXPECT_EQ(get("process.start").i, 0);
  EXPECT_EQ(parse_with(r, R"({"timestamp":"soon"})"),
            R"(field 'timestamp': invalid timestamp "soon": expected YYYY-MM-DDTHH:MM:SS)");

  ReaderOptions ms;
  ms.epoch_unit = EpochUnit::kMillis;
  JsonEventReader rm(reg_, ms);
  ASSERT_EQ(parse_with(rm, R"({"@timestamp":1000})"), "");
  EXPECT_EQ(ev_.time_ns(), 1'000'000'000);
}

TEST_F(JsonReaderTest, RejectsWhatIsNotAJsonObject) {
  EXPECT_EQ(parse("[1,2]"), "not a JSON object (got array)");
  EXPECT_EQ(parse(R"("text")"), "not a JSON object (got string)");
  EXPECT_EQ(parse("42"), "not a JSON object (got number)");
  EXPECT_EQ(parse("null"), "not a JSON object (got null)");
  EXPECT_EQ(parse(""), "empty line");
  EXPECT_EQ(parse(R"({"a":})"),
            "invalid JSON: bad structure (unbalanced brackets, missing or extra commas or keys)");
  EXPECT_EQ(parse(R"({"a":1)"),
            "invalid JSON: bad structure (unbalanced brackets, missing or extra commas or keys)");
  EXPECT_EQ(parse(R"({"a":1} {"b":2})"),
            "invalid JSON: bad structure (unbalanced brackets, missing or extra commas or keys)");
  EXPECT_EQ(parse(R"({"a":tru})"), "invalid JSON: bad literal (expected true, false or null)");
  EXPECT_EQ(parse(R"({"a":01})"), "invalid JSON: malformed or out-of-range number");
  EXPECT_EQ(parse(R"({"a":1e400})"), "invalid JSON: malformed or out-of-range number");
  EXPECT_EQ(parse(R"({"a":"\ud800"})"),
            "invalid JSON: malformed string (bad escape or lone surrogate)");
  EXPECT_EQ(parse(R"({"a":"\q"})"),
            "invalid JSON: malformed string (bad escape or lone surrogate)");
  EXPECT_EQ(parse("{\"a\":\"x\ty\"}"), "invalid JSON: unescaped control character in string");
  EXPECT_EQ(parse(R"({"a":"x)"), "invalid JSON: unclosed string");
  // After errors the reader keeps working.
  ASSERT_EQ(parse(R"({"process.name":"ok"})"), "");
  EXPECT_EQ(str("process.name"), "ok");
}

TEST_F(JsonReaderTest, InvalidUtf8) {
  EXPECT_EQ(parse("{\"process.name\":\"\xff\"}"), "invalid UTF-8");
  EXPECT_EQ(parse("{\"process.name\":\"\xc3\"}"), "invalid UTF-8");          // truncated
  EXPECT_EQ(parse("{\"process.name\":\"\xc0\xaf\"}"), "invalid UTF-8");      // overlong '/'
  EXPECT_EQ(parse("{\"process.name\":\"\xed\xa0\x80\"}"), "invalid UTF-8");  // surrogate
  EXPECT_EQ(parse("{\"\xfe\":1}"), "invalid UTF-8");                         // in a key
  ASSERT_EQ(parse("{\"process.name\":\"gr\xc3\xbc\xc3\x9f \xf0\x9f\x98\x80\"}"), "");
  EXPECT_EQ(str("process.name"), "gr\xc3\xbc\xc3\x9f \xf0\x9f\x98\x80");
}

TEST_F(JsonReaderTest, NestingLimit) {
  auto nest = [](int levels) {
    std::string s;
    for (int k = 1; k < levels; ++k) s += "{\"a\":";
    s += "{\"a\":1}";
    for (int k = 1; k < levels; ++k) s += "}";
    return s;
  };
  ASSERT_EQ(parse(nest(32)), "");
  std::string deep_name = "a";
  for (int k = 1; k < 32; ++k) deep_name += ".a";
  EXPECT_EQ(str(deep_name), "1");
  EXPECT_EQ(parse(nest(33)), "nesting deeper than 32 levels");
  // An array counts as a level too.
  EXPECT_EQ(parse("{\"x\":" + std::string(32, '[') + "1" + std::string(32, ']') + "}"),
            "nesting deeper than 32 levels");
  ASSERT_EQ(parse("{\"x\":" + std::string(31, '[') + "1" + std::string(31, ']') + "}"), "");
  // simdjson does not count an empty innermost [] or {} as a level.
  ASSERT_EQ(parse("{\"x\":" + std::string(32, '[') + std::string(32, ']') + "}"), "");

  // Hostile depth: 10k brackets, balanced or not, never crash or recurse.
  EXPECT_EQ(parse(std::string(10000, '[')),
            "invalid JSON: bad structure (unbalanced brackets, missing or extra commas or keys)");
  std::string braces;
  for (int k = 0; k < 10000; ++k) braces += "{\"a\":";
  EXPECT_NE(parse(braces), "");
  EXPECT_EQ(parse(std::string(10000, '[') + std::string(10000, ']')),
            "nesting deeper than 32 levels");
  EXPECT_EQ(parse(nest(10000)), "nesting deeper than 32 levels");

  ReaderOptions deep;
  deep.max_depth = 200;
  JsonEventReader r(reg_, deep);
  EXPECT_EQ(parse_with(r, R"({"x":)" + std::string(199, '[') + "1" + std::string(199, ']') + "}"),
            "");
  EXPECT_EQ(parse_with(r, R"({"x":)" + std::string(200, '[') + "1" + std::string(200, ']') + "}"),
            "nesting deeper than 200 levels");
  EXPECT_EQ(parse_with(r, nest(201)), "nesting deeper than 200 levels");
}

TEST_F(JsonReaderTest, TooManyFieldsRegistersNoMoreNames) {
  std::string line = "{";
  for (size_t k = 0; k <= Event::kMaxFields; ++k) {
    if (k > 0) line += ",";
    line += "\"f" + std::to_string(k) + "\":1";
  }
  line += "}";
  const size_t before = reg_.size();
  EXPECT_EQ(parse(line), "more than 4096 fields");
  EXPECT_EQ(reg_.size(), before + Event::kMaxFields);
  // Exactly at the limit is fine, and repeating a key does not count twice.
  line = "{";
  for (size_t k = 0; k < Event::kMaxFields; ++k) line += "\"f" + std::to_string(k) + "\":1,";
  line += "\"f0\":2}";
  ASSERT_EQ(parse(line), "");
  EXPECT_EQ(ev_.field_count(), Event::kMaxFields);
  EXPECT_EQ(str("f0"), "2");
}

TEST_F(JsonReaderTest, LongFieldNamesAreRejected) {
  const std::string name(1025, 'k');
  EXPECT_EQ(parse("{\"" + name + "\":1}"),
            "field name longer than 1024 bytes: '" + std::string(100, 'k') + "...'");
  EXPECT_EQ(reg_.find(name), kInvalidField);
  // A nested path counts with its dots.
  const std::string half(512, 'h');
  EXPECT_EQ(parse("{\"" + half + "\":{\"" + half + "\":1}}").substr(0, 32),
            "field name longer than 1024 byte");
  ASSERT_EQ(parse("{\"" + std::string(1024, 'k') + "\":1}"), "");
}

TEST_F(JsonReaderTest, ReasonsQuoteInputSafely) {
  // Control characters (ESC, NUL, C1 CSI) are escaped; the quote is cut at 60 bytes.
  EXPECT_EQ(parse(R"({"process.pid":"\u001b[31mred\u0000\u009b"})"),
            R"(field 'process.pid': expected integer, got string "\x1b[31mred\x00\u009b")");
  EXPECT_EQ(parse(R"({"process.pid":"quote\" back\\ tab\t nl\n"})"),
            R"(field 'process.pid': expected integer, got string "quote\" back\\ tab\t nl\n")");
  const std::string long_value(500, 'v');
  EXPECT_EQ(
      parse(R"({"process.pid":")" + long_value + "\"}"),
      R"(field 'process.pid': expected integer, got string ")" + std::string(60, 'v') + "...\"");
  // Multi-byte characters are never split.
  std::string euros;
  for (int k = 0; k < 30; ++k) euros += "\xe2\x82\xac";
  EXPECT_EQ(parse(R"({"source.ip":")" + euros + "\"}"),
            "field 'source.ip': invalid IP address \"" + euros.substr(0, 60) + "...\"");
  // Field names with control characters are escaped too.
  ASSERT_TRUE(reg_.define("x\ay", FieldType::kInt));
  JsonEventReader r(reg_);
  EXPECT_EQ(parse_with(r, R"({"x\u0007y":"abc"})"),
            R"(field 'x\x07y': expected integer, got string "abc")");
}

TEST_F(JsonReaderTest, LargeValuesUnderTheLimit) {
  const std::string big(500 * 1024, 'x');
  ASSERT_EQ(parse(R"({"process.command_line":")" + big + R"(","process.pid":1})"), "");
  EXPECT_EQ(str("process.command_line"), big);
  ReaderOptions small;
  small.max_line_bytes = 100;
  JsonEventReader r(reg_, small);
  EXPECT_EQ(parse_with(r, R"({"process.command_line":")" + std::string(100, 'y') + "\"}"),
            "line exceeds 100 bytes");
  ASSERT_EQ(parse_with(r, R"({"process.name":"short"})"), "");
}

TEST_F(JsonReaderTest, PaddedParseNeedsNoCopy) {
  std::string buf = R"({"process.name":"a"}{"process.name":"b"})";
  buf.append(JsonEventReader::kPadding, 'Z');
  Event e;
  ASSERT_TRUE(reader_.parse_padded(buf.data(), 20, e)) << reader_.error();
  FieldView v;
  ASSERT_TRUE(e.get(fields::kProcessName, v));
  EXPECT_EQ(v.s, "a");
  e.clear();
  ASSERT_TRUE(reader_.parse_padded(buf.data() + 20, 20, e)) << reader_.error();
  ASSERT_TRUE(e.get(fields::kProcessName, v));
  EXPECT_EQ(v.s, "b");
}

TEST(MalformedLine, Formats) {
  EXPECT_EQ((MalformedLine{17, "field 'process.pid': bad"}).to_string(),
            "line 17: field 'process.pid': bad");
}

}  // namespace
}  // namespace wsn
