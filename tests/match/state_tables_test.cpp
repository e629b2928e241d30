// Flat tables behind the engine's hot path: StringSet (`in` lists, exact patterns, equality
// index), KeyPool and IdTable (sequence state). Checked against std containers.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "match/state_tables.h"
#include "match/strings.h"

namespace wsn::match {
namespace {

TEST(StringSet, ExactAndFoldedMembership) {
  StringSet exact(false);
  EXPECT_FALSE(exact.contains("bash"));
  EXPECT_EQ(exact.insert("bash"), 0u);
  EXPECT_EQ(exact.insert("Bash"), 1u);
  EXPECT_EQ(exact.insert("bash"), 0u);  // already a member: its position
  EXPECT_TRUE(exact.contains("bash"));
  EXPECT_TRUE(exact.contains("Bash"));
  EXPECT_FALSE(exact.contains("BASH"));
  EXPECT_FALSE(exact.contains("bas"));

  StringSet folded(true);
  EXPECT_EQ(folded.insert("/Tmp/X"), 0u);
  EXPECT_EQ(folded.insert("/tmp/x"), 0u);  // a case variant is the same member
  EXPECT_EQ(folded.size(), 1u);
  EXPECT_EQ(folded.index_of("/TMP/x"), 0);
  EXPECT_EQ(folded.index_of("/tmp/y"), -1);
  EXPECT_EQ(folded.members(), std::vector<std::string>{"/Tmp/X"});  // as inserted
}

TEST(StringSet, ManyMembersOfManyLengthsIncludingEmpty) {
  StringSet set(false);
  std::vector<std::string> in;
  for (int k = 0; k < 500; ++k)
    in.push_back(std::string(static_cast<size_t>(k % 130), 'a') + std::to_string(k));
  in.push_back("");
  for (const auto& s : in) set.insert(s);
  ASSERT_EQ(set.size(), in.size());
  for (size_t k = 0; k < in.size(); ++k) EXPECT_EQ(set.index_of(in[k]), static_cast<int64_t>(k));
  // Lengths of members (modulo 64 too), but not members.
  for (int k = 1; k < 500; ++k) {
    std::string probe = in[static_cast<size_t>(k)];
    probe[0] = 'b';
    EXPECT_FALSE(set.contains(probe)) << probe;
  }
  EXPECT_EQ(set.members(), in);
}

TEST(KeyPool, InternsCountsReferencesAndForgets) {
  KeyPool pool;
  const std::string a("S\x08\0\0\0\0\0\0\0entity-a", 17);  // encoded keys hold NULs
  const KeyRef ka{a, hash_key(a)};
  EXPECT_EQ(pool.find(ka), kNoKey);
  const uint64_t e0 = pool.epoch();
  const uint32_t id = pool.acquire(ka);
  EXPECT_NE(pool.epoch(), e0);
  EXPECT_EQ(pool.find(ka), id);
  EXPECT_EQ(pool.bytes(id), a);
  EXPECT_EQ(pool.acquire(ka), id);  // second reference
  const uint64_t e1 = pool.epoch();
  pool.release(id);
  EXPECT_EQ(pool.find(ka), id);  // still referenced
  EXPECT_EQ(pool.epoch(), e1);
  pool.release(id);
  EXPECT_EQ(pool.find(ka), kNoKey);
  EXPECT_NE(pool.epoch(), e1);
  EXPECT_EQ(pool.size(), 0u);
}

TEST(KeyPool, ChurnMatchesAReferenceMapAcrossGrowthAndCompaction) {
  KeyPool pool;
  std::unordered_map<std::string, std::pair<uint32_t, uint32_t>> ref;  // key -> (id, refs)
  std::mt19937 rng(7);
  for (int step = 0; step < 200000; ++step) {
    const std::string key = "entity-" + std::to_string(rng() % 3000) + std::string(rng() % 40, 'x');
    const KeyRef k{key, hash_key(key)};
    auto it = ref.find(key);
    if (rng() % 2 == 0) {
      const uint32_t id = pool.acquire(k);
      if (it == ref.end()) {
        ref[key] = {id, 1};
      } else {
        EXPECT_EQ(id, it->second.first);
        ++it->second.second;
      }
    } else if (it != ref.end()) {
      pool.release(it->second.first);
      if (--it->second.second == 0) ref.erase(it);
    } else {
      EXPECT_EQ(pool.find(k), kNoKey);
    }
  }
  EXPECT_EQ(pool.size(), ref.size());
  for (const auto& [key, v] : ref) {
    EXPECT_EQ(pool.find({key, hash_key(key)}), v.first);
    EXPECT_EQ(pool.bytes(v.first), key);  // bytes survive arena compaction
  }
}

TEST(IdTable, ChurnMatchesAReferenceMap) {
  IdTable table;
  std::unordered_map<uint32_t, uint32_t> ref;
  std::mt19937 rng(11);
  EXPECT_EQ(table.find(3), -1);
  for (int step = 0; step < 300000; ++step) {
    const uint32_t key = rng() % 5000;
    const uint32_t value = rng() % 100;
    switch (rng() % 3) {
      case 0: {
        auto it = ref.find(key);
        const int64_t old = table.put(key, value);
        EXPECT_EQ(old, it == ref.end() ? -1 : static_cast<int64_t>(it->second));
        ref[key] = value;
        break;
      }
      case 1: {
        auto it = ref.find(key);
        table.erase(key, value);  // only when it maps to `value`
        if (it != ref.end() && it->second == value) ref.erase(it);
        break;
      }
      default: {
        auto it = ref.find(key);
        EXPECT_EQ(table.find(key), it == ref.end() ? -1 : static_cast<int64_t>(it->second));
      }
    }
  }
  EXPECT_EQ(table.size(), ref.size());
  size_t seen = 0;
  table.for_each([&](uint32_t key, uint32_t value) {
    ++seen;
    EXPECT_EQ(ref.at(key), value);
  });
  EXPECT_EQ(seen, ref.size());
  for (const auto& [key, value] : ref) table.erase(key, value);
  EXPECT_TRUE(table.empty());
  EXPECT_EQ(table.find(1), -1);
}

}  // namespace
}  // namespace wsn::match
