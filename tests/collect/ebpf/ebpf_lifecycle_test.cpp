// Root tests of the collector's lifecycle: interest pushdown (what gets attached), kernel-side
// drop accounting, clean detach, and mounting tracefs when it is missing.
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "collect/ebpf/tracefs.h"
#include "live_collector.h"

namespace wsn::collect {
namespace {

using namespace wsn::collect::testing;
namespace fs = std::filesystem;

// BPF objects and perf events held by this process (anon inode fds). Programs attached
// through links live exactly as long as these fds, so zero means nothing is left attached.
int bpf_fds() {
  int n = 0;
  for (const auto& entry : fs::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    const std::string target = fs::read_symlink(entry.path(), ec).string();
    if (target.find("bpf") != std::string::npos || target.find("perf_event") != std::string::npos) {
      ++n;
    }
  }
  return n;
}

class EbpfLifecycle : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string why = skip_reason(); !why.empty()) GTEST_SKIP() << why;
    char tmpl[] = "/tmp/wsn_ebpf_life_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // A child that creates, renames and deletes a file, then exits 0.
  pid_t file_activity() {
    const std::string a = dir_ + "/a", b = dir_ + "/b";
    return spawn([a, b] {
      const int fd = ::open(a.c_str(), O_CREAT | O_WRONLY, 0600);
      if (fd < 0) return 1;
      ::close(fd);
      if (::rename(a.c_str(), b.c_str()) != 0) return 2;
      return ::unlink(b.c_str()) == 0 ? 0 : 3;
    });
  }

  std::string dir_;
};

TEST_F(EbpfLifecycle, ProcessOnlyInterestAttachesTrackingOnly) {
  EbpfOptions opt;
  opt.interest = EbpfInterest::process_only();
  LiveCollector c(std::move(opt));
  ASSERT_TRUE(c.start().ok());
  auto hooks = c.source().attached_hooks();
  std::sort(hooks.begin(), hooks.end());
  EXPECT_EQ(hooks, (std::vector<std::string>{"raw:sched_process_exec", "raw:sched_process_exit",
                                             "raw:sched_process_fork"}));
  const pid_t child = file_activity();
  ASSERT_EQ(WEXITSTATUS(reap(child)), 0);
  ASSERT_TRUE(c.wait_for([&](const Event& e) { return pid_of(e) == child && action(e) == "end"; }));
  EXPECT_TRUE(c.matching([](const Event& e) { return e.category() == categories::kFile; }).empty());
}

TEST_F(EbpfLifecycle, OneActionAttachesOnlyItsSyscalls) {
  EbpfOptions opt;
  opt.interest = EbpfInterest::process_only();
  ASSERT_TRUE(opt.interest.add("file", "deletion"));
  LiveCollector c(std::move(opt));
  ASSERT_TRUE(c.start().ok());
  const auto hooks = c.source().attached_hooks();
  const std::set<std::string> h(hooks.begin(), hooks.end());
  EXPECT_TRUE(h.count("tp:syscalls/sys_enter_unlinkat"));
  EXPECT_TRUE(h.count("tp:syscalls/sys_exit_unlinkat"));
  EXPECT_TRUE(h.count("raw:sched_process_exec"));
  EXPECT_FALSE(h.count("raw:sys_enter"));
  for (const std::string& name : hooks) {
    EXPECT_EQ(name.find("open"), std::string::npos) << name;
    EXPECT_EQ(name.find("rename"), std::string::npos) << name;
    EXPECT_EQ(name.find("connect"), std::string::npos) << name;
  }
  const pid_t child = file_activity();
  ASSERT_EQ(WEXITSTATUS(reap(child)), 0);
  auto del =
      c.wait_for([&](const Event& e) { return pid_of(e) == child && action(e) == "deletion"; });
  ASSERT_TRUE(del);
  EXPECT_EQ(get_str(*del, fields::kFilePath), dir_ + "/b");
  ASSERT_TRUE(c.wait_for([&](const Event& e) { return pid_of(e) == child && action(e) == "end"; }));
  // Its create and rename were not reported (other processes' unlinks may be).
  EXPECT_EQ(c.matching([&](const Event& e) {
               return pid_of(e) == child && e.category() == categories::kFile;
             }).size(),
            1u);
}

