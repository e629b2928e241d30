// Adds (or replaces) the `wsn.meta` custom section of a rule module: the Node equivalent of
// sdk/tools/wsn_meta.c, so AssemblyScript rules build with npm alone.
//   node scripts/add-meta.mjs IN.wasm META.txt OUT.wasm
import { readFileSync, writeFileSync } from "node:fs";

const [input, metaFile, output] = process.argv.slice(2);
if (!output) {
  console.error("usage: node add-meta.mjs IN.wasm META.txt OUT.wasm");
  process.exit(2);
}
const wasm = readFileSync(input);
const meta = readFileSync(metaFile);
const magic = Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
if (wasm.length < 8 || !wasm.subarray(0, 8).equals(magic)) {
  console.error(`${input}: not a WebAssembly binary (version 1)`);
  process.exit(1);
}

function readLeb(buf, pos) {
  let value = 0, shift = 0, n = 0;
  for (;;) {
    const b = buf[pos + n++];
    if (b === undefined || n > 5) throw new Error(`malformed LEB128 at ${pos}`);
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(b & 0x80)) return [value, n];
  }
}
function leb(v) {
  const out = [];
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    out.push(v ? b | 0x80 : b);
  } while (v);
  return Buffer.from(out);
}

const parts = [wasm.subarray(0, 8)];
let pos = 8;
while (pos < wasm.length) {
  const start = pos;
  const id = wasm[pos++];
  const [size, n] = readLeb(wasm, pos);
  pos += n;
  let skip = false;
  if (id === 0) {
    const [nameLen, m] = readLeb(wasm, pos);
    skip = wasm.subarray(pos + m, pos + m + nameLen).toString() === "wsn.meta";
  }
  if (!skip) parts.push(wasm.subarray(start, pos + size));
  pos += size;
}
const name = Buffer.from("wsn.meta");
const payload = Buffer.concat([leb(name.length), name, meta]);
parts.push(Buffer.from([0]), leb(payload.length), payload);
writeFileSync(output, Buffer.concat(parts));
