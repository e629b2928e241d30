#!/usr/bin/env bash
# Runs every libFuzzer target built in BUILD_DIR for SECONDS each, starting from the seed corpus
# fuzz/corpus/<target without _fuzz>/ when present (new inputs go to a scratch copy, so the
# repository's corpus is never modified). JOBS fuzzers run at once (default: the CPU count).
# Fails if any fuzzer finds a crash.
set -euo pipefail
build_dir=${1:?usage: run.sh BUILD_DIR SECONDS [JOBS]}
seconds=${2:-30}
jobs=${3:-$(nproc)}
here=$(cd "$(dirname "$0")" && pwd)
results=$(mktemp -d)
found=0
# One fuzzer: its result line goes to $results/<name>.ok or .failed (with the last lines).
fuzz_one() {
  local bin=$1 name work
  name=$(basename "$bin" _fuzz)
  work=$(mktemp -d)
  [ -d "$here/corpus/$name" ] && cp -r "$here/corpus/$name/." "$work/"
  if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$work/" "$work" >"$work.log" 2>&1; then
    { echo "-- $name: ${seconds}s"; grep -E 'stat::number_of_executed_units|Done' "$work.log" | tail -2; } \
      >"$results/$name.ok"
  else
    { echo "fuzzer $name FAILED; last lines:"; tail -40 "$work.log"; } >"$results/$name.failed"
  fi
  rm -rf "$work" "$work.log"
}
running=0
for bin in $(find "$build_dir" -type f -perm -u+x -name '*_fuzz' | sort); do
  found=1
  fuzz_one "$bin" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true
[ "$found" = 1 ] || echo "no fuzz targets found in $build_dir"
cat "$results"/*.ok 2>/dev/null || true
status=0
if compgen -G "$results/*.failed" >/dev/null; then
  cat "$results"/*.failed
  status=1
fi
rm -rf "$results"
exit $status
