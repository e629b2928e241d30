#include "collect/ebpf/container_id.h"

#include <gtest/gtest.h>

namespace wsn::collect {
namespace {

const std::string kId = "3f4e5d6c7b8a99887766554433221100ffeeddccbbaa00112233445566778899";

TEST(ContainerId, RuntimeNamingSchemes) {
  EXPECT_EQ(container_id_from_cgroup("docker-" + kId + ".scope"), kId);
  EXPECT_EQ(container_id_from_cgroup("/system.slice/docker-" + kId + ".scope"), kId);
  EXPECT_EQ(
      container_id_from_cgroup("/kubepods/besteffort/pod1234/cri-containerd-" + kId + ".scope"),
      kId);
  EXPECT_EQ(container_id_from_cgroup("/machine.slice/libpod-" + kId + ".scope"), kId);
  EXPECT_EQ(container_id_from_cgroup("/docker/" + kId), kId);
  EXPECT_EQ(container_id_from_cgroup(kId), kId);
  EXPECT_EQ(container_id_from_cgroup("/docker/" + kId + "/"), kId);
}

TEST(ContainerId, NotAContainer) {
  EXPECT_EQ(container_id_from_cgroup(""), "");
  EXPECT_EQ(container_id_from_cgroup("/"), "");
  EXPECT_EQ(container_id_from_cgroup("/user.slice/user-1000.slice/session-2.scope"), "");
  // A 32-digit hash (systemd units, sandboxes) is not a container id.
  EXPECT_EQ(container_id_from_cgroup("/process_api/c553fdc9a3a13a19f34e5e10e8407d8d"), "");
  // Upper case, a non-hex digit, or glued to a longer hex run.
  std::string upper = kId;
  upper[0] = 'F';
  EXPECT_EQ(container_id_from_cgroup(upper), "");
  std::string bad = kId;
  bad[10] = 'g';
  EXPECT_EQ(container_id_from_cgroup("docker-" + bad + ".scope"), "");
  EXPECT_EQ(container_id_from_cgroup("a" + kId), "");
  EXPECT_EQ(container_id_from_cgroup("/docker/" + kId + "/sub"), "");
}

TEST(ContainerId, FromProcCgroupFile) {
  const std::string text =
      "12:pids:/\n"
      "4:memory:/docker/" +
      kId +
      "\n"
      "0::/\n";
  EXPECT_EQ(container_id_from_proc_cgroup(text), kId);
  EXPECT_EQ(container_id_from_proc_cgroup("0::/user.slice\n1:name=systemd:/\n"), "");
  EXPECT_EQ(container_id_from_proc_cgroup("garbage without colons\n"), "");
  EXPECT_EQ(container_id_from_proc_cgroup(""), "");
}

}  // namespace
}  // namespace wsn::collect
