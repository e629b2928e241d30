// Unit tests of the runtime's small parts: metadata parsing and binding, the state store, the
// event record layout, the subprocess runner.
#include <cstring>
#include <string>

#include "wasm/module_meta.h"
#include "wasm/record_builder.h"
#include "wasm/runner.h"
#include "wasm/state_store.h"
#include "wasm/subprocess.h"
#include "wasm_test_util.h"
#include "wsn_abi.h"

namespace wsn::wasm::testing {
namespace {

TEST(ModuleMetaTest, ParsesKeysListsAndComments) {
  auto m = parse_module_meta(
      "# comment\nabi = 1.0\nname = x\ncategories = process, network\n"
      "fields = process.name process.args\nlazy_fields=process.command_line\ntick_ms = 500\n"
      "x-vendor = anything\n");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->name, "x");
  EXPECT_EQ(m->categories, (std::vector<std::string>{"process", "network"}));
  EXPECT_EQ(m->fields, (std::vector<std::string>{"process.name", "process.args"}));
  EXPECT_EQ(m->lazy_fields, std::vector<std::string>{"process.command_line"});
  EXPECT_EQ(m->tick_ms, 500u);
}

TEST(ModuleMetaTest, ErrorsNameTheProblem) {
  EXPECT_EQ(parse_module_meta("name = x\n").error().message,
            "wsn.meta does not state the ABI version ('abi = 1.0')");
  EXPECT_EQ(parse_module_meta("abi = 1.0\nname = x\nfeilds = a\n").error().message,
            "wsn.meta line 3: unknown key 'feilds' (known: abi, name, version, categories, "
            "fields, lazy_fields, tick_ms)");
  EXPECT_EQ(parse_module_meta("abi = 2.0\nname = x\n").error().message,
            "module targets Wasm rule ABI 2.0; this host supports ABI 1.0 to 1.0");
  EXPECT_EQ(parse_module_meta("abi = 1.3\nname = x\n").error().message,
            "module needs Wasm rule ABI 1.3; this host supports up to 1.0");
  EXPECT_EQ(parse_module_meta("abi = one\n").error().message,
            "wsn.meta line 1: abi must be MAJOR.MINOR, e.g. 1.0");
  EXPECT_EQ(parse_module_meta("abi = 1.0\n").error().message, "wsn.meta has no 'name'");
}

TEST(ModuleMetaTest, BindsNamesToIds) {
  FieldRegistry reg;
  auto m = parse_module_meta("abi = 1.0\nname = x\ncategories = file\nfields = file.path\n");
  ASSERT_TRUE(m.ok());
  auto b = bind_module_meta(m.value(), reg);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->fields, std::vector<FieldId>{fields::kFilePath});
  EXPECT_FALSE(b->all_categories);
  EXPECT_EQ(b->categories, std::vector<CategoryId>{categories::kFile});
  auto bad = parse_module_meta("abi = 1.0\nname = x\ncategories = proces\n");
  EXPECT_EQ(bind_module_meta(bad.value(), reg).error().message,
            "wsn.meta names unknown event category 'proces'");
}

