#include "wasm/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

extern char** environ;

namespace wsn::wasm {
namespace {

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

void set_limit(int resource, uint64_t value, uint64_t hard_extra = 0) {
  if (value == 0) return;
  struct rlimit rl;
  rl.rlim_cur = value;
  rl.rlim_max = value + hard_extra;
  setrlimit(resource, &rl);
}

}  // namespace

std::string find_program(const std::string& name) {
  if (name.empty()) return {};
  if (name.find('/') != std::string::npos) return access(name.c_str(), X_OK) == 0 ? name : "";
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t k = 0;
  while (k <= dirs.size()) {
    size_t e = dirs.find(':', k);
    if (e == std::string::npos) e = dirs.size();
    std::string dir = dirs.substr(k, e - k);
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    k = e + 1;
  }
  return {};
}

std::string ProcessResult::describe(uint32_t timeout_ms) const {
  if (timed_out) return "timed out after " + std::to_string(timeout_ms) + " ms";
  if (term_signal != 0) {
    const char* name = strsignal(term_signal);
    std::string s = "killed by signal " + std::to_string(term_signal);
    if (name) s += std::string(" (") + name + ")";
    if (term_signal == SIGXCPU) s += ": CPU time limit exceeded";
    return s;
  }
  return "exited with status " + std::to_string(exit_code);
}

Result<ProcessResult> run_process(const std::vector<std::string>& argv,
                                  const ProcessLimits& limits) {
  if (argv.empty()) return Error{"run_process: empty command"};
  const std::string exe = find_program(argv[0]);
  if (exe.empty()) return Error{"cannot find program '" + argv[0] + "'", ENOENT};

  // Everything the child needs is prepared before fork: no allocation after it.
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return Error{"pipe: " + std::string(strerror(errno)), errno};
  Fd out_r(out_pipe[0]), out_w(out_pipe[1]);
  if (pipe2(err_pipe, O_CLOEXEC) != 0) return Error{"pipe: " + std::string(strerror(errno)), errno};
  Fd err_r(err_pipe[0]), err_w(err_pipe[1]);
  const int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  Fd null_fd(devnull);

  const pid_t pid = fork();
  if (pid < 0) return Error{"fork: " + std::string(strerror(errno)), errno};
  if (pid == 0) {
    setpgid(0, 0);
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    set_limit(RLIMIT_CPU, limits.cpu_seconds, 1);  // SIGXCPU first, SIGKILL a second later
    set_limit(RLIMIT_AS, limits.address_space_bytes);
    set_limit(RLIMIT_FSIZE, limits.file_size_bytes);
    if (devnull >= 0) dup2(devnull, 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    // Default dispositions for the signals a host may ignore or block.
    signal(SIGPIPE, SIG_DFL);
    signal(SIGXFSZ, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    close_range(3, ~0U, 0);
    execve(exe.c_str(), args.data(), environ);
    _exit(127);
  }
  setpgid(pid, pid);  // also from the parent, so a signal right after fork reaches the group
  out_w.reset();
  err_w.reset();

  ProcessResult res;
  const auto start = std::chrono::steady_clock::now();
  bool out_open = true, err_open = true;
  char buf[4096];
  while (out_open || err_open) {
    int wait_ms = -1;
    if (limits.timeout_ms) {
      const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - start)
                               .count();
      if (elapsed >= limits.timeout_ms) {
        res.timed_out = true;
        break;
      }
      wait_ms = static_cast<int>(limits.timeout_ms - elapsed);
    }
    struct pollfd fds[2];
    nfds_t n = 0;
    if (out_open) fds[n++] = {out_r.get(), POLLIN, 0};
    if (err_open) fds[n++] = {err_r.get(), POLLIN, 0};
    const int rc = poll(fds, n, wait_ms);
    if (rc < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (nfds_t i = 0; i < n; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      const bool is_out = fds[i].fd == out_r.get();
      if (got <= 0) {
        if (got < 0 && errno == EINTR) continue;
        (is_out ? out_open : err_open) = false;
        continue;
      }
      std::string& into = is_out ? res.out : res.err;
      const size_t room =
          limits.max_output_bytes > into.size() ? limits.max_output_bytes - into.size() : 0;
      into.append(buf, std::min(room, static_cast<size_t>(got)));
    }
  }
  // The pipes may close before the child exits (or it may close them and hang): wait for
  // the exit without reaping, still under the deadline, so the group id stays ours until the
  // leftovers of the group (e.g. a compiler's own children) are killed.
  for (;;) {
    if (res.timed_out) {
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
    }
    siginfo_t info;
    std::memset(&info, 0, sizeof info);
    const int rc = waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT);
    if (rc == 0 && info.si_pid == pid) break;
    if (rc < 0 && errno != EINTR) break;
    if (limits.timeout_ms && !res.timed_out) {
      const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - start)
                               .count();
      if (elapsed >= limits.timeout_ms) {
        res.timed_out = true;
        continue;
      }
    }
    usleep(2000);
  }
  kill(-pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!res.timed_out) {
    if (WIFSIGNALED(status)) {
      res.term_signal = WTERMSIG(status);
    } else if (WIFEXITED(status)) {
      res.exit_code = WEXITSTATUS(status);
    }
  }
  return res;
}

}  // namespace wsn::wasm
