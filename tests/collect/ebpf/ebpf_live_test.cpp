// Root integration tests of the live eBPF collector: real programs attached to the running
// kernel, real commands, exact fields. Skipped (with the reason) when not root or when the
// kernel cannot run the collector.
#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "live_collector.h"

namespace wsn::collect {
namespace {

using namespace wsn::collect::testing;
namespace fs = std::filesystem;

std::string real_path(const std::string& p) {
  char buf[PATH_MAX];
  return ::realpath(p.c_str(), buf) ? std::string(buf) : p;
}

std::string user_name(uid_t uid) {
  const passwd* pw = ::getpwuid(uid);
  return pw ? pw->pw_name : "<absent>";
}

std::string group_name(gid_t gid) {
  const group* gr = ::getgrgid(gid);
  return gr ? gr->gr_name : "<absent>";
}

// One collector (everything, reads under the suite's directory) shared by the suite.
class EbpfLive : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!skip_reason().empty()) return;
    char tmpl[] = "/tmp/wsn_ebpf_live_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = new std::string(real_path(tmpl));
    EbpfOptions opt;
    opt.interest = EbpfInterest::all();
    opt.interest.add_read_prefix(*dir_ + "/secret");
    opt.module_attempts_fallback = true;  // module loads are attempts only without CONFIG_MODULES
    collector_ = new LiveCollector(std::move(opt));
    const Status s = collector_->start();
    ASSERT_TRUE(s.ok()) << s.error().message;
  }
  static void TearDownTestSuite() {
    delete collector_;
    collector_ = nullptr;
    if (dir_ != nullptr) fs::remove_all(*dir_);
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (const std::string why = skip_reason(); !why.empty()) GTEST_SKIP() << why;
    ASSERT_NE(collector_, nullptr);
  }

  LiveCollector& c() { return *collector_; }
  const std::string& dir() { return *dir_; }

  // Waits for the event `act` of process `pid` (and an extra predicate).
  std::optional<Event> wait_action(
      int64_t pid, const std::string& act,
      const std::function<bool(const Event&)>& extra = [](const Event&) { return true; }) {
    return c().wait_for(
        [&](const Event& e) { return pid_of(e) == pid && action(e) == act && extra(e); });
  }

  static LiveCollector* collector_;
  static std::string* dir_;
};

LiveCollector* EbpfLive::collector_ = nullptr;
std::string* EbpfLive::dir_ = nullptr;

TEST_F(EbpfLive, ShellPipelineLineageArgsAndExitCodes) {
  const std::string cmd = "echo wsn-pipeline-marker | /usr/bin/tr a-z A-Z > /dev/null; exit 3";
  const char* argv[] = {"/bin/sh", "-c", cmd.c_str(), nullptr};
  const pid_t sh = ::fork();
  if (sh == 0) {
    ::execv("/bin/sh", const_cast<char* const*>(argv));
    ::_exit(127);
  }
  const int status = reap(sh);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 3);

  auto shell = wait_action(sh, "exec");
  ASSERT_TRUE(shell) << "no exec event for the shell " << sh;
  EXPECT_EQ(get_list(*shell, fields::kProcessArgs),
            (std::vector<std::string>{"/bin/sh", "-c", cmd}));
  EXPECT_EQ(get_str(*shell, fields::kProcessCommandLine), "/bin/sh -c " + cmd);
  EXPECT_EQ(get_int(*shell, fields::kProcessArgsCount), 3);
  // Executable with symlinks resolved (/bin/sh → dash), name = the kernel comm ("sh").
  EXPECT_EQ(get_str(*shell, fields::kProcessExecutable), real_path("/bin/sh"));
  EXPECT_EQ(get_str(*shell, fields::kProcessName), "sh");
  EXPECT_EQ(get_int(*shell, fields::kProcessParentPid), ::getpid());
  EXPECT_EQ(get_str(*shell, fields::kProcessParentExecutable), real_path("/proc/self/exe"));
  EXPECT_EQ(get_str(*shell, fields::kProcessWorkingDirectory), real_path(fs::current_path()));
  EXPECT_EQ(get_str(*shell, fields::kProcessUserId), "0");
  EXPECT_EQ(get_str(*shell, fields::kProcessUserName), user_name(0));
  EXPECT_EQ(get_list(*shell, fields::kEventCategory), (std::vector<std::string>{"process"}));
  EXPECT_EQ(get_list(*shell, fields::kEventType), (std::vector<std::string>{"start"}));
  const std::string shell_id = get_str(*shell, fields::kProcessEntityId);
  EXPECT_EQ(shell_id.size(), 22u);

  // tr: forked by the shell, then exec'd with its arguments.
  auto tr = c().wait_for([&](const Event& e) {
    return action(e) == "exec" && get_int(e, fields::kProcessParentPid) == sh &&
           get_str(e, fields::kProcessExecutable) == real_path("/usr/bin/tr");
  });
  ASSERT_TRUE(tr) << "no exec event for tr under the shell";
  const int64_t tr_pid = pid_of(*tr);
  EXPECT_EQ(get_list(*tr, fields::kProcessArgs),
            (std::vector<std::string>{"/usr/bin/tr", "a-z", "A-Z"}));
  EXPECT_EQ(get_str(*tr, fields::kProcessParentEntityId), shell_id);
  EXPECT_EQ(get_list(*tr, fields::kProcessParentArgs),
            (std::vector<std::string>{"/bin/sh", "-c", cmd}));

  auto tr_fork = wait_action(tr_pid, "fork");
  ASSERT_TRUE(tr_fork);
  EXPECT_EQ(get_int(*tr_fork, fields::kProcessParentPid), sh);
  EXPECT_EQ(get_str(*tr_fork, fields::kProcessEntityId), get_str(*tr, fields::kProcessEntityId));

  auto tr_exit = wait_action(tr_pid, "end");
  ASSERT_TRUE(tr_exit);
  EXPECT_EQ(get_int(*tr_exit, fields::kProcessExitCode), 0);
  EXPECT_EQ(get_str(*tr_exit, fields::kProcessEntityId), get_str(*tr, fields::kProcessEntityId));
  auto sh_exit = wait_action(sh, "end");
  ASSERT_TRUE(sh_exit);
  EXPECT_EQ(get_int(*sh_exit, fields::kProcessExitCode), 3);
  EXPECT_EQ(get_list(*sh_exit, fields::kEventType), (std::vector<std::string>{"end"}));
}

