// On-disk cache of compiled rule objects.
//
//   <cache>/<key>/<compiler>.so
//   key      = sha256(module sha256, ABI version, rewrite version, runtime id, C flags)
//   compiler = sha256(first line of `cc --version`), first 16 hex digits
//
// A host with a compiler uses exactly its compiler's entry; a host without one (objects built
// elsewhere by `wasm-sentinel compile`) accepts any entry under the key. The directory and the
// objects must belong to this user and must not be writable by others: a shared object is code
// the engine will run.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "wasm/options.h"
#include "wsn/result.h"

namespace wsn::wasm {

class AotCache {
 public:
  explicit AotCache(const WasmOptions& options);

  const std::string& dir() const { return dir_; }
  // "" when no C compiler answers `--version`.
  const std::string& compiler_id() const;

  std::string key_dir(const std::string& module_sha256) const;
  // Path a new object for this module should be written to ("" without a compiler).
  std::string object_path(const std::string& module_sha256) const;
  // An existing, trusted object for the module, if any. A rejected candidate's reason goes to
  // `note`.
  std::optional<std::string> find(const std::string& module_sha256, std::string* note) const;
  // Creates the key directory (0700).
  Status prepare_dir(const std::string& module_sha256) const;

 private:
  const WasmOptions& options_;
  std::string dir_;
  mutable std::once_flag compiler_once_;
  mutable std::string compiler_id_;
};

std::string default_cache_dir();

}  // namespace wsn::wasm
