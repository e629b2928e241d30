#include "collect/ebpf/record_decoder.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "collect/ebpf/account_watch.h"
#include "collect/ebpf/bpf/wsn_record.h"
#include "collect/ebpf/env_vars.h"

namespace wsn::collect {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kTick = 10'000'000;

// Builds a record: a fixed struct followed by strings referenced through wsn_str fields.
template <typename Rec>
class Builder {
 public:
  Builder(uint16_t kind, uint32_t tgid, const char* comm = "comm") {
    bytes_.resize(sizeof(Rec));
    rec().h.kind = kind;
    rec().h.tgid = tgid;
    rec().h.tid = tgid;
    rec().h.ts = 5'000'000'000;
    rec().h.uid = rec().h.euid = 0;
    std::strncpy(rec().h.comm, comm, sizeof(rec().h.comm) - 1);
  }
  Rec& rec() { return *reinterpret_cast<Rec*>(bytes_.data()); }
  // Appends s and points the wsn_str member at it.
  void str(wsn_str Rec::*member, std::string_view s) {
    const size_t off = bytes_.size();
    bytes_.insert(bytes_.end(), s.begin(), s.end());
    bytes_.push_back(0);
    rec().*member = wsn_str{static_cast<uint16_t>(off), static_cast<uint16_t>(s.size())};
  }
  std::span<const uint8_t> done() {
    rec().h.size = static_cast<uint16_t>(bytes_.size());
    return {bytes_.data(), bytes_.size()};
  }
  std::vector<uint8_t>& bytes() { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
};

std::string get_str(const Event& e, FieldId f) {
  FieldView v;
  if (!e.get(f, v)) return "<absent>";
  return std::string(v.s);
}
int64_t get_int(const Event& e, FieldId f) {
  FieldView v;
  return e.get(f, v) ? v.i : -999;
}
std::vector<std::string> get_list(const Event& e, FieldId f) {
  FieldView v;
  std::vector<std::string> out;
  if (!e.get(f, v)) return out;
  for (uint32_t k = 0; k < v.list_count; ++k) out.emplace_back(e.list_item(v, k));
  return out;
}
std::string get_ip(const Event& e, FieldId f) {
  FieldView v;
  return e.get(f, v) && v.ip ? v.ip->to_string() : "<absent>";
}

class DecoderTest : public ::testing::Test {
 protected:
  DecoderTest()
      : root_(fs::temp_directory_path() / ("wsn_dec_" + std::to_string(getpid()))),
        table_(1000, "boot", (fs::create_directories(root_), root_.string())),
        users_(
            write_file("passwd", "root:x:0:0::/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n"),
            write_file("group", "root:x:0:\nnogroup:x:65534:\n"), 0),
        dec_(table_, users_, EbpfInterest::all(), "testhost") {
    dec_.set_clock_offset(1'700'000'000'000'000'000);
  }
  ~DecoderTest() override { fs::remove_all(root_); }

  std::string write_file(const std::string& name, const std::string& text) {
    fs::create_directories(root_);
    std::ofstream(root_ / name) << text;
    return (root_ / name).string();
  }

  // Exec of pid 200 (parent 100) through the decoder, so the table knows both.
  void exec_shell() {
    Builder<wsn_exec_rec> b(WSN_REC_EXEC, 100, "bash");
    b.rec().ppid = 1;
    b.rec().start_boottime = 10 * kTick;
    b.rec().argc = 1;
    b.str(&wsn_exec_rec::executable, "/bin/bash");
    b.str(&wsn_exec_rec::args, std::string_view("bash\0", 5));
    ASSERT_EQ(dec_.decode(b.done(), ev_), RecordDecoder::Outcome::kEvent) << dec_.error();
    Builder<wsn_fork_rec> f(WSN_REC_FORK, 100);
    f.rec().child_tgid = 200;
    f.rec().child_ppid = 100;
    f.rec().child_start_boottime = 20 * kTick;
    ASSERT_EQ(dec_.decode(f.done(), ev_), RecordDecoder::Outcome::kEvent) << dec_.error();
  }

