#!/usr/bin/env bash
# The main job, from a fresh Debian 12 machine: install dependencies, build, and run
# WasmSentinel with the bundled rules (live eBPF detection as root on a capable kernel; otherwise
# a replay of the bundled sample log). Extra arguments go to `wasm-sentinel run`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target wasm-sentinel
exec ./build/release/src/cli/wasm-sentinel run "$@"
