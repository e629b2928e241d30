#!/usr/bin/env bash
# `cmake --install` into a DESTDIR staging tree, then the staged tree moved elsewhere and run
# from there with the source and build trees out of reach: every path the installed binary
# uses (bundled rules, sample log, Wasm helper) must come from the installed layout. Compared
# with the build tree's binary, which reads the source tree: same alerts (rule ids, in order).
# As root the source and build trees are hidden under empty tmpfs mounts in a private mount
# namespace (unshare -m); otherwise the move alone is the check.
#   staged_install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(realpath "$1")
src=$(realpath "$2")
fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d /tmp/wsn-staged.XXXXXX)
chmod 755 "$work"  # the unprivileged run below reads the staged tree
trap 'rm -rf "$work"' EXIT

DESTDIR="$work/stage" cmake --install "$build" --prefix /usr >/dev/null
for f in usr/bin/wasm-sentinel usr/lib/wasm-sentinel/wsn-wasm-helper \
         usr/share/wasm-sentinel/rules usr/share/wasm-sentinel/sample/linux-activity.jsonl \
         usr/share/wasm-sentinel/sigma/linux.yml usr/share/wasm-sentinel/sdk/include/wsn_rule.h \
         etc/wasm-sentinel/config.yml var/lib/wasm-sentinel \
         usr/lib/systemd/system/wasm-sentinel.service usr/share/man/man1/wasm-sentinel.1.gz \
         usr/share/bash-completion/completions/wasm-sentinel \
         usr/share/zsh/vendor-completions/_wasm-sentinel; do
  [ -e "$work/stage/$f" ] || fail "not installed: /$f"
done
[ -e "$work/stage/usr/share/wasm-sentinel/sdk/examples/assemblyscript/node_modules" ] &&
  fail "node_modules installed with the SDK"
echo "staged install: FHS layout complete"

# Somewhere neither the build tree nor the prefix it was configured with.
mv "$work/stage" "$work/moved"
root="$work/moved"
bin="$root/usr/bin/wasm-sentinel"
share="$root/usr/share/wasm-sentinel"

# A Wasm rule makes the engine start the helper (when the SDK examples were built).
wasm_rule=""
if [ -f "$build/sdk/wasm/wat_reverse_shell.wasm" ]; then
  cp "$build/sdk/wasm/wat_reverse_shell.wasm" "$work/"
  cat >"$work/wasm-rule.yml" <<YML
id: test.wasm.reverse_shell
name: Reverse shell (Wasm, through the installed helper)
severity: high
type: wasm
module: $work/wat_reverse_shell.wasm
YML
  wasm_rule="$work/wasm-rule.yml"
fi
printf 'version: 1\nsources:\n  ebpf:\n    enabled: false\n' >"$work/no-sources.yml"

# The installed binary's runs, in a script run with the trees hidden where possible.
cat >"$work/installed.sh" <<SH
set -euo pipefail
unset WSN_DATA_DIR WSN_WASM_HELPER
cd "$work"
"$bin" replay -q "$share/sample/linux-activity.jsonl" >"$work/installed.jsonl"
"$bin" list >"$work/installed-list.txt"
# run without root (and without -c) says it is not monitoring this host and shows the bundled
# sample log instead: it must be the installed one. (A configured run with no usable source is an
# error instead: tests/cli/data/failure_cases.tsv.)
as_user=""
if [ "\$(id -u)" = 0 ]; then as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"; fi
\$as_user "$bin" run -q >"$work/installed-run.jsonl" 2>"$work/installed-run.err"
if [ -n "$wasm_rule" ]; then
  "$bin" replay -q -r "$wasm_rule" "$share/sample/linux-activity.jsonl" >"$work/installed-wasm.jsonl"
fi
SH
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
  unshare -m bash -c "mount -t tmpfs none '$build' && mount -t tmpfs none '$src' &&
                      [ ! -e '$src/rules' ] && bash '$work/installed.sh'" ||
    fail "installed binary failed with the source tree hidden"
  echo "source and build trees hidden (tmpfs in a private mount namespace)"
else
  bash "$work/installed.sh" || fail "installed binary failed"
  echo "not root: source tree reachable, binary moved out of the build tree only"
fi

ids() { python3 -c 'import json,sys; [print(json.loads(l)["rule"]["id"]) for l in open(sys.argv[1]) if l.strip()]' "$1"; }
WSN_DATA_DIR= "$build/src/cli/wasm-sentinel" replay -q "$src/data/sample/linux-activity.jsonl" >"$work/build.jsonl"
ids "$work/build.jsonl" >"$work/build.ids"
ids "$work/installed.jsonl" >"$work/installed.ids"
[ -s "$work/build.ids" ] || fail "the build tree's replay raised no alerts"
diff -u "$work/build.ids" "$work/installed.ids" || fail "installed and build-tree alerts differ"
echo "replay: $(wc -l <"$work/installed.ids") alerts, same rule ids as the build tree's"

grep -q " $share/rules/linux/" "$work/installed-list.txt" || fail "list does not read $share/rules"
grep -q "$src" "$work/installed-list.txt" && fail "list names the source tree"
build_list=$("$build/src/cli/wasm-sentinel" list)
grep -q " $src/rules/linux/" <<<"$build_list" ||
  fail "the build-tree binary does not read the source tree's rules"
echo "list: installed binary reads $share/rules, build-tree binary reads the source tree"

grep -q "the bundled sample log $share/sample/linux-activity.jsonl" "$work/installed-run.err" ||
  fail "run fell back to another sample log: $(cat "$work/installed-run.err")"
ids "$work/installed-run.jsonl" >"$work/installed-run.ids"
diff -u "$work/build.ids" "$work/installed-run.ids" || fail "run's fallback alerts differ"
echo "run: falls back to the installed sample log"

if [ -n "$wasm_rule" ]; then
  grep -q '"test.wasm.reverse_shell"' "$work/installed-wasm.jsonl" ||
    fail "the Wasm rule raised no alert through the installed helper"
  echo "wasm: rule ran through $root/usr/lib/wasm-sentinel/wsn-wasm-helper"
fi
