#include "wasm/helper_client.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/install_layout.h"
#include "wasm/subprocess.h"

#ifndef WSN_WASM_HELPER_DEFAULT
#define WSN_WASM_HELPER_DEFAULT ""
#endif

namespace wsn::wasm {
namespace fs = std::filesystem;

namespace {

// Sanitizer runtimes reserve terabytes of address space: no RLIMIT_AS for them.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

bool is_executable(const std::string& p) {
  return !p.empty() && access(p.c_str(), X_OK) == 0;
}

std::string first_line(const std::string& s) {
  std::string out = s.substr(0, s.find_last_not_of("\n ") + 1);
  return out.empty() ? "(no message)" : out;
}

}  // namespace

std::string resolve_helper_path(const std::string& configured) {
  if (!configured.empty()) return configured;
  if (const char* env = std::getenv("WSN_WASM_HELPER"); env && *env) return env;
  // Installed: <prefix>/lib/wasm-sentinel; in the build tree: the one built with this binary.
  const std::string& laid_out = install_layout().helper_path;
  if (is_executable(laid_out)) return laid_out;
  // A build-tree program outside src/cli (tests, benchmarks) finds it relative to itself.
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && install_layout().kind == InstallLayout::Kind::kBuildTree) {
    for (const fs::path& candidate :
         {self.parent_path() / "wsn-wasm-helper", self.parent_path() / "../wasm/wsn-wasm-helper",
          self.parent_path() / "../src/wasm/wsn-wasm-helper",
          self.parent_path() / "../../src/wasm/wsn-wasm-helper"}) {
      if (is_executable(candidate.string())) return fs::weakly_canonical(candidate, ec).string();
    }
    return WSN_WASM_HELPER_DEFAULT;
  }
  return laid_out;
}

TempDir::TempDir() {
  std::error_code ec;
  std::string tmpl = (fs::temp_directory_path(ec) / "wsn-wasm-XXXXXX").string();
  if (mkdtemp(tmpl.data())) path_ = tmpl;
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

bool write_bytes(const std::string& path, std::span<const uint8_t> data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  return static_cast<bool>(out);
}

bool read_bytes(const std::string& path, std::vector<uint8_t>& out, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  in.seekg(0, std::ios::end);
  const auto size = in.tellg();
  if (size < 0 || static_cast<size_t>(size) > max_bytes) return false;
  in.seekg(0);
  out.resize(static_cast<size_t>(size));
  in.read(reinterpret_cast<char*>(out.data()), size);
  return static_cast<bool>(in);
}

HelperClient::HelperClient(const WasmOptions& options)
    : options_(options), helper_(resolve_helper_path(options.helper_path)) {}

bool HelperClient::prepare(std::span<const uint8_t> wasm, HelperOutput& out,
                           HelperError& error) const {
  if (!is_executable(helper_)) {
    error = {HelperFailure::kUnavailable,
             "the module helper '" + helper_ + "' is missing (set WSN_WASM_HELPER)"};
    return false;
  }
  TempDir dir;
  if (!dir.ok() || !write_bytes(dir.path() + "/in.wasm", wasm)) {
    error = {HelperFailure::kUnavailable, "cannot create a temporary directory"};
    return false;
  }
  const SandboxLimits& s = options_.sandbox;
  std::vector<std::string> argv = {helper_,
                                   "prepare",
                                   dir.path() + "/in.wasm",
                                   dir.path() + "/out.wasm",
                                   dir.path() + "/out.meta",
                                   "--memory-pages",
                                   std::to_string(s.memory_pages),
                                   "--depth-limit",
                                   std::to_string(s.depth_limit),
                                   "--initial-fuel",
                                   std::to_string(s.fuel_per_init),
                                   "--max-nesting",
                                   std::to_string(s.max_nesting),
                                   "--max-bytes",
                                   std::to_string(s.max_module_bytes)};
  ProcessLimits limits;
  limits.cpu_seconds = options_.helper.cpu_seconds;
  limits.address_space_bytes = kSanitized ? 0 : options_.helper.memory_mb << 20;
  limits.file_size_bytes = uint64_t{256} << 20;
  limits.timeout_ms = options_.helper.timeout_ms;
  auto r = run_process(argv, limits);
  if (!r.ok()) {
    error = {HelperFailure::kUnavailable, "cannot run the module helper: " + r.error().message};
    return false;
  }
  if (r->exit_code == 3 && !r->timed_out && r->term_signal == 0) {
    error = {HelperFailure::kRejected, first_line(r->err)};
    return false;
  }
  if (!r->succeeded()) {
    std::string msg =
        "the module helper " + r->describe(limits.timeout_ms) + " while loading this module";
    if (!r->err.empty() && r->term_signal == 0 && !r->timed_out) msg += ": " + first_line(r->err);
    error = {HelperFailure::kCrashed, msg};
    return false;
  }
  std::vector<uint8_t> meta;
  if (!read_bytes(dir.path() + "/out.wasm", out.canonical, size_t{64} << 20) ||
      !read_bytes(dir.path() + "/out.meta", meta, size_t{1} << 20)) {
    error = {HelperFailure::kCrashed, "the module helper produced no output"};
    return false;
  }
  out.meta_text.assign(meta.begin(), meta.end());
  return true;
}

bool HelperClient::build_aot(std::span<const uint8_t> canonical, const std::string& out_so,
                             HelperError& error) const {
  if (!is_executable(helper_)) {
    error = {HelperFailure::kUnavailable, "the module helper '" + helper_ + "' is missing"};
    return false;
  }
  TempDir dir;
  if (!dir.ok() || !write_bytes(dir.path() + "/canonical.wasm", canonical)) {
    error = {HelperFailure::kUnavailable, "cannot create a temporary directory"};
    return false;
  }
  const HelperLimits& h = options_.helper;
  std::vector<std::string> argv = {helper_,
                                   "aot",
                                   dir.path() + "/canonical.wasm",
                                   out_so,
                                   "--cc",
                                   options_.cc,
                                   "--flags",
                                   options_.cc_flags,
                                   "--cc-cpu-seconds",
                                   std::to_string(h.cc_cpu_seconds),
                                   "--cc-memory-mb",
                                   std::to_string(h.cc_memory_mb),
                                   "--cc-timeout-ms",
                                   std::to_string(h.cc_timeout_ms)};
  ProcessLimits limits;
  limits.cpu_seconds = h.cpu_seconds;
  // Inherited by the compiler as a hard limit: it must allow the compiler's own cap.
  limits.address_space_bytes = kSanitized ? 0 : std::max(h.memory_mb, h.cc_memory_mb) << 20;
  limits.timeout_ms = h.cc_timeout_ms + h.timeout_ms;
  auto r = run_process(argv, limits);
  if (!r.ok()) {
    error = {HelperFailure::kUnavailable, "cannot run the module helper: " + r.error().message};
    return false;
  }
  if (!r->succeeded()) {
    error = {r->exit_code == 3 ? HelperFailure::kRejected : HelperFailure::kCrashed,
             "compiling the module " + r->describe(limits.timeout_ms) +
                 (r->err.empty() ? "" : ": " + first_line(r->err))};
    return false;
  }
  return true;
}

}  // namespace wsn::wasm
