#include "event_log_generator.h"

#include <fmt/format.h>

#include <array>
#include <cstdio>
#include <stdexcept>

namespace wsn::bench {
namespace {

uint64_t next(uint64_t& s) {  // splitmix64
  uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

struct Program {
  const char* name;
  const char* exe;
  const char* args;
};
constexpr std::array<Program, 12> kPrograms = {{
    {"bash", "/usr/bin/bash", "-c ls -la /var/www"},
    {"git", "/usr/bin/git", "status --short"},
    {"python3", "/usr/bin/python3", "manage.py runserver"},
    {"curl", "/usr/bin/curl", "-s https://api.example.com/v1/health"},
    {"make", "/usr/bin/make", "-j2 all"},
    {"cc1", "/usr/lib/gcc/x86_64-linux-gnu/12/cc1", "-quiet main.c -o /tmp/ccX.s"},
    {"ls", "/usr/bin/ls", "--color=auto -l"},
    {"grep", "/usr/bin/grep", "-R TODO src"},
    {"systemctl", "/usr/bin/systemctl", "status nginx"},
    {"sshd", "/usr/sbin/sshd", "-D"},
    {"apt-get", "/usr/bin/apt-get", "update"},
    {"cat", "/usr/bin/cat", "/etc/hostname"},
}};
constexpr std::array<const char*, 6> kPaths = {
    "/var/log/nginx/access.log", "/tmp/build/main.o", "/home/dev/project/src/app.py",
    "/var/lib/dpkg/status",      "/etc/hosts",        "/home/dev/.cache/pip/http/x"};

}  // namespace

void append_event_line(std::string& out, uint64_t k, uint64_t& rng) {
  const uint64_t r = next(rng);
  const Program& p = kPrograms[r % kPrograms.size()];
  const Program& parent = kPrograms[(r >> 8) % kPrograms.size()];
  const uint64_t pid = 1000 + (r >> 16) % 60000;
  const uint64_t ppid = 1000 + (r >> 32) % 60000;
  const uint64_t secs = 1'763'600'000 + k / 1000;
  const uint64_t ms = k % 1000;
  const int kind = static_cast<int>((r >> 48) % 10);  // 60% process, 25% file, 15% network
  fmt::format_to(std::back_inserter(out),
                 R"({{"@timestamp":"{}","event":{{"id":"e{}","kind":"event",)",
                 fmt::format("2025-11-20T{:02}:{:02}:{:02}.{:03}Z", (secs / 3600) % 24,
                             (secs / 60) % 60, secs % 60, ms),
                 k);
  if (kind < 6) {
    out += R"("category":["process"],"type":["start"],"action":"exec"},)";
  } else if (kind < 9) {
    out += R"("category":["file"],"type":["change"],"action":"modification"},)";
  } else {
    out += R"("category":["network"],"type":["start"],"action":"connection_attempted"},)";
  }
  fmt::format_to(
      std::back_inserter(out),
      R"("host":{{"name":"web-01"}},"process":{{"pid":{},"entity_id":"p-{}-{}",)"
      R"("name":"{}","executable":"{}","command_line":"{} {}","args":["{}","{}"],)"
      R"("args_count":2,"working_directory":"/home/dev","user":{{"id":"1000","name":"dev"}},)"
      R"("parent":{{"pid":{},"entity_id":"p-{}","name":"{}","executable":"{}"}}}})",
      pid, pid, k, p.name, p.exe, p.exe, p.args, p.exe, p.args, ppid, ppid, parent.name,
      parent.exe);
  if (kind >= 6 && kind < 9) {
    const char* path = kPaths[(r >> 4) % kPaths.size()];
    fmt::format_to(std::back_inserter(out), R"(,"file":{{"path":"{}"}})", path);
  } else if (kind == 9) {
    fmt::format_to(
        std::back_inserter(out),
        R"(,"destination":{{"ip":"198.51.100.{}","port":443}},"network":{{"transport":"tcp"}})",
        (r >> 24) % 250 + 1);
  }
  out += '}';
}

uint64_t write_event_log(const std::string& path, uint64_t events, uint64_t seed) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot create " + path);
  uint64_t rng = seed;
  uint64_t bytes = 0;
  std::string buf;
  for (uint64_t k = 0; k < events; ++k) {
    append_event_line(buf, k, rng);
    buf += '\n';
    if (buf.size() > (1u << 20)) {
      bytes += std::fwrite(buf.data(), 1, buf.size(), f);
      buf.clear();
    }
  }
  bytes += std::fwrite(buf.data(), 1, buf.size(), f);
  std::fclose(f);
  return bytes;
}

}  // namespace wsn::bench
