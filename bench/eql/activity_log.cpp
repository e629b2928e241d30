#include "activity_log.h"

#include <fmt/format.h>

#include <iterator>
#include <string_view>

namespace wsn::bench::eql {
namespace {

constexpr uint64_t kBaseSeconds = 1'763'596'800;  // 2025-11-20T00:00:00Z
constexpr std::string_view kHostId = "5e1a2c3d";

void json_string(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

// Splits an argument string on spaces; '...' groups one argument (quotes dropped).
template <typename F>
void for_each_arg(std::string_view s, F&& f) {
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == ' ') {
      ++i;
      continue;
    }
    if (s[i] == '\'') {
      const size_t end = s.find('\'', i + 1);
      const size_t stop = end == std::string_view::npos ? s.size() : end;
      f(s.substr(i + 1, stop - i - 1));
      i = stop + 1;
      continue;
    }
    const size_t end = s.find(' ', i);
    const size_t stop = end == std::string_view::npos ? s.size() : end;
    f(s.substr(i, stop - i));
    i = stop;
  }
}

}  // namespace

ActivityLog::ActivityLog(uint64_t seed, size_t live_target)
    : rng_(seed), live_target_(live_target) {
  const auto& programs = host_programs();
  for (const ProgramProfile& p : programs) {
    spawn_total_ += p.daemon ? 0 : p.weight;
    spawn_cdf_.push_back(spawn_total_);
  }
  // Boot: the daemons, children of systemd (pid 1).
  for (uint32_t i = 0; i < programs.size(); ++i) {
    if (!programs[i].daemon) continue;
    Proc d;
    d.program = i;
    d.user = programs[i].name == "nginx" ? 2 : programs[i].name == "postgres" ? 3 : 1;
    d.pid = next_pid_++;
    d.entity_id = fmt::format("{}-{:07x}-{:011x}", kHostId, d.pid, kBaseSeconds * 1000 - 3600000);
    d.parent_pid = 1;
    d.parent_entity_id =
        fmt::format("{}-{:07x}-{:011x}", kHostId, 1, kBaseSeconds * 1000 - 7200000);
    d.parent_program = i;
    live_.push_back(std::move(d));
  }
}

void ActivityLog::header(std::string& out, const char* category, const char* type,
                         const char* action) {
  const uint64_t ms_total = k_;
  const uint64_t secs = ms_total / 1000;
  const uint64_t day = secs / 86400;
  fmt::format_to(std::back_inserter(out),
                 R"({{"@timestamp":"2025-11-{:02}T{:02}:{:02}:{:02}.{:03}Z",)"
                 R"("event":{{"id":"{:x}-{}","kind":"event","category":["{}"],"type":["{}"],)"
                 R"("action":"{}"}},"host":{{"name":"web-01","id":"{}",)"
                 R"("os":{{"type":"linux","family":"debian","platform":"ubuntu",)"
                 R"("kernel":"6.8.0-49-generic"}}}},)",
                 20 + day, (secs / 3600) % 24, (secs / 60) % 60, secs % 60, ms_total % 1000,
                 (k_ * 0x9e3779b97f4a7c15ULL) >> 40, k_, category, type, action, kHostId);
}

void ActivityLog::process_fields(std::string& out, const Proc& p, bool with_command,
                                 int exit_code) {
  const auto& programs = host_programs();
  const ProgramProfile& prog = programs[p.program];
  const HostUser& user = host_users()[p.user];
  fmt::format_to(std::back_inserter(out), R"("process":{{"pid":{},"entity_id":"{}","name":)", p.pid,
                 p.entity_id);
  json_string(out, prog.name);
  out += R"(,"executable":)";
  json_string(out, prog.executable);
  if (with_command) {
    std::string args(prog.commands[p.command]);
    if (unique_values_)
      fmt::format_to(std::back_inserter(args), "{}--job={}", args.empty() ? "" : " ", p.pid);
    std::string line(prog.executable);
    if (!args.empty()) {
      line += ' ';
      line += args;
    }
    out += R"(,"command_line":)";
    json_string(out, line);
    out += R"(,"args":[)";
    json_string(out, prog.executable);
    int count = 1;
    for_each_arg(args, [&](std::string_view a) {
      out += ',';
      json_string(out, a);
      ++count;
    });
    fmt::format_to(std::back_inserter(out), R"(],"args_count":{},"working_directory":"{}")", count,
                   p.user == 1 ? "/root" : "/home/dev");
    const ProgramProfile& parent = programs[p.parent_program];
    fmt::format_to(std::back_inserter(out), R"(,"parent":{{"pid":{},"entity_id":"{}","name":)",
                   p.parent_pid, p.parent_entity_id);
    json_string(out, parent.name);
    out += R"(,"executable":)";
    json_string(out, parent.executable);
    out += '}';
  }
  if (exit_code >= 0) fmt::format_to(std::back_inserter(out), R"(,"exit_code":{})", exit_code);
  fmt::format_to(std::back_inserter(out), R"(,"user":{{"id":"{}","name":"{}"}}}})", user.id,
                 user.name);
}

