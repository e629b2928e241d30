// Crypto-miner indicators: a miner binary or its typical command line (stratum pool URLs,
// mining-only options, well-known pools), or a connection to a mining-pool port by a process
// that is not a known client of that port. Indicators are scored; one strong or two weak
// indicators make an alert.
#include "wsn_rule.h"

WSN_RULE(16384);

enum { F_ACTION, F_NAME, F_CMDLINE, F_DPORT };  // order of `fields` in crypto_miner.meta

typedef struct {
  const char* text;
  int score;  // 3 = conclusive on its own, 1 = weak
} indicator;

static const char* const kMinerNames[] = {"xmrig",   "xmr-stak", "minerd",     "cpuminer",
                                          "cgminer", "bfgminer", "ethminer",   "nbminer",
                                          "t-rex",   "lolminer", "kdevtmpfsi", "kinsing"};

static const indicator kCmdline[] = {{"stratum+tcp://", 3},
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
                                     {"--nicehash", 2}};

// Ports mining pools listen on, with no common legitimate use on a server.
static const int kPoolPorts[] = {3333, 4444, 5555, 7777, 9999, 14444, 14433, 45700, 45560};

static int scored(wsn_str name, wsn_str cmd, const char** why) {
  int score = 0;
  *why = 0;
  for (unsigned k = 0; k < sizeof kMinerNames / sizeof kMinerNames[0]; ++k) {
    if (wsn_str_eq(name, kMinerNames[k])) {
      score += 3;
      *why = "known miner process name";
    }
  }
  for (unsigned k = 0; k < sizeof kCmdline / sizeof kCmdline[0]; ++k) {
    if (wsn_str_icontains(cmd, kCmdline[k].text)) {
      score += kCmdline[k].score;
      if (!*why) *why = kCmdline[k].text;
    }
  }
  return score;
}

WSN_EXPORT(wsn_on_event) int32_t wsn_on_event(uint32_t len) {
  const wsn_record_header* r = wsn_record(len);
  const wsn_str action = wsn_field_str(r, F_ACTION);
  if (r->category == WSN_CAT_PROCESS && wsn_str_eq(action, "exec")) {
    const char* why = 0;
    if (scored(wsn_field_str(r, F_NAME), wsn_field_str(r, F_CMDLINE), &why) >= 3) {
      wsn_alert(WSN_SEV_HIGH, "Crypto-miner started", why);
      return WSN_MATCH;
    }
    return WSN_NO_MATCH;
  }
  if (r->category == WSN_CAT_NETWORK && wsn_str_eq(action, "connection_attempted")) {
    const int64_t port = wsn_field_int(r, F_DPORT, -1);
    for (unsigned k = 0; k < sizeof kPoolPorts / sizeof kPoolPorts[0]; ++k) {
      if (port != kPoolPorts[k]) continue;
      const char* why = 0;
      // A pool port alone is weak (4444 is also a favourite of reverse shells): require a
      // miner-looking process too.
      if (scored(wsn_field_str(r, F_NAME), wsn_field_str(r, F_CMDLINE), &why) >= 1) {
        wsn_alert(WSN_SEV_MEDIUM, "Connection to a mining-pool port", why);
        return WSN_MATCH;
      }
    }
  }
  return WSN_NO_MATCH;
}
