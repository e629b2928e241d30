// npm run build: compiles every rule in assembly/ to build/<rule>.wasm with its wsn.meta.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";

mkdirSync("build", { recursive: true });
for (const rule of ["reverse_shell", "crypto_miner", "failed_sudo", "port_scan", "syn_flood",
  "payload_signature", "dns_tunnel"]) {
  execFileSync("node_modules/.bin/asc", [`assembly/${rule}.ts`, "--config", "asconfig.json",
    "--target", "release", "-o", `build/${rule}.raw.wasm`], { stdio: "inherit" });
  execFileSync("node", ["scripts/add-meta.mjs", `build/${rule}.raw.wasm`,
    `assembly/${rule}.meta`, `build/${rule}.wasm`], { stdio: "inherit" });
  console.log(`build/${rule}.wasm`);
}
