// Port scan (AssemblyScript version of examples/c/port_scan.c, same verdicts): one source
// sends TCP SYNs to more than N distinct ports within T seconds. Distinct ports are counted in
// the host's state store: a key per (source, port) marks a port as seen in the window, a key
// per source counts the marks.
import {
  MATCH, NO_MATCH, NS_PER_SECOND, SEV_MEDIUM, alertText, fieldInt, ipIsV4, ipPtr,
  parseSettings, stateAddText, textBytes, textIp, textPut, textReset, textUint,
} from "./wsn";
export { wsn_abi_v1, wsn_event_buffer, wsn_event_buffer_size } from "./wsn";

// Order of `fields` in port_scan.meta.
const F_SRC: u32 = 0;
const F_DPORT: u32 = 1;
const F_FLAGS: u32 = 2;

// "ports=N window=SECONDS" (defaults: more than 20 ports within 10 s).
const SETTINGS: string[] = ["ports", "window"];
const values: i64[] = [20, 10];
let ports: i64 = 20;
let windowNs: i64 = 10 * NS_PER_SECOND;

export function wsn_init(len: u32): i32 {
  if (parseSettings(len, SETTINGS, values) != 0) return 1;
  ports = values[0];
  windowNs = values[1] * NS_PER_SECOND;
  return 0;
}

export function wsn_on_event(len: u32): i32 {
  const flags = fieldInt(F_FLAGS, -1);
  if (flags < 0 || (flags & 0x12) != 0x02) return NO_MATCH;  // SYN without ACK
  const src = ipPtr(F_SRC);
  if (src == 0) return NO_MATCH;
  const v4 = ipIsV4(F_SRC);
  const port = fieldInt(F_DPORT, -1);
  textReset();
  textPut("p:");
  textBytes(src, 16);
  textUint(<u64>port);
  if (stateAddText(1, windowNs) != 1) return NO_MATCH;  // port seen
  textReset();
  textPut("n:");
  textBytes(src, 16);
  if (stateAddText(1, windowNs) != ports + 1) return NO_MATCH;  // alert once per window
  textReset();
  textPut("TCP SYNs from ");
  textIp(src, v4);
  textPut(" to more than ");
  textUint(<u64>ports);
  textPut(" ports");
  alertText(SEV_MEDIUM, "Port scan");
  return MATCH;
}