TEST_F(EbpfLifecycle, KernelDropsAreCountedWhenTheRingOverflows) {
  EbpfOptions opt;
  opt.interest = EbpfInterest::process_only();
  opt.ring_buffer_bytes = 4096;  // one page: a burst of process records cannot fit
  EbpfSource src(std::move(opt));
  ASSERT_TRUE(src.start().ok());
  // Nobody reads yet: 200 fork + 200 exit records (~80 bytes each) overflow 4 KiB.
  const pid_t burst = spawn([] {
    for (int k = 0; k < 200; ++k) {
      const pid_t p = ::fork();
      if (p == 0) ::_exit(0);
      ::waitpid(p, nullptr, 0);
    }
    return 0;
  });
  ASSERT_EQ(WEXITSTATUS(reap(burst)), 0);
  const uint64_t lost = src.stats().lost;
  EXPECT_GT(lost, 300u);
  EXPECT_GE(src.detailed_stats().kernel_drops, lost);

  // What did fit is still delivered; the loss stays reported after the source stops.
  EventBus bus(1024, 64, EventBus::Policy::kBlock);
  std::thread reader([&] {
    BatchWriter w(bus);
    EXPECT_TRUE(src.run(w).ok());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  src.stop();
  reader.join();
  EXPECT_GT(src.stats().events, 10u);
  EXPECT_GE(src.stats().lost, lost);
}

TEST_F(EbpfLifecycle, LargeRingKeepsUpWithTheSameBurst) {
  EbpfOptions opt;
  opt.interest = EbpfInterest::process_only();
  LiveCollector c(std::move(opt));
  ASSERT_TRUE(c.start().ok());
  const pid_t burst = spawn([] {
    for (int k = 0; k < 200; ++k) {
      const pid_t p = ::fork();
      if (p == 0) ::_exit(k % 7);
      ::waitpid(p, nullptr, 0);
    }
    return 0;
  });
  ASSERT_EQ(WEXITSTATUS(reap(burst)), 0);
  ASSERT_TRUE(c.wait_for([&](const Event& e) { return pid_of(e) == burst && action(e) == "end"; }));
  const auto exits = c.matching([&](const Event& e) {
    return action(e) == "end" && get_int(e, fields::kProcessParentPid) == burst;
  });
  EXPECT_EQ(exits.size(), 200u);
  EXPECT_EQ(c.source().stats().lost, 0u);
}

TEST_F(EbpfLifecycle, StopDetachesEverything) {
  const int before = bpf_fds();
  {
    EbpfOptions opt;
    LiveCollector c(std::move(opt));
    ASSERT_TRUE(c.start().ok());
    EXPECT_GT(bpf_fds(), before + 5);
    c.stop();
    EXPECT_TRUE(c.run_status().ok());
    EXPECT_EQ(bpf_fds(), before);
  }
  {
    // Started but never run: the destructor detaches.
    EbpfSource src;
    ASSERT_TRUE(src.start().ok());
    EXPECT_GT(bpf_fds(), before);
  }
  EXPECT_EQ(bpf_fds(), before);
}

TEST_F(EbpfLifecycle, StopBeforeRunReturnsAtOnce) {
  const int before = bpf_fds();
  EbpfSource src;
  src.stop();
  EventBus bus(4, 4, EventBus::Policy::kBlock);
  BatchWriter w(bus);
  EXPECT_TRUE(src.run(w).ok());
  EXPECT_EQ(bpf_fds(), before);
}

TEST_F(EbpfLifecycle, MissingTracepointsAreListed) {
  EbpfOptions opt;
  opt.interest = EbpfInterest::process_only();
  opt.interest.add("process", "load_module");
  EbpfSource src(std::move(opt));
  ASSERT_TRUE(src.start().ok());
  auto tracefs = find_tracefs(false);
  ASSERT_TRUE(tracefs.ok());
  const auto hooks = src.attached_hooks();
  const auto missing = src.unavailable_hooks();
  const std::set<std::string> h(hooks.begin(), hooks.end()), m(missing.begin(), missing.end());
  if (tracepoint_exists(tracefs.value(), "syscalls/sys_enter_finit_module")) {
    EXPECT_TRUE(h.count("tp:syscalls/sys_enter_finit_module"));
    EXPECT_TRUE(m.empty());
  } else {
    // CONFIG_MODULES=n: nothing to attach, said so, and no raw fallback unless asked for.
    EXPECT_TRUE(m.count("tp:syscalls/sys_enter_finit_module"));
    EXPECT_TRUE(m.count("tp:syscalls/sys_enter_init_module"));
    EXPECT_FALSE(h.count("raw:sys_enter"));
  }
}

TEST_F(EbpfLifecycle, TracefsIsMountedWhenMissing) {
  // In a private mount namespace (the host's mounts stay as they are): unmount tracefs, then
  // start a collector that needs syscall tracepoints.
  const pid_t child = spawn([] {
    if (::unshare(CLONE_NEWNS) != 0) return 10;
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return 11;
    ::umount2("/sys/kernel/tracing", MNT_DETACH);
    ::umount2("/sys/kernel/debug", MNT_DETACH);
    auto gone = find_tracefs(false);
    if (gone.ok()) return 12;  // really gone
    if (gone.error().message.find("mount -t tracefs") == std::string::npos) return 13;
    EbpfOptions opt;
    opt.interest = EbpfInterest::process_only();
    opt.interest.add("file", "deletion");
    EbpfSource src(std::move(opt));
    if (!src.start().ok()) return 14;
    struct stat st {};
    return ::stat("/sys/kernel/tracing/events/syscalls", &st) == 0 ? 0 : 15;
  });
  EXPECT_EQ(WEXITSTATUS(reap(child)), 0);
}

TEST_F(EbpfLifecycle, RefusesWithoutTracefsWhenMountingIsOff) {
  const pid_t child = spawn([] {
    if (::unshare(CLONE_NEWNS) != 0) return 10;
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return 11;
    ::umount2("/sys/kernel/tracing", MNT_DETACH);
    ::umount2("/sys/kernel/debug", MNT_DETACH);
    EbpfOptions opt;
    opt.mount_tracefs = false;
    EbpfSource src(std::move(opt));
    const Status s = src.start();
    if (s.ok()) return 12;
    if (s.error().message.find("tracefs is not mounted") == std::string::npos) return 13;
    // Process tracking alone needs no tracefs.
    EbpfOptions p;
    p.mount_tracefs = false;
    p.interest = EbpfInterest::process_only();
    EbpfSource procs(std::move(p));
    return procs.start().ok() ? 0 : 14;
  });
  EXPECT_EQ(WEXITSTATUS(reap(child)), 0);
}

}  // namespace
}  // namespace wsn::collect
