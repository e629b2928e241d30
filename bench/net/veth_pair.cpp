#include "veth_pair.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "cleanup.h"

namespace wsn::bench {
namespace {

int g_home_ns = -1;

}  // namespace

int shell(const std::string& cmd, std::string* out) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return -1;
  std::array<char, 4096> buf{};
  std::string text;
  for (size_t n; (n = fread(buf.data(), 1, buf.size(), p)) > 0;) text.append(buf.data(), n);
  int status = pclose(p);
  if (out) *out = std::move(text);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int VethPair::run_in(const std::string& ns, const std::string& cmd, std::string* out) {
  return shell("ip netns exec " + ns + " sh -c '" + cmd + "'", out);
}

Result<std::unique_ptr<VethPair>> VethPair::create() {
  std::unique_ptr<VethPair> v(new VethPair());
  const std::string id = std::to_string(getpid() % 100000);
  v->ns_a_ = "wsnxbenchA" + id;
  v->ns_b_ = "wsnxbenchB" + id;
  v->if_a_ = "wxbA" + id;
  v->if_b_ = "wxbB" + id;
  v->cleanup_ = on_cleanup("ip netns del " + v->ns_a_ + " 2>/dev/null; ip netns del " + v->ns_b_ +
                           " 2>/dev/null");
  const std::string& a = v->ns_a_;
  const std::string& b = v->ns_b_;
  std::string out;
  int rc = shell("set -e; ip netns add " + a + "; ip netns add " + b + "; ip link add name " +
                     v->if_a_ + " address 02:00:00:00:02:01 type veth peer name " + v->if_b_ +
                     " address 02:00:00:00:02:02; ip link set " + v->if_a_ + " netns " + a +
                     "; ip link set " + v->if_b_ + " netns " + b + "; ip -n " + a +
                     " addr add 10.202.0.1/24 dev " + v->if_a_ + "; ip -n " + b +
                     " addr add 10.202.0.2/24 dev " + v->if_b_ + "; ip -n " + a + " link set " +
                     v->if_a_ + " up; ip -n " + b + " link set " + v->if_b_ + " up; ip -n " + a +
                     " link set lo up; ip -n " + b + " link set lo up",
                 &out);
  if (rc != 0) return Error{"create the namespaces and the veth pair: " + out, 0};
  return v;
}

VethPair::~VethPair() {
  (void)leave();
  shell("ip netns del " + ns_a_ + "; ip netns del " + ns_b_);
  forget(cleanup_);
}

Status VethPair::enter(const std::string& ns) {
  if (g_home_ns < 0) g_home_ns = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  int fd = ::open(("/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{"open /run/netns/" + ns + ": " + std::strerror(errno), errno};
  int rc = setns(fd, CLONE_NEWNET);
  int err = errno;
  ::close(fd);
  if (rc != 0) return Error{"setns " + ns + ": " + std::strerror(err), err};
  return {};
}

Status VethPair::leave() {
  if (g_home_ns < 0) return {};
  if (setns(g_home_ns, CLONE_NEWNET) != 0)
    return Error{std::string("setns back: ") + std::strerror(errno), errno};
  return {};
}

}  // namespace wsn::bench
