// Predicate IR and evaluator, with programs built by hand (no parser involved).
#include <gtest/gtest.h>

#include "match/eval.h"
#include "match/ir.h"
#include "wsn/event.h"

namespace wsn::match {
namespace {

class IrTest : public ::testing::Test {
 protected:
  Value eval(NodeRef r) {
    const Event* evs[] = {&ev_};
    EvalContext ctx;
    ctx.events = evs;
    ctx.event_count = 1;
    ctx.scratch = &scratch_;
    return evaluate(p_, r, ctx);
  }
  std::string show(NodeRef r) { return value_to_string(eval(r)); }
  NodeRef name() { return p_.field(fields::kProcessName, StaticType::kString); }
  NodeRef pid() { return p_.field(fields::kProcessPid, StaticType::kInt); }
  NodeRef args() { return p_.field(fields::kProcessArgs, StaticType::kStringList); }
  NodeRef matcher(StrMatchKind kind, std::vector<std::string> pats, CaseMode mode, NodeRef subject,
                  bool qm = false) {
    StringMatcherSpec spec;
    spec.kind = kind;
    spec.patterns = std::move(pats);
    spec.mode = mode;
    spec.question_mark = qm;
    std::string err;
    auto m = StringMatcher::create(std::move(spec), &err);
    EXPECT_TRUE(m) << err;
    return p_.str_match(subject, std::move(m));
  }

