#include "collect/ebpf/user_names.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace wsn::collect {
namespace {

TEST(UserNames, ParsesPasswdFormat) {
  std::unordered_map<uint32_t, std::string> m;
  const size_t n = UserNames::parse(
      "root:x:0:0:root:/root:/bin/bash\n"
      "# comment\n"
      "\n"
      "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
      "broken line\n"
      "bad:x:notanumber:0::/:\n"
      "dup:x:0:0::/:\n"
      "wheel:x:10:alice,bob",
      m);
  EXPECT_EQ(n, 4u);  // root, nobody, dup (ignored for the name), wheel
  EXPECT_EQ(m[0], "root");
  EXPECT_EQ(m[65534], "nobody");
  EXPECT_EQ(m[10], "wheel");
  EXPECT_EQ(m.count(1), 0u);
}

class UserNamesFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/wsn_users_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    write(dir_ + "/passwd", "root:x:0:0::/root:/bin/sh\n");
    write(dir_ + "/group", "root:x:0:\nstaff:x:50:\n");
  }
  void TearDown() override {
    std::remove((dir_ + "/passwd").c_str());
    std::remove((dir_ + "/group").c_str());
    rmdir(dir_.c_str());
  }
  static void write(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
  }
  std::string dir_;
};

TEST_F(UserNamesFiles, LooksUpAndReloadsChangedFiles) {
  UserNames names(dir_ + "/passwd", dir_ + "/group", /*recheck_ns=*/0);
  EXPECT_EQ(names.user(0), "root");
  EXPECT_EQ(names.user(1000), "");
  EXPECT_EQ(names.group(50), "staff");
  write(dir_ + "/passwd", "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n");
  EXPECT_EQ(names.user(1000), "alice");
}

TEST_F(UserNamesFiles, MissingFilesGiveEmptyNames) {
  UserNames names(dir_ + "/nope", dir_ + "/nope2", 0);
  EXPECT_EQ(names.user(0), "");
  EXPECT_EQ(names.group(0), "");
}

}  // namespace
}  // namespace wsn::collect
