// Node's built-in WebAssembly running a rule module per event, for bench/wasm/wasm_bench.cpp:
//   node node_bench.mjs MODULE.wasm RECORDS.bin REPEAT
// RECORDS.bin holds the event records (u32 length + bytes each) the host would write into the
// module's buffer. Per event: copy the record into linear memory, set the fuel budget (when
// the module is the rewritten one), call wsn_on_event. Prints ns/event (fastest of 7 runs).
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

let matches = 0;
for (let k = 0; k < 3; k++) matches = pass();  // warm up: tier up to TurboFan
const runs = [];
for (let run = 0; run < 7; run++) {
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < repeat; k++) pass();
  const t1 = process.hrtime.bigint();
  runs.push(Number(t1 - t0) / (repeat * records.length));
}
runs.sort((a, b) => a - b);
console.log(`ns_per_event=${runs[0].toFixed(2)} matches=${matches} events=${records.length}`);
