#!/usr/bin/env bash
# The generated man page renders without a warning (man -l and groff -ww), names every
# command; the bash and zsh completion scripts parse (bash -n, zsh -n when zsh is installed) and
# the bash one completes command, subcommand and option names.
#   docs_test.sh GEN_DIR (build/…/packaging: wasm-sentinel.1, wasm-sentinel.bash, _wasm-sentinel)
set -euo pipefail
gen=$1
fail() { echo "FAIL: $*" >&2; exit 1; }

# Man page: no warnings from the formatter, in both renderers.
warn=$(groff -man -Tutf8 -ww -z "$gen/wasm-sentinel.1" 2>&1) || fail "groff failed: $warn"
[ -z "$warn" ] || fail "groff warnings: $warn"
if command -v man >/dev/null; then
  out=$(MANWIDTH=80 man --warnings -l "$gen/wasm-sentinel.1" 2>&1 >/dev/null) || fail "man -l failed"
  [ -z "$out" ] || fail "man -l warnings: $out"
  text=$(MANWIDTH=80 man -l "$gen/wasm-sentinel.1" 2>/dev/null)
  for cmd in run replay record validate list query fields log compile version "log cat"; do
    grep -q "^   $cmd\$" <<<"$text" || fail "man page has no section for '$cmd'"
  done
  grep -q -- "--config" <<<"$text" || fail "man page lacks --config"
  grep -q "generate-docs" <<<"$text" && fail "man page shows the hidden generate-docs"
fi
echo "man page: renders cleanly"

bash -n "$gen/wasm-sentinel.bash" || fail "bash -n"
if command -v zsh >/dev/null; then
  zsh -n "$gen/_wasm-sentinel" || fail "zsh -n"
  echo "zsh completion: parses"
else
  echo "zsh completion: not checked (zsh not installed)"
fi

# Completes LINE (words; the last may be partial) and prints the candidates on one line.
complete_line() {
  bash -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    _wasm_sentinel
    echo "${COMPREPLY[*]}"' _ "$gen/wasm-sentinel.bash" "$@"
}
check() {
  local want=$1; shift
  local got
  got=$(complete_line "$@")
  [ "$got" = "$want" ] || fail "completing '$*': got '$got', want '$want'"
}
check "replay" wasm-sentinel rep
check "run replay record" wasm-sentinel r
check "cat convert" wasm-sentinel log c
check "--config" wasm-sentinel run --conf
check "--verify" wasm-sentinel replay --ver
check "--json" wasm-sentinel log stats --js
echo "bash completion: completes commands, subcommands and options"
