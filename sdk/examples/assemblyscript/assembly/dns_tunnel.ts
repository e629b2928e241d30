// DNS tunnelling (AssemblyScript version of examples/c/dns_tunnel.c, same verdicts): a DNS
// query whose name carries data — a label longer than `label` bytes, or subdomain labels of
// at least `length` bytes whose character entropy reaches `entropy`/100 bits per character
// (encoded data, not words).
import {
  MATCH, NO_MATCH, SEV_HIGH, alert, fieldInt, parseSettings, strEq, strLen, strPtr,
} from "./wsn";
export { wsn_abi_v1, wsn_event_buffer, wsn_event_buffer_size } from "./wsn";

// Order of `fields` in dns_tunnel.meta.
const F_PAYLOAD: u32 = 0;
const F_TRANSPORT: u32 = 1;
const F_DPORT: u32 = 2;

// "label=N length=N entropy=CENTIBITS" (defaults 40, 30, 380 hundredths of a bit per char).
const SETTINGS: string[] = ["label", "length", "entropy"];
const values: i64[] = [40, 30, 380];

export function wsn_init(len: u32): i32 {
  return parseSettings(len, SETTINGS, values);
}

// Static work areas (no allocation per event): label starts and lengths, byte counts.
const STARTS: usize = memory.data(64 * 4, 4);
const LENS: usize = memory.data(64 * 4, 4);
const COUNTS: usize = memory.data(256 * 4, 4);

// log2(num / den) in hundredths, num ≥ den: the integer part by halving, the fraction bit by
// bit by repeated squaring — the C version's algorithm (not Math.log2), so that thresholds
// land on the same side in both.
function log2Centi(num: u32, den: u32): i64 {
  let x: f64 = <f64>num / <f64>den;
  let r: f64 = 0;
  while (x >= 2) {
    x /= 2;
    r += 1;
  }
  for (let bit: f64 = 0.5; bit > 0.004; bit /= 2) {
    x *= x;
    if (x >= 2) {
      x /= 2;
      r += bit;
    }
  }
  return <i64>(r * 100);
}

function indicator(): string | null {
  const plen = strLen(F_PAYLOAD);
  if (plen < 17) return null;
  const b = strPtr(F_PAYLOAD);
  // A query with a question.
  if ((load<u8>(b + 2) & 0x80) != 0 || ((<u32>load<u8>(b + 4) << 8) | <u32>load<u8>(b + 5)) == 0) {
    return null;
  }
  // Labels of the first question; the last two (domain and TLD) are not counted as data.
  let n: u32 = 0;
  let off: u32 = 12;
  let longest: u32 = 0;
  while (off < plen && load<u8>(b + off) != 0 && n < 64) {
    const l = <u32>load<u8>(b + off);
    if (l > 63 || off + 1 + l > plen) return null;  // compressed or truncated
    store<u32>(STARTS + (<usize>n << 2), off + 1);
    store<u32>(LENS + (<usize>n << 2), l);
    n++;
    if (l > longest) longest = l;
    off += 1 + l;
  }
  if (n == 0) return null;
  if (<i64>longest > values[0]) return "a DNS label longer than expected";
  if (n > 2) {
    memory.fill(COUNTS, 0, 256 * 4);
    let total: u32 = 0;
    for (let i: u32 = 0; i + 2 < n; i++) {
      const start = load<u32>(STARTS + (<usize>i << 2));
      const l = load<u32>(LENS + (<usize>i << 2));
      for (let k: u32 = 0; k < l; k++) {
        const at = COUNTS + (<usize>load<u8>(b + start + k) << 2);
        store<u32>(at, load<u32>(at) + 1);
        total++;
      }
    }
    if (<i64>total >= values[1]) {
      let h: i64 = 0;  // Σ c/total · log2(total/c), in hundredths
      for (let c: u32 = 0; c < 256; c++) {
        const count = load<u32>(COUNTS + (<usize>c << 2));
        if (count != 0) h += <i64>count * log2Centi(total, count);
      }
      if (h / <i64>total >= values[2]) return "high-entropy DNS subdomain (encoded data)";
    }
  }
  return null;
}

export function wsn_on_event(len: u32): i32 {
  if (!strEq(F_TRANSPORT, "udp") || fieldInt(F_DPORT, 0) != 53) return NO_MATCH;
  const what = indicator();
  if (what === null) return NO_MATCH;
  alert(SEV_HIGH, "Possible DNS tunnelling", what);
  return MATCH;
}
