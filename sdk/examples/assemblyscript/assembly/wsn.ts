// WasmSentinel rule SDK for AssemblyScript: the ABI v1 exports, host imports and record
// accessors (the same layout as sdk/include/wsn_abi.h). Allocation-free: strings for alerts
// and state keys are assembled in a static scratch area, so the stub runtime never grows.

// ---- Host functions (module "wsn") ----
@external("wsn", "emit_alert")
declare function host_emit_alert(severity: i32, title: usize, title_len: u32, details: usize, details_len: u32): void;
@external("wsn", "state_add")
declare function host_state_add(key: usize, key_len: u32, delta: i64, ttl_ns: i64): i64;
@external("wsn", "log")
declare function host_log(level: i32, msg: usize, msg_len: u32): void;

// ---- Constants ----
export const SEV_RULE: i32 = -1;
export const SEV_LOW: i32 = 0;
export const SEV_MEDIUM: i32 = 1;
export const SEV_HIGH: i32 = 2;
export const SEV_CRITICAL: i32 = 3;
export const CAT_PROCESS: u16 = 1;
export const CAT_FILE: u16 = 2;
export const CAT_NETWORK: u16 = 3;
export const T_STRING: u8 = 1;
export const T_INT: u8 = 2;
export const T_UINT: u8 = 3;
export const T_IP: u8 = 5;
export const SLOT_IPV4: u8 = 2;
export const NO_MATCH: i32 = 0;
export const MATCH: i32 = 1;

const BUFFER_SIZE: u32 = 16384;
const BUFFER: usize = memory.data(16384, 16);
const SCRATCH: usize = memory.data(8192, 16);

// ---- ABI exports (re-exported by each rule's entry file) ----
export function wsn_abi_v1(): void {}
export function wsn_event_buffer(): usize { return BUFFER; }
export function wsn_event_buffer_size(): u32 { return BUFFER_SIZE; }

// Replaces AssemblyScript's default `env.abort` import (not allowed): trap instead.
export function wsn_abort(message: string | null, file: string | null, line: u32, column: u32): void {
  unreachable();
}

// ---- Record accessors ----
export function category(): u16 { return load<u16>(BUFFER, 8); }
export function buffer(): usize { return BUFFER; }

function slot(field: u32): usize { return BUFFER + 32 + ((<usize>field) << 4); }

export function fieldType(field: u32): u8 {
  if (field >= <u32>load<u16>(BUFFER, 10)) return 0;
  return load<u8>(slot(field));
}
export function strPtr(field: u32): usize { return BUFFER + <usize>load<u32>(slot(field), 8); }
export function strLen(field: u32): u32 {
  return fieldType(field) == T_STRING ? load<u32>(slot(field), 12) : 0;
}
export function fieldInt(field: u32, dflt: i64): i64 {
  const t = fieldType(field);
  if (t == T_INT || t == 4 || t == 6) return load<i64>(slot(field), 8);
  if (t == T_UINT) return load<i64>(slot(field), 8);
  return dflt;
}

// The 16 bytes of a WSN_IP field (IPv6, or IPv4-mapped with ipIsV4), or 0 if absent.
export function ipPtr(field: u32): usize {
  return fieldType(field) == T_IP ? BUFFER + <usize>load<u32>(slot(field), 8) : 0;
}
export function ipIsV4(field: u32): bool {
  return fieldType(field) == T_IP && (load<u8>(slot(field), 1) & SLOT_IPV4) != 0;
}

function lower(c: u32): u32 { return c >= 65 && c <= 90 ? c + 32 : c; }

// Does [p, p+n) equal the ASCII literal?
export function bytesEq(p: usize, n: u32, lit: string): bool {
  if (<u32>lit.length != n) return false;
  for (let i: u32 = 0; i < n; i++) {
    if (<u32>load<u8>(p + i) != <u32>lit.charCodeAt(i)) return false;
  }
  return true;
}
// Offset of the ASCII literal in [p, p+n), or -1.
export function bytesFind(p: usize, n: u32, lit: string, nocase: bool): i32 {
  const m = <u32>lit.length;
  if (m == 0) return 0;
  if (m > n) return -1;
  for (let i: u32 = 0; i + m <= n; i++) {
    let k: u32 = 0;
    if (nocase) {
      while (k < m && lower(load<u8>(p + i + k)) == lower(<u32>lit.charCodeAt(k))) k++;
    } else {
      while (k < m && <u32>load<u8>(p + i + k) == <u32>lit.charCodeAt(k)) k++;
    }
    if (k == m) return <i32>i;
  }
  return -1;
}

export function strEq(field: u32, lit: string): bool {
  return fieldType(field) == T_STRING && bytesEq(strPtr(field), strLen(field), lit);
}
export function strContains(field: u32, lit: string): bool {
  return fieldType(field) == T_STRING && bytesFind(strPtr(field), strLen(field), lit, false) >= 0;
}
export function strIContains(field: u32, lit: string): bool {
  return fieldType(field) == T_STRING && bytesFind(strPtr(field), strLen(field), lit, true) >= 0;
}

