// The one error idiom: an Error carries a code callers can act on, given or derived from errno.
#include "wsn/result.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace wsn {
namespace {

TEST(Result, ErrorCodeIsGivenOrDerivedFromErrno) {
  EXPECT_EQ((Error{"x", ENOENT}).code(), ErrorCode::kNotFound);
  EXPECT_EQ((Error{"x", EACCES}).code(), ErrorCode::kPermission);
  EXPECT_EQ((Error{"x", ENOSPC}).code(), ErrorCode::kResource);
  EXPECT_EQ((Error{"x", EIO}).code(), ErrorCode::kIo);
  EXPECT_EQ((Error{"x"}).code(), ErrorCode::kUnspecified);
  // A given code wins over errno (no BTF is "unavailable", though stat() said ENOENT).
  EXPECT_EQ((Error{"x", ENOENT, ErrorCode::kUnavailable}).code(), ErrorCode::kUnavailable);
  EXPECT_EQ(error_code_name(ErrorCode::kPermission), "permission");
  const Status s = Error{"open /x: denied", EACCES};
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kPermission);
}

}  // namespace
}  // namespace wsn
