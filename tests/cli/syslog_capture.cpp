// wsn_syslog_capture LOG -- COMMAND [ARG...]: the syslog daemon of the live tests, for a host
// that runs none (tests/cli/data/sigma_live_steps.tsv: real sudo failures feed an auth-log rule).
//
// In a private mount namespace — the host's /dev is left as it is — it mounts a /dev of its own
// (a tmpfs with the host's null, zero, full, random, urandom, tty, pts and shm bound in), binds
// a unix datagram socket at /dev/log as a syslog daemon does, runs COMMAND there, and appends
// each auth / authpriv message it receives to LOG as rsyslog's traditional format writes it
// (RFC 3164: "Mmm dd hh:mm:ss HOST TAG: MESSAGE"), the file the `logs` source follows. It stops
// once COMMAND has exited and the socket has been quiet for a moment, and exits with COMMAND's
// status — or 125, with the reason on standard error, when it cannot set this up (not root, no
// mount namespaces).
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace {

constexpr int kSetupFailed = 125;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "wsn_syslog_capture: %s: %s\n", what.c_str(), std::strerror(errno));
  std::exit(kSetupFailed);
}

void bind_node(const std::string& from, const std::string& to, bool tree) {
  if (tree) {
    if (::mkdir(to.c_str(), 0755) != 0 && errno != EEXIST) fail("mkdir " + to);
  } else {
    const int fd = ::open(to.c_str(), O_WRONLY | O_CREAT, 0666);
    if (fd < 0) fail("create " + to);
    ::close(fd);
  }
  if (::mount(from.c_str(), to.c_str(), nullptr, MS_BIND | (tree ? MS_REC : 0), nullptr) != 0) {
    fail("bind " + from + " on " + to);
  }
}

// "<PRI>Mmm dd hh:mm:ss TAG: MESSAGE" (glibc's syslog(3)) → the log line, or "" when the
// message is not for the auth log (facilities auth 4 and authpriv 10 are).
std::string auth_line(std::string_view d, const std::string& host) {
  while (!d.empty() && (d.back() == '\n' || d.back() == '\0')) d.remove_suffix(1);
  if (d.size() < 3 || d[0] != '<') return "";
  const size_t close = d.find('>');
  if (close == std::string_view::npos || close < 2) return "";
  int pri = 0;
  for (size_t k = 1; k < close; ++k) {
    if (!std::isdigit(static_cast<unsigned char>(d[k]))) return "";
    pri = pri * 10 + (d[k] - '0');
  }
  const int facility = pri >> 3;
  if (facility != 4 && facility != 10) return "";
  d.remove_prefix(close + 1);
  if (d.size() < 16 || d[15] != ' ') return "";  // "Dec  7 18:59:54 "
  return std::string(d.substr(0, 15)) + " " + host + " " + std::string(d.substr(16)) + "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || std::string_view(argv[2]) != "--") {
    std::fprintf(stderr, "usage: %s LOG -- COMMAND [ARG...]\n", argv[0]);
    return 2;
  }
  const std::string log = argv[1];
  if (::unshare(CLONE_NEWNS) != 0) fail("unshare(CLONE_NEWNS) (needs root)");
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) fail("make / private");
  char dir[] = "/tmp/wsn-syslog-XXXXXX";
  if (::mkdtemp(dir) == nullptr) fail("mkdtemp");
  const std::string host_dev = std::string(dir) + "/dev";
  if (::mkdir(host_dev.c_str(), 0755) != 0) fail("mkdir " + host_dev);
  if (::mount("/dev", host_dev.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) {
    fail("bind /dev");
  }
  if (::mount("wsn-dev", "/dev", "tmpfs", MS_NOSUID, "mode=0755") != 0) fail("mount /dev");
  for (const char* n : {"null", "zero", "full", "random", "urandom", "tty"}) {
    bind_node(host_dev + "/" + n, std::string("/dev/") + n, false);
  }
  bind_node(host_dev + "/pts", "/dev/pts", true);
  bind_node(host_dev + "/shm", "/dev/shm", true);
  for (const auto& [name, target] : {std::pair{"/dev/fd", "/proc/self/fd"},
                                     {"/dev/stdin", "/proc/self/fd/0"},
                                     {"/dev/stdout", "/proc/self/fd/1"},
                                     {"/dev/stderr", "/proc/self/fd/2"}}) {
    if (::symlink(target, name) != 0) fail(std::string("symlink ") + name);
  }

  const int sock = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0) fail("socket");
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strcpy(addr.sun_path, "/dev/log");
  if (::bind(sock, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    fail("bind /dev/log");
  }
  ::chmod("/dev/log", 0666);
  const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (out < 0) fail("open " + log);
  char host[256] = "localhost";
  ::gethostname(host, sizeof host - 1);

  const pid_t child = ::fork();
  if (child < 0) fail("fork");
  if (child == 0) {
    ::execvp(argv[3], argv + 3);
    std::fprintf(stderr, "wsn_syslog_capture: cannot run %s: %s\n", argv[3], std::strerror(errno));
    _exit(127);
  }
  int status = 0;
  bool exited = false;
  int quiet_polls = 0;
  char buf[8192];
  while (!exited || quiet_polls < 3) {  // after COMMAND: until 300 ms without a message
    pollfd p{sock, POLLIN, 0};
    if (::poll(&p, 1, 100) > 0) {
      const ssize_t n = ::recv(sock, buf, sizeof buf, 0);
      if (n > 0) {
        const std::string line = auth_line(std::string_view(buf, static_cast<size_t>(n)), host);
        if (!line.empty() && ::write(out, line.data(), line.size()) < 0) fail("write " + log);
        quiet_polls = 0;
        continue;
      }
    }
    if (!exited && ::waitpid(child, &status, WNOHANG) == child) exited = true;
    if (exited) ++quiet_polls;
  }
  ::close(out);
  ::close(sock);
  ::umount2(host_dev.c_str(), MNT_DETACH);
  ::rmdir(host_dev.c_str());
  ::rmdir(dir);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