TEST_F(EbpfLive, ShortLivedProcessesAreSeen) {
  // A child that exits at once (well under 1 ms), and a short exec.
  const pid_t quick = spawn([] { return 42; });
  ASSERT_EQ(WEXITSTATUS(reap(quick)), 42);
  auto fork_ev = wait_action(quick, "fork");
  auto exit_ev = wait_action(quick, "end");
  ASSERT_TRUE(fork_ev && exit_ev);
  EXPECT_EQ(get_int(*fork_ev, fields::kProcessParentPid), ::getpid());
  EXPECT_EQ(get_int(*exit_ev, fields::kProcessExitCode), 42);
  EXPECT_EQ(get_str(*exit_ev, fields::kProcessEntityId),
            get_str(*fork_ev, fields::kProcessEntityId));
  const int64_t lifetime_ns = exit_ev->time_ns() - fork_ev->time_ns();
  EXPECT_GT(lifetime_ns, 0);
  std::printf("short-lived child lived %.3f ms (fork → exit events)\n", lifetime_ns / 1e6);

  const pid_t t = spawn([] {
    const char* argv[] = {"/bin/true", "wsn-short-exec", nullptr};
    ::execv("/bin/true", const_cast<char* const*>(argv));
    return 127;
  });
  ASSERT_EQ(WEXITSTATUS(reap(t)), 0);
  auto ex = wait_action(t, "exec");
  ASSERT_TRUE(ex);
  EXPECT_EQ(get_list(*ex, fields::kProcessArgs),
            (std::vector<std::string>{"/bin/true", "wsn-short-exec"}));
  auto tx = wait_action(t, "end");
  ASSERT_TRUE(tx);
  EXPECT_EQ(get_str(*tx, fields::kProcessExecutable), real_path("/bin/true"));

  // Killed by a signal: 128 + signal number.
  const pid_t k = spawn([] {
    ::raise(SIGKILL);
    return 0;
  });
  reap(k);
  auto kx = wait_action(k, "end");
  ASSERT_TRUE(kx);
  EXPECT_EQ(get_int(*kx, fields::kProcessExitCode), 128 + SIGKILL);
}