// ---- Scratch strings: an ASCII literal, then optionally field bytes ----
function putAscii(at: usize, s: string): u32 {
  const n = <u32>s.length;
  for (let i: u32 = 0; i < n; i++) store<u8>(at + i, <u8>s.charCodeAt(i));
  return n;
}
function putField(at: usize, field: u32, max: u32): u32 {
  let n = strLen(field);
  if (n > max) n = max;
  memory.copy(at, strPtr(field), n);
  return n;
}

export function alert(severity: i32, title: string, details: string): void {
  const t = putAscii(SCRATCH, title);
  const d = putAscii(SCRATCH + 512, details);
  host_emit_alert(severity, SCRATCH, t, SCRATCH + 512, d);
}
// Alert whose details are `prefix` followed by the bytes of `field`.
export function alertWithField(severity: i32, title: string, prefix: string, field: u32, max: u32): void {
  const t = putAscii(SCRATCH, title);
  let d = putAscii(SCRATCH + 512, prefix);
  d += putField(SCRATCH + 512 + d, field, max);
  host_emit_alert(severity, SCRATCH, t, SCRATCH + 512, d);
}
// state_add on the key `prefix` + bytes of `field` (cut at `max`).
export function stateAddKeyed(prefix: string, field: u32, max: u32, delta: i64, ttlNs: i64): i64 {
  let n = putAscii(SCRATCH + 4096, prefix);
  n += putField(SCRATCH + 4096 + n, field, max);
  return host_state_add(SCRATCH + 4096, n, delta, ttlNs);
}
export function log(level: i32, msg: string): void {
  const n = putAscii(SCRATCH + 2048, msg);
  host_log(level, SCRATCH + 2048, n);
}

export const NS_PER_SECOND: i64 = 1000000000;

// Reads "key=N" words of the configuration (wsn_init's buffer) into `values`, by position in
// `names` (values keeps its defaults for keys not given); an unknown key or a bad number
// refuses (returns 1). The same grammar as parse_settings in examples/c/inspect_common.h.
export function parseSettings(len: u32, names: string[], values: i64[]): i32 {
  const p = BUFFER;
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
    let i = 0;
    while (i < names.length && !bytesEq(p + key, keyLen, names[i])) i++;
    if (i == names.length) return 1;
    values[i] = v;
  }
  return 0;
}

// ---- Text: one 128-byte scratch string (at most 127 bytes kept, as wsn_text in C), for
// state-store keys and alert details built from addresses and numbers ----
const TEXT: usize = SCRATCH + 6144;
const TEXT_CAP: u32 = 127;
let textLen: u32 = 0;

export function textReset(): void { textLen = 0; }
export function textPut(s: string): void {
  const n = <u32>s.length;
  for (let i: u32 = 0; i < n && textLen < TEXT_CAP; i++) store<u8>(TEXT + textLen++, <u8>s.charCodeAt(i));
}
export function textBytes(p: usize, n: u32): void {
  for (let i: u32 = 0; i < n && textLen < TEXT_CAP; i++) store<u8>(TEXT + textLen++, load<u8>(p + i));
}
export function textUint(v: u64): void {
  const d = SCRATCH + 6144 + 128;  // 24 bytes of digits, least significant first
  let n: u32 = 0;
  do {
    store<u8>(d + n++, <u8>(48 + v % 10));
    v /= 10;
  } while (v != 0);
  while (n != 0 && textLen < TEXT_CAP) store<u8>(TEXT + textLen++, load<u8>(d + --n));
}
// Dotted IPv4 or hex IPv6 (16 bytes at p), for details a person reads.
export function textIp(p: usize, v4: bool): void {
  if (v4) {
    for (let k: u32 = 12; k < 16; k++) {
      textUint(<u64>load<u8>(p + k));
      if (k < 15) textPut(".");
    }
    return;
  }
  const hex = "0123456789abcdef";
  for (let k: u32 = 0; k < 16; k += 2) {
    const a = <u32>load<u8>(p + k), b = <u32>load<u8>(p + k + 1);
    for (let j: u32 = 0; j < 4 && textLen < TEXT_CAP; j++) {
      const nibble = j == 0 ? a >> 4 : j == 1 ? a & 15 : j == 2 ? b >> 4 : b & 15;
      store<u8>(TEXT + textLen++, <u8>hex.charCodeAt(nibble));
    }
    if (k < 14) textPut(":");
  }
}
// state_add on the current text as key.
export function stateAddText(delta: i64, ttlNs: i64): i64 {
  return host_state_add(TEXT, textLen, delta, ttlNs);
}
// Alert whose details are the current text.
export function alertText(severity: i32, title: string): void {
  const t = putAscii(SCRATCH, title);
  host_emit_alert(severity, SCRATCH, t, TEXT, textLen);
}
