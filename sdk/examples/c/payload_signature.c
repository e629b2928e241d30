// Payload signatures (packet inspector): a Log4Shell JNDI lookup (`${jndi:`, also nested
// `${${lower:j}ndi:` forms) in a TCP payload, or a shell command in a JSON-RPC request body.
#include "inspect_common.h"

WSN_RULE(4096);

enum { F_PAYLOAD, F_TRANSPORT };  // order of `fields` in payload_signature.meta

static const char* jndi(wsn_str p) {
  if (wsn_str_icontains(p, "${jndi:")) return "JNDI lookup (${jndi:) in the payload";
  if (wsn_str_icontains(p, "${${") && wsn_str_icontains(p, "ndi")) return "obfuscated JNDI lookup";
  return 0;
}

static const char* rpc_shell(wsn_str p) {
  if (!wsn_str_contains(p, "\"jsonrpc\"") && !wsn_str_contains(p, "\"method\"")) return 0;
  static const char* const kShell[] = {"bash -c", "sh -c", "/bin/sh", "/bin/bash", "$(",
                                       ";wget ", "; wget ", "|sh", "| sh", "curl http"};
  for (unsigned k = 0; k < sizeof kShell / sizeof kShell[0]; ++k)
    if (wsn_str_contains(p, kShell[k])) return "shell command in a JSON-RPC request";
  return 0;
}

WSN_EXPORT(wsn_on_event) int32_t wsn_on_event(uint32_t len) {
  const wsn_record_header* r = wsn_record(len);
  if (!wsn_str_eq(wsn_field_str(r, F_TRANSPORT), "tcp")) return WSN_NO_MATCH;
  const wsn_str payload = wsn_field_str(r, F_PAYLOAD);
  if (!payload.p || payload.len == 0) return WSN_NO_MATCH;
  const char* what = jndi(payload);
  if (!what) what = rpc_shell(payload);
  if (!what) return WSN_NO_MATCH;
  wsn_alert(WSN_SEV_CRITICAL, "Exploit payload on the wire", what);
  return WSN_MATCH;
}