TEST_F(EbpfLive, FileWriteRenameChmodChownUnlink) {
  const std::string d = dir() + "/files";
  ASSERT_EQ(::mkdir(d.c_str(), 0755), 0);
  const pid_t child = spawn([&] {
    if (::chdir(d.c_str()) != 0) return 1;
    const int fd = ::open("a.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);  // relative path
    if (fd < 0 || ::write(fd, "hello\n", 6) != 6) return 2;
    ::close(fd);
    if (::rename("a.txt", "b.txt") != 0) return 3;
    const int fd2 = ::open("b.txt", O_WRONLY | O_APPEND);
    if (fd2 < 0) return 4;
    ::close(fd2);
    if (::chmod("b.txt", 04755) != 0) return 5;
    if (::chown("b.txt", 65534, 65534) != 0) return 6;
    // Through a symlink: reported as asked, not resolved.
    if (::symlink("b.txt", "link") != 0) return 8;
    const int fd3 = ::open("link", O_WRONLY);
    if (fd3 < 0) return 9;
    ::close(fd3);
    if (::unlink("link") != 0) return 10;
    if (::unlinkat(AT_FDCWD, "../files/b.txt", 0) != 0) return 7;
    return 0;
  });
  ASSERT_EQ(WEXITSTATUS(reap(child)), 0);

  auto create = wait_action(child, "creation");
  ASSERT_TRUE(create);
  EXPECT_EQ(get_str(*create, fields::kFilePath), d + "/a.txt");
  EXPECT_EQ(get_str(*create, fields::kFileName), "a.txt");
  EXPECT_EQ(get_str(*create, fields::kFileDirectory), d);
  EXPECT_EQ(get_str(*create, fields::kFileExtension), "txt");
  EXPECT_EQ(get_list(*create, fields::kEventType), (std::vector<std::string>{"creation"}));
  EXPECT_EQ(create->category(), categories::kFile);

  auto ren = wait_action(child, "rename");
  ASSERT_TRUE(ren);
  EXPECT_EQ(get_str(*ren, fields::kFilePath), d + "/b.txt");
  EXPECT_EQ(get_str(*ren, fields::kFileOriginalPath), d + "/a.txt");

  auto ow = wait_action(child, "modification");
  ASSERT_TRUE(ow);
  EXPECT_EQ(get_str(*ow, fields::kFilePath), d + "/b.txt");
  EXPECT_EQ(get_list(*ow, fields::kEventType), (std::vector<std::string>{"change"}));
  EXPECT_EQ(get_str(*ow, fields::kProcessWorkingDirectory), real_path(fs::current_path()));
  auto via_link = wait_action(child, "modification", [&](const Event& e) {
    return get_str(e, fields::kFilePath) != d + "/b.txt";
  });
  ASSERT_TRUE(via_link);
  EXPECT_EQ(get_str(*via_link, fields::kFilePath), d + "/link");

  auto chm = wait_action(child, "chmod");
  ASSERT_TRUE(chm);
  EXPECT_EQ(get_str(*chm, fields::kFilePath), d + "/b.txt");
  EXPECT_EQ(get_str(*chm, fields::kFileMode), "4755");

  auto cho = wait_action(child, "chown");
  ASSERT_TRUE(cho);
  EXPECT_EQ(get_str(*cho, fields::kFileUid), "65534");
  EXPECT_EQ(get_str(*cho, fields::kFileGid), "65534");
  EXPECT_EQ(get_str(*cho, fields::kFileOwner), user_name(65534));
  EXPECT_EQ(get_str(*cho, fields::kFileGroup), group_name(65534));

  auto del = wait_action(child, "deletion", [&](const Event& e) {
    return get_str(e, fields::kFilePath) == d + "/b.txt";
  });
  ASSERT_TRUE(del);
  EXPECT_EQ(get_str(*del, fields::kFilePath), d + "/b.txt");
  EXPECT_EQ(get_list(*del, fields::kEventType), (std::vector<std::string>{"deletion"}));

  // Kernel order is kept: create < rename < open_write < chmod < chown < unlink.
  const auto all = c().matching(
      [&](const Event& e) { return pid_of(e) == child && e.category() == categories::kFile; });
  std::vector<std::string> order;
  for (const Event& e : all) order.push_back(action(e));
  EXPECT_EQ(order, (std::vector<std::string>{"creation", "rename", "modification", "chmod", "chown",
                                             "modification", "deletion", "deletion"}));
  // No read of anything outside the read prefixes was reported.
  for (const Event& e : all) EXPECT_NE(action(e), "open");
}

TEST_F(EbpfLive, ReadsOnlyUnderInterestPrefix) {
  const std::string secret = dir() + "/secret.key";
  std::ofstream(secret) << "k";
  const pid_t child = spawn([&] {
    const int a = ::open(secret.c_str(), O_RDONLY);
    const int b = ::open("/etc/hostname", O_RDONLY);
    return a >= 0 && b >= 0 ? 0 : 1;
  });
  ASSERT_EQ(WEXITSTATUS(reap(child)), 0);
  auto rd = wait_action(child, "open");
  ASSERT_TRUE(rd);
  EXPECT_EQ(get_str(*rd, fields::kFilePath), secret);
  EXPECT_EQ(get_list(*rd, fields::kEventType), (std::vector<std::string>{"access"}));
  ASSERT_TRUE(wait_action(child, "end"));  // everything of the child has arrived
  const auto opens =
      c().matching([&](const Event& e) { return pid_of(e) == child && action(e) == "open"; });
  EXPECT_EQ(opens.size(), 1u);
}

// A TCP listener on 127.0.0.1 and a port the kernel picks; `addr` receives its address. -1 on
// failure.
int loopback_listener(sockaddr_in& addr) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  addr = {};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(fd, 4) != 0 || ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    return -1;
  return fd;
}

