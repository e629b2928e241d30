#include "wasm/aot_cache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "common/install_layout.h"
#include "wasm/abi.h"
#include "wasm/sha256.h"
#include "wasm/subprocess.h"

namespace wsn::wasm {
namespace fs = std::filesystem;

namespace {

// Owned by us and not writable by group or others.
bool trusted(const std::string& path, std::string* why) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) {
    if (why) *why = path + ": cannot stat";
    return false;
  }
  if (st.st_uid != geteuid()) {
    if (why) *why = path + " is not owned by this user";
    return false;
  }
  if (st.st_mode & (S_IWGRP | S_IWOTH)) {
    if (why) *why = path + " is writable by group or others";
    return false;
  }
  return true;
}

}  // namespace

std::string default_cache_dir() {
  if (const char* d = std::getenv("WSN_WASM_CACHE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) {
    return std::string(x) + "/wasm-sentinel/aot";
  }
  if (const char* h = std::getenv("HOME"); h && *h)
    return std::string(h) + "/.cache/wasm-sentinel/aot";
  return cache_dir() + "/aot";
}

AotCache::AotCache(const WasmOptions& options)
    : options_(options),
      dir_(options.cache_dir.empty() ? default_cache_dir() : options.cache_dir) {}

const std::string& AotCache::compiler_id() const {
  std::call_once(compiler_once_, [this] {
    ProcessLimits limits;
    limits.timeout_ms = 10000;
    auto r = run_process({options_.cc, "--version"}, limits);
    if (!r.ok() || !r->succeeded() || r->out.empty()) return;
    const std::string line = r->out.substr(0, r->out.find('\n'));
    compiler_id_ = sha256_hex(line).substr(0, 16);
  });
  return compiler_id_;
}

std::string AotCache::key_dir(const std::string& module_sha256) const {
  Sha256 h;
  h.update(module_sha256);
  h.update("|abi " + std::to_string(WSN_ABI_MAJOR) + "." + std::to_string(WSN_ABI_MINOR));
  h.update("|rewrite " + std::to_string(kRewriteVersion));
  h.update("|runtime " + aot_runtime_id());
  h.update("|flags " + options_.cc_flags);
  const auto d = h.finish();
  return dir_ + "/" + to_hex(d).substr(0, 32);
}

std::string AotCache::object_path(const std::string& module_sha256) const {
  const std::string& cc = compiler_id();
  if (cc.empty()) return {};
  return key_dir(module_sha256) + "/" + cc + ".so";
}

std::optional<std::string> AotCache::find(const std::string& module_sha256,
                                          std::string* note) const {
  const std::string key = key_dir(module_sha256);
  std::error_code ec;
  if (!fs::is_directory(key, ec)) return std::nullopt;
  if (!trusted(dir_, note) || !trusted(key, note)) return std::nullopt;
  std::vector<std::string> candidates;
  const std::string exact = object_path(module_sha256);
  if (!exact.empty()) {
    candidates.push_back(exact);
  } else {
    for (const auto& e : fs::directory_iterator(key, ec)) {
      if (e.path().extension() == ".so") candidates.push_back(e.path().string());
    }
    std::sort(candidates.begin(), candidates.end());
  }
  for (const auto& c : candidates) {
    if (!fs::is_regular_file(c, ec)) continue;
    if (trusted(c, note)) return c;
  }
  return std::nullopt;
}

Status AotCache::prepare_dir(const std::string& module_sha256) const {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  chmod(dir_.c_str(), 0700);
  const std::string key = key_dir(module_sha256);
  fs::create_directories(key, ec);
  if (ec) return Error{"cannot create the AOT cache directory " + key + ": " + ec.message()};
  chmod(key.c_str(), 0700);
  std::string why;
  if (!trusted(dir_, &why) || !trusted(key, &why)) return Error{"AOT cache: " + why};
  return {};
}

}  // namespace wsn::wasm