  Program p_;
  Event ev_;
  ScratchArena scratch_;
};

TEST_F(IrTest, ComparisonWithNullIsNullAndNotNullIsNull) {
  ev_.set_string(fields::kProcessName, "bash");
  const NodeRef cmp = p_.compare(CmpOp::kEq, CaseMode::kSensitive, pid(), p_.int_node(4));
  EXPECT_EQ(show(cmp), "null");  // pid absent
  EXPECT_EQ(show(p_.not_(cmp)), "null");
  EXPECT_EQ(show(p_.is_null(pid())), "true");
  ev_.set_int(fields::kProcessPid, 4);
  EXPECT_EQ(show(cmp), "true");
}

TEST_F(IrTest, ThreeValuedAndOr) {
  const NodeRef null_cmp = p_.compare(CmpOp::kEq, CaseMode::kSensitive, pid(), p_.int_node(1));
  const NodeRef t = p_.compare(CmpOp::kEq, CaseMode::kSensitive,
                               p_.field(fields::kProcessName, StaticType::kString),
                               p_.field(fields::kProcessName, StaticType::kString));
  ev_.set_string(fields::kProcessName, "x");
  const NodeRef f = p_.not_(t);
  const NodeRef a1[] = {null_cmp, f};
  EXPECT_EQ(show(p_.and_(a1)), "false");
  const NodeRef a2[] = {null_cmp, t};
  EXPECT_EQ(show(p_.and_(a2)), "null");
  EXPECT_EQ(show(p_.or_(a2)), "true");
  const NodeRef a3[] = {null_cmp, f};
  EXPECT_EQ(show(p_.or_(a3)), "null");
}

TEST_F(IrTest, AndOrSimplifyConstants) {
  const NodeRef x = p_.compare(CmpOp::kEq, CaseMode::kSensitive, pid(), p_.int_node(1));
  const NodeRef with_true[] = {x, p_.bool_node(true)};
  EXPECT_EQ(p_.dump(p_.and_(with_true)), p_.dump(x));
  const NodeRef with_false[] = {x, p_.bool_node(false)};
  EXPECT_EQ(p_.dump(p_.and_(with_false)), "false");
  EXPECT_EQ(p_.dump(p_.or_(with_true)), "true");
  EXPECT_EQ(p_.dump(p_.or_(with_false)), p_.dump(x));
}

TEST_F(IrTest, CaseModesOfComparison) {
  ev_.set_string(fields::kProcessName, "CMD.exe");
  EXPECT_EQ(show(p_.compare(CmpOp::kEq, CaseMode::kSensitive, name(), p_.string_node("cmd.exe"))),
            "false");
  EXPECT_EQ(show(p_.compare(CmpOp::kEq, CaseMode::kInsensitive, name(), p_.string_node("cmd.exe"))),
            "true");
  EXPECT_EQ(show(p_.compare(CmpOp::kLt, CaseMode::kSensitive, name(), p_.string_node("a"))),
            "true");  // 'C' < 'a'
  EXPECT_EQ(show(p_.compare(CmpOp::kLt, CaseMode::kInsensitive, name(), p_.string_node("a"))),
            "false");
}

TEST_F(IrTest, MismatchedKindsCompareAsNull) {
  ev_.set_string(fields::kProcessName, "4");
  EXPECT_EQ(show(p_.compare(CmpOp::kEq, CaseMode::kSensitive, name(), p_.int_node(4))), "null");
  ev_.set_int(fields::kProcessPid, 4);
  EXPECT_EQ(show(p_.compare(CmpOp::kEq, CaseMode::kSensitive, pid(), p_.float_node(4.0))), "true");
}

TEST_F(IrTest, StringMatchersAndSpecialization) {
  ev_.set_string(fields::kProcessName, "Powershell.EXE");
  const NodeRef ends = matcher(StrMatchKind::kWildcard, {"*.exe"}, CaseMode::kInsensitive, name());
  EXPECT_NE(p_.dump(ends).find("ends~"), std::string::npos) << p_.dump(ends);
  EXPECT_EQ(show(ends), "true");
  EXPECT_EQ(show(matcher(StrMatchKind::kWildcard, {"*.exe"}, CaseMode::kSensitive, name())),
            "false");
  EXPECT_EQ(
      show(matcher(StrMatchKind::kWildcard, {"p*sh?ll.*"}, CaseMode::kInsensitive, name(), true)),
      "true");
  EXPECT_EQ(show(matcher(StrMatchKind::kWildcard, {"p*sh?ll.*"}, CaseMode::kInsensitive, name())),
            "false");  // `?` literal without question-mark mode
  EXPECT_EQ(show(matcher(StrMatchKind::kRegex, {"power.*"}, CaseMode::kInsensitive, name())),
            "true");
  EXPECT_EQ(show(matcher(StrMatchKind::kRegex, {"power"}, CaseMode::kInsensitive, name())),
            "false");  // full match
  StringMatcherSpec prefix;
  prefix.kind = StrMatchKind::kRegex;
  prefix.patterns = {"power"};
  prefix.mode = CaseMode::kInsensitive;
  prefix.anchor = RegexAnchor::kPrefix;
  EXPECT_EQ(show(p_.str_match(name(), StringMatcher::create(prefix, nullptr))), "true");
  EXPECT_EQ(show(matcher(StrMatchKind::kExact, {"x"}, CaseMode::kSensitive, pid())), "null");
}

TEST_F(IrTest, InvalidRegexIsReported) {
  StringMatcherSpec spec;
  spec.kind = StrMatchKind::kRegex;
  spec.patterns = {"(unclosed"};
  std::string err;
  EXPECT_FALSE(StringMatcher::create(spec, &err));
  EXPECT_FALSE(err.empty());
}

TEST_F(IrTest, ListsMatchWhenAnyItemMatches) {
  const std::string_view items[] = {"-c", "nc -e /bin/sh"};
  ev_.set_string_list(fields::kProcessArgs, items);
  EXPECT_EQ(show(matcher(StrMatchKind::kWildcard, {"*/bin/sh*"}, CaseMode::kSensitive, args())),
            "true");
  EXPECT_EQ(show(p_.compare(CmpOp::kEq, CaseMode::kSensitive, args(), p_.string_node("-c"))),
            "true");
  EXPECT_EQ(show(p_.compare(CmpOp::kEq, CaseMode::kSensitive, args(), p_.string_node("-x"))),
            "false");
  EXPECT_EQ(show(p_.index(args(), 1)), "\"nc -e /bin/sh\"");
  EXPECT_EQ(show(p_.index(args(), 5)), "null");
}

TEST_F(IrTest, HashedInSetsFoldCase) {
  ev_.set_string(fields::kProcessName, "NC");
  auto set = std::make_unique<ValueSet>(CaseMode::kInsensitive);
  set->add(Value::string("nc"));
  set->add(Value::string("ncat"));
  EXPECT_EQ(show(p_.in_set(name(), std::move(set))), "true");
  auto nums = std::make_unique<ValueSet>(CaseMode::kSensitive);
  nums->add(Value::integer(1));
  nums->add(Value::number(4.0));
  ev_.set_int(fields::kProcessPid, 4);
  EXPECT_EQ(show(p_.in_set(pid(), std::move(nums))), "true");
}

TEST_F(IrTest, CidrAndArithmeticAndFunctions) {
  IpAddress ip;
  ASSERT_TRUE(IpAddress::parse("10.6.48.157", ip));
  ev_.set_ip(fields::kSourceIp, ip);
  auto cidrs = std::make_unique<CidrSet>();
  ASSERT_TRUE(cidrs->add("10.0.0.0/8"));
  EXPECT_FALSE(cidrs->add("10.0.0.0/33"));
  EXPECT_EQ(show(p_.cidr(p_.field(fields::kSourceIp, StaticType::kIp), std::move(cidrs))), "true");
  ev_.set_int(fields::kProcessPid, -7);
  EXPECT_EQ(show(p_.arith(ArithOp::kDiv, pid(), p_.int_node(2))), "-4");  // floor division
  EXPECT_EQ(show(p_.arith(ArithOp::kMod, pid(), p_.int_node(3))), "2");   // sign of divisor
  EXPECT_EQ(show(p_.arith(ArithOp::kDiv, pid(), p_.int_node(0))), "null");
  const NodeRef cargs[] = {p_.string_node("pid="), pid()};
  EXPECT_EQ(show(p_.call(FunctionId::kConcat, CaseMode::kSensitive, cargs, StaticType::kString)),
            "\"pid=-7\"");
}

TEST_F(IrTest, ConstantSubtreesFold) {
  const NodeRef sum = p_.arith(ArithOp::kAdd, p_.int_node(7), p_.int_node(3));
  EXPECT_TRUE(p_.is_const(sum));
  EXPECT_EQ(p_.dump(sum), "10");
  const NodeRef s = p_.call(FunctionId::kString, CaseMode::kSensitive,
                            std::span<const NodeRef>(&sum, 1), StaticType::kString);
  EXPECT_EQ(p_.dump(s), "\"10\"");
}

TEST_F(IrTest, ArraySearchBindsAVariable) {
  const std::string_view items[] = {"en-US", "en"};
  ev_.set_string_list(fields::kProcessArgs, items);
  const NodeRef body = p_.compare(CmpOp::kEq, CaseMode::kInsensitive,
                                  p_.var(0, StaticType::kString), p_.string_node("EN"));
  EXPECT_EQ(show(p_.array_loop(LoopKind::kSearch, args(), 0, body)), "true");
  const NodeRef any = matcher(StrMatchKind::kWildcard, {"en*"}, CaseMode::kSensitive,
                              p_.var(0, StaticType::kString));
  EXPECT_EQ(show(p_.array_loop(LoopKind::kCount, args(), 0, any)), "2");
}

}  // namespace
}  // namespace wsn::match