TEST_F(EbpfLive, TcpConnectToLocalListenerV4) {
  sockaddr_in addr{};
  const int lfd = loopback_listener(addr);
  ASSERT_GE(lfd, 0);
  const int port = ntohs(addr.sin_port);

  const pid_t child = spawn([&] {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    return ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0 ? 0 : 1;
  });
  sockaddr_in peer{};
  socklen_t len = sizeof(peer);
  const int conn = ::accept(lfd, reinterpret_cast<sockaddr*>(&peer), &len);
  ASSERT_GE(conn, 0);
  ASSERT_EQ(WEXITSTATUS(reap(child)), 0);
  ::close(conn);
  ::close(lfd);

  auto ev = wait_action(child, "connection_attempted");
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->category(), categories::kNetwork);
  EXPECT_EQ(get_ip(*ev, fields::kDestinationIp), "127.0.0.1");
  EXPECT_EQ(get_int(*ev, fields::kDestinationPort), port);
  EXPECT_EQ(get_ip(*ev, fields::kSourceIp), "127.0.0.1");
  EXPECT_EQ(get_int(*ev, fields::kSourcePort), ntohs(peer.sin_port));
  EXPECT_EQ(get_str(*ev, fields::kNetworkTransport), "tcp");
  EXPECT_EQ(get_str(*ev, fields::kNetworkType), "ipv4");
  EXPECT_EQ(get_str(*ev, fields::kNetworkDirection), "egress");
  EXPECT_EQ(get_str(*ev, fields::kEventOutcome), "success");
  EXPECT_EQ(get_list(*ev, fields::kEventType), (std::vector<std::string>{"start"}));
  EXPECT_EQ(get_int(*ev, fields::kProcessParentPid), ::getpid());
}

TEST_F(EbpfLive, TcpV6AcceptBindAndRefusedConnect) {
  // Child A listens on [::1]:0 and accepts one connection; we connect to it.
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t server = spawn([&] {
    const int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || ::listen(fd, 1) != 0) {
      return 1;
    }
    socklen_t l = sizeof(a);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &l);
    const uint16_t p = ntohs(a.sin6_port);
    if (::write(ready[1], &p, sizeof(p)) != sizeof(p)) return 2;
    const int c = ::accept(fd, nullptr, nullptr);
    return c >= 0 ? 0 : 3;
  });
  uint16_t port = 0;
  ASSERT_EQ(::read(ready[0], &port, sizeof(port)), static_cast<ssize_t>(sizeof(port)));
  const int cfd = ::socket(AF_INET6, SOCK_STREAM, 0);
  sockaddr_in6 to{};
  to.sin6_family = AF_INET6;
  to.sin6_addr = in6addr_loopback;
  to.sin6_port = htons(port);
  ASSERT_EQ(::connect(cfd, reinterpret_cast<sockaddr*>(&to), sizeof(to)), 0);
  sockaddr_in6 mine{};
  socklen_t l = sizeof(mine);
  ::getsockname(cfd, reinterpret_cast<sockaddr*>(&mine), &l);
  ASSERT_EQ(WEXITSTATUS(reap(server)), 0);
  ::close(cfd);

  auto bind_ev = wait_action(server, "bind");
  ASSERT_TRUE(bind_ev);
  EXPECT_EQ(get_ip(*bind_ev, fields::kSourceIp), "::1");
  EXPECT_EQ(get_int(*bind_ev, fields::kSourcePort), port);
  EXPECT_EQ(get_str(*bind_ev, fields::kNetworkType), "ipv6");

  auto acc = wait_action(server, "connection_accepted");
  ASSERT_TRUE(acc);
  EXPECT_EQ(get_ip(*acc, fields::kSourceIp), "::1");
  EXPECT_EQ(get_int(*acc, fields::kSourcePort), ntohs(mine.sin6_port));
  EXPECT_EQ(get_ip(*acc, fields::kDestinationIp), "::1");
  EXPECT_EQ(get_int(*acc, fields::kDestinationPort), port);
  EXPECT_EQ(get_str(*acc, fields::kNetworkDirection), "ingress");
  EXPECT_EQ(get_str(*acc, fields::kNetworkTransport), "tcp");

  // A connect to a port nobody listens on: reported, with outcome failure.
  const pid_t refused = spawn([&] {
    const int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
    return ::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof(to)) == 0 ? 1 : 0;
  });
  ASSERT_EQ(WEXITSTATUS(reap(refused)), 0);
  auto ref = wait_action(refused, "connection_attempted");
  ASSERT_TRUE(ref);
  EXPECT_EQ(get_str(*ref, fields::kEventOutcome), "failure");
  EXPECT_EQ(get_int(*ref, fields::kDestinationPort), port);

  // UDP "connection_attempted" names the transport.
  const pid_t udp = spawn([&] {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(53);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  });
  ASSERT_EQ(WEXITSTATUS(reap(udp)), 0);
  auto u = wait_action(udp, "connection_attempted");
  ASSERT_TRUE(u);
  EXPECT_EQ(get_str(*u, fields::kNetworkTransport), "udp");
  EXPECT_EQ(get_int(*u, fields::kDestinationPort), 53);
}

