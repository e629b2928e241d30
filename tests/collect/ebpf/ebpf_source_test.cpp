// What the source says when it cannot run (a build without BPF, or no privileges).
#include "collect/ebpf/ebpf_source.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "bus/event_bus.h"

namespace wsn::collect {
namespace {

TEST(EbpfSource, BuildWithoutBpfSaysWhy) {
#ifdef WSN_EBPF_AVAILABLE
  GTEST_SKIP() << "this build has the eBPF collector";
#else
  EbpfSource src;
  const Status s = src.start();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("no eBPF collector"), std::string::npos) << s.error().message;
  EventBus bus(4, 4, EventBus::Policy::kBlock);
  BatchWriter w(bus);
  EXPECT_FALSE(src.run(w).ok());
  EXPECT_EQ(src.stats().events, 0u);
#endif
}

TEST(EbpfSource, UnprivilegedStartSaysWhatIsNeeded) {
#ifndef WSN_EBPF_AVAILABLE
  GTEST_SKIP() << "this build has no eBPF collector";
#else
  if (::geteuid() == 0) GTEST_SKIP() << "running as root";
  EbpfSource src;
  const Status s = src.start();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("root"), std::string::npos) << s.error().message;
#endif
}

TEST(EbpfSource, NameAndIdleStats) {
  EbpfSource src;
  EXPECT_EQ(src.name(), "ebpf");
  EXPECT_EQ(src.stats().events, 0u);
  EXPECT_EQ(src.stats().lost, 0u);
  EXPECT_TRUE(src.attached_hooks().empty());
}

}  // namespace
}  // namespace wsn::collect