void ActivityLog::spawn(std::string& out, uint32_t program) {
  const auto& programs = host_programs();
  const ProgramProfile& prog = programs[program];
  const Proc& parent = live_[next() % live_.size()];
  Proc p;
  p.program = program;
  p.command = static_cast<uint32_t>(next() % prog.commands.size());
  const uint64_t r = next();
  p.user = (r & 0xFF) < 200 ? parent.user : static_cast<uint32_t>((r >> 8) % 3);
  const int m = prog.mean_activity;
  p.remaining = m == 0 ? 0 : static_cast<int>((r >> 16) % static_cast<uint64_t>(2 * m + 1));
  if (((r >> 32) & 0x3F) == 0) p.remaining *= 6;  // a few long-lived ones
  next_pid_ += 1 + (r >> 40) % 3;
  if (next_pid_ > 4'000'000) next_pid_ = 2000;
  p.pid = next_pid_;
  p.entity_id = fmt::format("{}-{:07x}-{:011x}", kHostId, p.pid, kBaseSeconds * 1000 + k_);
  p.parent_pid = parent.pid;
  p.parent_entity_id = parent.entity_id;
  p.parent_program = parent.program;
  header(out, "process", "start", "exec");
  process_fields(out, p, true);
  out += '}';
  live_.push_back(std::move(p));
}

void ActivityLog::activity(std::string& out, const Proc& p) {
  const ProgramProfile& prog = host_programs()[p.program];
  const uint64_t r = next();
  const bool file = !prog.files.empty() && (prog.peers.empty() || (r & 3) != 0);
  if (file) {
    std::string path(prog.files[(r >> 8) % prog.files.size()]);
    if (unique_values_) {
      const size_t at = path.rfind('.');
      const std::string tag = fmt::format(".{}", k_);
      if (at != std::string::npos && at > path.rfind('/')) {
        path.insert(at, tag);
      } else {
        path += tag;
      }
    }
    const uint64_t a = (r >> 24) % 100;
    const char* action = a < 50   ? "modification"
                         : a < 80 ? "creation"
                         : a < 92 ? "deletion"
                                  : "rename";
    const char* type = a < 50 || a >= 92 ? "change" : a < 80 ? "creation" : "deletion";
    header(out, "file", type, action);
    process_fields(out, p, false);
    const size_t slash = path.rfind('/');
    const std::string_view name = std::string_view(path).substr(slash + 1);
    const size_t dot = name.rfind('.');
    out += R"(,"file":{"path":)";
    json_string(out, path);
    out += R"(,"name":)";
    json_string(out, name);
    out += R"(,"directory":)";
    json_string(out, std::string_view(path).substr(0, slash == 0 ? 1 : slash));
    if (dot != std::string_view::npos && dot > 0 && dot + 1 < name.size()) {
      out += R"(,"extension":)";
      json_string(out, name.substr(dot + 1));
    }
    out += "}}";
    return;
  }
  const std::string_view peer = prog.peers[(r >> 8) % prog.peers.size()];
  const size_t colon = peer.find(':');
  header(out, "network", "start", "connection_attempted");
  process_fields(out, p, false);
  fmt::format_to(
      std::back_inserter(out),
      R"(,"source":{{"ip":"10.0.2.15","port":{}}},"destination":{{"ip":"{}","port":{}}},)"
      R"("network":{{"transport":"tcp","direction":"egress"}}}})",
      32768 + (r >> 32) % 28000, peer.substr(0, colon), peer.substr(colon + 1));
}

void ActivityLog::exit(std::string& out, size_t slot) {
  const Proc& p = live_[slot];
  header(out, "process", "end", "end");
  process_fields(out, p, false, next() % 16 == 0 ? 1 : 0);
  out += '}';
  // Overwrite the slot with the last one (order of the live set does not matter).
  live_[slot] = std::move(live_.back());
  live_.pop_back();
}

void ActivityLog::append_next(std::string& out) {
  const auto& programs = host_programs();
  const uint64_t r = next();
  if (live_.size() < live_target_ || (r % 64 == 0 && live_.size() < 2 * live_target_)) {
    const double x = static_cast<double>(r >> 11) / static_cast<double>(1ULL << 53) * spawn_total_;
    uint32_t program = 0;
    while (spawn_cdf_[program] <= x && program + 1 < spawn_cdf_.size()) ++program;
    spawn(out, program);
  } else {
    for (;;) {
      const size_t slot = next() % live_.size();
      const Proc& p = live_[slot];
      const ProgramProfile& prog = programs[p.program];
      const bool can_act = !prog.files.empty() || !prog.peers.empty();
      if (prog.daemon) {
        if (!can_act) continue;
        activity(out, p);
      } else if (p.remaining > 0 && can_act) {
        --live_[slot].remaining;
        activity(out, p);
      } else {
        exit(out, slot);
      }
      break;
    }
  }
  ++k_;
}

}  // namespace wsn::bench::eql