// Elastic Defend's disconnect_received: the process that closes its TCP connection, with the
// direction its opening had. The server closes first (established → FIN_WAIT1), then the
// client, having read end-of-file (CLOSE_WAIT → LAST_ACK): one event each, from each side.
TEST_F(EbpfLive, TcpCloseIsADisconnectOfTheClosingProcessOnBothSides) {
  sockaddr_in addr{};
  const int lfd = loopback_listener(addr);
  ASSERT_GE(lfd, 0);
  const int port = ntohs(addr.sin_port);

  const pid_t server = spawn([&] {
    const int c = ::accept(lfd, nullptr, nullptr);
    return c >= 0 && ::close(c) == 0 ? 0 : 1;
  });
  const pid_t client = spawn([&] {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) return 1;
    char b;
    if (::read(fd, &b, 1) != 0) return 2;  // the server's close
    return ::close(fd) == 0 ? 0 : 3;
  });
  ASSERT_EQ(WEXITSTATUS(reap(server)), 0);
  ASSERT_EQ(WEXITSTATUS(reap(client)), 0);
  ::close(lfd);

  auto srv = wait_action(server, "disconnect_received");
  ASSERT_TRUE(srv);
  EXPECT_EQ(srv->category(), categories::kNetwork);
  EXPECT_EQ(get_list(*srv, fields::kEventType), (std::vector<std::string>{"end"}));
  EXPECT_EQ(get_str(*srv, fields::kNetworkDirection), "ingress");
  EXPECT_EQ(get_str(*srv, fields::kNetworkTransport), "tcp");
  EXPECT_EQ(get_ip(*srv, fields::kSourceIp), "127.0.0.1");  // the remote: the client
  EXPECT_EQ(get_ip(*srv, fields::kDestinationIp), "127.0.0.1");
  EXPECT_EQ(get_int(*srv, fields::kDestinationPort), port);
  const auto client_port = get_int(*srv, fields::kSourcePort);
  EXPECT_NE(client_port, port);

  auto cli = wait_action(client, "disconnect_received");
  ASSERT_TRUE(cli);
  EXPECT_EQ(get_str(*cli, fields::kNetworkDirection), "egress");
  EXPECT_EQ(get_str(*cli, fields::kNetworkType), "ipv4");
  EXPECT_EQ(get_ip(*cli, fields::kSourceIp), "127.0.0.1");
  EXPECT_EQ(get_int(*cli, fields::kSourcePort), client_port);
  EXPECT_EQ(get_ip(*cli, fields::kDestinationIp), "127.0.0.1");
  EXPECT_EQ(get_int(*cli, fields::kDestinationPort), port);
  EXPECT_EQ(get_int(*cli, fields::kProcessParentPid), ::getpid());
  // One close, one event: the peer's FIN and the final ACKs are not disconnects of anyone.
  const auto ends = c().matching([&](const Event& e) {
    return (pid_of(e) == server || pid_of(e) == client) && action(e) == "disconnect_received";
  });
  EXPECT_EQ(ends.size(), 2u);
}

TEST_F(EbpfLive, SetuidAndSetgidChange) {
  const pid_t child = spawn([] {
    if (::setgid(65534) != 0) return 1;
    if (::setuid(65534) != 0) return 2;
    return 0;
  });
  ASSERT_EQ(WEXITSTATUS(reap(child)), 0);
  auto g = wait_action(child, "gid_change");
  ASSERT_TRUE(g);
  EXPECT_EQ(get_str(*g, fields::kGroupId), "65534");
  EXPECT_EQ(get_str(*g, fields::kGroupName), group_name(65534));
  EXPECT_EQ(get_str(*g, fields::kProcessGroupId), "0");
  auto u = wait_action(child, "uid_change");
  ASSERT_TRUE(u);
  EXPECT_EQ(get_list(*u, fields::kEventType), (std::vector<std::string>{"change"}));
  EXPECT_EQ(get_str(*u, fields::kUserId), "65534");
  EXPECT_EQ(get_str(*u, fields::kUserName), user_name(65534));
  EXPECT_EQ(get_str(*u, fields::kProcessUserId), "0");
  EXPECT_EQ(get_str(*u, fields::kProcessUserName), user_name(0));
  EXPECT_EQ(get_int(*u, fields::kProcessParentPid), ::getpid());
  // After the change the process acts as the new user.
  auto x = wait_action(child, "end");
  ASSERT_TRUE(x);
  EXPECT_EQ(get_str(*x, fields::kProcessUserId), "65534");
}

