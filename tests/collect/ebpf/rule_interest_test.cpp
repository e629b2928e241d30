// Interest pushdown end to end at the unit level: EQL rules → EventInterest (the rule side,
// src/match/rule_interest.cpp) → EbpfInterest (the collector side, interest_from) → syscalls.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "collect/ebpf/hooks.h"
#include "collect/ebpf/interest.h"
#include "eql/compile/compiler.h"
#include "wsn/detector.h"

namespace wsn::collect {
namespace {

using Strings = std::vector<std::string>;

class RuleInterestTest : public ::testing::Test {
 protected:
  EventInterest derive(const Strings& queries) {
    std::vector<SourceText> texts;
    for (size_t k = 0; k < queries.size(); ++k) {
      texts.emplace_back("r" + std::to_string(k), queries[k]);
    }
    std::vector<eql::EqlRuleSource> src;
    for (size_t k = 0; k < texts.size(); ++k) src.push_back({static_cast<uint32_t>(k), &texts[k]});
    std::vector<Diagnostics> diags(queries.size());
    auto rules = eql::compile_eql_rules(src, reg_, {}, diags);
    for (size_t k = 0; k < diags.size(); ++k) {
      EXPECT_FALSE(diags[k].has_errors()) << diags[k].render(texts[k]);
    }
    EventInterest out;
    rules->add_interest(out, reg_);
    return out;
  }
  EbpfInterest map(const Strings& queries) { return interest_from(derive(queries)); }

  // Kinds beyond process tracking, as "category/action".
  static std::set<std::string> kinds(const EbpfInterest& i) {
    std::set<std::string> out;
    for (const auto& e : ebpf_events()) {
      if (e.event == EbpfEvent::kExec || e.event == EbpfEvent::kFork ||
          e.event == EbpfEvent::kExit || !i.wants(e.event)) {
        continue;
      }
      out.insert(std::string(e.category) + "/" + std::string(e.action));
    }
    return out;
  }
  static std::set<std::string> syscalls(const EbpfInterest& i) {
    std::set<std::string> out;
    for (const WatchedSyscall& sc : watched_syscalls()) {
      if (syscall_wanted(sc, i)) out.emplace(sc.name);
    }
    return out;
  }

