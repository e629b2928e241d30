// SYN flood (AssemblyScript version of examples/c/syn_flood.c, same verdicts): more than R
// TCP SYNs per second to one destination address and port, from any sources. One alert per
// second of flood.
import {
  MATCH, NO_MATCH, NS_PER_SECOND, SEV_HIGH, alertText, fieldInt, ipIsV4, ipPtr, parseSettings,
  stateAddText, textBytes, textIp, textPut, textReset, textUint,
} from "./wsn";
export { wsn_abi_v1, wsn_event_buffer, wsn_event_buffer_size } from "./wsn";

// Order of `fields` in syn_flood.meta.
const F_DST: u32 = 0;
const F_DPORT: u32 = 1;
const F_FLAGS: u32 = 2;

// "rate=N" (default: more than 200 SYNs per second to one address and port).
const SETTINGS: string[] = ["rate"];
const values: i64[] = [200];

export function wsn_init(len: u32): i32 {
  return parseSettings(len, SETTINGS, values);
}

export function wsn_on_event(len: u32): i32 {
  const flags = fieldInt(F_FLAGS, -1);
  if (flags < 0 || (flags & 0x12) != 0x02) return NO_MATCH;  // SYN without ACK
  const dst = ipPtr(F_DST);
  if (dst == 0) return NO_MATCH;
  const v4 = ipIsV4(F_DST);
  const port = fieldInt(F_DPORT, 0);
  const rate = values[0];
  textReset();
  textPut("s:");
  textBytes(dst, 16);
  textUint(<u64>port);
  if (stateAddText(1, NS_PER_SECOND) != rate + 1) return NO_MATCH;
  textReset();
  textPut("more than ");
  textUint(<u64>rate);
  textPut(" SYNs in a second to ");
  textIp(dst, v4);
  textPut(" port ");
  textUint(<u64>port);
  alertText(SEV_HIGH, "SYN flood");
  return MATCH;
}
