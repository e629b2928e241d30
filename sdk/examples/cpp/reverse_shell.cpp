// Reverse-shell command lines (C++ version of examples/c/reverse_shell.c, same verdicts):
// a process exec whose command line wires a shell to a network socket.
#include <array>
#include <string_view>

#include "wsn_rule.hpp"

WSN_RULE(16384);

namespace {

using std::string_view;
enum : uint32_t { kAction, kName, kCmdline };  // order of `fields` in reverse_shell.meta

bool contains(string_view s, string_view lit) {
  return s.find(lit) != string_view::npos;
}

bool is_netcat(string_view name) {
  constexpr std::array<string_view, 5> kNames = {"nc", "ncat", "netcat", "nc.traditional",
                                                 "nc.openbsd"};
  for (string_view n : kNames) {
    if (name == n) return true;
  }
  return false;
}

bool is_interpreter(string_view name) {
  constexpr std::array<string_view, 8> kNames = {"python", "python2", "python3", "perl",
                                                 "ruby",   "php",     "lua",     "node"};
  for (string_view n : kNames) {
    if (name == n) return true;
  }
  return name.substr(0, 6) == "python" || name.substr(0, 3) == "php";
}

const char* indicator(string_view name, string_view cmd) {
  if (contains(cmd, "/dev/tcp/") || contains(cmd, "/dev/udp/")) {
    return "shell redirected to /dev/tcp or /dev/udp";
  }
  if (is_netcat(name) && (contains(cmd, " -e ") || contains(cmd, " -c "))) {
    return "netcat executing a program for its peer";
  }
  if (contains(cmd, "mkfifo") &&
      (contains(cmd, "nc ") || contains(cmd, "telnet ") || contains(cmd, "openssl s_client")) &&
      (contains(cmd, "sh -i") || contains(cmd, "/bin/sh") || contains(cmd, "bash"))) {
    return "named-pipe shell relay";
  }
  if (wsn_sdk::icontains(cmd, "socat") && wsn_sdk::icontains(cmd, "exec:") &&
      wsn_sdk::icontains(cmd, "tcp")) {
    return "socat exec to a TCP peer";
  }
  if (is_interpreter(name) && contains(cmd, "socket") &&
      (contains(cmd, "dup2") || contains(cmd, "pty.spawn") || contains(cmd, "subprocess") ||
       contains(cmd, "fsockopen") || contains(cmd, "exec("))) {
    return "scripted socket shell";
  }
  return nullptr;
}

}  // namespace

extern "C" WSN_EXPORT(wsn_on_event) int32_t wsn_on_event(uint32_t len) {
  const wsn_sdk::Record r(len);
  if (r.str(kAction) != "exec") return WSN_NO_MATCH;
  const char* what = indicator(r.str(kName), r.str(kCmdline));
  if (!what) return WSN_NO_MATCH;
  wsn_sdk::alert(WSN_SEV_HIGH, "Reverse shell command line", what);
  return WSN_MATCH;
}
