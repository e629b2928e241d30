// Test helper: a webhook receiver on 127.0.0.1 that records every accepted batch, honouring
// the Idempotency-Key contract (a key already accepted is acknowledged, not recorded again).
// It persists before it answers, so it can be SIGKILLed at any moment and restarted.
//
//   wsn_test_webhook_receiver --port P --log FILE --ready FILE [--fail N]
//
// --port 0 picks a free port; the port is written to the ready file once listening.
// --fail N answers 503 to the first N requests (to exercise retries).
// Log lines: "KEY<TAB>BODY"; duplicates go to FILE.dups as "KEY".
#include <httplib.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>
#include <string>

int main(int argc, char** argv) {
  int port = 0;
  std::string log, ready;
  int fail = 0;
  for (int k = 1; k + 1 < argc; k += 2) {
    const std::string a = argv[k];
    if (a == "--port") port = std::atoi(argv[k + 1]);
    if (a == "--log") log = argv[k + 1];
    if (a == "--ready") ready = argv[k + 1];
    if (a == "--fail") fail = std::atoi(argv[k + 1]);
  }
  if (log.empty() || ready.empty()) return 2;
  std::set<std::string> keys;
  {
    std::ifstream in(log);
    for (std::string line; std::getline(in, line);) keys.insert(line.substr(0, line.find('\t')));
  }
  std::mutex mu;
  httplib::Server server;
  server.Post("/alerts", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu);
    if (fail > 0) {
      --fail;
      res.status = 503;
      return;
    }
    const std::string key = req.get_header_value("Idempotency-Key");
    if (key.empty() || req.get_header_value("Content-Type") != "application/json") {
      res.status = 400;
      return;
    }
    if (keys.count(key)) {
      std::FILE* d = std::fopen((log + ".dups").c_str(), "a");
      std::fprintf(d, "%s\n", key.c_str());
      std::fclose(d);
      res.status = 200;
      return;
    }
    std::FILE* f = std::fopen(log.c_str(), "a");
    std::fprintf(f, "%s\t%s\n", key.c_str(), req.body.c_str());
    std::fflush(f);
    ::fsync(fileno(f));
    std::fclose(f);
    keys.insert(key);
    res.status = 200;
  });
  int bound = port;
  if (port == 0) {
    bound = server.bind_to_any_port("127.0.0.1");
  } else if (!server.bind_to_port("127.0.0.1", port)) {
    bound = -1;
  }
  if (bound <= 0) return 3;
  {
    const std::string tmp = ready + ".tmp";
    std::ofstream(tmp) << bound << "\n";
    std::rename(tmp.c_str(), ready.c_str());
  }
  server.listen_after_bind();
  return 0;
}
