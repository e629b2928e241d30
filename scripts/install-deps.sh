#!/usr/bin/env bash
# Installs every Debian 12 (bookworm) package WasmSentinel needs to build, test and run.
# Idempotent: packages already present are left alone. Run as root.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang lld llvm libclang-rt-14-dev
  clang-format clang-tidy git
  # libraries
  libsimdjson-dev libyaml-cpp-dev libcli11-dev libspdlog-dev libfmt-dev
  libre2-dev libsqlite3-dev libcpp-httplib-dev libzstd-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # eBPF
  libbpf-dev bpftool libelf-dev zlib1g-dev linux-libc-dev
  # WebAssembly: wabt (interpreter, validator, wasm2c); the rule SDK builds wasm32 modules
  # with clang + lld (above), WASI libc, compiler-rt builtins and libc++ for wasm32; the
  # AssemblyScript examples need Node.js and npm (sdk/examples/assemblyscript, `npm ci`)
  wabt wasi-libc libclang-rt-14-dev-wasm32 libc++-14-dev-wasm32 libc++abi-14-dev-wasm32 nodejs
  # TOML reader (header-only): Elastic rule files (src/detect/elastic_rule_file.cpp)
  libcpptoml-dev
  # tools the live tests run as real attack steps and ordinary activity
  # (tests/cli/data/elastic_live_steps.tsv): python3, ip (iproute2), getcap (libcap2-bin), ps;
  # sudo, whose real authentication failures feed an auth-log rule (sigma_live_steps.tsv)
  python3 iproute2 libcap2-bin procps sudo
  # the dashboard's browser test (tests/dashboard): Debian's Chromium, headless
  chromium
  # benchmark peers (bench/net, wsn_xdp_bench): xdp-filter and its BPF objects (libxdp1 comes
  # with xdp-tools), nftables
  xdp-tools nftables
  # packaging checks (tests/install, scripts/deb-chroot-test.sh, scripts/build-image.sh): a
  # fresh Debian rootfs for the .deb, systemd-analyze for the unit, the man page renderer,
  # zsh for the completion script's syntax, YAML for the DaemonSet manifest
  mmdebstrap systemd man-db groff-base zsh python3-yaml
)

# npm ships inside some nodejs builds (e.g. NodeSource's): ask for Debian's only if missing.
command -v npm >/dev/null 2>&1 || PACKAGES+=(npm)

# npm packages, each pinned by its package-lock.json: the AssemblyScript compiler for the SDK
# examples; esbuild (the dashboard bundle, embedded at build time) and chrome-remote-interface
# (its browser test) for web/dashboard. Nothing is fetched at build or run time.
npm_dirs() {
  local root dir marker
  root="$(dirname "$0")/.."
  for entry in sdk/examples/assemblyscript:node_modules/.bin/asc \
               web/dashboard:node_modules/.bin/esbuild \
               web/dashboard:node_modules/chrome-remote-interface/package.json; do
    dir="$root/${entry%%:*}"
    marker="${entry#*:}"
    if command -v npm >/dev/null 2>&1 && [ ! -e "$dir/$marker" ]; then
      echo "install-deps: npm ci in ${entry%%:*}"
      (cd "$dir" && npm ci --no-audit --no-fund) ||
        echo "install-deps: warning: npm ci failed in ${entry%%:*}; what needs it is skipped" >&2
    fi
  done
}

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  npm_dirs
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run this script as root (or install them with apt-get)" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
npm_dirs
