// Crypto-miner indicators (C++ version of examples/c/crypto_miner.c, same verdicts).
#include <array>
#include <string_view>

#include "wsn_rule.hpp"

WSN_RULE(16384);

namespace {

using std::string_view;
enum : uint32_t { kAction, kName, kCmdline, kDport };  // order of `fields` in crypto_miner.meta

struct Indicator {
  string_view text;
  int score;  // 3 = conclusive on its own, 1 = weak
};

constexpr std::array<string_view, 12> kMinerNames = {
    "xmrig",    "xmr-stak", "minerd", "cpuminer", "cgminer",    "bfgminer",
    "ethminer", "nbminer",  "t-rex",  "lolminer", "kdevtmpfsi", "kinsing"};

constexpr std::array<Indicator, 18> kCmdlineIndicators = {{
    {"stratum+tcp://", 3},
    {"stratum+ssl://", 3},
    {"stratum2+tcp://", 3},
    {"--donate-level", 3},
    {"--cpu-max-threads-hint", 2},
    {"randomx", 2},
    {"cryptonight", 2},
    {"--algo", 1},
    {"-a rx/0", 2},
    {"minexmr", 2},
    {"supportxmr", 2},
    {"nanopool", 2},
    {"moneroocean", 2},
    {"hashvault", 2},
    {"2miners", 2},
    {"--coin", 1},
    {"-o pool.", 2},
    {"--nicehash", 2},
}};

constexpr std::array<int64_t, 9> kPoolPorts = {3333,  4444,  5555,  7777, 9999,
                                               14444, 14433, 45700, 45560};

int scored(string_view name, string_view cmd, string_view& why) {
  int score = 0;
  why = {};
  for (string_view n : kMinerNames) {
    if (name == n) {
      score += 3;
      why = "known miner process name";
    }
  }
  for (const Indicator& i : kCmdlineIndicators) {
    if (wsn_sdk::icontains(cmd, i.text)) {
      score += i.score;
      if (why.empty()) why = i.text;
    }
  }
  return score;
}

}  // namespace

extern "C" WSN_EXPORT(wsn_on_event) int32_t wsn_on_event(uint32_t len) {
  const wsn_sdk::Record r(len);
  const string_view action = r.str(kAction);
  string_view why;
  if (r.category() == WSN_CAT_PROCESS && action == "exec") {
    if (scored(r.str(kName), r.str(kCmdline), why) >= 3) {
      wsn_sdk::alert(WSN_SEV_HIGH, "Crypto-miner started", why);
      return WSN_MATCH;
    }
    return WSN_NO_MATCH;
  }
  if (r.category() == WSN_CAT_NETWORK && action == "connection_attempted") {
    const int64_t port = r.integer(kDport, -1);
    for (int64_t p : kPoolPorts) {
      if (port == p && scored(r.str(kName), r.str(kCmdline), why) >= 1) {
        wsn_sdk::alert(WSN_SEV_MEDIUM, "Connection to a mining-pool port", why);
        return WSN_MATCH;
      }
    }
  }
  return WSN_NO_MATCH;
}
