#include "collect/ebpf/host_identity.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace wsn::collect {
namespace {

namespace fs = std::filesystem;

TEST(OsRelease, QuotedUnquotedCommentsAndEscapes) {
  const auto os = parse_os_release(
      "# a comment\n"
      "\n"
      "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
      "NAME='Debian GNU/Linux'\n"
      "VERSION_ID=\"12\"\n"
      "ID=debian\r\n"
      "  BUILD_ID = rolling  \n"
      "QUOTE=\"say \\\"hi\\\" \\$HOME\"\n"
      "BROKEN=\"unterminated\n"
      "=no key\n"
      "no equals sign\n"
      "ID=debian2\n");
  EXPECT_EQ(os.at("PRETTY_NAME"), "Debian GNU/Linux 12 (bookworm)");
  EXPECT_EQ(os.at("NAME"), "Debian GNU/Linux");
  EXPECT_EQ(os.at("VERSION_ID"), "12");
  EXPECT_EQ(os.at("ID"), "debian2");  // the last assignment wins
  EXPECT_EQ(os.at("BUILD_ID"), "rolling");
  EXPECT_EQ(os.at("QUOTE"), "say \"hi\" $HOME");
  EXPECT_FALSE(os.contains("BROKEN"));
  EXPECT_FALSE(os.contains("VERSION_CODENAME"));
  EXPECT_EQ(os.size(), 6u);
  EXPECT_TRUE(parse_os_release("").empty());
}

TEST(OsRelease, Family) {
  EXPECT_EQ(os_family("debian", ""), "debian");
  EXPECT_EQ(os_family("ubuntu", "debian"), "debian");
  EXPECT_EQ(os_family("rocky", "rhel centos fedora"), "redhat");
  EXPECT_EQ(os_family("pop", "ubuntu debian"), "debian");
  EXPECT_EQ(os_family("opensuse-leap", "suse opensuse"), "suse");
  EXPECT_EQ(os_family("nixos", ""), "nixos");
  EXPECT_EQ(os_family("foo", "bar baz"), "bar");
}

TEST(MachineId, OnlyA32HexDigitId) {
  EXPECT_EQ(parse_machine_id("0123456789abcdef0123456789ABCDEF\n"),
            "0123456789abcdef0123456789ABCDEF");
  EXPECT_EQ(parse_machine_id("  0123456789abcdef0123456789abcdef  \nextra\n"),
            "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(parse_machine_id("uninitialized\n"), "");
  EXPECT_EQ(parse_machine_id("0123456789abcdef0123456789abcdeg"), "");
  EXPECT_EQ(parse_machine_id(""), "");
}

class HostIdentityFilesTest : public ::testing::Test {
 protected:
  HostIdentityFilesTest()
      : dir_(fs::temp_directory_path() / ("wsn_host_" + std::to_string(getpid()))) {
    fs::create_directories(dir_);
  }
  ~HostIdentityFilesTest() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  static std::map<std::string, std::string> by_name(const std::vector<HostField>& host) {
    const FieldRegistry names;
    std::map<std::string, std::string> out;
    for (const auto& f : host) out[names.info(f.id).name] = f.value;
    return out;
  }
  fs::path dir_;
};

TEST_F(HostIdentityFilesTest, ReadsOsReleaseMachineIdAndUname) {
  HostIdentityFiles files;
  files.os_release = {(dir_ / "missing").string(),
                      write("os-release",
                            "NAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nID=ubuntu\nID_LIKE=debian\n"
                            "PRETTY_NAME=\"Ubuntu 22.04.3 LTS\"\n")};
  files.machine_id = write("machine-id", "4f1e2d3c4b5a69788796a5b4c3d2e1f0\n");
  const auto host = by_name(read_host_identity(files));
  EXPECT_EQ(host.at("host.os.type"), "linux");
  EXPECT_EQ(host.at("host.os.family"), "debian");
  EXPECT_EQ(host.at("host.os.name"), "Ubuntu");
  EXPECT_EQ(host.at("host.os.version"), "22.04");
  EXPECT_EQ(host.at("host.os.full"), "Ubuntu 22.04.3 LTS");
  EXPECT_EQ(host.at("host.os.platform"), "ubuntu");
  EXPECT_EQ(host.at("host.id"), "4f1e2d3c4b5a69788796a5b4c3d2e1f0");
  EXPECT_FALSE(host.at("host.os.kernel").empty());
  EXPECT_FALSE(host.at("host.hostname").empty());
  EXPECT_FALSE(host.at("host.architecture").empty());
  EXPECT_FALSE(host.contains("host.name"));  // the decoder's own (configured or system name)
}

TEST_F(HostIdentityFilesTest, MissingFilesAndKeysLeaveFieldsOut) {
  HostIdentityFiles files;
  files.os_release = {write("os-release", "ID=debian\n")};
  files.machine_id = (dir_ / "no-machine-id").string();
  auto host = by_name(read_host_identity(files));
  EXPECT_EQ(host.at("host.os.type"), "linux");
  EXPECT_EQ(host.at("host.os.family"), "debian");
  EXPECT_EQ(host.at("host.os.platform"), "debian");
  EXPECT_FALSE(host.contains("host.os.name"));
  EXPECT_FALSE(host.contains("host.os.version"));
  EXPECT_FALSE(host.contains("host.os.full"));
  EXPECT_FALSE(host.contains("host.id"));

  files.os_release = {(dir_ / "none").string()};
  files.machine_id = write("machine-id", "uninitialized\n");
  host = by_name(read_host_identity(files));
  EXPECT_EQ(host.at("host.os.type"), "linux");  // known without any file
  EXPECT_FALSE(host.contains("host.os.family"));
  EXPECT_FALSE(host.contains("host.os.platform"));
  EXPECT_FALSE(host.contains("host.id"));
  for (const auto& [name, value] : host) EXPECT_FALSE(value.empty()) << name;
}

TEST(HostIdentityFields, AreBuiltinStringFields) {
  const FieldRegistry names;
  const auto ids = host_identity_fields();
  EXPECT_EQ(ids.size(), 10u);
  for (FieldId id : ids) {
    ASSERT_NE(id, kInvalidField);
    EXPECT_TRUE(names.info(id).builtin) << names.info(id).name;
    EXPECT_EQ(names.type(id), FieldType::kString) << names.info(id).name;
  }
}

}  // namespace
}  // namespace wsn::collect
