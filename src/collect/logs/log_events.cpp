#include "collect/logs/log_events.h"

#include <charconv>

#include "collect/logs/syslog_line.h"

namespace wsn::logs {
namespace {

// The word after `key` up to a space or the end ("for alice from" → "alice").
std::string_view word_after(std::string_view s, std::string_view key) {
  const size_t at = s.find(key);
  if (at == std::string_view::npos) return {};
  std::string_view rest = s.substr(at + key.size());
  return rest.substr(0, rest.find_first_of(" ,;"));
}

bool to_int(std::string_view s, int64_t& out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

LogEventBuilder::LogEventBuilder(FieldRegistry& registry)
    : registry_(registry),
      message_(field("message")),
      log_path_(field("log.file.path")),
      hostname_(field("host.hostname")),
      module_(field("event.module")),
      dataset_(field("event.dataset")),
      user_effective_(field("user.effective.name")),
      ssh_event_(field("system.auth.ssh.event")),
      ssh_method_(field("system.auth.ssh.method")),
      sudo_tty_(field("system.auth.sudo.tty")),
      sudo_pwd_(field("system.auth.sudo.pwd")),
      sudo_command_(field("system.auth.sudo.command")),
      sudo_error_(field("system.auth.sudo.error")),
      record_type_(field("auditd.log.record_type")),
      sequence_(field("auditd.log.sequence")) {}

bool LogEventBuilder::build(LogFormat format, std::string_view path, std::string_view line,
                            int64_t now_ns, Event& e, std::string& why) {
  e.clear();
  if (format == LogFormat::kAuditd) return auditd(path, line, e, why);
  return syslog(format, path, line, now_ns, e, why);
}

bool LogEventBuilder::syslog(LogFormat format, std::string_view path, std::string_view line,
                             int64_t now_ns, Event& e, std::string& why) {
  const auto l = parse_syslog_line(line, now_ns);
  if (!l) {
    why = "not a syslog line (timestamp, host, program: message)";
    return false;
  }
  e.set_timestamp(fields::kTimestamp, l->time_ns);
  e.set_string(fields::kEventKind, "event");
  e.set_string(module_, "system");
  e.set_string(dataset_, format == LogFormat::kAuth ? "system.auth" : "system.syslog");
  e.set_string(hostname_, l->host);
  e.set_string(fields::kHostName, l->host);
  e.set_string(log_path_, path);
  e.set_string(message_, l->message);
  if (!l->program.empty()) e.set_string(fields::kProcessName, l->program);
  if (l->pid >= 0) e.set_int(fields::kProcessPid, l->pid);
  auth_meaning(l->program, l->message, e);
  return true;
}

void LogEventBuilder::auth_meaning(std::string_view program, std::string_view msg, Event& e) {
  auto category = [&](std::string_view c, std::string_view t1, std::string_view t2 = {}) {
    const std::string_view cat[] = {c};
    e.set_string_list(fields::kEventCategory, cat);
    e.set_category(registry_.intern_category(c));
    const std::string_view both[] = {t1, t2};
    e.set_string_list(fields::kEventType, std::span(both, t2.empty() ? 1 : 2));
  };
  if (program == "sshd" || program == "sshd-session") {
    const bool accepted = msg.starts_with("Accepted ");
    const bool failed = msg.starts_with("Failed ");
    const bool invalid = msg.starts_with("Invalid user ");
    if (!accepted && !failed && !invalid) return;
    category("authentication", "info");
    e.set_string(fields::kEventAction, "ssh_login");
    e.set_string(fields::kEventOutcome, accepted ? "success" : "failure");
    std::string_view user;
    if (invalid) {
      user = word_after(msg, "Invalid user ");
      e.set_string(ssh_event_, "Invalid");
    } else {
      e.set_string(ssh_event_, accepted ? "Accepted" : "Failed");
      const std::string_view rest = msg.substr(msg.find(' ') + 1);
      e.set_string(ssh_method_, rest.substr(0, rest.find(' ')));
      user = msg.find(" for invalid user ") != std::string_view::npos
                 ? word_after(msg, " for invalid user ")
                 : word_after(msg, " for ");
    }
    if (!user.empty()) e.set_string(fields::kUserName, user);
    if (const std::string_view ip = word_after(msg, " from "); !ip.empty()) {
      IpAddress addr;
      if (IpAddress::parse(ip, addr)) e.set_ip(fields::kSourceIp, addr);
    }
    int64_t port = 0;
    if (to_int(word_after(msg, " port "), port)) e.set_int(fields::kSourcePort, port);
    return;
  }
  if (program == "sudo" && msg.find(" ; COMMAND=") != std::string_view::npos) {
    category("process", "info");
    e.set_string(fields::kEventAction, "sudo");
    const std::string_view user = msg.substr(0, msg.find(" : "));
    std::string_view u = user;
    while (!u.empty() && u.front() == ' ') u.remove_prefix(1);
    e.set_string(fields::kUserName, u);
    // A refusal names its reason before the first "KEY=value" ("user NOT in sudoers", "3
    // incorrect password attempts"; Filebeat's system.auth.sudo.error).
    std::string_view reason = msg.substr(std::min(msg.size(), user.size() + 3));
    reason = reason.substr(0, reason.find(" ; "));
    if (!reason.empty() && reason.find('=') == std::string_view::npos) {
      e.set_string(sudo_error_, reason);
      e.set_string(fields::kEventOutcome, "failure");
    }
    // Without a terminal (scripts, `sudo -S` from a pipe) sudo writes no TTY=.
    for (const auto& [id, key] :
         {std::pair{sudo_tty_, "TTY="}, {sudo_pwd_, "PWD="}, {user_effective_, "USER="}}) {
      if (const std::string_view v = word_after(msg, key); !v.empty()) e.set_string(id, v);
    }
    const std::string_view command = msg.substr(msg.find(" ; COMMAND=") + 11);
    e.set_string(sudo_command_, command);
    e.set_string(fields::kProcessCommandLine, command);
    return;
  }
  auto quoted = [](std::string_view s, std::string_view key) {  // "delete user 'bob'"
    const size_t at = s.find(key);
    if (at == std::string_view::npos) return std::string_view();
    std::string_view rest = s.substr(at + key.size());
    return rest.substr(0, rest.find('\''));
  };
  if (program == "useradd" && msg.starts_with("new user: ")) {
    category("iam", "user", "creation");
    e.set_string(fields::kEventAction, "added-user-account");
    e.set_string(fields::kEventOutcome, "success");
    e.set_string(fields::kUserName, word_after(msg, "name="));
    if (const auto id = word_after(msg, "UID="); !id.empty()) e.set_string(fields::kUserId, id);
  } else if ((program == "groupadd" || program == "useradd") && msg.starts_with("new group: ")) {
    category("iam", "group", "creation");
    e.set_string(fields::kEventAction, "added-group-account-to");
    e.set_string(fields::kEventOutcome, "success");
    e.set_string(fields::kGroupName, word_after(msg, "name="));
    if (const auto id = word_after(msg, "GID="); !id.empty()) e.set_string(fields::kGroupId, id);
  } else if (program == "userdel" && msg.starts_with("delete user '")) {
    category("iam", "user", "deletion");
    e.set_string(fields::kEventAction, "deleted-user-account");
    e.set_string(fields::kEventOutcome, "success");
    e.set_string(fields::kUserName, quoted(msg, "delete user '"));
  } else if ((program == "groupdel" || program == "userdel") && msg.starts_with("group '") &&
             msg.ends_with("' removed")) {
    category("iam", "group", "deletion");
    e.set_string(fields::kEventAction, "deleted-group-account-from");
    e.set_string(fields::kEventOutcome, "success");
    e.set_string(fields::kGroupName, quoted(msg, "group '"));
  }
}

bool LogEventBuilder::auditd(std::string_view path, std::string_view line, Event& e,
                             std::string& why) {
  // type=SYSCALL msg=audit(1700000000.123:456): key=value key="quoted value" …
  if (!line.starts_with("type=")) {
    why = "not an auditd record (type=… msg=audit(…): …)";
    return false;
  }
  const size_t sp = line.find(' ');
  const std::string_view type = line.substr(5, sp == std::string_view::npos ? sp : sp - 5);
  const size_t open = line.find("msg=audit(");
  const size_t close = open == std::string_view::npos ? open : line.find("):", open);
  if (type.empty() || close == std::string_view::npos) {
    why = "not an auditd record (type=… msg=audit(…): …)";
    return false;
  }
  const std::string_view stamp = line.substr(open + 10, close - open - 10);  // "secs.ms:serial"
  const size_t dot = stamp.find('.'), colon = stamp.find(':');
  int64_t secs = 0, millis = 0, serial = 0;
  if (dot == std::string_view::npos || colon == std::string_view::npos || colon < dot ||
      !to_int(stamp.substr(0, dot), secs) ||
      !to_int(stamp.substr(dot + 1, colon - dot - 1), millis) ||
      !to_int(stamp.substr(colon + 1), serial)) {
    why = "auditd record with a malformed audit(seconds.millis:serial) stamp";
    return false;
  }
  e.set_timestamp(fields::kTimestamp, secs * 1'000'000'000LL + millis * 1'000'000LL);
  e.set_string(fields::kEventKind, "event");
  e.set_string(module_, "auditd");
  e.set_string(dataset_, "auditd.log");
  e.set_string(log_path_, path);
  e.set_string(record_type_, type);
  e.set_int(sequence_, serial);
  e.set_string(message_, line);
  std::string_view rest = line.substr(close + 2);
  // USER_* records carry their own fields inside msg='…': read those too.
  while (!rest.empty()) {
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\'')) rest.remove_prefix(1);
    if (rest.starts_with("msg='")) rest.remove_prefix(5);
    const size_t eq = rest.find('=');
    if (eq == std::string_view::npos || eq == 0) break;
    const std::string_view key = rest.substr(0, eq);
    rest.remove_prefix(eq + 1);
    std::string_view value;
    if (!rest.empty() && rest.front() == '"') {
      const size_t end = rest.find('"', 1);
      value = rest.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1);
      rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    } else {
      const size_t end = rest.find_first_of(" '");
      value = rest.substr(0, end);
      rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
    }
    if (key.find_first_of(" \"") != std::string_view::npos || key.size() > 64) continue;
    scratch_.assign("auditd.log.").append(key);
    e.set_string(field(scratch_), value);
    int64_t n = 0;
    if (key == "pid" && to_int(value, n)) e.set_int(fields::kProcessPid, n);
    if (key == "ppid" && to_int(value, n)) e.set_int(fields::kProcessParentPid, n);
    if (key == "exe") e.set_string(fields::kProcessExecutable, value);
    if (key == "comm") e.set_string(fields::kProcessName, value);
    if (key == "uid") e.set_string(fields::kUserId, value);
    if (key == "acct") e.set_string(fields::kUserName, value);
  }
  std::string_view cat;
  if (type == "SYSCALL" || type == "EXECVE" || type == "PROCTITLE") cat = "process";
  if (type.starts_with("USER_") || type == "LOGIN" || type == "CRED_ACQ") cat = "authentication";
  if (type == "ADD_USER" || type == "DEL_USER" || type == "ADD_GROUP" || type == "DEL_GROUP" ||
      type == "USER_MGMT" || type == "GRP_MGMT") {
    cat = "iam";
  }
  if (!cat.empty()) {
    const std::string_view c[] = {cat};
    e.set_string_list(fields::kEventCategory, c);
    e.set_category(registry_.intern_category(cat));
  }
  return true;
}

}  // namespace wsn::logs
