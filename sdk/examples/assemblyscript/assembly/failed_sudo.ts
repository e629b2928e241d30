// N failed su/sudo runs by one user within M seconds (AssemblyScript version of
// examples/c/failed_sudo.c, same verdicts). Counts live in the host state store.
import {
  MATCH, NO_MATCH, NS_PER_SECOND, SEV_HIGH, alertWithField, buffer, fieldInt, stateAddKeyed,
  strEq, bytesEq,
} from "./wsn";
export { wsn_abi_v1, wsn_event_buffer, wsn_event_buffer_size } from "./wsn";

// Order of `fields` in failed_sudo.meta.
const F_ACTION: u32 = 0;
const F_NAME: u32 = 1;
const F_EXIT_CODE: u32 = 2;
const F_USER: u32 = 3;

let threshold: i64 = 3;
let windowNs: i64 = 60 * NS_PER_SECOND;

// "threshold=N window=SECONDS"; unknown keys or bad numbers refuse the configuration.
export function wsn_init(len: u32): i32 {
  const p = buffer();
  let k: u32 = 0;
  while (k < len) {
    while (k < len && (load<u8>(p + k) == 32 || load<u8>(p + k) == 10 || load<u8>(p + k) == 44)) k++;
    if (k >= len) break;
    const key = k;
    while (k < len && load<u8>(p + k) != 61) k++;  // '='
    if (k >= len) return 1;
    const keyLen = k - key;
    k++;
    let v: i64 = 0;
    let digits: u32 = 0;
    while (k < len && load<u8>(p + k) >= 48 && load<u8>(p + k) <= 57 && digits < 12) {
      v = v * 10 + <i64>(load<u8>(p + k) - 48);
      k++;
      digits++;
    }
    if (digits == 0 || v <= 0) return 1;
    if (bytesEq(p + key, keyLen, "threshold")) {
      threshold = v;
    } else if (bytesEq(p + key, keyLen, "window")) {
      windowNs = v * NS_PER_SECOND;
    } else {
      return 1;
    }
  }
  return 0;
}

export function wsn_on_event(len: u32): i32 {
  if (!strEq(F_ACTION, "end")) return NO_MATCH;
  if (!strEq(F_NAME, "sudo") && !strEq(F_NAME, "su")) return NO_MATCH;
  if (fieldInt(F_EXIT_CODE, 0) == 0) return NO_MATCH;
  if (stateAddKeyed("fail:", F_USER, 91, 1, windowNs) != threshold) return NO_MATCH;
  alertWithField(SEV_HIGH, "Possible su/sudo password guessing",
                 "repeated su/sudo failures by user ", F_USER, 125);
  return MATCH;
}
