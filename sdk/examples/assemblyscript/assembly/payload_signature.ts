// Payload signatures (AssemblyScript version of examples/c/payload_signature.c, same
// verdicts): a Log4Shell JNDI lookup (`${jndi:`, also nested `${${lower:j}ndi:` forms) in a
// TCP payload, or a shell command in a JSON-RPC request body.
import {
  MATCH, NO_MATCH, SEV_CRITICAL, alert, strContains, strEq, strIContains, strLen,
} from "./wsn";
export { wsn_abi_v1, wsn_event_buffer, wsn_event_buffer_size } from "./wsn";

// Order of `fields` in payload_signature.meta.
const F_PAYLOAD: u32 = 0;
const F_TRANSPORT: u32 = 1;

const SHELL: string[] = ["bash -c", "sh -c", "/bin/sh", "/bin/bash", "$(", ";wget ", "; wget ",
  "|sh", "| sh", "curl http"];

function jndi(): string | null {
  if (strIContains(F_PAYLOAD, "${jndi:")) return "JNDI lookup (${jndi:) in the payload";
  if (strIContains(F_PAYLOAD, "${${") && strIContains(F_PAYLOAD, "ndi")) {
    return "obfuscated JNDI lookup";
  }
  return null;
}

function rpcShell(): string | null {
  if (!strContains(F_PAYLOAD, "\"jsonrpc\"") && !strContains(F_PAYLOAD, "\"method\"")) return null;
  for (let k = 0; k < SHELL.length; k++) {
    if (strContains(F_PAYLOAD, SHELL[k])) return "shell command in a JSON-RPC request";
  }
  return null;
}

export function wsn_on_event(len: u32): i32 {
  if (!strEq(F_TRANSPORT, "tcp")) return NO_MATCH;
  if (strLen(F_PAYLOAD) == 0) return NO_MATCH;
  let what = jndi();
  if (what === null) what = rpcShell();
  if (what === null) return NO_MATCH;
  alert(SEV_CRITICAL, "Exploit payload on the wire", what);
  return MATCH;
}