// Elastic Defend's session fields on a real terminal session: setsid(2) is a
// session_id_change, the new session takes a pseudo-terminal as its controlling terminal, and
// a program exec'd on it with stdin and stderr on the terminal is interactive; its
// allow-listed environment variables are reported, the others never.
TEST_F(EbpfLive, SessionTerminalInteractivityAndEnvironment) {
  const pid_t child = ::fork();
  if (child == 0) {
    if (::setsid() < 0) ::_exit(1);
    const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0) ::_exit(2);
    const int slave = ::open(::ptsname(master), O_RDWR);  // becomes the controlling terminal
    if (slave < 0) ::_exit(3);
    ::ioctl(slave, TIOCSCTTY, 0);
    ::dup2(slave, 0);
    ::dup2(slave, 2);
    const int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    const char* argv[] = {"/bin/true", "wsn-session-marker", nullptr};
    const char* envp[] = {"HISTFILE=/dev/null", "WSN_TEST_SECRET=hunter2", "PATH=/bin", nullptr};
    ::execve("/bin/true", const_cast<char* const*>(argv), const_cast<char* const*>(envp));
    ::_exit(127);
  }
  ASSERT_EQ(WEXITSTATUS(reap(child)), 0);
  const FieldRegistry reg;
  auto sid = wait_action(child, "session_id_change");
  ASSERT_TRUE(sid) << "no session_id_change for " << child;
  EXPECT_EQ(get_list(*sid, fields::kEventType), (std::vector<std::string>{"change"}));
  EXPECT_EQ(get_int(*sid, reg.find("process.session_leader.pid")), child);
  auto ex = wait_action(child, "exec");
  ASSERT_TRUE(ex);
  FieldView v;
  ASSERT_TRUE(ex->get(reg.find("process.interactive"), v));
  EXPECT_EQ(v.i, 1);
  EXPECT_EQ(get_int(*ex, reg.find("process.tty.char_device.major")), 136);  // /dev/pts/N
  EXPECT_EQ(get_int(*ex, reg.find("process.session_leader.pid")), child);
  EXPECT_EQ(get_int(*ex, reg.find("process.group_leader.pid")), child);
  ASSERT_TRUE(ex->get(reg.find("process.session_leader.same_as_process"), v));
  EXPECT_EQ(v.i, 1);
  EXPECT_EQ(get_list(*ex, reg.find("process.env_vars")),
            (std::vector<std::string>{"HISTFILE=/dev/null"}));
  EXPECT_EQ(get_str(*ex, reg.find("process.entry_leader.entity_id")).size(), 22u);
  EXPECT_NE(get_str(*ex, reg.find("process.entry_leader.entry_meta.type")), "<absent>");
  // The test runner itself has no terminal here or has one, but it is not this session's.
  ASSERT_TRUE(ex->get(reg.find("process.parent.interactive"), v));
  EXPECT_EQ(get_str(*ex, reg.find("process.parent.user.id")), "0");
}

TEST_F(EbpfLive, CapsetDropsACapability) {
  const pid_t child = spawn([] {
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    if (::syscall(SYS_capget, &hdr, data) != 0) return 1;
    data[CAP_NET_RAW / 32].effective &= ~(1u << (CAP_NET_RAW % 32));
    return ::syscall(SYS_capset, &hdr, data) == 0 ? 0 : 2;
  });
  ASSERT_EQ(WEXITSTATUS(reap(child)), 0);
  auto ev = wait_action(child, "capset");
  ASSERT_TRUE(ev);
  const auto eff = get_list(*ev, fields::kProcessCapabilitiesEffective);
  const auto perm = get_list(*ev, fields::kProcessCapabilitiesPermitted);
  EXPECT_EQ(std::count(eff.begin(), eff.end(), "CAP_NET_RAW"), 0);
  EXPECT_EQ(std::count(eff.begin(), eff.end(), "CAP_SYS_ADMIN"), 1);
  EXPECT_EQ(std::count(perm.begin(), perm.end(), "CAP_NET_RAW"), 1);
}

TEST_F(EbpfLive, PtraceAttachNamesTheTarget) {
  const pid_t target = spawn([] {
    for (;;) ::pause();
    return 0;
  });
  const pid_t tracer = spawn([&] {
    if (::ptrace(PTRACE_ATTACH, target, nullptr, nullptr) != 0) return 1;
    int st = 0;
    ::waitpid(target, &st, 0);
    ::ptrace(PTRACE_DETACH, target, nullptr, nullptr);
    return 0;
  });
  ASSERT_EQ(WEXITSTATUS(reap(tracer)), 0);
  ::kill(target, SIGKILL);
  reap(target);
  auto ev = wait_action(tracer, "ptrace");
  ASSERT_TRUE(ev);
  EXPECT_EQ(get_int(*ev, fields::kTargetProcessPid), target);
  EXPECT_EQ(get_list(*ev, fields::kEventType), (std::vector<std::string>{"access"}));
  EXPECT_EQ(get_str(*ev, fields::kTargetProcessExecutable), real_path("/proc/self/exe"));
  auto target_fork = wait_action(target, "fork");
  ASSERT_TRUE(target_fork);
  EXPECT_EQ(get_str(*ev, fields::kTargetProcessEntityId),
            get_str(*target_fork, fields::kProcessEntityId));
}

