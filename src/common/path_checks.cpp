#include "common/path_checks.h"

#include <unistd.h>

#include <filesystem>

namespace wsn {

namespace fs = std::filesystem;

std::string cannot_write_file(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return path + " is a directory";
  if (fs::exists(path, ec)) {
    return ::access(path.c_str(), W_OK) == 0 ? "" : path + " is not writable";
  }
  fs::path parent = fs::path(path).parent_path();
  if (parent.empty()) parent = ".";
  if (!fs::is_directory(parent, ec)) return "directory " + parent.string() + " does not exist";
  if (::access(parent.c_str(), W_OK | X_OK) != 0) {
    return "directory " + parent.string() + " is not writable";
  }
  return "";
}

std::string cannot_use_dir(const std::string& dir) {
  std::error_code ec;
  fs::path p = dir;
  while (!p.empty() && !fs::exists(p, ec)) {
    if (p == p.parent_path()) break;
    p = p.parent_path();
  }
  if (p.empty()) p = ".";
  if (!fs::is_directory(p, ec)) return p.string() + " is not a directory";
  if (::access(p.c_str(), W_OK | X_OK) != 0) return "directory " + p.string() + " is not writable";
  return "";
}

}  // namespace wsn