  FieldRegistry reg_;
};

TEST_F(RuleInterestTest, ProcessRulesNeedOnlyProcessTracking) {
  const EventInterest in =
      derive({R"(process where event.action == "exec" and process.name == "nc")",
              R"(process where event.type == "end" and process.exit_code == 1)"});
  EXPECT_FALSE(in.everything);
  ASSERT_EQ(in.wants.size(), 2u);
  EXPECT_EQ(in.wants[0].category, "process");
  EXPECT_EQ(in.wants[0].actions, Strings{"exec"});
  EXPECT_TRUE(in.wants[0].types.empty());
  EXPECT_EQ(in.wants[1].types, Strings{"end"});
  const EbpfInterest i = interest_from(in);
  EXPECT_TRUE(kinds(i).empty()) << i.to_string();
  EXPECT_TRUE(syscalls(i).empty());
  EXPECT_EQ(i.reads_mode(), 0u);
}

TEST_F(RuleInterestTest, ActionSetsAndDisjunctionsNarrowTheKinds) {
  EXPECT_EQ(
      kinds(map(
          {R"(file where event.action in ("deletion", "rename") and file.path : "/var/log/*")"})),
      (std::set<std::string>{"file/rename", "file/deletion"}));
  // Each branch of the `or` pins the action: the union is needed, nothing else.
  EXPECT_EQ(kinds(map({R"(process where (event.action == "uid_change" and user.id == "0") or
                                       (event.action == "gid_change" and group.id == "0"))"})),
            (std::set<std::string>{"process/gid_change", "process/uid_change"}));
  // A branch without an action constraint keeps the whole category.
  EXPECT_EQ(
      kinds(map({R"(process where event.action == "uid_change" or process.name == "x")"})).size(),
      7u);
  // `:` compares ignoring case: the collector's lower-case vocabulary still matches.
  EXPECT_EQ(kinds(map({R"(process where event.action : "PTRACE")"})),
            (std::set<std::string>{"process/ptrace"}));
  EXPECT_EQ(syscalls(map({R"(process where event.action : "PTRACE")"})),
            (std::set<std::string>{"ptrace"}));
  // Negations constrain nothing.
  EXPECT_EQ(kinds(map({R"(network where not event.action == "connection_attempted")"})),
            (std::set<std::string>{"network/connection_accepted", "network/bind",
                                   "network/connection_attempted", "network/disconnect_received",
                                   "network/lookup_result"}));
  // A disconnect needs the close hook and, for its direction, connect and accept.
  const EbpfInterest ends = map({R"(network where event.action == "disconnect_received")"});
  EXPECT_EQ(kinds(ends), (std::set<std::string>{"network/disconnect_received"}));
  EXPECT_EQ(syscalls(ends), (std::set<std::string>{"accept", "accept4", "connect"}));
}

TEST_F(RuleInterestTest, EventTypesMapThroughTheVocabulary) {
  EXPECT_EQ(kinds(map({R"(process where event.type == "change")"})),
            (std::set<std::string>{"process/capset", "process/gid_change",
                                   "process/session_id_change", "process/uid_change"}));
  const EbpfInterest deletion = map({R"(file where event.type in ("deletion", "creation"))"});
  EXPECT_EQ(kinds(deletion), (std::set<std::string>{"file/creation", "file/deletion"}));
  EXPECT_EQ(deletion.reads_mode(), 0u);  // read opens are "access"
}

TEST_F(RuleInterestTest, ContradictoryConstraintsNeedNothing) {
  const EventInterest in =
      derive({R"(process where event.action == "uid_change" and event.action == "ptrace")"});
  EXPECT_TRUE(in.wants.empty());
}

TEST_F(RuleInterestTest, ReadOpensAreLimitedToThePathPrefixesOfTheRules) {
  const EbpfInterest i = map(
      {R"(file where event.action == "open" and file.path in ("/etc/shadow", "/etc/gshadow"))",
       R"(file where event.action == "open" and file.path : ("/root/.ssh/*", "/home/*/.ssh/*"))",
       R"(file where startsWith(file.path, "/etc/sudoers") and event.type == "access")",
       R"(file where file.path like "/opt/app/*.key" and event.action == "open")"});
  EXPECT_EQ(kinds(i), (std::set<std::string>{"file/open"}));
  ASSERT_EQ(i.reads_mode(), 1u);
  std::set<std::string> prefixes(i.read_prefixes().begin(), i.read_prefixes().end());
  EXPECT_EQ(prefixes, (std::set<std::string>{"/etc/gshadow", "/etc/shadow", "/etc/sudoers",
                                             "/home/", "/opt/app/", "/root/.ssh/"}));
  EXPECT_EQ(syscalls(i).count("openat"), 1u);
  EXPECT_EQ(syscalls(i).count("unlinkat"), 0u);
}

TEST_F(RuleInterestTest, AConjunctionKeepsItsMostSelectivePathConstraint) {
  const EventInterest in =
      derive({R"(file where file.path : "/etc/*" and startsWith(file.path, "/etc/cron.d/"))"});
  ASSERT_EQ(in.wants.size(), 1u);
  EXPECT_EQ(in.wants[0].path_prefixes, Strings{"/etc/cron.d/"});
  EXPECT_TRUE(in.wants[0].actions.empty());
}

TEST_F(RuleInterestTest, ReadOpensWithoutAPathPrefixMeanEveryRead) {
  // No path constraint, a suffix-only pattern, a path constraint under `or` with a branch
  // that has none: each can match a read of any path.
  for (const char* q : {R"(file where event.action == "open" and file.name == "id_rsa")",
                        R"(file where file.path : "*.pem")",
                        R"(file where file.path == "/etc/shadow" or process.name == "cat")"}) {
    const EbpfInterest i = map({q});
    EXPECT_EQ(i.reads_mode(), 2u) << q;
    EXPECT_TRUE(i.wants(EbpfEvent::kFileOpen)) << q;
  }
  // Writes of any path are not reads.
  EXPECT_EQ(map({R"(file where event.action in ("creation", "modification"))"}).reads_mode(), 0u);
}

TEST_F(RuleInterestTest, SequenceStepsUntilAndMissingStepsAllCount) {
  const EbpfInterest i = map({R"(
    sequence by process.entity_id with maxspan=1m
      [process where event.action == "exec"]
      ![file where event.action == "chmod"]
      [network where event.action == "connection_attempted"]
    until [process where event.action == "end"])"});
  EXPECT_EQ(kinds(i), (std::set<std::string>{"file/chmod", "network/connection_attempted"}));
  EXPECT_EQ(syscalls(i).count("connect"), 1u);
  EXPECT_EQ(syscalls(i).count("fchmodat"), 1u);
  EXPECT_EQ(syscalls(i).count("bind"), 0u);
}

TEST_F(RuleInterestTest, AnyCategoryFollowsItsActionsOrTakesEverything) {
  const EventInterest narrow =
      derive({R"(any where (event.action == "exec" and process.name == "x") or
                         (event.action == "deletion" and file.name == ".bash_history"))"});
  ASSERT_EQ(narrow.wants.size(), 1u);
  EXPECT_EQ(narrow.wants[0].category, "");
  EXPECT_EQ(kinds(interest_from(narrow)), (std::set<std::string>{"file/deletion"}));

  const EbpfInterest wide = map({R"(any where process.name == "x")"});
  EXPECT_EQ(kinds(wide).size(), static_cast<size_t>(EbpfEvent::kCount) - 3);
  EXPECT_EQ(wide.reads_mode(), 2u);
}

// A rule kind that cannot describe itself gets everything (CompiledRules' default).
TEST_F(RuleInterestTest, UnknownRuleKindsAreConservative) {
  class Opaque final : public CompiledRules {
   public:
    std::unique_ptr<Matcher> make_matcher() const override { return nullptr; }
  };
  EventInterest in;
  Opaque().add_interest(in, reg_);
  EXPECT_TRUE(in.everything);
  const EbpfInterest i = interest_from(in);
  EXPECT_EQ(kinds(i).size(), static_cast<size_t>(EbpfEvent::kCount) - 3);
  EXPECT_EQ(i.reads_mode(), 2u);
}

TEST_F(RuleInterestTest, MissingSaysWhatAReloadWouldNeed) {
  const EbpfInterest attached =
      map({R"(file where event.action == "open" and file.path == "/etc/shadow")"});
  EXPECT_TRUE(
      attached
          .missing(map(
              {R"(file where event.action == "open" and startsWith(file.path, "/etc/shadow-"))"}))
          .empty());
  EXPECT_EQ(attached.missing(
                map({R"(file where event.action == "open" and file.path == "/etc/sudoers")"})),
            Strings{"file/open under /etc/sudoers"});
  EXPECT_EQ(attached.missing(map({R"(network where event.action == "bind")"})),
            Strings{"network/bind"});
  EXPECT_EQ(attached.missing(map({R"(file where event.action == "open")"})),
            Strings{"file/open of every path"});
  EXPECT_TRUE(map({R"(any where true)"}).missing(attached).empty());
}

}  // namespace
}  // namespace wsn::collect

namespace wsn::collect {
namespace {

// Beyond process and file events: the network, DNS and HTTP fields a packet or request source
// can filter on are described too (EventInterest::Want::fields), numbers in their text form.
TEST_F(RuleInterestTest, NetworkAndHttpFieldsAreDescribedForOtherSources) {
  const EventInterest i =
      derive({"network where destination.port in (443, 80) and network.transport == \"tcp\"",
              "network where url.path : \"/admin/*\" and http.request.method == \"POST\"",
              "network where destination.port == 22 or source.port == 22"});
  ASSERT_EQ(i.wants.size(), 3u);
  using FV = EventInterest::FieldValues;
  auto field = [](const EventInterest::Want& w, const std::string& name) -> const FV* {
    for (const FV& f : w.fields) {
      if (f.field == name) return &f;
    }
    return nullptr;
  };
  const FV* port = field(i.wants[0], "destination.port");
  ASSERT_NE(port, nullptr);
  EXPECT_EQ(port->values, (Strings{"443", "80"}));
  EXPECT_FALSE(port->prefixes);
  ASSERT_NE(field(i.wants[0], "network.transport"), nullptr);
  EXPECT_EQ(field(i.wants[0], "network.transport")->values, (Strings{"tcp"}));
  const FV* path = field(i.wants[1], "url.path");
  ASSERT_NE(path, nullptr);
  EXPECT_TRUE(path->prefixes);
  EXPECT_EQ(path->values, (Strings{"/admin/"}));
  EXPECT_EQ(field(i.wants[1], "http.request.method")->values, (Strings{"POST"}));
  // An `or` over two different fields constrains neither.
  EXPECT_EQ(field(i.wants[2], "destination.port"), nullptr);
  EXPECT_EQ(field(i.wants[2], "source.port"), nullptr);
}

// The engine names each want after its rule (EventInterest::Want::rule_id); here rule<k>.
EventInterest named(EventInterest in) {
  for (EventInterest::Want& w : in.wants) w.rule_id = "rule" + std::to_string(w.rule_index);
  return in;
}

// A rule whose events no collector kind can be (auditd's actions, another category) is named;
// one naming Defend's or the collector's own actions is not.
TEST_F(RuleInterestTest, WantsTheCollectorCannotProduceAreTold) {
  const EventInterest in = named(derive({
      R"(process where event.action in ("exec", "exec_event", "executed"))",
      R"(process where event.action == "executed")",
      R"(authentication where event.action == "ssh_login")",
      R"(iam where event.type == "user" and event.type == "creation")",
      R"(network where event.action == "lookup_result" and dns.question.name : "*.xyz")",
  }));
  std::vector<std::string> unfed;
  for (const EventInterest::Want& w : in.wants) {
    if (!ebpf_may_emit(w)) unfed.push_back(w.rule_id);
  }
  EXPECT_EQ(unfed, (std::vector<std::string>{"rule1", "rule2"}));
}

// Rules that can match read opens of any path switch the kernel filter to every read: they are
// named (a prefix of "/" is no narrower than none).
TEST_F(RuleInterestTest, RulesAskingForEveryReadAreNamed) {
  const EventInterest in = named(derive({
      R"(file where event.action == "open" and file.path : "/etc/shadow")",
      R"(file where file.name == ".bash_history")",
      R"(file where event.action == "open" and startswith(file.path, "/"))",
      R"(file where event.action == "creation")",
  }));
  EXPECT_EQ(rules_wanting_all_reads(in), (std::vector<std::string>{"rule1", "rule2"}));
  EXPECT_EQ(interest_from(in).reads_mode(), 2u);
}

}  // namespace
}  // namespace wsn::collect
