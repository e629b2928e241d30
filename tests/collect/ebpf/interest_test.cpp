#include "collect/ebpf/interest.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "collect/ebpf/bpf/wsn_record.h"
#include "collect/ebpf/hooks.h"

namespace wsn::collect {
namespace {

std::set<std::string> watched(const EbpfInterest& i) {
  std::set<std::string> out;
  for (const WatchedSyscall& sc : watched_syscalls()) {
    if (syscall_wanted(sc, i)) out.emplace(sc.name);
  }
  return out;
}

TEST(EbpfInterest, VocabularyIsTheDocumentedOne) {
  EXPECT_EQ(ebpf_event_info(EbpfEvent::kExec).action, "exec");
  EXPECT_EQ(ebpf_event_info(EbpfEvent::kExit).type, "end");
  EXPECT_EQ(ebpf_event_info(EbpfEvent::kSetuid).type, "change");
  EXPECT_EQ(ebpf_event_info(EbpfEvent::kPtrace).type, "access");
  EXPECT_EQ(ebpf_event_info(EbpfEvent::kMemfdCreate).type, "creation");
  EXPECT_EQ(ebpf_event_info(EbpfEvent::kFileOpen).type, "access");
  EXPECT_EQ(ebpf_event_info(EbpfEvent::kFileOpenWrite).type, "change");
  EXPECT_EQ(ebpf_event_info(EbpfEvent::kFileUnlink).type, "deletion");
  EXPECT_EQ(ebpf_event_info(EbpfEvent::kConnect).category, "network");
  EXPECT_EQ(ebpf_event_info(EbpfEvent::kLoadModule).category, "process");
  for (const auto& e : ebpf_events()) EXPECT_EQ(&ebpf_event_info(e.event), &e);
}

TEST(EbpfInterest, ByCategoryAndAction) {
  EbpfInterest i;
  EXPECT_TRUE(i.wants(EbpfEvent::kExec));  // process tracking is always there
  EXPECT_FALSE(i.wants(EbpfEvent::kConnect));
  EXPECT_TRUE(i.add("network", "connection_attempted"));
  EXPECT_TRUE(i.wants(EbpfEvent::kConnect));
  EXPECT_FALSE(i.wants(EbpfEvent::kAccept));
  EXPECT_TRUE(i.add("file"));
  EXPECT_TRUE(i.wants(EbpfEvent::kFileChown));
  EXPECT_EQ(i.reads_mode(), 0u);  // file/open without prefixes: no reads
  EXPECT_FALSE(i.add("file", "teleport"));
  EXPECT_FALSE(i.add("registry"));
  EXPECT_EQ(i.to_string().find("file/open "), std::string::npos);
}

TEST(EbpfInterest, ReadPrefixes) {
  EbpfInterest i = EbpfInterest::process_only();
  i.add_read_prefix("/etc/shadow");
  i.add_read_prefix("/etc/shadow");  // deduplicated
  i.add_read_prefix(std::string(300, 'x'));
  EXPECT_EQ(i.reads_mode(), 1u);
  ASSERT_EQ(i.read_prefixes().size(), 2u);
  EXPECT_EQ(i.read_prefixes()[1].size(), 251u);  // cut, matching more not less
  EXPECT_NE(i.to_string().find("file/open(2 prefixes)"), std::string::npos) << i.to_string();
  i.add_read_prefix("");
  EXPECT_EQ(i.reads_mode(), 2u);
  EbpfInterest many;
  for (int k = 0; k < 300; ++k) many.add_read_prefix("/p" + std::to_string(k));
  EXPECT_EQ(many.reads_mode(), 2u);  // beyond the kernel trie: all reads
}

TEST(BpfHooks, ProcessOnlyWatchesNoSyscall) {
  EXPECT_TRUE(watched(EbpfInterest::process_only()).empty());
}

TEST(BpfHooks, PushdownSelectsTheFamilies) {
  EbpfInterest i = EbpfInterest::process_only();
  i.add("file", "deletion");
  auto w = watched(i);
  EXPECT_TRUE(w.count("unlinkat"));
  EXPECT_FALSE(w.count("renameat2"));
  EXPECT_FALSE(w.count("openat"));
  EXPECT_FALSE(w.count("connect"));
#ifdef __x86_64__
  EXPECT_EQ(w, (std::set<std::string>{"unlink", "unlinkat", "rmdir"}));
#endif

  EbpfInterest reads = EbpfInterest::process_only();
  reads.add("file", "open");
  EXPECT_FALSE(watched(reads).count("openat"));  // reads without prefixes: nothing to report
  reads.add_read_prefix("/etc/");
  EXPECT_TRUE(watched(reads).count("openat"));
  EXPECT_TRUE(watched(reads).count("openat2"));

  EbpfInterest mod = EbpfInterest::process_only();
  mod.add("process", "load_module");
  EXPECT_EQ(watched(mod), (std::set<std::string>{"init_module", "finit_module"}));

  EbpfInterest net = EbpfInterest::process_only();
  net.add("network", "connection_attempted");
  EXPECT_EQ(watched(net), (std::set<std::string>{"connect"}));
}

TEST(BpfHooks, TableIsConsistent) {
  std::set<long> numbers;
  std::set<unsigned> tags;
  bool family_seen[WSN_FAM_COUNT] = {};
  for (const WatchedSyscall& sc : watched_syscalls()) {
    EXPECT_TRUE(numbers.insert(sc.nr).second) << sc.name;
    EXPECT_TRUE(tags.insert(sc.tag).second) << sc.name;
    EXPECT_GE(sc.nr, 0);
    EXPECT_LT(sc.nr, WSN_MAX_SYSCALLS);
    const int f = wsn_sys_family(sc.tag);
    ASSERT_GE(f, 0) << sc.name;
    family_seen[f] = true;
    EXPECT_NE(sc.events, 0u) << sc.name;
    EXPECT_GE(sc.nargs, 0) << sc.name;
    EXPECT_LE(sc.nargs, 5) << sc.name;
  }
  for (int f = 0; f < WSN_FAM_COUNT; ++f) {
    EXPECT_TRUE(family_seen[f]) << f;
    EXPECT_FALSE(family_program(f).empty()) << f;
  }
  EXPECT_TRUE(family_program(WSN_FAM_COUNT).empty());
  EXPECT_EQ(wsn_sys_family(WSN_SYS_NONE), -1);
  EXPECT_EQ(wsn_sys_family(WSN_SYS_COUNT), -1);
}

}  // namespace
}  // namespace wsn::collect
