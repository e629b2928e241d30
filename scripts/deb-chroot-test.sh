#!/usr/bin/env bash
# The Debian package as a user gets it: build the .deb with CPack from a build tree, install it
# into a FRESH Debian 12 rootfs (mmdebstrap --variant=essential: only the Essential packages
# and the dependencies the .deb declares, then `dpkg -i` of the .deb), and there:
#   - the installed wasm-sentinel replays the bundled sample log from the installed paths and
#     raises the same alerts (same rule ids, in order) as the build tree's binary;
#   - a Wasm rule runs through the installed helper (/usr/lib/wasm-sentinel);
#   - the state directory exists (postinst), /etc/wasm-sentinel/config.yml is a conffile and
#     `validate -c` accepts it, the man page renders;
#   - `dpkg -r` keeps /var/lib/wasm-sentinel, `dpkg -P` removes it.
# Needs root and mmdebstrap (scripts/install-deps.sh installs it) and Debian's mirror; without
# them it prints SKIP and exits 0. The downloaded packages are cached in
# $WSN_DEB_CACHE (default ~/.cache/wasm-sentinel/deb-chroot) so a rerun is offline and fast.
#   scripts/deb-chroot-test.sh [BUILD_DIR]      (default build/release; built already)
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(realpath "${1:-build/release}")
src=$(pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }
if [ "$(id -u)" != 0 ]; then echo "SKIP: the .deb chroot test needs root"; exit 0; fi
if ! command -v mmdebstrap >/dev/null; then echo "SKIP: mmdebstrap not installed"; exit 0; fi
[ -x "$build/src/cli/wasm-sentinel" ] || fail "no wasm-sentinel in $build (build it first)"

work=$(mktemp -d /tmp/wsn-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
start=$(date +%s)

cpack --config "$build/CPackConfig.cmake" -B "$work/pkg" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; fail "cpack"; }
deb=$(ls "$work"/pkg/wasm-sentinel_*.deb)
echo "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB) in $(($(date +%s) - start)) s"
dpkg-deb -f "$deb" Depends | grep -q libyaml-cpp || fail "Depends lacks the shared libraries"
dpkg-deb -e "$deb" "$work/control"
grep -qx /etc/wasm-sentinel/config.yml "$work/control/conffiles" || fail "config.yml is no conffile"

# What the chroot runs: copied in with the .deb.
mkdir -p "$work/in"
cp "$deb" "$work/in/"
wasm_rule=0
if [ -f "$build/sdk/wasm/wat_reverse_shell.wasm" ]; then
  cp "$build/sdk/wasm/wat_reverse_shell.wasm" "$work/in/"
  printf 'id: test.wasm.reverse_shell\nname: Reverse shell (Wasm)\nseverity: high\ntype: wasm\nmodule: /root/in/wat_reverse_shell.wasm\n' \
    >"$work/in/wasm-rule.yml"
  wasm_rule=1
fi
cat >"$work/in/check.sh" <<SH
set -eu
exec >/root/out/check.log 2>&1
set -x
test -d /var/lib/wasm-sentinel
test "\$(stat -c %a /var/lib/wasm-sentinel)" = 750
dpkg-query -W -f='\${Conffiles}\n' wasm-sentinel | grep -q /etc/wasm-sentinel/config.yml
wasm-sentinel validate -c /etc/wasm-sentinel/config.yml
wasm-sentinel replay -q /usr/share/wasm-sentinel/sample/linux-activity.jsonl >/root/out/installed.jsonl
wasm-sentinel list >/root/out/list.txt
if [ $wasm_rule = 1 ]; then
  wasm-sentinel replay -q -r /root/in/wasm-rule.yml /usr/share/wasm-sentinel/sample/linux-activity.jsonl >/root/out/wasm.jsonl
fi
zcat /usr/share/man/man1/wasm-sentinel.1.gz | groff -man -Tascii -ww -z
echo state >/var/lib/wasm-sentinel/keep
dpkg -r wasm-sentinel
test -f /var/lib/wasm-sentinel/keep
test -f /etc/wasm-sentinel/config.yml
dpkg -P wasm-sentinel
test ! -e /var/lib/wasm-sentinel
test ! -e /etc/wasm-sentinel/config.yml
echo CHECKS-PASSED
SH

cache=${WSN_DEB_CACHE:-${HOME:-/root}/.cache/wasm-sentinel/deb-chroot}
mkdir -p "$cache" "$work/out"
# The package's declared dependencies, by name (first of alternatives): only these go into the
# rootfs, so `dpkg -i` below fails if the .deb under-declares what it needs.
deps=$(dpkg-deb -f "$deb" Depends | sed 's/([^)]*)//g; s/|[^,]*//g; s/ //g')
# essential (Essential: yes packages only) + those dependencies + groff-base for the man page;
# the package cache is synced in and out, so a rerun downloads nothing.
mmdebstrap --variant=essential \
  --include="$deps,groff-base" \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --skip=essential/unlink \
  --setup-hook='mkdir -p "$1"/var/cache/apt/archives/' \
  --setup-hook="sync-in '$cache' /var/cache/apt/archives/" \
  --customize-hook="sync-out /var/cache/apt/archives '$cache'" \
  --customize-hook="mkdir -p \"\$1\"/root/out \"\$1\"/root/in && cp -a '$work/in/.' \"\$1\"/root/in/" \
  --customize-hook="chroot \"\$1\" dpkg -i /root/in/$(basename "$deb") >\"\$1\"/root/out/dpkg.log 2>&1 || true" \
  --customize-hook='chroot "$1" sh /root/in/check.sh || true' \
  --customize-hook="sync-out /root/out '$work/out'" \
  bookworm "$work/rootfs" >"$work/mmdebstrap.log" 2>&1 ||
  { grep -v "^I:" "$work/mmdebstrap.log" | tail -40; fail "mmdebstrap"; }
rm -f "$cache"/lock "$cache"/partial/* 2>/dev/null || true
grep -q "Setting up wasm-sentinel" "$work/out/dpkg.log" || { cat "$work/out/dpkg.log"; fail "dpkg -i"; }
grep -q CHECKS-PASSED "$work/out/check.log" || { cat "$work/out/check.log"; fail "checks in the chroot"; }
echo "fresh bookworm rootfs: .deb installed with its dependencies; state dir, conffile, validate -c, man page, remove/purge: ok"

ids() { python3 -c 'import json,sys; [print(json.loads(l)["rule"]["id"]) for l in open(sys.argv[1]) if l.strip()]' "$1"; }
"$build/src/cli/wasm-sentinel" replay -q "$src/data/sample/linux-activity.jsonl" >"$work/build.jsonl"
ids "$work/build.jsonl" >"$work/build.ids"
ids "$work/out/installed.jsonl" >"$work/installed.ids"
[ -s "$work/build.ids" ] || fail "the build tree's replay raised no alerts"
diff -u "$work/build.ids" "$work/installed.ids" || fail "alerts differ between the installed package and the build tree"
grep -q " /usr/share/wasm-sentinel/rules/linux/" "$work/out/list.txt" || fail "installed rules not read from /usr/share"
echo "installed replay of /usr/share/wasm-sentinel/sample/linux-activity.jsonl: $(wc -l <"$work/installed.ids") alerts, same rule ids as the build tree"
if [ $wasm_rule = 1 ]; then
  grep -q '"test.wasm.reverse_shell"' "$work/out/wasm.jsonl" || fail "no alert from the Wasm rule"
  echo "Wasm rule ran through /usr/lib/wasm-sentinel/wsn-wasm-helper"
fi
echo "deb chroot test: passed in $(($(date +%s) - start)) s"
