// Reverse-shell command lines: a process exec whose command line wires a shell to a network
// socket (bash /dev/tcp redirection, netcat -e, socat exec:, mkfifo relays, scripted sockets).
#include "wsn_rule.h"

WSN_RULE(16384);

enum { F_ACTION, F_NAME, F_CMDLINE };  // order of `fields` in reverse_shell.meta

static int is_netcat(wsn_str name) {
  return wsn_str_eq(name, "nc") || wsn_str_eq(name, "ncat") || wsn_str_eq(name, "netcat") ||
         wsn_str_eq(name, "nc.traditional") || wsn_str_eq(name, "nc.openbsd");
}

static int is_interpreter(wsn_str name) {
  static const char* const kNames[] = {"python", "python2", "python3", "perl",
                                       "ruby",   "php",     "lua",     "node"};
  for (unsigned k = 0; k < sizeof kNames / sizeof kNames[0]; ++k) {
    if (wsn_str_eq(name, kNames[k])) return 1;
  }
  // python3.11, php8.2 ...
  return wsn_str_find_ex(name, "python", 0) == 0 || wsn_str_find_ex(name, "php", 0) == 0;
}

// Returns the indicator that matched, or 0.
static const char* indicator(wsn_str name, wsn_str cmd) {
  if (wsn_str_contains(cmd, "/dev/tcp/") || wsn_str_contains(cmd, "/dev/udp/")) {
    return "shell redirected to /dev/tcp or /dev/udp";
  }
  if (is_netcat(name) && (wsn_str_contains(cmd, " -e ") || wsn_str_contains(cmd, " -c "))) {
    return "netcat executing a program for its peer";
  }
  if (wsn_str_contains(cmd, "mkfifo") &&
      (wsn_str_contains(cmd, "nc ") || wsn_str_contains(cmd, "telnet ") ||
       wsn_str_contains(cmd, "openssl s_client")) &&
      (wsn_str_contains(cmd, "sh -i") || wsn_str_contains(cmd, "/bin/sh") ||
       wsn_str_contains(cmd, "bash"))) {
    return "named-pipe shell relay";
  }
  if (wsn_str_icontains(cmd, "socat") && wsn_str_icontains(cmd, "exec:") &&
      wsn_str_icontains(cmd, "tcp")) {
    return "socat exec to a TCP peer";
  }
  if (is_interpreter(name) && wsn_str_contains(cmd, "socket") &&
      (wsn_str_contains(cmd, "dup2") || wsn_str_contains(cmd, "pty.spawn") ||
       wsn_str_contains(cmd, "subprocess") || wsn_str_contains(cmd, "fsockopen") ||
       wsn_str_contains(cmd, "exec("))) {
    return "scripted socket shell";
  }
  return 0;
}

WSN_EXPORT(wsn_on_event) int32_t wsn_on_event(uint32_t len) {
  const wsn_record_header* r = wsn_record(len);
  if (!wsn_str_eq(wsn_field_str(r, F_ACTION), "exec")) return WSN_NO_MATCH;
  const char* what = indicator(wsn_field_str(r, F_NAME), wsn_field_str(r, F_CMDLINE));
  if (!what) return WSN_NO_MATCH;
  wsn_alert(WSN_SEV_HIGH, "Reverse shell command line", what);
  return WSN_MATCH;
}
