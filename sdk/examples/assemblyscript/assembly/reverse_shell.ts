// Reverse-shell command lines (AssemblyScript version of examples/c/reverse_shell.c, same
// verdicts): a process exec whose command line wires a shell to a network socket.
import {
  MATCH, NO_MATCH, SEV_HIGH, alert, strContains, strEq, strIContains, strLen, strPtr,
  bytesFind,
} from "./wsn";
export { wsn_abi_v1, wsn_event_buffer, wsn_event_buffer_size } from "./wsn";

// Order of `fields` in reverse_shell.meta.
const F_ACTION: u32 = 0;
const F_NAME: u32 = 1;
const F_CMDLINE: u32 = 2;

function isNetcat(): bool {
  return strEq(F_NAME, "nc") || strEq(F_NAME, "ncat") || strEq(F_NAME, "netcat") ||
    strEq(F_NAME, "nc.traditional") || strEq(F_NAME, "nc.openbsd");
}

function isInterpreter(): bool {
  if (strEq(F_NAME, "python") || strEq(F_NAME, "python2") || strEq(F_NAME, "python3") ||
      strEq(F_NAME, "perl") || strEq(F_NAME, "ruby") || strEq(F_NAME, "php") ||
      strEq(F_NAME, "lua") || strEq(F_NAME, "node")) return true;
  return bytesFind(strPtr(F_NAME), strLen(F_NAME), "python", false) == 0 ||
    bytesFind(strPtr(F_NAME), strLen(F_NAME), "php", false) == 0;
}

function has(lit: string): bool { return strContains(F_CMDLINE, lit); }

function indicator(): string | null {
  if (has("/dev/tcp/") || has("/dev/udp/")) return "shell redirected to /dev/tcp or /dev/udp";
  if (isNetcat() && (has(" -e ") || has(" -c "))) return "netcat executing a program for its peer";
  if (has("mkfifo") && (has("nc ") || has("telnet ") || has("openssl s_client")) &&
      (has("sh -i") || has("/bin/sh") || has("bash"))) {
    return "named-pipe shell relay";
  }
  if (strIContains(F_CMDLINE, "socat") && strIContains(F_CMDLINE, "exec:") &&
      strIContains(F_CMDLINE, "tcp")) {
    return "socat exec to a TCP peer";
  }
  if (isInterpreter() && has("socket") &&
      (has("dup2") || has("pty.spawn") || has("subprocess") || has("fsockopen") || has("exec("))) {
    return "scripted socket shell";
  }
  return null;
}

export function wsn_on_event(len: u32): i32 {
  if (!strEq(F_ACTION, "exec")) return NO_MATCH;
  const what = indicator();
  if (what === null) return NO_MATCH;
  alert(SEV_HIGH, "Reverse shell command line", what);
  return MATCH;
}