TEST(StateStoreTest, TtlIsMeasuredInEventTime) {
  StateStore s(100);
  EXPECT_EQ(s.add("k", 1, 10, 1000), 1);
  EXPECT_EQ(s.add("k", 1, 10, 1005), 2);  // same window: expiry kept at 1010
  EXPECT_EQ(s.get("k", 1009), 2);
  EXPECT_EQ(s.get("k", 1010), 0);         // expired
  EXPECT_EQ(s.add("k", 5, 10, 1011), 5);  // a new window
  s.set("p", 7, 0, 0);
  EXPECT_EQ(s.get("p", 1'000'000'000), 7);  // no expiry
  EXPECT_TRUE(s.erase("p"));
  EXPECT_FALSE(s.erase("p"));
}

TEST(StateStoreTest, BoundedEvictingExpiredThenSoonestToExpire) {
  StateStore s(3);
  s.set("a", 1, 100, 0);  // expires 100
  s.set("b", 2, 50, 0);   // expires 50
  s.set("c", 3, 0, 0);    // never
  s.set("d", 4, 0, 10);   // full: evicts b (soonest)
  EXPECT_EQ(s.size(), 3u);
  EXPECT_EQ(s.get("b", 10), 0);
  EXPECT_EQ(s.get("a", 10), 1);
  EXPECT_EQ(s.evictions(), 1u);
  s.set("e", 5, 0, 200);  // a has expired by 200: purged, no eviction counted
  EXPECT_EQ(s.evictions(), 1u);
  EXPECT_EQ(s.get("c", 200), 3);
  EXPECT_EQ(s.get("e", 200), 5);
}

TEST(StateStoreTest, TiesGoToTheEntryWhoseExpiryWasSetFirst) {
  StateStore s(3);
  s.set("x", 1, 0, 0);
  s.set("y", 2, 0, 0);
  s.set("z", 3, 0, 0);
  s.set("x", 9, 0, 1);  // setting again moves x behind y and z
  s.add("y", 1, 0, 2);  // adding to a live entry keeps its place
  s.set("w", 4, 0, 3);  // full: evicts y
  EXPECT_EQ(s.get("y", 3), 0);
  EXPECT_EQ(s.get("x", 3), 9);
  s.set("v", 5, 0, 4);  // then z
  EXPECT_EQ(s.get("z", 4), 0);
  EXPECT_EQ(s.get("x", 4), 9);
  EXPECT_EQ(s.evictions(), 2u);
}

TEST(StateStoreTest, FloodOfDistinctKeysKeepsTheBoundAndCountsEvictions) {
  // The hostile pattern of issue 14: 40 000 new keys into a full 10 000-entry store. Each
  // insert is O(log n) now; this asserts the outcome, bench/wasm measures the time.
  StateStore s(10000);
  s.set("keep", 1, 1'000'000, 0);  // expires last of the TTL entries: survives until the end
  for (int i = 0; i < 40000; ++i) s.set("k" + std::to_string(i), i, 1000 + i, 0);
  EXPECT_EQ(s.size(), 10000u);
  EXPECT_EQ(s.evictions(), 30001u);
  EXPECT_EQ(s.get("keep", 0), 1);
  EXPECT_EQ(s.get("k39999", 0), 39999);
  EXPECT_EQ(s.get("k30000", 0), 0);  // expired soonest of what is left, evicted
  EXPECT_EQ(s.get("k30001", 0), 30001);
  // Everything but "keep" has expired by then: the next insert purges them, no eviction.
  s.set("late", 1, 0, 500'000);
  EXPECT_EQ(s.size(), 2u);
  EXPECT_EQ(s.evictions(), 30001u);
}

TEST(ModuleTextTest, EscapedAndCutAtTheCap) {
  EXPECT_EQ(escape_module_text("a\nb\r\t\\\x1b[2J\x7f\x01", kMaxLogLineBytes),
            "a\\nb\\r\\t\\\\\\x1b[2J\\x7f\\x01");
  const std::string cut = escape_module_text(std::string(2000, '\n'), kMaxLogLineBytes);
  EXPECT_EQ(cut.size(), kMaxLogLineBytes + std::string_view("...[truncated]").size());
  EXPECT_EQ(cut.substr(0, 4), "\\n\\n");
  EXPECT_TRUE(cut.ends_with("\\n...[truncated]"));
  // An escape is never split by the cut.
  EXPECT_TRUE(escape_module_text("ab\x1b", 5).ends_with("ab...[truncated]"));
}

TEST(RecordBuilderTest, LayoutMatchesTheAbiHeader) {
  FieldRegistry reg;
  auto m = parse_module_meta(
      "abi = 1.0\nname = x\nfields = process.name process.args process.pid user.name "
      "source.ip\n");
  auto b = bind_module_meta(m.value(), reg);
  ASSERT_TRUE(b.ok());
  Event e = process_event("id", "exec", "bash", "bash -i", 42);
  const std::string_view args[] = {"bash", "-i"};
  e.set_string_list(fields::kProcessArgs, args);
  e.set_int(fields::kProcessPid, -7);
  IpAddress ip;
  ASSERT_TRUE(IpAddress::parse("10.1.2.3", ip));
  e.set_ip(fields::kSourceIp, ip);
  std::vector<uint8_t> buf(4096);
  const uint32_t len = build_record(e, b.value(), buf);
  wsn_record_header h;
  std::memcpy(&h, buf.data(), sizeof h);
  EXPECT_EQ(h.abi, 1u);
  EXPECT_EQ(h.size, len);
  EXPECT_EQ(h.category, WSN_CAT_PROCESS);
  EXPECT_EQ(h.nslots, 5u);
  EXPECT_EQ(h.time_ns, 42);
  EXPECT_EQ(h.flags, 0u);
  wsn_slot s[5];
  std::memcpy(s, buf.data() + 32, sizeof s);
  EXPECT_EQ(s[0].type, WSN_STRING);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(buf.data()) + s[0].v.s.off), "bash");
  EXPECT_EQ(s[0].v.s.len, 4u);
  EXPECT_EQ(s[1].type, WSN_STRING_LIST);
  EXPECT_EQ(s[1].count, 2u);
  EXPECT_EQ(s[1].v.s.len, 8u);  // "bash\0-i\0"
  EXPECT_EQ(std::memcmp(buf.data() + s[1].v.s.off, "bash\0-i\0", 8), 0);
  EXPECT_EQ(s[2].type, WSN_INT);
  EXPECT_EQ(s[2].v.i, -7);
  EXPECT_EQ(s[3].type, WSN_ABSENT);
  EXPECT_EQ(s[4].type, WSN_IP);
  EXPECT_EQ(s[4].flags, WSN_SLOT_IPV4);
  EXPECT_EQ(buf[s[4].v.s.off + 15], 3);
}

TEST(RecordBuilderTest, ValuesThatDoNotFitAreCutAndFlagged) {
  FieldRegistry reg;
  auto m = parse_module_meta("abi = 1.0\nname = x\nfields = process.command_line\n");
  auto b = bind_module_meta(m.value(), reg);
  Event e = process_event("id", "exec", "x", std::string(200, 'A'));
  std::vector<uint8_t> buf(64);  // 32 header + 16 slot + 16 tail
  build_record(e, b.value(), buf);
  wsn_record_header h;
  wsn_slot s;
  std::memcpy(&h, buf.data(), sizeof h);
  std::memcpy(&s, buf.data() + 32, sizeof s);
  EXPECT_EQ(h.flags, WSN_RECORD_TRUNCATED);
  EXPECT_EQ(s.flags, WSN_SLOT_TRUNCATED);
  EXPECT_EQ(s.v.s.len, 15u);
  EXPECT_EQ(buf[63], 0);  // still NUL-terminated
}

TEST(SubprocessTest, ReportsExitSignalAndTimeout) {
  auto ok = run_process({"sh", "-c", "echo out; echo err >&2; exit 3"}, {});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->exit_code, 3);
  EXPECT_EQ(ok->out, "out\n");
  EXPECT_EQ(ok->err, "err\n");
  auto sig = run_process({"sh", "-c", "kill -SEGV $$"}, {});
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(sig->term_signal, SIGSEGV);
  ProcessLimits slow;
  slow.timeout_ms = 300;
  // The child closes its output and keeps running: the deadline still applies.
  auto hang = run_process({"sh", "-c", "exec >&- 2>&-; sleep 30"}, slow);
  ASSERT_TRUE(hang.ok());
  EXPECT_TRUE(hang->timed_out);
  EXPECT_EQ(hang->describe(300), "timed out after 300 ms");
  ProcessLimits cpu;
  cpu.cpu_seconds = 1;
  auto spin = run_process({"sh", "-c", "while :; do :; done"}, cpu);
  ASSERT_TRUE(spin.ok());
  EXPECT_EQ(spin->term_signal, SIGXCPU);
  EXPECT_FALSE(run_process({"/nonexistent/program"}, {}).ok());
}

}  // namespace
}  // namespace wsn::wasm::testing
