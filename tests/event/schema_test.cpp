#include "wsn/schema.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "wsn/event.h"

namespace wsn {
namespace {

TEST(FieldRegistry, BuiltinsHaveFixedIdsAndTypes) {
  FieldRegistry r;
  EXPECT_EQ(r.find("@timestamp"), fields::kTimestamp);
  EXPECT_EQ(r.find("process.name"), fields::kProcessName);
  EXPECT_EQ(r.type(fields::kProcessPid), FieldType::kInt);
  EXPECT_EQ(r.type(fields::kDestinationIp), FieldType::kIp);
  EXPECT_EQ(r.type(fields::kProcessArgs), FieldType::kStringList);
  EXPECT_EQ(r.type(fields::kEventSequence), FieldType::kUInt);
  EXPECT_EQ(r.info(fields::kProcessParentExecutable).name, "process.parent.executable");
  EXPECT_TRUE(r.info(fields::kHostName).builtin);
}

TEST(FieldRegistry, UnknownFieldsAreInternedAsStrings) {
  FieldRegistry r;
  EXPECT_EQ(r.find("custom.thing"), kInvalidField);
  const FieldId id = r.intern("custom.thing");
  EXPECT_NE(id, kInvalidField);
  EXPECT_EQ(r.find("custom.thing"), id);
  EXPECT_EQ(r.intern("custom.thing", FieldType::kInt), id);  // existing type wins
  EXPECT_EQ(r.type(id), FieldType::kString);
  EXPECT_FALSE(r.info(id).builtin);
}

TEST(FieldRegistry, DefineExtendsButNeverRetypesBuiltins) {
  FieldRegistry r;
  EXPECT_TRUE(r.define("pid", FieldType::kInt));
  EXPECT_EQ(r.type(r.find("pid")), FieldType::kInt);
  EXPECT_TRUE(r.define("pid", FieldType::kUInt));
  EXPECT_EQ(r.type(r.find("pid")), FieldType::kUInt);
  EXPECT_FALSE(r.define("process.pid", FieldType::kString));
  EXPECT_TRUE(r.define("process.pid", FieldType::kInt));
}

TEST(FieldRegistry, GrowthIsBoundedAndCounted) {
  FieldRegistry r;
  size_t accepted = 0;
  for (size_t k = 0; k < FieldRegistry::kMaxFields + 10; ++k) {
    if (r.intern("f" + std::to_string(k)) != kInvalidField) ++accepted;
  }
  EXPECT_EQ(r.size(), FieldRegistry::kMaxFields);
  EXPECT_EQ(accepted, FieldRegistry::kMaxFields - fields::kBuiltinCount);
  EXPECT_EQ(r.overflow_count(), 10u + fields::kBuiltinCount);
}

TEST(FieldRegistry, ConcurrentInternAgreesOnIds) {
  FieldRegistry r;
  std::vector<std::vector<FieldId>> seen(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < 500; ++k) seen[t].push_back(r.intern("x." + std::to_string(k)));
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 1; t < 4; ++t) EXPECT_EQ(seen[t], seen[0]);
  EXPECT_EQ(r.size(), fields::kBuiltinCount + 500u);
}

TEST(FieldRegistry, TheTableIsTheWholeBuiltinSchema) {
  FieldRegistry r;
  ASSERT_GE(fields::kBuiltinCount, 600u);
  EXPECT_EQ(r.size(), fields::kBuiltinCount);
  EXPECT_GE(FieldRegistry::kMaxFields, fields::kBuiltinCount * 2u);  // room for unknown fields
  std::set<std::string> names;
  for (FieldId id = 0; id < fields::kBuiltinCount; ++id) {
    const FieldInfo& f = r.info(id);
    EXPECT_TRUE(f.builtin) << f.name;
    EXPECT_TRUE(names.insert(f.name).second) << "duplicate row " << f.name;
    EXPECT_EQ(r.find(f.name), id) << f.name;
  }
  // A built-in field has no sub-fields (the JSON reader relies on it), so no row may be a
  // dotted prefix of another.
  for (const std::string& n : names) {
    for (size_t dot = n.find('.'); dot != std::string::npos; dot = n.find('.', dot + 1)) {
      EXPECT_EQ(names.count(n.substr(0, dot)), 0u) << n;
    }
  }
  // The identified (collector) fields keep their ids, all directly indexed by events.
  EXPECT_EQ(fields::kTimestamp, 0);
  EXPECT_EQ(fields::kWsnLiveDecisions, fields::kIdentifiedCount - 1);
  EXPECT_LE(fields::kIdentifiedCount, Event::kIndexedFields);
}

TEST(FieldRegistry, EcsAndDefendFieldsAreTypedAsEcsTypesThem) {
  FieldRegistry r;
  const std::pair<const char*, FieldType> want[] = {
      {"host.os.type", FieldType::kString},            // keyword
      {"process.parent.args_count", FieldType::kInt},  // long
      {"process.interactive", FieldType::kBool},       // boolean
      {"process.entry_leader.entry_meta.type", FieldType::kString},
      {"process.session_leader.pid", FieldType::kInt},
      {"process.group_leader.real_user.id", FieldType::kString},
      {"process.previous.args", FieldType::kStringList},  // keyword, array
      {"process.env_vars", FieldType::kStringList},
      {"user.effective.group.id", FieldType::kString},
      {"file.hash.sha256", FieldType::kString},
      {"file.size", FieldType::kInt},
      {"file.mtime", FieldType::kTimestamp},  // date
      {"client.ip", FieldType::kIp},          // ip
      {"host.ip", FieldType::kStringList},    // ip, array: a list of addresses
      {"dns.question.name", FieldType::kString},
      {"dns.resolved_ip", FieldType::kStringList},
      {"http.response.status_code", FieldType::kInt},
      {"tls.established", FieldType::kBool},
      {"url.full", FieldType::kString},          // wildcard
      {"message", FieldType::kString},           // match_only_text
      {"data_stream.type", FieldType::kString},  // constant_keyword
      {"event.created", FieldType::kTimestamp},
      {"orchestrator.namespace", FieldType::kString},
      {"cloud.account.id", FieldType::kString},
      {"container.image.name", FieldType::kString},
      // Elastic Defend extension fields (not ECS) that Elastic's Linux rules read.
      {"file.Ext.original.path", FieldType::kString},
      {"process.Ext.memfd.name", FieldType::kString},
      {"process.Ext.memfd.flag_exec", FieldType::kBool},
      {"process.Ext.ancestry", FieldType::kStringList},
      {"user.Ext.real.id", FieldType::kString},
  };
  for (const auto& [name, type] : want) {
    const FieldId id = r.find(name);
    ASSERT_NE(id, kInvalidField) << name;
    EXPECT_LT(id, fields::kBuiltinCount) << name;
    EXPECT_EQ(r.type(id), type) << name;
  }
  // Types the engine cannot hold are not built in (float, geo_point, object, flattened,
  // nested; multi-fields; fields inside arrays of objects).
  for (const char* name :
       {"host.cpu.usage", "source.geo.location", "labels", "process.io",
        "process.command_line.text", "dns.answers.name", "threat.enrichments.indicator.ip"}) {
    EXPECT_EQ(r.find(name), kInvalidField) << name;
  }
}

TEST(FieldRegistry, TypeMismatchesAreCountedPerField) {
  FieldRegistry r;
  EXPECT_TRUE(r.type_mismatch_counts().empty());
  r.note_type_mismatch(fields::kProcessPid);
  r.note_type_mismatch(fields::kProcessPid);
  const FieldId custom = r.intern("custom.n");
  r.note_type_mismatch(custom);
  r.note_type_mismatch(kInvalidField);  // ignored, not a crash
  EXPECT_EQ(r.type_mismatches(fields::kProcessPid), 2u);
  EXPECT_EQ(r.type_mismatches(custom), 1u);
  EXPECT_EQ(r.type_mismatches(fields::kProcessName), 0u);
  EXPECT_EQ(r.type_mismatches(kInvalidField), 0u);
  const std::vector<std::pair<FieldId, uint64_t>> want = {{fields::kProcessPid, 2}, {custom, 1}};
  EXPECT_EQ(r.type_mismatch_counts(), want);

  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int k = 0; k < 1000; ++k) r.note_type_mismatch(fields::kSourceIp);
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(r.type_mismatches(fields::kSourceIp), 4000u);
}

TEST(FieldRegistry, Categories) {
  FieldRegistry r;
  EXPECT_EQ(r.find_category("process"), categories::kProcess);
  EXPECT_EQ(r.find_category("registry"), categories::kUnknown);
  const CategoryId c = r.intern_category("registry");
  EXPECT_GE(c, categories::kBuiltinCount);
  EXPECT_EQ(r.category_name(c), "registry");
}

TEST(FieldTypes, NamesRoundTrip) {
  for (auto t : {FieldType::kString, FieldType::kInt, FieldType::kUInt, FieldType::kBool,
                 FieldType::kIp, FieldType::kTimestamp, FieldType::kStringList}) {
    EXPECT_EQ(parse_field_type(field_type_name(t)), t);
  }
  EXPECT_FALSE(parse_field_type("float").has_value());
}

}  // namespace
}  // namespace wsn
