// The operations endpoint (127.0.0.1 by default):
//
//   GET  /healthz                         200 "ok" while the process serves requests, then one
//                                         "warning: …" line per problem it goes on with
//   GET  /readyz                          200 once rules are loaded and the source runs, else 503
//   GET  /metrics                         Prometheus text format (metrics/metrics.h)
//   GET  /api/v1/rules                    the loaded rules (JSON array)
//   GET  /api/v1/alerts?limit=N&rule=ID   recent alerts from the alert store, newest first
//   POST /api/v1/rules/ID/enable          enable a rule   } need "Authorization: Bearer TOKEN"
//   POST /api/v1/rules/ID/disable         disable a rule  } (http.token); refused without one
//   GET  /dashboard/, /api/v1/alerts/stream, /api/v1/network   the dashboard (dashboard_routes.h)
//
// The POST calls take no body (a client need not send Content-Length); every attempt, refused
// or not, is handed to ApiBackend::audit as one JSON audit record (http/api_audit.h).
//
// The server knows nothing of the engine: what it serves comes through ApiBackend callbacks,
// which are called from the server's worker threads and must be thread safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http/api_audit.h"
#include "metrics/metrics.h"
#include "wsn/result.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace wsn::http {

class AlertStream;

enum class SetRuleResult : uint8_t { kOk, kNotFound, kFailed };

struct ApiBackend {
  std::function<bool()> ready;  // null: always ready
  // Problems a running agent goes on with (a sink that cannot deliver …), one line each, shown
  // after "ok" by /healthz; null or empty: none.
  std::function<std::vector<std::string>()> health_detail;
  std::function<std::string()> rules_json;  // null: 404
  // Alerts newest first as a JSON array; null when there is no alert store (404).
  std::function<Result<std::string>(size_t limit, const std::string& rule_id)> alerts_json;
  std::function<SetRuleResult(const std::string& rule_id, bool enabled, std::string& detail)>
      set_rule_enabled;
  // Live alerts for the dashboard (GET /api/v1/alerts/stream); null: 404. Each stream holds a
  // worker thread, so the server adds its max_clients to the pool.
  std::shared_ptr<AlertStream> alert_stream;
  // The network edge's rules and counters (GET /api/v1/network); null: "not attached".
  std::function<std::string()> network_json;
  // One audit record (a JSON line, no newline) per call to a mutating endpoint; null: the
  // records go to standard error.
  std::function<void(const std::string& record)> audit;
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 9477;  // 0: any free port (tests), see port()
  std::string token;     // empty: mutating calls are refused
  int threads = 2;
};

class Server {
 public:
  Server(ServerOptions options, metrics::Registry& registry, ApiBackend backend);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts serving on a thread of its own. Fails when the address cannot be bound.
  Status start();
  void stop();
  uint16_t port() const { return port_; }

  // Constant-time comparison of a presented token with the configured one.
  static bool token_matches(const std::string& presented, const std::string& expected);

 private:
  void routes();
  // POST /api/v1/rules/ID/enable|disable: the answer in `res`, the outcome in `audit`.
  void handle_rule_change(const httplib::Request& req, httplib::Response& res,
                          ApiAuditFacts& audit);
  void record_audit(const std::string& record);

  ServerOptions options_;
  metrics::Registry& registry_;
  ApiBackend backend_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  uint16_t port_ = 0;
  metrics::Family<metrics::Counter>* requests_ = nullptr;
};

}  // namespace wsn::http
