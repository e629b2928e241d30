// Alerts to syslog as RFC 5424 messages over a local datagram socket (/dev/log) or UDP
// (RFC 5426):
//
//   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID alert [wsn@32473 rule_id="…" severity="high"
//   sequence="1" count="1"] {…alert JSON…}
//
// PRI = facility × 8 + severity (critical → 2 crit, high → 3 err, medium → 4 warning,
// low → 5 notice). TIMESTAMP is the alert's event time (microseconds, UTC). The SD-ID uses
// the documentation enterprise number 32473 (RFC 5612). A local socket that goes away (syslog
// restarted) is reconnected on the next write. Messages above `max_message` bytes are cut
// (counted in truncated()); UDP cannot carry more than about 64 KiB.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "wsn/alert.h"
#include "wsn/result.h"

namespace wsn {

struct SyslogOptions {
  std::string address = "unix:/dev/log";  // unix:PATH or udp:HOST:PORT
  std::string facility = "local0";
  std::string app_name = "wasm-sentinel";
  std::string hostname;  // empty: gethostname()
  size_t max_message = 65000;
};

class SyslogSink final : public AlertSink {
 public:
  // Fails when the address is malformed or a UDP host does not resolve. A unix socket that
  // does not exist yet is not an error: writes fail (counted) until it appears.
  static Result<std::unique_ptr<SyslogSink>> open(SyslogOptions options);
  ~SyslogSink() override;

  std::string_view name() const override { return name_; }
  bool write(const Alert& alert, std::string_view json) override;
  uint64_t failures() const override { return failures_.load(std::memory_order_relaxed); }
  std::string last_error() const override;
  // Set when a unix socket could not be connected at open (e.g. no /dev/log): why, else "".
  const std::string& open_problem() const { return open_problem_; }
  uint64_t truncated() const { return truncated_; }

  // The RFC 5424 message for an alert (exposed for tests).
  static void format_message(const Alert& alert, std::string_view json, int facility,
                             std::string_view hostname, std::string_view app_name, int pid,
                             std::string& out);
  // Facility name → code (kern 0 … local7 23), -1 when unknown.
  static int facility_code(std::string_view name);

 private:
  explicit SyslogSink(SyslogOptions options) : options_(std::move(options)) {}
  bool connect_socket();
  bool send_message();

  SyslogOptions options_;
  std::string name_;
  int facility_ = 16;
  int fd_ = -1;
  bool unix_ = true;
  std::string unix_path_;
  std::string udp_addr_;  // the resolved sockaddr's bytes
  std::string message_;
  std::atomic<uint64_t> failures_{0};
  std::atomic<int> last_errno_{0};  // errno of the latest failed connect or send
  std::string open_problem_;
  uint64_t truncated_ = 0;
};

}  // namespace wsn