TEST_F(EbpfLive, MemfdCreate) {
  const pid_t child = spawn([] { return ::memfd_create("wsn-stage2", MFD_CLOEXEC) >= 0 ? 0 : 1; });
  ASSERT_EQ(WEXITSTATUS(reap(child)), 0);
  auto ev = wait_action(child, "memfd_create");
  ASSERT_TRUE(ev);
  EXPECT_EQ(get_str(*ev, fields::kFileName), "memfd:wsn-stage2");
  EXPECT_EQ(get_list(*ev, fields::kEventType), (std::vector<std::string>{"creation"}));
}

TEST_F(EbpfLive, KernelModuleLoadAttempt) {
  // Not a module: the kernel refuses it (ENOEXEC, or ENOSYS without module support); the
  // attempt is what a rule cares about.
  const std::string fake = dir() + "/fake.ko";
  std::ofstream(fake) << "not an ELF module";
  const pid_t child = spawn([&] {
    const int fd = ::open(fake.c_str(), O_RDONLY);
    return ::syscall(SYS_finit_module, fd, "", 0) == 0 ? 1 : 0;
  });
  ASSERT_EQ(WEXITSTATUS(reap(child)), 0);
  auto ev = wait_action(child, "load_module");
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->category(), categories::kProcess);
  EXPECT_EQ(get_str(*ev, fields::kFilePath), fake);
  EXPECT_EQ(get_str(*ev, fields::kEventOutcome), "failure");
}

TEST_F(EbpfLive, OwnProcessIsFilteredInTheKernel) {
  const std::string mine = dir() + "/made-by-the-engine";
  const int fd = ::open(mine.c_str(), O_CREAT | O_WRONLY, 0600);
  ASSERT_GE(fd, 0);
  ::close(fd);
  const std::string theirs = dir() + "/made-by-a-child";
  const pid_t child = spawn([&] {
    const int f = ::open(theirs.c_str(), O_CREAT | O_WRONLY, 0600);
    return f >= 0 ? 0 : 1;
  });
  ASSERT_EQ(WEXITSTATUS(reap(child)), 0);
  ASSERT_TRUE(
      c().wait_for([&](const Event& e) { return get_str(e, fields::kFilePath) == theirs; }));
  EXPECT_TRUE(c().matching([&](const Event& e) {
                   return get_str(e, fields::kFilePath) == mine || pid_of(e) == ::getpid();
                 })
                  .empty());
}

TEST_F(EbpfLive, ContainerIdFromCgroup) {
  // A cgroup v2 directory named like a container: processes in it carry its id.
  std::string mnt;
  std::ifstream mounts("/proc/self/mounts");
  for (std::string dev, path, type, rest;
       mounts >> dev >> path >> type && std::getline(mounts, rest);) {
    if (type == "cgroup2") {
      mnt = path;
      break;
    }
  }
  if (mnt.empty()) GTEST_SKIP() << "no cgroup2 hierarchy mounted";
  const std::string id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  const std::string cg = mnt + "/" + id;
  if (::mkdir(cg.c_str(), 0755) != 0 && errno != EEXIST) {
    GTEST_SKIP() << "cannot create cgroup " << cg << ": " << std::strerror(errno);
  }
  const std::string procs = cg + "/cgroup.procs";
  const pid_t child = spawn([&] {
    const int fd = ::open(procs.c_str(), O_WRONLY);
    if (fd < 0 || ::write(fd, "0", 1) != 1) return 1;
    ::close(fd);
    const char* argv[] = {"/bin/true", nullptr};
    ::execv("/bin/true", const_cast<char* const*>(argv));
    return 127;
  });
  const int status = reap(child);
  ::rmdir(cg.c_str());
  ASSERT_EQ(WEXITSTATUS(status), 0);
  auto ev = wait_action(child, "exec");
  ASSERT_TRUE(ev);
  EXPECT_EQ(get_str(*ev, fields::kContainerId), id);
  auto x = wait_action(child, "end");
  ASSERT_TRUE(x);
  EXPECT_EQ(get_str(*x, fields::kContainerId), id);
}

