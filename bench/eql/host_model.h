// The simulated Linux host shared by the EQL benchmark's log generator and rule generator: the
// programs it runs (what they execute, write and connect to) and, separately, literal values
// that never occur on it. Rules drawn from both sides match some events and miss others, the
// way a real rule set does.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace wsn::bench::eql {

struct ProgramProfile {
  std::string_view name;
  std::string_view executable;
  std::vector<std::string_view> commands;  // arguments after argv[0]; '...' groups one argument
  std::vector<std::string_view> files;     // paths the process creates / writes / deletes
  std::vector<std::string_view> peers;     // "ip:port" it connects to
  double weight = 1;                       // relative spawn frequency
  int mean_activity = 2;                   // follow-up file / network events
  bool daemon = false;                     // started at boot, never exits
  bool suspicious = false;                 // attacker tradecraft (rare)
};

// Benign profiles first, then the suspicious ones.
const std::vector<ProgramProfile>& host_programs();

// Literals absent from the generated log: names of other tools, command-line fragments,
// directories, ports.
const std::vector<std::string_view>& foreign_names();
const std::vector<std::string_view>& foreign_tokens();
const std::vector<std::string_view>& foreign_dirs();
const std::vector<int>& foreign_ports();
const std::vector<std::string_view>& foreign_users();

// Users of the host: name and uid.
struct HostUser {
  std::string_view name;
  std::string_view id;
};
const std::vector<HostUser>& host_users();

uint64_t splitmix64(uint64_t& state);

}  // namespace wsn::bench::eql
