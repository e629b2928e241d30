// Damaged binary logs: a torn final block at every byte offset, a corrupt block in the middle,
// bad file headers with their exact messages, and garbage that must never crash the reader.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "record/crc32c.h"
#include "record/log_format.h"
#include "record_test_util.h"

namespace wsn::record {
namespace {

using test::make_event;
using test::TempDir;

// A log of `blocks` blocks of `per_block` events each; `ends` gets each block's end offset
// (ends[0] is the end of the file header).
std::string write_blocks(int blocks, int per_block, std::vector<uint64_t>& ends) {
  TempDir dir;
  const std::string path = dir / "blocks.wsnlog";
  FieldRegistry reg;
  {
    auto w = LogWriter::open(path, reg);
    EXPECT_TRUE(w.ok());
    ends.push_back((*w)->stats().file_bytes);
    Event e;
    uint64_t k = 0;
    for (int b = 0; b < blocks; ++b) {
      for (int i = 0; i < per_block; ++i) {
        make_event(reg, k++, e);
        EXPECT_TRUE((*w)->write_event(e).ok());
      }
      (*w)->write_alert("{\"block\":" + std::to_string(b) + "}").ok();
      EXPECT_TRUE((*w)->flush().ok());
      ends.push_back((*w)->stats().file_bytes);
    }
  }
  return test::slurp(path);
}

struct Counts {
  uint64_t events = 0;
  uint64_t alerts = 0;
  ReadStats stats;
};

Counts read_memory(const std::string& bytes) {
  FieldRegistry reg;
  Counts c;
  auto r = LogReader::from_memory(bytes, "mem", reg);
  if (!r.ok()) return c;
  Event e;
  std::string_view payload;
  for (;;) {
    const auto n = (*r)->next(e, payload);
    if (n == LogReader::Next::kEnd || n == LogReader::Next::kError) break;
    if (n == LogReader::Next::kEvent) ++c.events;
    if (n == LogReader::Next::kAlert) ++c.alerts;
  }
  c.stats = (*r)->stats();
  return c;
}

TEST(Crc32c, CheckValueAndBothImplementationsAgree) {
  EXPECT_EQ(crc32c("123456789", 9), 0xE3069283u);
  EXPECT_EQ(crc32c_portable("123456789", 9), 0xE3069283u);
  std::string data(1000, '\0');
  for (size_t k = 0; k < data.size(); ++k) data[k] = static_cast<char>(k * 7 + 3);
  for (size_t n : {0, 1, 7, 8, 9, 63, 1000}) {
    EXPECT_EQ(crc32c(data.data(), n), crc32c_portable(data.data(), n)) << n;
    EXPECT_EQ(crc32c(data.data() + n / 2, n - n / 2, crc32c(data.data(), n / 2)),
              crc32c(data.data(), n));
  }
}

TEST(LogDamage, TornTailAtEveryOffsetOfTheFinalBlock) {
  std::vector<uint64_t> ends;
  const std::string log = write_blocks(3, 40, ends);
  ASSERT_EQ(ends.size(), 4u);
  ASSERT_EQ(ends.back(), log.size());
  const uint64_t last_start = ends[2];
  for (uint64_t cut = last_start; cut < log.size(); ++cut) {
    const Counts c = read_memory(log.substr(0, cut));
    ASSERT_EQ(c.events, 80u) << "cut at " << cut;
    EXPECT_EQ(c.alerts, 2u);
    EXPECT_EQ(c.stats.blocks, 2u);
    EXPECT_EQ(c.stats.torn_tail_bytes, cut - last_start) << "cut at " << cut;
    EXPECT_EQ(c.stats.corrupt_blocks, 0u);
  }
  const Counts whole = read_memory(log);
  EXPECT_EQ(whole.events, 120u);
  EXPECT_EQ(whole.stats.torn_tail_bytes, 0u);
}

TEST(LogDamage, CorruptPayloadInAMiddleBlockIsSkippedAndCounted) {
  std::vector<uint64_t> ends;
  std::string log = write_blocks(3, 40, ends);
  log[ends[1] + kBlockHeaderSize + 10] ^= 0x55;  // inside block 2's compressed payload
  const Counts c = read_memory(log);
  EXPECT_EQ(c.events, 80u);
  EXPECT_EQ(c.alerts, 2u);
  EXPECT_EQ(c.stats.blocks, 2u);
  EXPECT_EQ(c.stats.corrupt_blocks, 1u);
  EXPECT_EQ(c.stats.skipped_bytes, ends[2] - ends[1]);
  EXPECT_EQ(c.stats.torn_tail_bytes, 0u);
}

TEST(LogDamage, CorruptBlockHeaderResyncsToTheNextBlock) {
  std::vector<uint64_t> ends;
  std::string log = write_blocks(4, 30, ends);
  log[ends[1] + kBhCompressed] ^= 0x01;  // block 2's size: its header checksum fails
  const Counts c = read_memory(log);
  EXPECT_EQ(c.events, 90u);
  EXPECT_EQ(c.stats.corrupt_blocks, 1u);
  EXPECT_EQ(c.stats.skipped_bytes, ends[2] - ends[1]);
  EXPECT_EQ(c.stats.torn_tail_bytes, 0u);
}

TEST(LogDamage, GarbageAfterTheLastBlockIsATornTail) {
  std::vector<uint64_t> ends;
  std::string log = write_blocks(2, 10, ends);
  log += std::string(1000, '\0');
  const Counts c = read_memory(log);
  EXPECT_EQ(c.events, 20u);
  EXPECT_EQ(c.stats.torn_tail_bytes, 1000u);
}

TEST(LogDamage, RandomBytesNeverCrash) {
  std::vector<uint64_t> ends;
  const std::string log = write_blocks(3, 20, ends);
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    std::string bad = log;
    const int flips = 1 + round % 8;
    for (int f = 0; f < flips; ++f) {
      bad[rng() % bad.size()] = static_cast<char>(rng());
    }
    const Counts c = read_memory(bad);
    EXPECT_LE(c.events, 60u);
  }
}

TEST(LogDamage, BadHeadersHaveExactMessages) {
  std::vector<uint64_t> ends;
  const std::string log = write_blocks(1, 5, ends);
  FieldRegistry reg;
  auto error_of = [&reg](const std::string& bytes) {
    auto r = LogReader::from_memory(bytes, "x.wsnlog", reg);
    return r.ok() ? std::string("ok") : r.error().message;
  };
  EXPECT_EQ(error_of(log), "ok");
  EXPECT_EQ(error_of("{\"@timestamp\":1}\n"),
            "x.wsnlog: not a wasm-sentinel binary log (bad magic)");
  EXPECT_EQ(error_of(""), "x.wsnlog: empty file");
  EXPECT_EQ(error_of(log.substr(0, 5)), "x.wsnlog: truncated header");
  EXPECT_EQ(error_of(log.substr(0, 12)), "x.wsnlog: truncated header");
  EXPECT_EQ(error_of(log.substr(0, ends[0] - 1)), "x.wsnlog: truncated header");
  std::string future = log;
  future[8] = 2;
  EXPECT_EQ(error_of(future), "x.wsnlog: format version 2 is newer than this build reads (1)");
  std::string bad_crc = log;
  bad_crc[kFileHeaderFixed + 1] ^= 1;
  EXPECT_EQ(error_of(bad_crc), "x.wsnlog: header checksum mismatch");
  std::string huge = log;
  huge[12] = 0;  // body length 0x7f0000: ~8 MiB
  huge[13] = 0;
  huge[14] = 0x7f;
  huge[15] = 0;
  EXPECT_EQ(error_of(huge), "x.wsnlog: header of 8323072 bytes exceeds the limit");
}

TEST(LogDamage, MissingFileAndNotAFile) {
  FieldRegistry reg;
  TempDir dir;
  auto missing = LogSetReader::open(dir / "none.wsnlog", reg);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message,
            "open " + (dir / "none.wsnlog") + ": No such file or directory");
  auto d = LogReader::open(dir.path(), reg);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message, dir.path() + ": not a regular file");
}

}  // namespace
}  // namespace wsn::record
