#!/usr/bin/env bash
# The generated systemd unit passes `systemd-analyze verify` (with the binary it starts pointed
# at this build's, since nothing is installed in /usr here), and keeps its hardening: the
# capability set and the sandboxing options docs/operations.md promises.
#   systemd_unit_test.sh UNIT_FILE WASM_SENTINEL_BINARY
set -euo pipefail
unit=$1
bin=$(realpath "$2")
fail() { echo "FAIL: $*" >&2; exit 1; }
if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze not installed (Debian package systemd)"
  exit 0
fi
work=$(mktemp -d /tmp/wsn-unit.XXXXXX)
trap 'rm -rf "$work"' EXIT
sed "s|^ExecStart=/[^ ]*/wasm-sentinel |ExecStart=$bin |" "$unit" >"$work/wasm-sentinel.service"
grep -q "^ExecStart=$bin run --config /etc/wasm-sentinel/config.yml$" "$work/wasm-sentinel.service" ||
  fail "unexpected ExecStart: $(grep ^ExecStart "$unit")"
# --man=no: the man page is not installed on this host; its rendering is docs_test.sh's job.
out=$(systemd-analyze verify --man=no "$work/wasm-sentinel.service" 2>&1) || fail "verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify warned: $out"
echo "systemd-analyze verify: clean"

want() { grep -qx "$1" "$unit" || fail "unit lacks '$1'"; }
want "Type=notify"
want "WatchdogSec=30s"
want "Restart=on-failure"
want "NoNewPrivileges=yes"
want "ProtectSystem=strict"
want "ProtectHome=read-only"
want "ReadWritePaths=/var/lib/wasm-sentinel"
want "CapabilityBoundingSet=CAP_BPF CAP_PERFMON CAP_NET_ADMIN CAP_SYS_RESOURCE CAP_KILL CAP_SYS_PTRACE CAP_DAC_READ_SEARCH"
grep -q "CAP_SYS_ADMIN" "$unit" && fail "the unit grants CAP_SYS_ADMIN"
# The effective sandbox as systemd computes it: exposure score of the unit (informational).
if score=$(systemd-analyze security --offline=yes "$work/wasm-sentinel.service" 2>/dev/null | tail -1); then
  echo "systemd-analyze security: $score"
fi
echo "unit hardening: as documented"
