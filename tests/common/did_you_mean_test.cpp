// "Did you mean": the near candidate of a typo, nothing for a name far from all of them.
#include "common/did_you_mean.h"

#include <gtest/gtest.h>

#include <array>

namespace wsn {
namespace {

TEST(DidYouMean, NearCandidateOrNothing) {
  const std::array<std::string_view, 4> keys = {"stdout", "file", "syslog", "webhook"};
  EXPECT_EQ(closest_name("fiel", keys), "file");       // transposition: 2 edits
  EXPECT_EQ(closest_name("webhok", keys), "webhook");  // one deletion
  EXPECT_EQ(closest_name("sysl0g", keys), "syslog");
  EXPECT_EQ(closest_name("kafka", keys), "");
  EXPECT_EQ(closest_name("x", keys), "");  // never "did you mean" for a name as short as its edits
  EXPECT_EQ(edit_distance("process.nmae", "process.name", 2), 2u);
  EXPECT_GT(edit_distance("a", "abcdef", 2), 2u);
}

}  // namespace
}  // namespace wsn
