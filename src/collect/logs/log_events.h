// Log lines → typed events, with the field names of Filebeat's system (auth, syslog) and
// auditd modules, which Elastic's and SigmaHQ's rules for these logs read:
//
//   syslog / auth:  @timestamp, message, process.name, process.pid, host.hostname,
//                   log.file.path, event.module "system", event.dataset "system.auth" |
//                   "system.syslog"; and for what auth.log says in known words:
//     sshd "Accepted|Failed <method> for [invalid user] U from IP port P" → authentication,
//          event.action "ssh_login", event.outcome success|failure, user.name, source.ip,
//          source.port, system.auth.ssh.event / .method;
//     sshd "Invalid user U from IP" → ssh_login failure;
//     sudo "U : TTY=… ; PWD=… ; USER=R ; COMMAND=C" → process, event.action "sudo",
//          user.name, user.effective.name, process.command_line, system.auth.sudo.*;
//     useradd "new user: name=U, UID=N …" / groupadd "new group: name=G, GID=N" / userdel
//          "delete user 'U'" / groupdel "group 'G' removed" → iam, event.type
//          [user|group, creation|deletion], user.name / group.name (+ id);
//   auditd: one event per record: auditd.log.record_type, auditd.log.sequence and every
//          key=value of the record as auditd.log.<key> (quotes removed), event.module "auditd",
//          process.pid / process.executable / process.name / user.id when the record has them;
//          event.category "process" for SYSCALL/EXECVE, "authentication" for USER_* logins.
//
// Thread safe: LogEventBuilder is not (one per source thread); the field ids it holds are
// resolved once against the registry it is given.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "wsn/event.h"
#include "wsn/schema.h"

namespace wsn::logs {

enum class LogFormat : uint8_t { kAuth, kSyslog, kAuditd };

class LogEventBuilder {
 public:
  explicit LogEventBuilder(FieldRegistry& registry);

  // Fills `e` (cleared first) from one line of `path`; false when the line is not a record of
  // the format (the caller counts it as malformed), with `why`.
  bool build(LogFormat format, std::string_view path, std::string_view line, int64_t now_ns,
             Event& e, std::string& why);

 private:
  bool syslog(LogFormat format, std::string_view path, std::string_view line, int64_t now_ns,
              Event& e, std::string& why);
  bool auditd(std::string_view path, std::string_view line, Event& e, std::string& why);
  void auth_meaning(std::string_view program, std::string_view msg, Event& e);
  FieldId field(std::string_view name) { return registry_.intern(name); }

  FieldRegistry& registry_;
  FieldId message_, log_path_, hostname_, module_, dataset_, user_effective_, ssh_event_,
      ssh_method_, sudo_tty_, sudo_pwd_, sudo_command_, sudo_error_, record_type_, sequence_;
  std::string scratch_;
};

}  // namespace wsn::logs
