// Deterministic generator of a busy Linux host's activity as ECS JSON lines, for the EQL
// benchmark. Unlike a stream of unrelated records, processes here have a life: a process
// starts (exec), writes files and opens connections under the same process.entity_id, then
// exits, with about `live_target` processes alive at once. That is what sequence rules
// (`sequence by process.entity_id`) need to have partial matches that advance, complete and
// expire. Rare attacker activity (host_model.h) gives rules something real to detect.
// Event time advances 1 ms per event. Every event carries host.name/id and host.os.* (type
// "linux": every Elastic Linux rule tests it first).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "host_model.h"

namespace wsn::bench::eql {

class ActivityLog {
 public:
  explicit ActivityLog(uint64_t seed = 7, size_t live_target = 256);

  // Appends the next event as one JSON object (no newline).
  void append_next(std::string& out);
  // Makes every exec's command line (an extra `--job=<pid>` argument) and every file path and
  // name (`access.<event>.log`) unique: the worst case of the matcher's literal-scan memo, which
  // a host that runs the same commands on the same files meets far less.
  void set_unique_values(bool on) { unique_values_ = on; }
  uint64_t emitted() const { return k_; }

 private:
  struct Proc {
    uint32_t program = 0;
    uint32_t command = 0;
    uint32_t user = 0;
    int remaining = 0;  // follow-up events before exit
    uint64_t pid = 0;
    std::string entity_id;
    uint64_t parent_pid = 0;
    std::string parent_entity_id;
    uint32_t parent_program = 0;
  };

  void spawn(std::string& out, uint32_t program);
  void activity(std::string& out, const Proc& p);
  void exit(std::string& out, size_t slot);
  void header(std::string& out, const char* category, const char* type, const char* action);
  void process_fields(std::string& out, const Proc& p, bool with_command, int exit_code = -1);
  uint64_t next() { return splitmix64(rng_); }

  uint64_t rng_;
  size_t live_target_;
  bool unique_values_ = false;
  uint64_t k_ = 0;
  uint64_t next_pid_ = 2000;
  std::vector<Proc> live_;
  std::vector<double> spawn_cdf_;  // over host_programs(); daemons have weight 0
  double spawn_total_ = 0;
};

}  // namespace wsn::bench::eql
