// wsn-wasm-helper: the process that touches untrusted rule modules so the engine never has to.
// The engine runs it under CPU, memory and wall-clock limits; whatever a module does to it
// (deep recursion in the reader, an abort in wasm2c, a compiler that never ends) kills only
// this process, and the engine reports how it ended.
//
//   wsn-wasm-helper prepare IN.wasm OUT.wasm OUT.meta [--memory-pages N] [--depth-limit N]
//                   [--initial-fuel N] [--max-nesting N] [--max-bytes N]
//   wsn-wasm-helper aot CANONICAL.wasm OUT.so [--cc CC] [--flags "..."] [--cc-cpu-seconds N]
//                   [--cc-memory-mb N] [--cc-timeout-ms N]
//
// Exit status: 0 done; 3 the module is rejected (reason on stderr); 2 usage; 1 other failure.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "helper/aot_codegen.h"
#include "helper/prepare.h"
#include "wasm/sha256.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kExitRejected = 3;

bool read_file(const std::string& path, std::vector<uint8_t>& out, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  in.seekg(0, std::ios::end);
  const auto size = in.tellg();
  if (size < 0 || static_cast<size_t>(size) > max_bytes) {
    out.clear();
    out.resize(max_bytes + 1);  // signal "too large" to the size check
    return true;
  }
  in.seekg(0);
  out.resize(static_cast<size_t>(size));
  in.read(reinterpret_cast<char*>(out.data()), size);
  return static_cast<bool>(in);
}

bool write_file(const std::string& path, const void* data, size_t size) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;
  bool parse(int argc, char** argv) {
    for (int k = 2; k < argc; ++k) {
      std::string a = argv[k];
      if (a.rfind("--", 0) == 0) {
        if (k + 1 >= argc) return false;
        options[a.substr(2)] = argv[++k];
      } else {
        positional.push_back(a);
      }
    }
    return true;
  }
  bool number(const char* key, uint64_t& out) const {
    auto it = options.find(key);
    if (it == options.end()) return true;
    char* end = nullptr;
    errno = 0;
    out = std::strtoull(it->second.c_str(), &end, 10);
    return errno == 0 && end && *end == '\0' && !it->second.empty();
  }
};

int usage() {
  std::fputs(
      "usage: wsn-wasm-helper prepare IN.wasm OUT.wasm OUT.meta [options]\n"
      "       wsn-wasm-helper aot CANONICAL.wasm OUT.so [options]\n",
      stderr);
  return kExitUsage;
}

int cmd_prepare(const Args& a) {
  if (a.positional.size() != 3) return usage();
  wsn::wasm::PrepareOptions o;
  uint64_t pages = o.rewrite.memory_pages_cap, depth = o.rewrite.depth_limit,
           fuel = static_cast<uint64_t>(o.rewrite.initial_fuel), nesting = o.prescan.max_nesting,
           max_bytes = o.max_module_bytes;
  if (!a.number("memory-pages", pages) || !a.number("depth-limit", depth) ||
      !a.number("initial-fuel", fuel) || !a.number("max-nesting", nesting) ||
      !a.number("max-bytes", max_bytes) || pages == 0 || pages > 65535 || depth == 0 ||
      depth > 100000 || fuel > (uint64_t{1} << 62)) {
    return usage();
  }
  o.rewrite.memory_pages_cap = static_cast<uint32_t>(pages);
  o.prescan.memory_pages_cap = static_cast<uint32_t>(pages);
  o.rewrite.depth_limit = static_cast<uint32_t>(depth);
  o.rewrite.initial_fuel = static_cast<int64_t>(fuel);
  o.prescan.max_nesting = static_cast<uint32_t>(nesting);
  o.max_module_bytes = static_cast<size_t>(max_bytes);

  std::vector<uint8_t> wasm;
  if (!read_file(a.positional[0], wasm, o.max_module_bytes)) {
    std::fprintf(stderr, "cannot read %s: %s\n", a.positional[0].c_str(), std::strerror(errno));
    return kExitFailure;
  }
  auto prepared = wsn::wasm::prepare_module(wasm, o);
  if (!prepared.ok()) {
    std::fprintf(stderr, "%s\n", prepared.error().message.c_str());
    return prepared.error().message.rfind("internal error", 0) == 0 ? kExitFailure : kExitRejected;
  }
  if (!write_file(a.positional[1], prepared->canonical.data(), prepared->canonical.size()) ||
      !write_file(a.positional[2], prepared->meta_text.data(), prepared->meta_text.size())) {
    std::fprintf(stderr, "cannot write the prepared module\n");
    return kExitFailure;
  }
  return kExitOk;
}

int cmd_aot(const Args& a) {
  if (a.positional.size() != 2) return usage();
  std::vector<uint8_t> wasm;
  if (!read_file(a.positional[0], wasm, size_t{64} << 20)) {
    std::fprintf(stderr, "cannot read %s\n", a.positional[0].c_str());
    return kExitFailure;
  }
  wsn::wasm::AotBuildOptions o;
  if (auto it = a.options.find("cc"); it != a.options.end()) o.cc = it->second;
  if (auto it = a.options.find("flags"); it != a.options.end()) o.flags = it->second;
  uint64_t cpu = 60, mem_mb = 2048, timeout_ms = 120000;
  if (!a.number("cc-cpu-seconds", cpu) || !a.number("cc-memory-mb", mem_mb) ||
      !a.number("cc-timeout-ms", timeout_ms)) {
    return usage();
  }
  o.cc_limits.cpu_seconds = cpu;
  o.cc_limits.address_space_bytes = mem_mb << 20;
  o.cc_limits.file_size_bytes = uint64_t{512} << 20;
  o.cc_limits.timeout_ms = static_cast<uint32_t>(timeout_ms);

  const std::string sha = wsn::wasm::sha256_hex(wasm);
  auto sources = wsn::wasm::generate_aot_sources(wasm, "m" + sha.substr(0, 16), sha);
  if (!sources.ok()) {
    std::fprintf(stderr, "%s\n", sources.error().message.c_str());
    return kExitRejected;
  }
  std::string tmpl = (std::filesystem::temp_directory_path() / "wsn-aot-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) {
    std::fprintf(stderr, "cannot create a work directory: %s\n", std::strerror(errno));
    return kExitFailure;
  }
  o.work_dir = tmpl;
  wsn::Status s = wsn::wasm::build_aot_object(*sources, o, a.positional[1]);
  std::error_code ec;
  if (!a.options.count("keep-work-dir")) std::filesystem::remove_all(tmpl, ec);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.error().message.c_str());
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  Args a;
  if (!a.parse(argc, argv)) return usage();
  const std::string cmd = argv[1];
  if (cmd == "prepare") return cmd_prepare(a);
  if (cmd == "aot") return cmd_aot(a);
  return usage();
}