TEST_F(EbpfLive, ScriptFilelessAndDeletedExecutables) {
  // A script through its #! line: the script is the executable, the comm its basename.
  const std::string script = dir() + "/hello.sh";
  std::ofstream(script) << "#!/bin/sh\nexit 0\n";
  ::chmod(script.c_str(), 0755);
  const pid_t s = spawn([&] {
    if (::chdir(dir().c_str()) != 0) return 1;
    const char* argv[] = {"./hello.sh", nullptr};
    ::execv("./hello.sh", const_cast<char* const*>(argv));
    return 127;
  });
  ASSERT_EQ(WEXITSTATUS(reap(s)), 0);
  auto se = wait_action(s, "exec");
  ASSERT_TRUE(se);
  EXPECT_EQ(get_str(*se, fields::kProcessExecutable), script);
  EXPECT_EQ(get_str(*se, fields::kProcessName), "hello.sh");
  EXPECT_EQ(get_list(*se, fields::kProcessArgs),
            (std::vector<std::string>{"/bin/sh", "./hello.sh"}));

  // Fileless: exec of a memfd through /proc/self/fd/N.
  std::string exe;
  {
    std::ifstream in("/bin/true", std::ios::binary);
    exe.assign(std::istreambuf_iterator<char>(in), {});
  }
  const pid_t m = spawn([&] {
    const int fd = ::memfd_create("wsn-fileless", 0);
    if (fd < 0 || ::write(fd, exe.data(), exe.size()) != static_cast<ssize_t>(exe.size())) {
      return 1;
    }
    const std::string self_fd = "/proc/self/fd/" + std::to_string(fd);
    const char* argv[] = {"[kworker/u8:2]", nullptr};
    ::execv(self_fd.c_str(), const_cast<char* const*>(argv));
    return 127;
  });
  ASSERT_EQ(WEXITSTATUS(reap(m)), 0);
  auto me = wait_action(m, "exec");
  ASSERT_TRUE(me);
  EXPECT_EQ(get_str(*me, fields::kProcessExecutable), "/memfd:wsn-fileless (deleted)");
  EXPECT_EQ(get_list(*me, fields::kProcessArgs), (std::vector<std::string>{"[kworker/u8:2]"}));
  EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(get_str(*me, fields::kProcessName)[0])))
      << get_str(*me, fields::kProcessName);  // comm of /proc/self/fd/N is N

  // A binary deleted before it runs.
  const std::string copy = dir() + "/gone";
  fs::copy_file("/bin/true", copy, fs::copy_options::overwrite_existing);
  ::chmod(copy.c_str(), 0755);
  const pid_t g = spawn([&] {
    const int fd = ::open(copy.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::unlink(copy.c_str()) != 0) return 1;
    const char* argv[] = {"gone", nullptr};
    ::fexecve(fd, const_cast<char* const*>(argv), environ);
    return 127;
  });
  ASSERT_EQ(WEXITSTATUS(reap(g)), 0);
  auto ge = wait_action(g, "exec");
  ASSERT_TRUE(ge);
  EXPECT_EQ(get_str(*ge, fields::kProcessExecutable), copy + " (deleted)");
}

TEST_F(EbpfLive, OrphansNameTheirNewParent) {
  int pipefd[2];
  ASSERT_EQ(::pipe(pipefd), 0);
  const std::string victim = dir() + "/orphan-mark";
  std::ofstream(victim) << "x";
  const pid_t mid = spawn([&] {
    const pid_t gc = ::fork();
    if (gc == 0) {
      ::usleep(100 * 1000);  // the middle process has exited by now
      const pid_t adopted = ::getppid();
      ::unlink(victim.c_str());
      [[maybe_unused]] ssize_t n = ::write(pipefd[1], &adopted, sizeof(adopted));
      ::_exit(0);
    }
    return 0;  // exit at once: the grandchild is orphaned
  });
  reap(mid);
  pid_t adopted = 0;
  ASSERT_EQ(::read(pipefd[0], &adopted, sizeof(adopted)), static_cast<ssize_t>(sizeof(adopted)));
  ASSERT_NE(adopted, mid);
  auto ev = c().wait_for([&](const Event& e) {
    return action(e) == "deletion" && get_str(e, fields::kFilePath) == victim;
  });
  ASSERT_TRUE(ev);
  EXPECT_EQ(get_int(*ev, fields::kProcessParentPid), adopted);
}

TEST_F(EbpfLive, StatsCountEventsWithoutLoss) {
  const pid_t child = spawn([] { return 0; });
  reap(child);
  ASSERT_TRUE(wait_action(child, "end"));
  const SourceStats st = c().source().stats();
  EXPECT_GT(st.events, 0u);
  EXPECT_EQ(st.malformed, 0u);
  EXPECT_EQ(st.lost, 0u);
  const EbpfStats d = c().source().detailed_stats();
  EXPECT_GE(d.records, d.events);
  EXPECT_GT(d.processes.seeded, 0u);
}

}  // namespace
}  // namespace wsn::collect
