// Node's built-in WebAssembly running a rule module per event, for bench/wasm/wasm_bench.cpp:
//   node node_bench.mjs MODULE.wasm RECORDS.bin REPEAT [EVENTS.jsonl FIELD...]
// RECORDS.bin holds the event records (u32 length + bytes each) the C++ host built for the
// module. "call": per event, copy that prepared record into linear memory, set the fuel
// budget (when the module is the rewritten one), call wsn_on_event. "full" (with EVENTS and
// the module's declared FIELDs): what a rule host written for Node does per event, the
// counterpart of the native "full" rows — start from the parsed event (the object JSON.parse
// gives), serialise the declared fields into the ABI v1 record in linear memory (field paths
// resolved once, strings encoded with TextEncoder.encodeInto), then call. Prints ns/event
// (fastest of 7 runs) of each.
import { readFileSync } from "node:fs";

const [modulePath, recordsPath, repeatArg] = process.argv.slice(2);
const repeat = Number(repeatArg ?? 20);
const bytes = readFileSync(modulePath);
let alerts = 0;
const imports = {
  wsn: {
    emit_alert: () => { alerts++; },
    log: () => {},
    get_field: () => -1,
    state_get: () => 0n,
    state_set: () => {},
    state_add: (k, kl, delta) => delta,
    state_del: () => 0,
    event_time: () => 0n,
  },
};
const { instance } = await WebAssembly.instantiate(bytes, imports);
const e = instance.exports;
if (e._initialize) e._initialize();
const fuel = e.wsn_host_fuel;   // present in the rewritten (canonical) module
const depth = e.wsn_host_depth;
const buffer = e.wsn_event_buffer();

const raw = readFileSync(recordsPath);
const records = [];
for (let off = 0; off < raw.length;) {
  const len = raw.readUInt32LE(off);
  records.push(new Uint8Array(raw.buffer, raw.byteOffset + off + 4, len));
  off += 4 + len;
}

function pass() {
  const mem = new Uint8Array(e.memory.buffer);
  let matches = 0;
  for (const r of records) {
    mem.set(r, buffer);
    if (fuel) {
      fuel.value = 1000000n;
      depth.value = 0;
    }
    if (e.wsn_on_event(r.length) > 0) matches++;
  }
  return matches;
}

// Fastest of 7 timed runs of `fn` (one pass over `n` events), after warming up to TurboFan.
function fastest(fn, n) {
  for (let k = 0; k < 3; k++) fn();
  const runs = [];
  for (let run = 0; run < 7; run++) {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < repeat; k++) fn();
    const t1 = process.hrtime.bigint();
    runs.push(Number(t1 - t0) / (repeat * n));
  }
  return Math.min(...runs);
}

const matches = pass();
const callNs = fastest(pass, records.length);
let line = `ns_per_event=${callNs.toFixed(2)} matches=${matches} events=${records.length}`;

const [eventsPath, ...fieldNames] = process.argv.slice(5);
if (eventsPath) {
  // ABI v1 (docs/wasm-abi.md): category ids and slot types.
  const CATEGORY = { process: 1, file: 2, network: 3, driver: 4, authentication: 5 };
  const T_STRING = 1, T_INT = 2, T_BOOL = 4, T_STRING_LIST = 7;
  // Parsed up front, timestamps included: the C++ host's events are parsed (and their time
  // decoded) before detection too, so neither side's figure includes parsing.
  const events = readFileSync(eventsPath, "utf8").split("\n").filter((l) => l).map((l) => {
    const ev = JSON.parse(l);
    const ts = ev["@timestamp"];
    ev.__time_ns = ts ? BigInt(Date.parse(ts)) * 1000000n : 0n;
    return ev;
  });
  const paths = fieldNames.map((f) => f.split("."));  // resolved once, like field ids
  const lookup = (ev, path) => {
    let v = ev;
    for (let i = 0; i < path.length && v !== undefined && v !== null; i++) v = v[path[i]];
    return v;
  };
  const encoder = new TextEncoder();
  const bufSize = e.wsn_event_buffer_size();
  const nslots = paths.length;
  const fixed = 32 + 16 * nslots;

  function fullPass() {
    const mem = new Uint8Array(e.memory.buffer);
    const view = new DataView(e.memory.buffer);
    let found = 0;
    for (const ev of events) {
      let tail = fixed;
      let flags = 0;
      for (let k = 0; k < nslots; k++) {
        const slot = buffer + 32 + 16 * k;
        const v = lookup(ev, paths[k]);
        let type = 0, count = 0, lo = 0, hi = 0;
        if (typeof v === "string") {
          const room = bufSize - tail - 1;
          const r = encoder.encodeInto(v, mem.subarray(buffer + tail, buffer + tail + Math.max(room, 0)));
          if (r.read < v.length) flags |= 1;
          mem[buffer + tail + r.written] = 0;
          type = T_STRING; lo = tail; hi = r.written;
          tail += r.written + 1;
        } else if (Array.isArray(v)) {
          const start = tail;
          for (const item of v) {
            const r = encoder.encodeInto(String(item), mem.subarray(buffer + tail, buffer + bufSize - 1));
            mem[buffer + tail + r.written] = 0;
            tail += r.written + 1;
            count++;
          }
          type = T_STRING_LIST; lo = start; hi = tail - start;
        } else if (typeof v === "number") {
          type = T_INT; lo = v >>> 0; hi = Math.floor(v / 4294967296) >>> 0;
        } else if (typeof v === "boolean") {
          type = T_BOOL; lo = v ? 1 : 0;
        }
        view.setUint32(slot, type, true);  // type, flags 0, reserved
        view.setUint32(slot + 4, count, true);
        view.setUint32(slot + 8, lo, true);
        view.setUint32(slot + 12, hi, true);
      }
      const cat = ev.event && ev.event.category;
      const name = Array.isArray(cat) ? cat[0] : cat;
      view.setUint32(buffer, 1, true);
      view.setUint32(buffer + 4, tail, true);
      view.setUint16(buffer + 8, name === undefined ? 0 : (CATEGORY[name] ?? 0xffff), true);
      view.setUint16(buffer + 10, nslots, true);
      view.setUint32(buffer + 12, flags, true);
      view.setBigInt64(buffer + 16, ev.__time_ns, true);
      view.setBigInt64(buffer + 24, 0n, true);
      if (fuel) {
        fuel.value = 1000000n;
        depth.value = 0;
      }
      if (e.wsn_on_event(tail) > 0) found++;
    }
    return found;
  }
  const fullMatches = fullPass();
  const fullNs = fastest(fullPass, events.length);
  line += ` full_ns_per_event=${fullNs.toFixed(2)} full_matches=${fullMatches}`;
}
console.log(line);
