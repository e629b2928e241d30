#include "collect/ebpf/process_table.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace wsn::collect {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kTick = 10'000'000;  // ns per clock tick at USER_HZ 100

TEST(EntityId, StableAndDistinct) {
  const std::string a = make_entity_id("boot-a", 100, 5000);
  EXPECT_EQ(a.size(), 22u);
  EXPECT_EQ(a, make_entity_id("boot-a", 100, 5000));
  EXPECT_NE(a, make_entity_id("boot-b", 100, 5000));  // other boot
  EXPECT_NE(a, make_entity_id("boot-a", 101, 5000));  // other pid
  EXPECT_NE(a, make_entity_id("boot-a", 100, 5001));  // pid reused later
  for (char c : a)
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/') << a;
}

TEST(CommandLine, JoinsWithSpaces) {
  EXPECT_EQ(join_command_line({"/bin/sh", "-c", "echo hi"}), "/bin/sh -c echo hi");
  EXPECT_EQ(join_command_line({}), "");
}

// A fake /proc with hand-written entries.
class FakeProc : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("wsn_proc_" + std::to_string(getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  void add(int pid, const std::string& comm, int ppid, uint64_t start_ticks,
           const std::string& cmdline, const std::string& exe, uint32_t uid = 0) {
    const fs::path d = root_ / std::to_string(pid);
    fs::create_directories(d);
    std::ofstream(d / "stat") << pid << " (" << comm << ") S " << ppid
                              << " 1 1 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 " << start_ticks
                              << " 1000 100 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0\n";
    std::ofstream(d / "status") << "Name:\t" << comm << "\nUid:\t" << uid << "\t" << uid << "\t"
                                << uid << "\t" << uid << "\nGid:\t5\t6\t5\t5\n";
    std::ofstream(d / "cmdline", std::ios::binary) << cmdline;
    if (!exe.empty()) fs::create_symlink(exe, d / "exe");
    fs::create_symlink("/", d / "cwd");
    std::ofstream(d / "cgroup") << "0::/system.slice/docker-" << std::string(64, 'a') << ".scope\n";
  }

  fs::path root_;
};

TEST_F(FakeProc, SeedsAndParsesTrickyComm) {
  add(1, "init", 0, 1, std::string("/sbin/init\0splash\0", 18), "/usr/lib/systemd/systemd");
  add(42, "we (ird) name", 1, 777, std::string("a\0b c\0\0d\0", 9), "/usr/bin/x", 1000);
  add(43, "kworker/0:1", 2, 5, "", "");    // kernel thread: no exe, no cmdline
  fs::create_directories(root_ / "self");  // non-numeric entries are ignored
  ProcessTable t(100, "boot", root_.string());
  EXPECT_EQ(t.seed(), 3u);
  const ProcessInfo* p = t.find(42);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->ppid, 1);
  EXPECT_EQ(p->start_ns, 777 * kTick);
  EXPECT_EQ(p->entity_id, make_entity_id("boot", 42, 777));
  EXPECT_EQ(p->executable, "/usr/bin/x");
  EXPECT_EQ(p->name, "we (ird) name");  // the kernel comm, like exec records
  EXPECT_EQ(p->args, (std::vector<std::string>{"a", "b c", "", "d"}));
  EXPECT_EQ(p->command_line, "a b c  d");
  EXPECT_EQ(p->uid, 1000u);
  EXPECT_EQ(p->egid, 6u);
  EXPECT_EQ(p->container_id, std::string(64, 'a'));
  const ProcessInfo* k = t.find(43);
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->name, "kworker/0:1");
  EXPECT_TRUE(k->args.empty());
  EXPECT_EQ(t.stats().seeded, 3u);
}

TEST_F(FakeProc, MalformedStatIsSkipped) {
  fs::create_directories(root_ / "7");
  std::ofstream(root_ / "7" / "stat") << "7 (truncated";
  fs::create_directories(root_ / "8");
  std::ofstream(root_ / "8" / "stat") << "8 (x) S 1 2 3";
  ProcessTable t(100, "boot", root_.string());
  EXPECT_EQ(t.seed(), 0u);
  EXPECT_EQ(t.lookup(7), nullptr);
}

TEST_F(FakeProc, ForkInheritsImageAndExecKeepsIdentity) {
  add(10, "bash", 1, 50, std::string("bash\0-l\0", 8), "/usr/bin/bash");
  ProcessTable t(100, "boot", root_.string());
  t.seed();
  const ProcessInfo& child = t.on_fork(10, 11, 10, 60 * kTick + 123);
  EXPECT_EQ(child.pid, 11);
  EXPECT_EQ(child.ppid, 10);
  EXPECT_EQ(child.executable, "/usr/bin/bash");
  EXPECT_EQ(child.args, (std::vector<std::string>{"bash", "-l"}));
  // Same tick → same id as /proc would give; sub-tick precision does not matter.
  EXPECT_EQ(child.entity_id, make_entity_id("boot", 11, 60));
  const std::string id = child.entity_id;

  ProcessInfo img;
  img.pid = 11;
  img.ppid = 10;
  img.start_ns = 60 * kTick + 123;
  img.executable = "/usr/bin/ls";
  img.name = "ls";
  img.args = {"ls", "-la"};
  const ProcessInfo& after = t.on_exec(img);
  EXPECT_EQ(after.entity_id, id);
  EXPECT_EQ(after.command_line, "ls -la");
  EXPECT_EQ(t.find(11)->executable, "/usr/bin/ls");

  // The pid is reused by a later process: new identity.
  const ProcessInfo& reuse = t.on_fork(10, 11, 10, 900 * kTick);
  EXPECT_NE(reuse.entity_id, id);
}

