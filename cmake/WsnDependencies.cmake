# Every dependency comes from a Debian bookworm package (scripts/install-deps.sh).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(simdjson REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(CLI11 REQUIRED)
find_package(fmt REQUIRED)
# Header-only TOML reader (libcpptoml-dev): Elastic rule files.
find_package(cpptoml REQUIRED)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
# WebAssembly Binary Toolkit 1.0.32 (package wabt): interpreter, validator, wasm2c writer.
find_package(wabt CONFIG REQUIRED PATHS /usr/lib/x86_64-linux-gnu/cmake/wabt)
if(WSN_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(WSN_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
# Alert store, webhook sink and HTTP endpoint (issue 6).
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
pkg_check_modules(LIBCRYPTO REQUIRED IMPORTED_TARGET libcrypto)
# The binary flight recorder's block compression (src/record).
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
