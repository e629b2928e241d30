#include "af_packet_sender.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>

namespace wsn::bench {
namespace {

constexpr unsigned kBatch = 64;

// In the child: returns the frames sent and the time taken, or sent = ~0 on failure.
SendResult child_send(const std::string& netns, const std::string& iface,
                      const std::vector<std::vector<uint8_t>>& frames, double seconds) {
  SendResult r{~0ull, 0};
  int nsfd = ::open(("/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC);
  if (nsfd < 0 || setns(nsfd, CLONE_NEWNET) != 0) return r;
  int fd = socket(AF_PACKET, SOCK_RAW, 0);  // protocol 0: send only
  if (fd < 0) return r;
  int one = 1;
  setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
  sockaddr_ll addr{};
  addr.sll_family = AF_PACKET;
  addr.sll_ifindex = static_cast<int>(if_nametoindex(iface.c_str()));
  addr.sll_halen = ETH_ALEN;
  if (addr.sll_ifindex == 0) return r;
  std::memcpy(addr.sll_addr, frames.front().data(), ETH_ALEN);
  // One message per frame, built once; batches are windows over them.
  std::vector<mmsghdr> msgs(frames.size());
  std::vector<iovec> iov(frames.size());
  for (size_t i = 0; i < frames.size(); ++i) {
    iov[i] = {const_cast<uint8_t*>(frames[i].data()), frames[i].size()};
    msgs[i].msg_hdr.msg_name = &addr;
    msgs[i].msg_hdr.msg_namelen = sizeof addr;
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  uint64_t sent = 0;
  size_t at = 0;
  for (unsigned batches = 1;; ++batches) {
    const unsigned n = static_cast<unsigned>(std::min<size_t>(kBatch, frames.size() - at));
    int done = sendmmsg(fd, &msgs[at], n, 0);
    if (done > 0) sent += static_cast<uint64_t>(done);
    at = at + n == frames.size() ? 0 : at + n;
    if (batches % 16 == 0 && Clock::now() >= end) break;
  }
  r.sent = sent;
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ::close(fd);
  return r;
}

}  // namespace

Result<SendResult> send_frames(const std::string& netns, const std::string& iface,
                               const std::vector<std::vector<uint8_t>>& frames, double seconds,
                               int senders) {
  if (frames.empty()) return Error{"no frames to send", 0};
  struct Child {
    pid_t pid;
    int fd;
  };
  std::vector<Child> children;
  for (int i = 0; i < senders; ++i) {
    int pipefd[2];
    if (pipe(pipefd) != 0) return Error{"pipe", errno};
    pid_t pid = fork();
    if (pid < 0) return Error{"fork", errno};
    if (pid == 0) {
      ::close(pipefd[0]);
      // Sender i on CPU i (mod the count): with one sender, the last CPU stays free for the
      // receive thread (receiver_cpu.h), so the two do not take turns on one core.
      const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(static_cast<int>(i % std::max(1L, cpus)), &set);
      (void)sched_setaffinity(0, sizeof set, &set);
      SendResult r = child_send(netns, iface, frames, seconds);
      ssize_t w = ::write(pipefd[1], &r, sizeof r);
      ::_exit(w == static_cast<ssize_t>(sizeof r) ? 0 : 1);
    }
    ::close(pipefd[1]);
    children.push_back({pid, pipefd[0]});
  }
  SendResult total{};
  bool failed = false;
  for (const Child& c : children) {
    SendResult r{};
    ssize_t got = ::read(c.fd, &r, sizeof r);
    ::close(c.fd);
    int status = 0;
    waitpid(c.pid, &status, 0);
    if (got != static_cast<ssize_t>(sizeof r) || r.sent == ~0ull) {
      failed = true;
      continue;
    }
    total.sent += r.sent;
    total.seconds = std::max(total.seconds, r.seconds);
  }
  if (failed) return Error{"an AF_PACKET sender failed in " + netns + " on " + iface, 0};
  return total;
}

}  // namespace wsn::bench