  const FieldRegistry reg_;  // built-in names → ids
  fs::path root_;
  ProcessTable table_;
  UserNames users_;
  RecordDecoder dec_;
  Event ev_;
};

TEST_F(DecoderTest, ExecFillsProcessAndParent) {
  exec_shell();
  Builder<wsn_exec_rec> b(WSN_REC_EXEC, 200, "su");
  b.rec().ppid = 100;
  b.rec().h.ppid = 100;
  b.rec().start_boottime = 20 * kTick + 5;
  b.rec().argc = 3;
  b.rec().h.uid = 1000;
  b.rec().h.euid = 0;  // a setuid-root binary
  b.str(&wsn_exec_rec::filename, "./su");
  b.str(&wsn_exec_rec::executable, "/usr/bin/su");
  b.str(&wsn_exec_rec::args, std::string_view("su\0-\0root\0", 10));
  b.str(&wsn_exec_rec::cwd, "/home/alice");
  b.str(&wsn_exec_rec::cgroup, "docker-" + std::string(64, 'b') + ".scope");
  Event e;
  ASSERT_EQ(dec_.decode(b.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  EXPECT_EQ(e.category(), categories::kProcess);
  EXPECT_EQ(get_list(e, fields::kEventCategory), (std::vector<std::string>{"process"}));
  EXPECT_EQ(get_list(e, fields::kEventType), (std::vector<std::string>{"start"}));
  EXPECT_EQ(get_str(e, fields::kEventAction), "exec");
  EXPECT_EQ(get_str(e, fields::kEventKind), "event");
  EXPECT_EQ(get_str(e, fields::kHostName), "testhost");
  EXPECT_EQ(e.time_ns(), 1'700'000'000'000'000'000 + 5'000'000'000);
  EXPECT_EQ(get_int(e, fields::kProcessPid), 200);
  EXPECT_EQ(get_str(e, fields::kProcessExecutable), "/usr/bin/su");
  EXPECT_EQ(get_str(e, fields::kProcessName), "su");
  EXPECT_EQ(get_list(e, fields::kProcessArgs), (std::vector<std::string>{"su", "-", "root"}));
  EXPECT_EQ(get_str(e, fields::kProcessCommandLine), "su - root");
  EXPECT_EQ(get_int(e, fields::kProcessArgsCount), 3);
  EXPECT_EQ(get_str(e, fields::kProcessWorkingDirectory), "/home/alice");
  // ECS: process.user is the effective identity (a setuid-root binary runs as root),
  // process.real_user the real one; user.* is the effective one too, as Elastic Defend sets it.
  EXPECT_EQ(get_str(e, fields::kProcessUserId), "0");
  EXPECT_EQ(get_str(e, fields::kProcessUserName), "root");
  EXPECT_EQ(get_str(e, reg_.find("process.real_user.id")), "1000");
  EXPECT_EQ(get_str(e, reg_.find("process.real_user.name")), "<absent>");
  EXPECT_EQ(get_str(e, fields::kUserId), "0");
  EXPECT_EQ(get_str(e, fields::kUserName), "root");
  EXPECT_EQ(get_str(e, fields::kGroupId), "0");
  EXPECT_EQ(get_str(e, fields::kGroupName), "root");
  EXPECT_EQ(get_str(e, fields::kEventOutcome), "success");
  EXPECT_EQ(get_str(e, fields::kContainerId), std::string(64, 'b'));
  EXPECT_EQ(get_str(e, fields::kProcessEntityId), make_entity_id("boot", 200, 20));
  EXPECT_EQ(get_int(e, fields::kProcessParentPid), 100);
  EXPECT_EQ(get_str(e, fields::kProcessParentEntityId), make_entity_id("boot", 100, 10));
  EXPECT_EQ(get_str(e, fields::kProcessParentExecutable), "/bin/bash");
  EXPECT_EQ(get_str(e, fields::kProcessParentName), "bash");
  EXPECT_EQ(get_list(e, fields::kProcessParentArgs), (std::vector<std::string>{"bash"}));
}

TEST_F(DecoderTest, EveryEventCarriesTheHostIdentity) {
  const FieldRegistry names;
  const FieldId os_type = names.find("host.os.type");
  const FieldId kernel = names.find("host.os.kernel");
  dec_.set_host_identity(
      {{os_type, "linux"}, {kernel, "6.1.0-13-amd64"}, {fields::kHostId, "abc"}});
  exec_shell();  // exec + fork
  EXPECT_EQ(get_str(ev_, os_type), "linux");
  EXPECT_EQ(get_str(ev_, fields::kHostId), "abc");
  Builder<wsn_file_rec> f(WSN_REC_FILE, 200);
  f.rec().op = WSN_FILE_UNLINK;
  f.str(&wsn_file_rec::path, "/tmp/x");
  Event e;
  ASSERT_EQ(dec_.decode(f.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  EXPECT_EQ(get_str(e, os_type), "linux");
  EXPECT_EQ(get_str(e, kernel), "6.1.0-13-amd64");
  EXPECT_EQ(get_str(e, fields::kHostId), "abc");
  EXPECT_EQ(get_str(e, fields::kHostName), "testhost");
  EXPECT_EQ(get_str(e, fields::kUserId), "<absent>");  // user.* only on process events
}

TEST_F(DecoderTest, ProcessEventsCarryTheEffectiveUser) {
  exec_shell();
  Builder<wsn_exit_rec> x(WSN_REC_EXIT, 200);
  x.rec().h.uid = 1000;
  x.rec().h.euid = 65534;
  x.rec().h.gid = 1000;
  x.rec().h.egid = 65534;
  x.rec().start_boottime = 20 * kTick;
  Event e;
  ASSERT_EQ(dec_.decode(x.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  EXPECT_EQ(get_str(e, fields::kEventAction), "end");
  EXPECT_EQ(get_str(e, fields::kUserId), "65534");
  EXPECT_EQ(get_str(e, fields::kUserName), "nobody");
  EXPECT_EQ(get_str(e, fields::kGroupId), "65534");
  EXPECT_EQ(get_str(e, fields::kGroupName), "nogroup");
  EXPECT_EQ(get_str(e, fields::kProcessUserId), "65534");
  EXPECT_EQ(get_str(e, reg_.find("process.real_user.id")), "1000");
  EXPECT_EQ(get_str(e, reg_.find("process.real_group.id")), "1000");
}

TEST_F(DecoderTest, ExecTruncatedArgsKeepsTrueCount) {
  Builder<wsn_exec_rec> b(WSN_REC_EXEC, 300);
  b.rec().argc = 5000;
  b.rec().h.flags = WSN_F_ARGS_TRUNCATED;
  b.str(&wsn_exec_rec::filename, "/bin/echo");
  b.str(&wsn_exec_rec::args, std::string_view("echo\0aaa\0bb", 11));  // cut mid-argument
  Event e;
  ASSERT_EQ(dec_.decode(b.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  EXPECT_EQ(get_list(e, fields::kProcessArgs), (std::vector<std::string>{"echo", "aaa", "bb"}));
  EXPECT_EQ(get_int(e, fields::kProcessArgsCount), 5000);
  EXPECT_EQ(get_str(e, fields::kProcessExecutable), "/bin/echo");  // filename fallback
}

TEST_F(DecoderTest, ScriptExecutableIsTheScriptMadeAbsolute) {
  Builder<wsn_exec_rec> b(WSN_REC_EXEC, 301, "x.sh");
  b.rec().h.flags = WSN_F_SCRIPT;
  b.str(&wsn_exec_rec::filename, "./bin/../x.sh");
  b.str(&wsn_exec_rec::cwd, "/tmp/work");
  b.str(&wsn_exec_rec::args, std::string_view("/bin/sh\0./bin/../x.sh\0", 23));
  Event e;
  ASSERT_EQ(dec_.decode(b.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  EXPECT_EQ(get_str(e, fields::kProcessExecutable), "/tmp/work/x.sh");
  EXPECT_EQ(get_str(e, fields::kProcessName), "x.sh");
}

TEST_F(DecoderTest, ForkAndExit) {
  exec_shell();
  EXPECT_EQ(get_str(ev_, fields::kEventAction), "fork");
  EXPECT_EQ(get_str(ev_, fields::kEventOutcome), "<absent>");  // fork has no outcome
  EXPECT_EQ(get_str(ev_, fields::kProcessName), "bash");
  EXPECT_EQ(get_int(ev_, fields::kProcessPid), 200);
  EXPECT_EQ(get_int(ev_, fields::kProcessParentPid), 100);
  EXPECT_EQ(get_str(ev_, fields::kProcessExecutable), "/bin/bash");  // inherited image
  Builder<wsn_exit_rec> x(WSN_REC_EXIT, 200);
  x.rec().exit_status = 3 << 8;
  x.rec().start_boottime = 20 * kTick;
  Event e;
  ASSERT_EQ(dec_.decode(x.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  EXPECT_EQ(get_str(e, fields::kEventAction), "end");
  EXPECT_EQ(get_list(e, fields::kEventType), (std::vector<std::string>{"end"}));
  EXPECT_EQ(get_int(e, fields::kProcessExitCode), 3);
  EXPECT_EQ(get_str(e, fields::kEventOutcome), "failure");  // non-zero exit
  EXPECT_EQ(get_str(e, fields::kProcessEntityId), make_entity_id("boot", 200, 20));
  EXPECT_TRUE(table_.find(200)->exited);
  x.rec().exit_status = 0;
  ASSERT_EQ(dec_.decode(x.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  EXPECT_EQ(get_str(e, fields::kEventOutcome), "success");
}

TEST_F(DecoderTest, OrphansNameTheirNewParent) {
  exec_shell();  // 200, child of 100
  Builder<wsn_file_rec> b(WSN_REC_FILE, 200);
  b.rec().op = WSN_FILE_UNLINK;
  b.rec().h.ppid = 1;  // 100 exited; init adopted 200
  b.str(&wsn_file_rec::path, "/tmp/x");
  Event e;
  ASSERT_EQ(dec_.decode(b.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  EXPECT_EQ(get_int(e, fields::kProcessParentPid), 1);
  EXPECT_EQ(table_.find(200)->ppid, 1);
}

TEST_F(DecoderTest, ExitOfUnknownProcessUsesHeader) {
  Builder<wsn_exit_rec> x(WSN_REC_EXIT, 4242);
  x.rec().exit_status = 9;  // SIGKILL
  x.rec().ppid = 1;
  x.rec().start_boottime = 77 * kTick;
  Event e;
  ASSERT_EQ(dec_.decode(x.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  EXPECT_EQ(get_int(e, fields::kProcessExitCode), 128 + 9);
  EXPECT_EQ(get_str(e, fields::kProcessName), "comm");
  EXPECT_EQ(get_str(e, fields::kProcessEntityId), make_entity_id("boot", 4242, 77));
}

TEST_F(DecoderTest, FileRenameJoinsRelativePaths) {
  exec_shell();
  Builder<wsn_file_rec> b(WSN_REC_FILE, 200);
  b.rec().op = WSN_FILE_RENAME;
  b.str(&wsn_file_rec::path, "./a.txt");
  b.str(&wsn_file_rec::dir, "/tmp/work");
  b.str(&wsn_file_rec::path2, "../out/b.tar.gz");
  b.str(&wsn_file_rec::dir2, "/tmp/work");
  Event e;
  ASSERT_EQ(dec_.decode(b.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  EXPECT_EQ(e.category(), categories::kFile);
  EXPECT_EQ(get_str(e, fields::kEventAction), "rename");
  EXPECT_EQ(get_list(e, fields::kEventType), (std::vector<std::string>{"change"}));
  EXPECT_EQ(get_str(e, fields::kFilePath), "/tmp/out/b.tar.gz");
  EXPECT_EQ(get_str(e, fields::kFileOriginalPath), "/tmp/work/a.txt");
  EXPECT_EQ(get_str(e, fields::kFileName), "b.tar.gz");
  EXPECT_EQ(get_str(e, fields::kFileDirectory), "/tmp/out");
  EXPECT_EQ(get_str(e, fields::kFileExtension), "gz");
  EXPECT_EQ(get_int(e, fields::kProcessPid), 200);
  // Elastic Defend's names for the old path.
  EXPECT_EQ(get_str(e, reg_.find("file.Ext.original.path")), "/tmp/work/a.txt");
  EXPECT_EQ(get_str(e, reg_.find("file.Ext.original.name")), "a.txt");
  EXPECT_EQ(get_str(e, reg_.find("file.Ext.original.extension")), "txt");
}

// Elastic Defend's session model (its field definitions for Linux, endpoint-package
// custom_documentation process.*_leader.*): the session leader is the process whose pid is the
// session id, the group leader the one whose pid is the process group id, the entry leader the
// first process of the session an sshd / login / container runtime started (entry_meta.type);
// process.interactive (ECS): stdin and stderr are the controlling terminal.
TEST_F(DecoderTest, SessionGroupAndEntryLeadersTerminalAndEnvironment) {
  dec_.set_env_names(default_env_vars());
  auto exec = [&](uint32_t pid, uint32_t ppid, const char* comm, std::string_view args,
                  uint32_t sid, uint32_t pgid, bool tty, bool interactive, std::string_view env) {
    Builder<wsn_exec_rec> b(WSN_REC_EXEC, pid, comm);
    b.rec().ppid = ppid;
    b.rec().h.ppid = ppid;
    b.rec().start_boottime = pid * kTick;
    b.rec().sid = sid;
    b.rec().pgid = pgid;
    if (tty) {
      b.rec().tty_major = 136;
      b.rec().tty_minor = 3;
    }
    if (interactive) b.rec().h.flags |= WSN_F_INTERACTIVE;
    b.str(&wsn_exec_rec::executable, std::string("/usr/bin/") + comm);
    b.str(&wsn_exec_rec::args, args);
    if (!env.empty()) {
      // As the kernel copies it: raw bytes, no terminator added.
      const size_t off = b.bytes().size();
      b.bytes().insert(b.bytes().end(), env.begin(), env.end());
      b.rec().env = wsn_str{static_cast<uint16_t>(off), static_cast<uint16_t>(env.size())};
    }
    Event e;
    EXPECT_EQ(dec_.decode(b.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
    return e;
  };
  auto fork = [&](uint32_t parent, uint32_t child) {
    Builder<wsn_fork_rec> f(WSN_REC_FORK, parent);
    f.rec().child_tgid = child;
    f.rec().child_ppid = parent;
    f.rec().child_start_boottime = child * kTick;
    Event e;
    EXPECT_EQ(dec_.decode(f.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  };
  exec(40, 1, "sshd", std::string_view("sshd\0-D\0", 8), 40, 40, false, false, {});
  fork(40, 60);
  exec(60, 40, "bash", std::string_view("-bash\0", 6), 60, 60, true, true,
       std::string_view("LD_PRELOAD=/tmp/x.so\0PATH=/bin\0TOKEN=secret\0", 44));
  fork(60, 70);
  // Run in the background of the login shell, stdin redirected: not interactive. Its
  // environment was cut by the capture limit in the middle of the last entry.
  Event e = exec(70, 60, "curl", std::string_view("curl\0-s\0x\0", 10), 60, 70, true, false,
                 std::string_view("HISTFILE=/dev/null\0LD_PRELOAD=/tm", 33));
  auto s = [&](const char* f) { return get_str(e, reg_.find(f)); };
  auto i = [&](const char* f) { return get_int(e, reg_.find(f)); };
  auto b = [&](const char* f) {
    FieldView v;
    return e.get(reg_.find(f), v) ? (v.i != 0 ? "true" : "false") : "<absent>";
  };
  EXPECT_EQ(i("process.session_leader.pid"), 60);
  EXPECT_EQ(s("process.session_leader.name"), "bash");
  EXPECT_EQ(s("process.session_leader.entity_id"), make_entity_id("boot", 60, 60));
  EXPECT_EQ(b("process.session_leader.same_as_process"), std::string("false"));
  EXPECT_EQ(b("process.session_leader.interactive"), std::string("true"));
  EXPECT_EQ(i("process.group_leader.pid"), 70);
  EXPECT_EQ(s("process.group_leader.name"), "curl");
  EXPECT_EQ(b("process.group_leader.same_as_process"), std::string("true"));
  EXPECT_EQ(i("process.group_leader.args_count"), 3);
  EXPECT_EQ(i("process.entry_leader.pid"), 60);
  EXPECT_EQ(s("process.entry_leader.entry_meta.type"), "sshd");
  EXPECT_EQ(s("process.entry_leader.entity_id"), make_entity_id("boot", 60, 60));
  EXPECT_EQ(s("process.entry_leader.executable"), "/usr/bin/bash");
  EXPECT_EQ(get_list(e, reg_.find("process.entry_leader.args")),
            (std::vector<std::string>{"-bash"}));
  EXPECT_EQ(b("process.interactive"), std::string("false"));
  EXPECT_EQ(b("process.parent.interactive"), std::string("true"));
  EXPECT_EQ(i("process.tty.char_device.major"), 136);
  EXPECT_EQ(i("process.tty.char_device.minor"), 3);
  EXPECT_EQ(i("process.parent.args_count"), 1);
  EXPECT_EQ(s("process.parent.user.id"), "0");
  EXPECT_EQ(s("process.saved_user.id"), "0");
  // Only allow-listed variables, only complete ones (inherited at fork: the environment
  // is the exec's own).
  EXPECT_EQ(get_list(e, reg_.find("process.env_vars")),
            (std::vector<std::string>{"HISTFILE=/dev/null"}));

  // The login shell's own exec: leader of its session, group and entry; its environment
  // keeps LD_PRELOAD and never the token.
  Builder<wsn_file_rec> f(WSN_REC_FILE, 60);
  f.rec().op = WSN_FILE_UNLINK;
  f.str(&wsn_file_rec::path, "/tmp/y");
  ASSERT_EQ(dec_.decode(f.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  EXPECT_EQ(b("process.session_leader.same_as_process"), std::string("true"));
  EXPECT_EQ(b("process.entry_leader.same_as_process"), std::string("true"));
  EXPECT_EQ(b("process.interactive"), std::string("true"));
  EXPECT_EQ(get_list(e, reg_.find("process.env_vars")),
            (std::vector<std::string>{"LD_PRELOAD=/tmp/x.so"}));

  // sshd itself was started by init: a service's entry leader is itself.
  Builder<wsn_file_rec> g(WSN_REC_FILE, 40);
  g.rec().op = WSN_FILE_UNLINK;
  g.str(&wsn_file_rec::path, "/tmp/z");
  ASSERT_EQ(dec_.decode(g.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  EXPECT_EQ(s("process.entry_leader.entry_meta.type"), "init");
  EXPECT_EQ(i("process.entry_leader.pid"), 40);

  // setsid(2) by curl: Elastic Defend's session_id_change; it now leads a session of its
  // own, without a terminal, and keeps its entry leader.
  Builder<wsn_cred_rec> c(WSN_REC_CRED, 70);
  c.rec().op = WSN_CRED_SETSID;
  c.rec().ret = 70;
  ASSERT_EQ(dec_.decode(c.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  EXPECT_EQ(get_str(e, fields::kEventAction), "session_id_change");
  EXPECT_EQ(get_list(e, fields::kEventType), (std::vector<std::string>{"change"}));
  EXPECT_EQ(i("process.session_leader.pid"), 70);
  EXPECT_EQ(b("process.session_leader.same_as_process"), std::string("true"));
  EXPECT_EQ(i("process.tty.char_device.major"), -999);
  EXPECT_EQ(i("process.entry_leader.pid"), 60);
}

// iam events (account_watch.h): a new copy renamed over /etc/passwd adds a user; /etc/group
// rewritten in place is compared when its writer exits; a changed hash in shadow is a password
// change. Actions are auditd's (go-libaudit) names, as Elastic's rules read them.
TEST_F(DecoderTest, AccountFileWritesBecomeIamEvents) {
  const std::string passwd = write_file("acct_passwd", "root:x:0:0::/root:/bin/sh\n");
  const std::string group = write_file("acct_group", "root:x:0:\n");
  const std::string shadow = write_file("acct_shadow", "root:*:19000:0:99999:7:::\n");
  AccountWatch accounts({passwd, group, shadow});
  accounts.snapshot();
  dec_.set_account_watch(&accounts);
  exec_shell();
  Event e;
  EXPECT_FALSE(dec_.has_extra());

  write_file("acct_passwd", "root:x:0:0::/root:/bin/sh\nmallory:x:1001:1001::/home/m:/bin/sh\n");
  write_file("acct_shadow", "root:$6$new:19000:0:99999:7:::\nmallory:!:19000:0:99999:7:::\n");
  Builder<wsn_file_rec> b(WSN_REC_FILE, 200);
  b.rec().op = WSN_FILE_RENAME;
  b.str(&wsn_file_rec::path, passwd + "+");
  b.str(&wsn_file_rec::path2, passwd);
  ASSERT_EQ(dec_.decode(b.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  EXPECT_EQ(get_str(e, fields::kEventAction), "rename");
  std::vector<std::pair<std::string, std::string>> seen;  // action, user or group name
  while (dec_.has_extra()) {
    dec_.take_extra(e);
    EXPECT_EQ(e.category(), categories::kIam);
    EXPECT_EQ(get_list(e, fields::kEventCategory), (std::vector<std::string>{"iam"}));
    EXPECT_EQ(get_str(e, fields::kEventOutcome), "success");
    EXPECT_EQ(get_int(e, fields::kProcessPid), 200);
    const bool grp = get_list(e, fields::kEventType).front() == "group";
    seen.emplace_back(get_str(e, fields::kEventAction),
                      get_str(e, grp ? fields::kGroupName : fields::kUserName));
    if (seen.back().first == "added-user-account") {
      EXPECT_EQ(get_list(e, fields::kEventType), (std::vector<std::string>{"user", "creation"}));
      EXPECT_EQ(get_str(e, fields::kUserId), "1001");
    }
  }
  // Only the file renamed is compared: the shadow change is reported with shadow's own write.
  EXPECT_EQ(seen,
            (std::vector<std::pair<std::string, std::string>>{{"added-user-account", "mallory"}}));
  Builder<wsn_file_rec> sh(WSN_REC_FILE, 200);
  sh.rec().op = WSN_FILE_RENAME;
  sh.str(&wsn_file_rec::path, shadow + "+");
  sh.str(&wsn_file_rec::path2, shadow);
  ASSERT_EQ(dec_.decode(sh.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  ASSERT_TRUE(dec_.has_extra());
  dec_.take_extra(e);
  EXPECT_EQ(get_str(e, fields::kEventAction), "changed-password");
  EXPECT_EQ(get_str(e, fields::kUserName), "root");
  EXPECT_EQ(get_str(e, fields::kUserId), "0");
  EXPECT_FALSE(dec_.has_extra());

  // In place: opened for writing, compared when the writer exits.
  Builder<wsn_file_rec> w(WSN_REC_FILE, 200);
  w.rec().op = WSN_FILE_OPEN_WRITE;
  w.str(&wsn_file_rec::path, group);
  ASSERT_EQ(dec_.decode(w.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  write_file("acct_group", "mallory:x:1001:\n");
  EXPECT_FALSE(dec_.has_extra());
  Builder<wsn_exit_rec> x(WSN_REC_EXIT, 200);
  x.rec().start_boottime = 20 * kTick;
  ASSERT_EQ(dec_.decode(x.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  seen.clear();
  while (dec_.has_extra()) {
    dec_.take_extra(e);
    seen.emplace_back(get_str(e, fields::kEventAction), get_str(e, fields::kGroupName));
    EXPECT_EQ(get_list(e, fields::kEventType).front(), "group");
  }
  EXPECT_EQ(seen,
            (std::vector<std::pair<std::string, std::string>>{
                {"added-group-account-to", "mallory"}, {"deleted-group-account-from", "root"}}));
}

// DNS responses (cgroup_skb ingress records) become Elastic Defend's lookup_result events,
// attributed to the process whose UDP socket connected to port 53 from the response's port.
TEST_F(DecoderTest, DnsResponsesNameTheProcessThatAsked) {
  exec_shell();
  Builder<wsn_net_rec> c(WSN_REC_NET, 200);
  c.rec().op = WSN_NET_CONNECT;
  c.rec().family = 2;
  c.rec().protocol = 17;
  c.rec().sport = 40000;
  c.rec().dport = 53;
  Event e;
  ASSERT_EQ(dec_.decode(c.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();

  const uint8_t msg[] = {0x12, 0x34, 0x81, 0x80, 0,   1,   0,  1, 0, 0,  0, 0,    3,  'e',
                         'v',  'l',  3,    'x',  'y', 'z', 0,  0, 1, 0,  1, 0xc0, 12, 0,
                         1,    0,    1,    0,    0,   0,   60, 0, 4, 10, 9, 8,    7};
  auto dns = [&](uint16_t port) {
    Builder<wsn_dns_rec> d(WSN_REC_DNS, 0);
    d.rec().family = 2;
    d.rec().sport = 53;
    d.rec().dport = port;
    d.rec().len = sizeof(msg);
    d.rec().saddr[0] = 127;
    d.rec().saddr[3] = 53;
    d.bytes().insert(d.bytes().end(), msg, msg + sizeof(msg));
    Event out;
    EXPECT_EQ(dec_.decode(d.done(), out), RecordDecoder::Outcome::kEvent) << dec_.error();
    return out;
  };
  Event r = dns(40000);
  EXPECT_EQ(r.category(), categories::kNetwork);
  EXPECT_EQ(get_str(r, fields::kEventAction), "lookup_result");
  EXPECT_EQ(get_list(r, fields::kEventType), (std::vector<std::string>{"protocol", "info"}));
  EXPECT_EQ(get_str(r, reg_.find("dns.question.name")), "evl.xyz");
  EXPECT_EQ(get_str(r, reg_.find("dns.question.type")), "A");
  EXPECT_EQ(get_list(r, reg_.find("dns.resolved_ip")), (std::vector<std::string>{"10.9.8.7"}));
  EXPECT_EQ(get_str(r, reg_.find("network.protocol")), "dns");
  EXPECT_EQ(get_ip(r, fields::kSourceIp), "127.0.0.53");
  EXPECT_EQ(get_int(r, fields::kDestinationPort), 40000);
  EXPECT_EQ(get_int(r, fields::kProcessPid), 200);
  // A response to a socket nobody was seen connecting: reported without a process.
  Event u = dns(40001);
  EXPECT_EQ(get_str(u, reg_.find("dns.question.name")), "evl.xyz");
  EXPECT_EQ(get_int(u, fields::kProcessPid), -999);
  // A datagram from port 53 that is not a DNS response is not an event.
  Builder<wsn_dns_rec> junk(WSN_REC_DNS, 0);
  junk.rec().family = 2;
  junk.rec().len = 12;
  junk.bytes().resize(junk.bytes().size() + 12);
  EXPECT_EQ(dec_.decode(junk.done(), e), RecordDecoder::Outcome::kSkip);
  // A payload length beyond the record is malformed.
  Builder<wsn_dns_rec> bad(WSN_REC_DNS, 0);
  bad.rec().family = 2;
  bad.rec().len = 300;
  EXPECT_EQ(dec_.decode(bad.done(), e), RecordDecoder::Outcome::kMalformed);
}

TEST_F(DecoderTest, ChmodChownAndCreate) {
  Builder<wsn_file_rec> b(WSN_REC_FILE, 1);
  b.rec().op = WSN_FILE_CHMOD;
  b.rec().mode = 04755;
  b.str(&wsn_file_rec::path, "/usr/local/bin/x");
  Event e;
  ASSERT_EQ(dec_.decode(b.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  EXPECT_EQ(get_str(e, fields::kFileMode), "4755");
  EXPECT_EQ(get_str(e, fields::kFileExtension), "<absent>");

  Builder<wsn_file_rec> c(WSN_REC_FILE, 1);
  c.rec().op = WSN_FILE_CHOWN;
  c.rec().owner_uid = 0;
  c.rec().owner_gid = UINT32_MAX;  // unchanged
  c.str(&wsn_file_rec::path, "/etc/.hidden");
  ASSERT_EQ(dec_.decode(c.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  EXPECT_EQ(get_str(e, fields::kEventAction), "chown");
  EXPECT_EQ(get_str(e, fields::kFileUid), "0");
  EXPECT_EQ(get_str(e, fields::kFileOwner), "root");
  EXPECT_EQ(get_str(e, fields::kFileGid), "<absent>");
  EXPECT_EQ(get_str(e, fields::kFileGroup), "<absent>");
  EXPECT_EQ(get_str(e, fields::kFileExtension), "<absent>");  // dot file, no extension

  Builder<wsn_file_rec> d(WSN_REC_FILE, 1);
  d.rec().op = WSN_FILE_CREATE;
  d.str(&wsn_file_rec::path, "/");
  ASSERT_EQ(dec_.decode(d.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  EXPECT_EQ(get_list(e, fields::kEventType), (std::vector<std::string>{"creation"}));
  EXPECT_EQ(get_str(e, fields::kFileDirectory), "/");
}

TEST_F(DecoderTest, NetworkV4AndMappedV6) {
  Builder<wsn_net_rec> b(WSN_REC_NET, 1);
  b.rec().op = WSN_NET_CONNECT;
  b.rec().family = 2;
  b.rec().protocol = 6;
  const uint8_t src[4] = {10, 0, 0, 5}, dst[4] = {127, 0, 0, 1};
  std::memcpy(b.rec().saddr, src, 4);
  std::memcpy(b.rec().daddr, dst, 4);
  b.rec().sport = 40000;
  b.rec().dport = 8080;
  b.rec().ret = -111;  // ECONNREFUSED
  Event e;
  ASSERT_EQ(dec_.decode(b.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  EXPECT_EQ(e.category(), categories::kNetwork);
  EXPECT_EQ(get_ip(e, fields::kSourceIp), "10.0.0.5");
  EXPECT_EQ(get_int(e, fields::kSourcePort), 40000);
  EXPECT_EQ(get_ip(e, fields::kDestinationIp), "127.0.0.1");
  EXPECT_EQ(get_int(e, fields::kDestinationPort), 8080);
  EXPECT_EQ(get_str(e, fields::kNetworkTransport), "tcp");
  EXPECT_EQ(get_str(e, fields::kNetworkType), "ipv4");
  EXPECT_EQ(get_str(e, fields::kNetworkDirection), "egress");
  EXPECT_EQ(get_str(e, fields::kEventOutcome), "failure");

  Builder<wsn_net_rec> a(WSN_REC_NET, 1);
  a.rec().op = WSN_NET_ACCEPT;
  a.rec().family = 10;
  a.rec().protocol = 6;
  const uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 168, 1, 9};
  const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  std::memcpy(a.rec().saddr, mapped, 16);
  std::memcpy(a.rec().daddr, mapped, 16);
  a.rec().sport = 5555;
  a.rec().dport = 22;
  ASSERT_EQ(dec_.decode(a.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  EXPECT_EQ(get_ip(e, fields::kSourceIp), "192.168.1.9");
  EXPECT_EQ(get_str(e, fields::kNetworkType), "ipv4");
  EXPECT_EQ(get_str(e, fields::kNetworkDirection), "ingress");
  EXPECT_EQ(get_str(e, fields::kEventOutcome), "success");

  std::memcpy(a.rec().saddr, v6, 16);
  a.rec().op = WSN_NET_BIND;
  a.rec().protocol = 17;
  ASSERT_EQ(dec_.decode(a.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  EXPECT_EQ(get_ip(e, fields::kSourceIp), "2001:db8::1");
  EXPECT_EQ(get_str(e, fields::kNetworkType), "ipv6");
  EXPECT_EQ(get_str(e, fields::kNetworkTransport), "udp");
  EXPECT_EQ(get_str(e, fields::kDestinationIp), "<absent>");
  EXPECT_EQ(get_str(e, fields::kNetworkDirection), "<absent>");
}

TEST_F(DecoderTest, SetuidReportsOldAndNewIdentity) {
  Builder<wsn_cred_rec> b(WSN_REC_CRED, 1);
  b.rec().op = WSN_CRED_SETUID;
  b.rec().old_uid = 0;
  b.rec().old_euid = 0;
  b.rec().h.uid = b.rec().h.euid = 65534;
  Event e;
  ASSERT_EQ(dec_.decode(b.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  EXPECT_EQ(get_str(e, fields::kEventAction), "uid_change");
  EXPECT_EQ(get_list(e, fields::kEventType), (std::vector<std::string>{"change"}));
  EXPECT_EQ(get_str(e, fields::kUserId), "65534");
  EXPECT_EQ(get_str(e, fields::kUserName), "nobody");
  EXPECT_EQ(get_str(e, fields::kProcessUserId), "0");
  EXPECT_EQ(get_str(e, fields::kProcessUserName), "root");

  Builder<wsn_cred_rec> g(WSN_REC_CRED, 1);
  g.rec().op = WSN_CRED_SETGID;
  g.rec().old_gid = 0;
  g.rec().h.gid = g.rec().h.egid = 65534;
  ASSERT_EQ(dec_.decode(g.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  EXPECT_EQ(get_str(e, fields::kGroupId), "65534");
  EXPECT_EQ(get_str(e, fields::kGroupName), "nogroup");
  EXPECT_EQ(get_str(e, fields::kProcessGroupId), "0");
  // user.* on a gid_change is the (unchanged) effective user, as on every process event.
  EXPECT_EQ(get_str(e, fields::kUserId), "0");

  Builder<wsn_cred_rec> c(WSN_REC_CRED, 1);
  c.rec().op = WSN_CRED_CAPSET;
  c.rec().cap_effective = (1ull << 21) | (1ull << 7);
  c.rec().cap_permitted = 1ull << 63;
  ASSERT_EQ(dec_.decode(c.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  EXPECT_EQ(get_list(e, fields::kProcessCapabilitiesEffective),
            (std::vector<std::string>{"CAP_SETUID", "CAP_SYS_ADMIN"}));
  EXPECT_EQ(get_list(e, fields::kProcessCapabilitiesPermitted),
            (std::vector<std::string>{"CAP_63"}));
}

TEST_F(DecoderTest, PtraceMemfdModule) {
  exec_shell();
  Builder<wsn_ptrace_rec> p(WSN_REC_PTRACE, 1);
  p.rec().request = 16;
  p.rec().target_pid = 200;
  Event e;
  ASSERT_EQ(dec_.decode(p.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  EXPECT_EQ(get_str(e, fields::kEventAction), "ptrace");
  EXPECT_EQ(get_list(e, fields::kEventType), (std::vector<std::string>{"access"}));
  EXPECT_EQ(get_int(e, fields::kTargetProcessPid), 200);
  EXPECT_EQ(get_str(e, fields::kTargetProcessName), "bash");
  EXPECT_EQ(get_str(e, fields::kTargetProcessExecutable), "/bin/bash");
  EXPECT_EQ(get_str(e, fields::kTargetProcessEntityId), make_entity_id("boot", 200, 20));

  Builder<wsn_memfd_rec> m(WSN_REC_MEMFD, 1);
  m.str(&wsn_memfd_rec::name, "payload");
  ASSERT_EQ(dec_.decode(m.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  EXPECT_EQ(get_str(e, fields::kEventAction), "memfd_create");
  EXPECT_EQ(get_list(e, fields::kEventType), (std::vector<std::string>{"creation"}));
  EXPECT_EQ(get_str(e, fields::kFileName), "memfd:payload");
  EXPECT_EQ(get_str(e, fields::kFilePath), "<absent>");

  Builder<wsn_module_rec> k(WSN_REC_MODULE, 1);
  k.rec().op = WSN_MODULE_FINIT;
  k.rec().ret = -38;
  k.str(&wsn_module_rec::path, "/tmp/rootkit.ko");
  ASSERT_EQ(dec_.decode(k.done(), e), RecordDecoder::Outcome::kEvent) << dec_.error();
  EXPECT_EQ(e.category(), categories::kProcess);
  EXPECT_EQ(get_str(e, fields::kEventAction), "load_module");
  EXPECT_EQ(get_str(e, fields::kFilePath), "/tmp/rootkit.ko");
  EXPECT_EQ(get_str(e, reg_.find("process.Ext.load_module.name")), "rootkit");
  EXPECT_EQ(get_str(e, fields::kEventOutcome), "failure");
}

TEST_F(DecoderTest, MalformedRecordsAreRejectedWithReasons) {
  Event e;
  const uint8_t tiny[4] = {1, 0, 4, 0};
  EXPECT_EQ(dec_.decode(tiny, e), RecordDecoder::Outcome::kMalformed);
  EXPECT_NE(dec_.error().find("no header"), std::string_view::npos) << dec_.error();

  Builder<wsn_exec_rec> b(WSN_REC_EXEC, 5);
  b.str(&wsn_exec_rec::filename, "/bin/x");
  auto bytes = b.done();
  std::vector<uint8_t> copy(bytes.begin(), bytes.end());
  // A string that runs past the end.
  reinterpret_cast<wsn_exec_rec*>(copy.data())->filename.len = 500;
  EXPECT_EQ(dec_.decode(copy, e), RecordDecoder::Outcome::kMalformed);
  EXPECT_NE(dec_.error().find("exceeds the record"), std::string_view::npos) << dec_.error();

  // Size field larger than the record.
  copy.assign(bytes.begin(), bytes.end());
  reinterpret_cast<wsn_hdr*>(copy.data())->size = 60000;
  EXPECT_EQ(dec_.decode(copy, e), RecordDecoder::Outcome::kMalformed);

  // Unknown kind, unknown operation, truncated fixed part.
  copy.assign(bytes.begin(), bytes.end());
  reinterpret_cast<wsn_hdr*>(copy.data())->kind = 99;
  EXPECT_EQ(dec_.decode(copy, e), RecordDecoder::Outcome::kMalformed);
  EXPECT_NE(dec_.error().find("unknown record kind 99"), std::string_view::npos);

  Builder<wsn_file_rec> f(WSN_REC_FILE, 5);
  f.rec().op = 77;
  f.str(&wsn_file_rec::path, "/x");
  EXPECT_EQ(dec_.decode(f.done(), e), RecordDecoder::Outcome::kMalformed);

  Builder<wsn_file_rec> np(WSN_REC_FILE, 5);
  np.rec().op = WSN_FILE_UNLINK;
  EXPECT_EQ(dec_.decode(np.done(), e), RecordDecoder::Outcome::kMalformed);
  EXPECT_NE(dec_.error().find("without a path"), std::string_view::npos);

  std::vector<uint8_t> short_net(sizeof(wsn_hdr) + 4, 0);
  reinterpret_cast<wsn_hdr*>(short_net.data())->kind = WSN_REC_NET;
  reinterpret_cast<wsn_hdr*>(short_net.data())->size = static_cast<uint16_t>(short_net.size());
  EXPECT_EQ(dec_.decode(short_net, e), RecordDecoder::Outcome::kMalformed);

  Builder<wsn_net_rec> unix_sock(WSN_REC_NET, 5);
  unix_sock.rec().op = WSN_NET_CONNECT;
  unix_sock.rec().family = 1;
  EXPECT_EQ(dec_.decode(unix_sock.done(), e), RecordDecoder::Outcome::kMalformed);
}

TEST(DecoderInterest, UninterestingKindsOnlyUpdateTheTable) {
  ProcessTable table(100, "boot", "/nonexistent");
  UserNames users("/nonexistent", "/nonexistent");
  RecordDecoder dec(table, users, EbpfInterest::process_only(), "");
  Builder<wsn_file_rec> f(WSN_REC_FILE, 5);
  f.rec().op = WSN_FILE_UNLINK;
  f.str(&wsn_file_rec::path, "/x");
  Event e;
  EXPECT_EQ(dec.decode(f.done(), e), RecordDecoder::Outcome::kSkip);

  RecordDecoder dec2(table, users, EbpfInterest(), "");
  Builder<wsn_fork_rec> k(WSN_REC_FORK, 5);
  k.rec().child_tgid = 6;
  k.rec().child_ppid = 5;
  EXPECT_EQ(dec2.decode(k.done(), e), RecordDecoder::Outcome::kEvent);  // default: tracked kinds
  EXPECT_NE(table.find(6), nullptr);
}

TEST(DecoderHelpers, JoinPath) {
  EXPECT_EQ(join_path("/a/b", "c"), "/a/b/c");
  EXPECT_EQ(join_path("/a/b", "./c/../d"), "/a/b/d");
  EXPECT_EQ(join_path("/a/b", "../../../x"), "/x");
  EXPECT_EQ(join_path("/", "x"), "/x");
  EXPECT_EQ(join_path("/a", ""), "/a");
  EXPECT_EQ(join_path("/a", "/abs//p/"), "/abs/p");
  EXPECT_EQ(join_path("/a/b", ".."), "/a");
  EXPECT_EQ(join_path("/a", ".."), "/");
}

TEST(DecoderHelpers, ModesCapsExitCodes) {
  EXPECT_EQ(format_file_mode(0100644), "0644");
  EXPECT_EQ(format_file_mode(04755), "4755");
  EXPECT_EQ(format_file_mode(07777), "7777");
  EXPECT_EQ(format_file_mode(0), "0000");
  EXPECT_TRUE(capability_names(0).empty());
  EXPECT_EQ(capability_names(1).front(), "CAP_CHOWN");
  EXPECT_EQ(capability_names(1ull << 40).front(), "CAP_CHECKPOINT_RESTORE");
  EXPECT_EQ(capability_names(~0ull).size(), 64u);
  EXPECT_EQ(exit_code_from_status(0), 0);
  EXPECT_EQ(exit_code_from_status(42 << 8), 42);
  EXPECT_EQ(exit_code_from_status(15), 128 + 15);
  EXPECT_EQ(exit_code_from_status(0x80 | 11), 128 + 11);  // core dumped
}

}  // namespace
}  // namespace wsn::collect
