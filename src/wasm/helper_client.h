// The engine's side of wsn-wasm-helper: runs it under the configured limits on a private copy
// of the module's bytes and turns every way it can end — rejection, crash, timeout, resource
// exhaustion — into an Error with a message fit for a rule author.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "wasm/options.h"
#include "wsn/result.h"

namespace wsn::wasm {

struct HelperOutput {
  std::vector<uint8_t> canonical;
  std::string meta_text;
};

enum class HelperFailure : uint8_t { kNone, kRejected, kCrashed, kUnavailable };

struct HelperError {
  HelperFailure kind = HelperFailure::kNone;
  std::string message;
};

class HelperClient {
 public:
  explicit HelperClient(const WasmOptions& options);

  const std::string& helper_path() const { return helper_; }

  // Validates and rewrites `wasm`. On failure returns false and fills `error`.
  bool prepare(std::span<const uint8_t> wasm, HelperOutput& out, HelperError& error) const;
  // Compiles a canonical module into `out_so` (written atomically).
  bool build_aot(std::span<const uint8_t> canonical, const std::string& out_so,
                 HelperError& error) const;

 private:
  const WasmOptions& options_;
  std::string helper_;
};

// Where the helper executable is: options, $WSN_WASM_HELPER, next to this executable (or in
// ../wasm from it, the build tree layout), the build tree's default.
std::string resolve_helper_path(const std::string& configured);

// A private temporary directory removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  bool ok() const { return !path_.empty(); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

bool write_bytes(const std::string& path, std::span<const uint8_t> data);
bool read_bytes(const std::string& path, std::vector<uint8_t>& out, size_t max_bytes);

}  // namespace wsn::wasm
