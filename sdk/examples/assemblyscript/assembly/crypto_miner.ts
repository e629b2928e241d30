// Crypto-miner indicators (AssemblyScript version of examples/c/crypto_miner.c, same
// verdicts): miner binaries and command lines, and mining-pool ports.
import {
  CAT_NETWORK, CAT_PROCESS, MATCH, NO_MATCH, SEV_HIGH, SEV_MEDIUM, alert, category, fieldInt,
  strEq, strIContains,
} from "./wsn";
export { wsn_abi_v1, wsn_event_buffer, wsn_event_buffer_size } from "./wsn";

// Order of `fields` in crypto_miner.meta.
const F_ACTION: u32 = 0;
const F_NAME: u32 = 1;
const F_CMDLINE: u32 = 2;
const F_DPORT: u32 = 3;

const MINER_NAMES: string[] = ["xmrig", "xmr-stak", "minerd", "cpuminer", "cgminer", "bfgminer",
  "ethminer", "nbminer", "t-rex", "lolminer", "kdevtmpfsi", "kinsing"];
const CMDLINE: string[] = ["stratum+tcp://", "stratum+ssl://", "stratum2+tcp://",
  "--donate-level", "--cpu-max-threads-hint", "randomx", "cryptonight", "--algo", "-a rx/0",
  "minexmr", "supportxmr", "nanopool", "moneroocean", "hashvault", "2miners", "--coin",
  "-o pool.", "--nicehash"];
const CMDLINE_SCORE: i32[] = [3, 3, 3, 3, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 2, 1, 2, 2];
const POOL_PORTS: i64[] = [3333, 4444, 5555, 7777, 9999, 14444, 14433, 45700, 45560];

let why: string = "";

function scored(): i32 {
  let score = 0;
  why = "";
  for (let k = 0; k < MINER_NAMES.length; k++) {
    if (strEq(F_NAME, MINER_NAMES[k])) {
      score += 3;
      why = "known miner process name";
    }
  }
  for (let k = 0; k < CMDLINE.length; k++) {
    if (strIContains(F_CMDLINE, CMDLINE[k])) {
      score += CMDLINE_SCORE[k];
      if (why.length == 0) why = CMDLINE[k];
    }
  }
  return score;
}

export function wsn_on_event(len: u32): i32 {
  if (category() == CAT_PROCESS && strEq(F_ACTION, "exec")) {
    if (scored() >= 3) {
      alert(SEV_HIGH, "Crypto-miner started", why);
      return MATCH;
    }
    return NO_MATCH;
  }
  if (category() == CAT_NETWORK && strEq(F_ACTION, "connection_attempted")) {
    const port = fieldInt(F_DPORT, -1);
    for (let k = 0; k < POOL_PORTS.length; k++) {
      if (port == POOL_PORTS[k] && scored() >= 1) {
        alert(SEV_MEDIUM, "Connection to a mining-pool port", why);
        return MATCH;
      }
    }
  }
  return NO_MATCH;
}
