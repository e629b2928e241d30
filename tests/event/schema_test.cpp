#include "wsn/schema.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

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
