// Log lines → events (src/collect/logs): each case is a line of a real log format and the
// event it must give, as JSON (the field names of Filebeat's system and auditd modules).
#include "collect/logs/log_events.h"

#include <gtest/gtest.h>

#include <string>

#include "collect/logs/syslog_line.h"
#include "event/json_writer.h"

namespace wsn::logs {
namespace {

constexpr int64_t kNow = 1'796'652'000'000'000'000;  // 2026-12-07T14:00:00Z

struct Case {
  const char* name;
  LogFormat format;
  const char* line;
  const char* json;  // the whole event, as write_event_json writes it
};

const Case kCases[] = {
    {"sshd accepted (RFC 3339 timestamp, Debian 12 rsyslog)", LogFormat::kAuth,
     "2026-12-07T15:40:01.123456+01:00 web-1 sshd[4242]: Accepted publickey for alice from "
     "203.0.113.7 port 52144 ssh2: ED25519 SHA256:abc",
     R"J({"@timestamp":"2026-12-07T14:40:01.123456Z","event":{"action":"ssh_login","category":["authentication"],"dataset":"system.auth","kind":"event","module":"system","outcome":"success","type":["info"]},"host":{"hostname":"web-1","name":"web-1"},"log":{"file":{"path":"/var/log/auth.log"}},"message":"Accepted publickey for alice from 203.0.113.7 port 52144 ssh2: ED25519 SHA256:abc","process":{"name":"sshd","pid":4242},"source":{"ip":"203.0.113.7","port":52144},"system":{"auth":{"ssh":{"event":"Accepted","method":"publickey"}}},"user":{"name":"alice"}})J"},
    {"sshd failed for an invalid user (BSD timestamp: this year)", LogFormat::kAuth,
     "Dec  7 11:02:03 web-1 sshd[77]: Failed password for invalid user admin from 198.51.100.2 "
     "port 40000 ssh2",
     R"J({"@timestamp":"2026-12-07T11:02:03.000Z","event":{"action":"ssh_login","category":["authentication"],"dataset":"system.auth","kind":"event","module":"system","outcome":"failure","type":["info"]},"host":{"hostname":"web-1","name":"web-1"},"log":{"file":{"path":"/var/log/auth.log"}},"message":"Failed password for invalid user admin from 198.51.100.2 port 40000 ssh2","process":{"name":"sshd","pid":77},"source":{"ip":"198.51.100.2","port":40000},"system":{"auth":{"ssh":{"event":"Failed","method":"password"}}},"user":{"name":"admin"}})J"},
    {"sudo command", LogFormat::kAuth,
     "2026-12-07T15:41:00+00:00 web-1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; "
     "COMMAND=/usr/bin/cat /etc/shadow",
     R"J({"@timestamp":"2026-12-07T15:41:00.000Z","event":{"action":"sudo","category":["process"],"dataset":"system.auth","kind":"event","module":"system","type":["info"]},"host":{"hostname":"web-1","name":"web-1"},"log":{"file":{"path":"/var/log/auth.log"}},"message":"   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/cat /etc/shadow","process":{"command_line":"/usr/bin/cat /etc/shadow","name":"sudo"},"system":{"auth":{"sudo":{"command":"/usr/bin/cat /etc/shadow","pwd":"/home/alice","tty":"pts/0"}}},"user":{"effective":{"name":"root"},"name":"alice"}})J"},
    {"sudo refused (syslog(3)'s BSD timestamp, as the live test's receiver writes it)",
     LogFormat::kAuth,
     "Dec  7 19:02:34 vm sudo:   nobody : user NOT in sudoers ; PWD=/tmp/x ; USER=root ; "
     "COMMAND=/usr/bin/ln -s /etc/passwd /tmp/y",
     R"J({"@timestamp":"2026-12-07T19:02:34.000Z","event":{"action":"sudo","category":["process"],"dataset":"system.auth","kind":"event","module":"system","outcome":"failure","type":["info"]},"host":{"hostname":"vm","name":"vm"},"log":{"file":{"path":"/var/log/auth.log"}},"message":"  nobody : user NOT in sudoers ; PWD=/tmp/x ; USER=root ; COMMAND=/usr/bin/ln -s /etc/passwd /tmp/y","process":{"command_line":"/usr/bin/ln -s /etc/passwd /tmp/y","name":"sudo"},"system":{"auth":{"sudo":{"command":"/usr/bin/ln -s /etc/passwd /tmp/y","error":"user NOT in sudoers","pwd":"/tmp/x"}}},"user":{"effective":{"name":"root"},"name":"nobody"}})J"},
    {"useradd: a user created", LogFormat::kAuth,
     "2026-12-07T15:42:00+00:00 web-1 useradd[900]: new user: name=eve, UID=1002, GID=1002, "
     "home=/home/eve, shell=/bin/sh, from=/dev/pts/0",
     R"J({"@timestamp":"2026-12-07T15:42:00.000Z","event":{"action":"added-user-account","category":["iam"],"dataset":"system.auth","kind":"event","module":"system","outcome":"success","type":["user","creation"]},"host":{"hostname":"web-1","name":"web-1"},"log":{"file":{"path":"/var/log/auth.log"}},"message":"new user: name=eve, UID=1002, GID=1002, home=/home/eve, shell=/bin/sh, from=/dev/pts/0","process":{"name":"useradd","pid":900},"user":{"id":"1002","name":"eve"}})J"},
    {"groupdel: a group removed", LogFormat::kAuth,
     "2026-12-07T15:43:00+00:00 web-1 groupdel[901]: group 'ops' removed",
     R"J({"@timestamp":"2026-12-07T15:43:00.000Z","event":{"action":"deleted-group-account-from","category":["iam"],"dataset":"system.auth","kind":"event","module":"system","outcome":"success","type":["group","deletion"]},"group":{"name":"ops"},"host":{"hostname":"web-1","name":"web-1"},"log":{"file":{"path":"/var/log/auth.log"}},"message":"group 'ops' removed","process":{"name":"groupdel","pid":901}})J"},
    {"a syslog line: no meaning beyond its message", LogFormat::kSyslog,
     "2026-12-07T15:44:00+00:00 web-1 CRON[3131]: (root) CMD (run-parts /etc/cron.hourly)", R"J({"@timestamp":"2026-12-07T15:44:00.000Z","event":{"dataset":"system.syslog","kind":"event","module":"system"},"host":{"hostname":"web-1","name":"web-1"},"log":{"file":{"path":"/var/log/syslog"}},"message":"(root) CMD (run-parts /etc/cron.hourly)","process":{"name":"CRON","pid":3131}})J"},
    {"auditd SYSCALL record", LogFormat::kAuditd,
     R"J(type=SYSCALL msg=audit(1796658000.250:4711): arch=c000003e syscall=59 success=yes exit=0 a0=55d1 a1=55d2 ppid=100 pid=4242 auid=1000 uid=0 comm="cat" exe="/usr/bin/cat" key="shadow")J",
     R"J({"@timestamp":"2026-12-07T15:40:00.250Z","auditd":{"log":{"a0":"55d1","a1":"55d2","arch":"c000003e","auid":"1000","comm":"cat","exe":"/usr/bin/cat","exit":"0","key":"shadow","pid":"4242","ppid":"100","record_type":"SYSCALL","sequence":4711,"success":"yes","syscall":"59","uid":"0"}},"event":{"category":["process"],"dataset":"auditd.log","kind":"event","module":"auditd"},"log":{"file":{"path":"/var/log/audit/audit.log"}},"message":"type=SYSCALL msg=audit(1796658000.250:4711): arch=c000003e syscall=59 success=yes exit=0 a0=55d1 a1=55d2 ppid=100 pid=4242 auid=1000 uid=0 comm=\"cat\" exe=\"/usr/bin/cat\" key=\"shadow\"","process":{"executable":"/usr/bin/cat","name":"cat","parent":{"pid":100},"pid":4242},"user":{"id":"0"}})J"},
    {"auditd USER_LOGIN record (fields inside msg='…')", LogFormat::kAuditd, R"J(type=USER_LOGIN msg=audit(1796658001.000:4712): pid=77 uid=0 auid=4294967295 ses=4294967295 msg='op=login acct="admin" exe="/usr/sbin/sshd" hostname=? addr=198.51.100.2 terminal=sshd res=failed')J", R"J({"@timestamp":"2026-12-07T15:40:01.000Z","auditd":{"log":{"acct":"admin","addr":"198.51.100.2","auid":"4294967295","exe":"/usr/sbin/sshd","hostname":"?","op":"login","pid":"77","record_type":"USER_LOGIN","res":"failed","sequence":4712,"ses":"4294967295","terminal":"sshd","uid":"0"}},"event":{"category":["authentication"],"dataset":"auditd.log","kind":"event","module":"auditd"},"log":{"file":{"path":"/var/log/audit/audit.log"}},"message":"type=USER_LOGIN msg=audit(1796658001.000:4712): pid=77 uid=0 auid=4294967295 ses=4294967295 msg='op=login acct=\"admin\" exe=\"/usr/sbin/sshd\" hostname=? addr=198.51.100.2 terminal=sshd res=failed'","process":{"executable":"/usr/sbin/sshd","pid":77},"user":{"id":"0","name":"admin"}})J"},
};

class LogEventsTest : public ::testing::TestWithParam<Case> {};

TEST_P(LogEventsTest, LineBecomesTheEvent) {
  const Case& c = GetParam();
  FieldRegistry reg;
  LogEventBuilder b(reg);
  Event e;
  std::string why;
  const char* path = c.format == LogFormat::kAuth     ? "/var/log/auth.log"
                     : c.format == LogFormat::kSyslog ? "/var/log/syslog"
                                                      : "/var/log/audit/audit.log";
  ASSERT_TRUE(b.build(c.format, path, c.line, kNow, e, why)) << why;
  std::string json;
  write_event_json(e, reg, json);
  EXPECT_EQ(json, c.json) << c.name;
}

INSTANTIATE_TEST_SUITE_P(Lines, LogEventsTest, ::testing::ValuesIn(kCases));

TEST(LogEvents, WhatIsNotARecordIsRefusedWithTheReason) {
  FieldRegistry reg;
  LogEventBuilder b(reg);
  Event e;
  std::string why;
  EXPECT_FALSE(b.build(LogFormat::kAuth, "a", "-- not a syslog line", kNow, e, why));
  EXPECT_EQ(why, "not a syslog line (timestamp, host, program: message)");
  EXPECT_FALSE(b.build(LogFormat::kAuditd, "a", "node=x type=SYSCALL", kNow, e, why));
  EXPECT_EQ(why, "not an auditd record (type=… msg=audit(…): …)");
  EXPECT_FALSE(
      b.build(LogFormat::kAuditd, "a", "type=SYSCALL msg=audit(x.y:z): a=1", kNow, e, why));
  EXPECT_EQ(why, "auditd record with a malformed audit(seconds.millis:serial) stamp");
}

// A BSD timestamp in the future by more than a day belongs to last year (a log read in
// January holding December's lines).
TEST(SyslogLine, BsdTimestampsTakeTheYearFromNow) {
  const auto l =
      parse_syslog_line("Dec 31 23:59:59 h prog: x", 1'767'225'600'000'000'000);  // 2026-01-01
  ASSERT_TRUE(l);
  EXPECT_EQ(l->time_ns, 1'767'225'599'000'000'000);  // 2025-12-31T23:59:59Z
  EXPECT_EQ(l->program, "prog");
  EXPECT_EQ(l->pid, -1);
}

}  // namespace
}  // namespace wsn::logs