TEST_F(FakeProc, LookupFillsFromProcOnce) {
  ProcessTable t(100, "boot", root_.string());
  EXPECT_EQ(t.lookup(55), nullptr);
  add(55, "late", 1, 9, std::string("late\0", 5), "/bin/late");
  const ProcessInfo* p = t.lookup(55);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->name, "late");
  EXPECT_TRUE(p->from_proc);
  EXPECT_EQ(t.stats().proc_fills, 1u);
  fs::remove_all(root_ / "55");
  EXPECT_NE(t.lookup(55), nullptr);  // cached
  EXPECT_EQ(t.stats().proc_fills, 1u);
}

TEST_F(FakeProc, AncestorsWalkToInit) {
  add(1, "init", 0, 1, "", "/sbin/init");
  add(20, "sshd", 1, 2, "", "/usr/sbin/sshd");
  add(30, "bash", 20, 3, "", "/bin/bash");
  ProcessTable t(100, "boot", root_.string());
  t.seed();
  auto chain = t.ancestors(30, 10);
  ASSERT_EQ(chain.size(), 2u);
  EXPECT_EQ(chain[0]->pid, 20);
  EXPECT_EQ(chain[1]->pid, 1);
  EXPECT_EQ(t.ancestors(30, 1).size(), 1u);
  t.reparent(30, 1);  // sshd went away: init adopted bash
  chain = t.ancestors(30, 10);
  ASSERT_EQ(chain.size(), 1u);
  EXPECT_EQ(chain[0]->pid, 1);
}

TEST_F(FakeProc, BoundedWithExitedReapedFirst) {
  ProcessTable t(16, "boot", root_.string());
  for (int pid = 100; pid < 116; ++pid) t.on_fork(1, pid, 1, pid * kTick);
  t.trim();
  EXPECT_EQ(t.stats().size, 16u);
  // Two exit, then two more start: the exited make room, nothing live is evicted.
  t.on_exit(100, 100 * kTick);
  t.on_exit(101, 101 * kTick);
  t.on_fork(1, 200, 1, 200 * kTick);
  t.on_fork(1, 201, 1, 201 * kTick);
  t.trim();
  auto st = t.stats();
  EXPECT_EQ(st.size, 16u);
  EXPECT_EQ(st.reaped_exited, 2u);
  EXPECT_EQ(st.evicted_live, 0u);
  EXPECT_EQ(t.find(100), nullptr);
  EXPECT_EQ(t.find(101), nullptr);
  // Live overflow: process 102 was just used, so the least recently used go (to 14 = 7/8).
  ASSERT_NE(t.lookup(102), nullptr);
  t.on_fork(1, 202, 1, 202 * kTick);
  t.trim();
  st = t.stats();
  EXPECT_EQ(st.size, 14u);
  EXPECT_EQ(st.evicted_live, 3u);
  EXPECT_EQ(t.find(103), nullptr);
  EXPECT_EQ(t.find(104), nullptr);
  EXPECT_EQ(t.find(105), nullptr);
  EXPECT_NE(t.find(102), nullptr);
  EXPECT_NE(t.find(202), nullptr);
}

TEST_F(FakeProc, ExitedEntryOutlivesPidReuseSafely) {
  ProcessTable t(16, "boot", root_.string());
  t.on_fork(1, 300, 1, 300 * kTick);
  ASSERT_NE(t.on_exit(300, 300 * kTick), nullptr);
  EXPECT_TRUE(t.find(300)->exited);
  // A new process takes pid 300 before the exited one is reaped: it must survive trimming.
  t.on_fork(1, 300, 1, 999 * kTick);
  for (int pid = 400; pid < 416; ++pid) t.on_fork(1, pid, 1, pid * kTick);
  t.trim();
  // The stale exited pair is skipped; live entries are evicted instead (counted).
  EXPECT_EQ(t.stats().reaped_exited, 0u);
  EXPECT_GE(t.stats().evicted_live, 1u);
}

TEST(ProcessTableLive, SeedsThisProcess) {
  ProcessTable t(65536, "boot");
  EXPECT_GT(t.seed(), 1u);
  const ProcessInfo* self = t.find(getpid());
  ASSERT_NE(self, nullptr);
  char exe[4096] = {};
  ASSERT_GT(readlink("/proc/self/exe", exe, sizeof(exe) - 1), 0);
  EXPECT_EQ(self->executable, exe);
  EXPECT_EQ(self->ppid, getppid());
  ASSERT_FALSE(self->args.empty());
  EXPECT_NE(self->args[0].find("wsn_collect_ebpf"), std::string::npos);
}

}  // namespace
}  // namespace wsn::collect
