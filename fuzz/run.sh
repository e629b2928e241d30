#!/usr/bin/env bash
# Runs every libFuzzer target built in BUILD_DIR for SECONDS each, starting from the seed corpus
# fuzz/corpus/<target without _fuzz>/ when present (new inputs go to a scratch copy, so the
# repository's corpus is never modified). Fails if any fuzzer finds a crash.
set -euo pipefail
build_dir=${1:?usage: run.sh BUILD_DIR SECONDS}
seconds=${2:-30}
here=$(cd "$(dirname "$0")" && pwd)
status=0
found=0
for bin in $(find "$build_dir" -type f -perm -u+x -name '*_fuzz' | sort); do
  found=1
  name=$(basename "$bin" _fuzz)
  work=$(mktemp -d)
  [ -d "$here/corpus/$name" ] && cp -r "$here/corpus/$name/." "$work/"
  echo "-- fuzzing $name for ${seconds}s"
  if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$work/" "$work" >"$work.log" 2>&1; then
    echo "fuzzer $name FAILED; last lines:"; tail -40 "$work.log"; status=1
  else
    grep -E 'stat::number_of_executed_units|Done' "$work.log" | tail -2
  fi
  rm -rf "$work" "$work.log"
done
[ "$found" = 1 ] || echo "no fuzz targets found in $build_dir"
exit $status
