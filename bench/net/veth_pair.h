// Two network namespaces joined by a veth pair, made for one benchmark run and removed with it:
// the sender side A (10.202.0.1/24, 02:00:00:00:02:01) and the receiving side B (10.202.0.2/24,
// 02:00:00:00:02:02). Names carry the process id. Removal happens in the destructor and, should
// the run be interrupted, through cleanup.h (signal handler, exit).
//
// One instance per process.
#pragma once

#include <memory>
#include <string>

#include "wsn/result.h"

namespace wsn::bench {

class VethPair {
 public:
  static Result<std::unique_ptr<VethPair>> create();
  ~VethPair();
  VethPair(const VethPair&) = delete;
  VethPair& operator=(const VethPair&) = delete;

  const std::string& ns_a() const { return ns_a_; }
  const std::string& ns_b() const { return ns_b_; }
  const std::string& if_a() const { return if_a_; }
  const std::string& if_b() const { return if_b_; }
  static constexpr const char* kAddrA = "10.202.0.1";
  static constexpr const char* kAddrB = "10.202.0.2";
  static constexpr unsigned char kMacA[6] = {0x02, 0, 0, 0, 0x02, 0x01};
  static constexpr unsigned char kMacB[6] = {0x02, 0, 0, 0, 0x02, 0x02};

  // Runs a shell command inside a namespace; returns its exit status and output.
  static int run_in(const std::string& ns, const std::string& cmd, std::string* out = nullptr);
  // Moves the calling thread into namespace `ns` (a net namespace under /run/netns) and back.
  static Status enter(const std::string& ns);
  static Status leave();

 private:
  VethPair() = default;
  std::string ns_a_, ns_b_, if_a_, if_b_;
  int cleanup_ = -1;
};

// A shell command and its output (stderr too).
int shell(const std::string& cmd, std::string* out = nullptr);

}  // namespace wsn::bench
