// N failed su/sudo runs by one user within M seconds (AssemblyScript version of
// examples/c/failed_sudo.c, same verdicts). Counts live in the host state store.
import {
  MATCH, NO_MATCH, NS_PER_SECOND, SEV_HIGH, alertWithField, fieldInt, parseSettings,
  stateAddKeyed, strEq,
} from "./wsn";
export { wsn_abi_v1, wsn_event_buffer, wsn_event_buffer_size } from "./wsn";

// Order of `fields` in failed_sudo.meta.
const F_ACTION: u32 = 0;
const F_NAME: u32 = 1;
const F_EXIT_CODE: u32 = 2;
const F_USER: u32 = 3;

// "threshold=N window=SECONDS" (defaults: 3 failures within 60 s); unknown keys or bad numbers
// refuse the configuration.
const SETTINGS: string[] = ["threshold", "window"];
const values: i64[] = [3, 60];
let threshold: i64 = 3;
let windowNs: i64 = 60 * NS_PER_SECOND;

export function wsn_init(len: u32): i32 {
  if (parseSettings(len, SETTINGS, values) != 0) return 1;
  threshold = values[0];
  windowNs = values[1] * NS_PER_SECOND;
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
