#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine (as root: root-only eBPF tests run,
# elsewhere they skip with a message): install dependencies; build and run every test in the
# release build and again under AddressSanitizer + UndefinedBehaviorSanitizer; build the
# libFuzzer targets and run each for a bounded time. The release tests include the install
# checks (tests/install, label `install`): the staged `cmake --install`, the man page, the
# completion, the systemd unit, and the .deb installed into a fresh Debian rootfs
# (scripts/deb-chroot-test.sh, ~25 s; skipped with a message when not root).
#   WSN_FUZZ_SECONDS  seconds per fuzzer (default 30; 0 skips fuzzing); as many run at once as
#                     there are CPUs
#   WSN_SKIP_ASAN=1   skip the sanitizer build (local iteration only; CI runs it)
# Artefacts for CI to keep: build/artifacts/dashboard.png (the dashboard browser test's
# screenshot, tests/dashboard).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc)
passed=0
failed=0
# Runs ctest with the given preset and adds its counts to the totals.
run_ctest() {
  local log
  log=$(mktemp)
  local rc=0
  ctest --preset "$1" -j "$jobs" 2>&1 | tee "$log" || rc=$?
  local total fails
  total=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\)/\2/p' "$log" | tail -1)
  fails=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\)/\1/p' "$log" | tail -1)
  rm -f "$log"
  passed=$((passed + ${total:-0} - ${fails:-0}))
  failed=$((failed + ${fails:-0}))
  return $rc
}

echo "== release build + tests"
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"
run_ctest release

if [ "${WSN_SKIP_ASAN:-0}" != 1 ]; then
  echo "== ASan/UBSan build + tests"
  cmake --preset debug-asan >/dev/null
  cmake --build --preset debug-asan -j "$jobs"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_ctest debug-asan
fi

fuzz_seconds=${WSN_FUZZ_SECONDS:-30}
if [ "$fuzz_seconds" != 0 ] && [ -f fuzz/CMakeLists.txt ]; then
  echo "== fuzzers (${fuzz_seconds}s each)"
  cmake --preset fuzz >/dev/null
  # Only the fuzz targets and what they link: the fuzz tree needs no CLI, SDK or helper.
  cmake --build --preset fuzz -j "$jobs" --target \
    $(ninja -C build/fuzz -t targets all | sed -n '/^cmake_/!s/^\([a-z0-9_]*_fuzz\): .*/\1/p' | sort -u)
  bash fuzz/run.sh build/fuzz "$fuzz_seconds" "$jobs"
fi
[ -f build/artifacts/dashboard.png ] && echo "dashboard screenshot: build/artifacts/dashboard.png"
echo "== all tests passed"
echo "tests: $passed passed, $failed failed"
