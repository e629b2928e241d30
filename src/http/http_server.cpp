#include "http/http_server.h"

#include <httplib.h>

#include <charconv>
#include <chrono>
#include <cstdio>

#include "http/alert_stream.h"
#include "http/dashboard_routes.h"

namespace wsn::http {
namespace {

void json_error(httplib::Response& res, int status, const std::string& message) {
  std::string body = "{\"error\":\"";
  for (char c : message) {
    if (c == '"' || c == '\\') body += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) body += c;
  }
  body += "\"}\n";
  res.status = status;
  res.set_content(body, "application/json");
}

}  // namespace

bool Server::token_matches(const std::string& presented, const std::string& expected) {
  if (expected.empty()) return false;
  // Compare every byte whatever the first difference, so timing says nothing of the token.
  unsigned char diff = presented.size() == expected.size() ? 0 : 1;
  for (size_t k = 0; k < expected.size(); ++k) {
    const unsigned char p = k < presented.size() ? static_cast<unsigned char>(presented[k]) : 0;
    diff |= static_cast<unsigned char>(p ^ static_cast<unsigned char>(expected[k]));
  }
  return diff == 0;
}

Server::Server(ServerOptions options, metrics::Registry& registry, ApiBackend backend)
    : options_(std::move(options)), registry_(registry), backend_(std::move(backend)) {}

Server::~Server() {
  stop();
}

void Server::routes() {
  httplib::Server& s = *server_;
  requests_ = &registry_.counter("wsn_http_requests_total",
                                 "HTTP requests served, by path and status.", {"path", "status"});
  // Counted before the response is written (the logger runs after it, so a client's next
  // request could be served before its previous one was counted).
  s.set_post_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    // Label by route, not raw path: rule ids would make the label set unbounded.
    std::string route = req.path;
    if (const auto label = dashboard_route_label(route); !label.empty())
      route = label;
    else if (route.rfind("/api/v1/rules/", 0) == 0)
      route = "/api/v1/rules/{id}";
    else if (route != "/healthz" && route != "/readyz" && route != "/metrics" &&
             route != "/api/v1/rules" && route != "/api/v1/alerts") {
      route = "other";
    }
    requests_->with({route, std::to_string(res.status)}).inc();
  });
  s.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    std::string body = "ok\n";
    if (backend_.health_detail) {
      for (const std::string& line : backend_.health_detail()) body += "warning: " + line + "\n";
    }
    res.set_content(body, "text/plain");
  });
  s.Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    const bool ready = !backend_.ready || backend_.ready();
    res.status = ready ? 200 : 503;
    res.set_content(ready ? "ready\n" : "not ready\n", "text/plain");
  });
  s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(registry_.render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  s.Get("/api/v1/rules", [this](const httplib::Request&, httplib::Response& res) {
    if (!backend_.rules_json) return json_error(res, 404, "no rules");
    res.set_content(backend_.rules_json(), "application/json");
  });
  s.Get("/api/v1/alerts", [this](const httplib::Request& req, httplib::Response& res) {
    if (!backend_.alerts_json) {
      return json_error(
          res, 404, "no alert store: no sink that keeps alerts is on (see docs/configuration.md)");
    }
    size_t limit = 100;
    if (req.has_param("limit")) {
      const std::string v = req.get_param_value("limit");
      const auto r = std::from_chars(v.data(), v.data() + v.size(), limit);
      if (v.empty() || r.ec != std::errc() || r.ptr != v.data() + v.size() || limit == 0 ||
          limit > 10000) {
        return json_error(res, 400, "limit must be an integer from 1 to 10000");
      }
    }
    const std::string rule = req.has_param("rule") ? req.get_param_value("rule") : "";
    auto body = backend_.alerts_json(limit, rule);
    if (!body.ok()) return json_error(res, 500, body.error().message);
    res.set_content(body.value(), "application/json");
  });
  // With a content reader the handler runs before any body is read: these calls take none, so
  // a request without Content-Length (curl -X POST) is answered instead of waiting for EOF.
  s.Post(R"(/api/v1/rules/([^/]+)/(enable|disable))",
         [this](const httplib::Request& req, httplib::Response& res,
                const httplib::ContentReader& content) {
           if (req.has_header("Content-Length") || req.has_header("Transfer-Encoding")) {
             content([](const char*, size_t) { return true; });  // drained and ignored
           }
           ApiAuditFacts audit;
           audit.time_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
           audit.peer = req.remote_addr + ":" + std::to_string(req.remote_port);
           audit.method = req.method;
           audit.path = req.path;
           audit.rule = req.matches[1];
           audit.action = req.matches[2];
           handle_rule_change(req, res, audit);
           audit.status = res.status;
           record_audit(api_audit_record(audit));
         });
  add_dashboard_routes(s, {backend_.alert_stream.get(), backend_.network_json});
  s.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) {
      json_error(res, res.status,
                 res.status == 404   ? "not found"
                 : res.status == 413 ? "request body too large"
                 : res.status == 400 ? "bad request: malformed HTTP"
                                     : "error");
    }
  });
}

void Server::handle_rule_change(const httplib::Request& req, httplib::Response& res,
                                ApiAuditFacts& audit) {
  if (options_.token.empty()) {
    audit.result = "forbidden";
    audit.detail = "no http.token configured";
    return json_error(res, 403,
                      "changes through the API are off: set http.token in the configuration");
  }
  const std::string auth = req.get_header_value("Authorization");
  const std::string prefix = "Bearer ";
  if (auth.rfind(prefix, 0) != 0 || !token_matches(auth.substr(prefix.size()), options_.token)) {
    audit.result = "unauthorized";
    audit.detail = auth.empty() ? "no Authorization header" : "wrong bearer token";
    res.set_header("WWW-Authenticate", "Bearer");
    return json_error(res, 401, "missing or wrong bearer token");
  }
  if (!backend_.set_rule_enabled) {
    audit.result = "not_found";
    return json_error(res, 404, "rules cannot be changed");
  }
  const bool enable = audit.action == "enable";
  std::string detail;
  switch (backend_.set_rule_enabled(audit.rule, enable, detail)) {
    case SetRuleResult::kNotFound:
      audit.result = "not_found";
      audit.detail = "no such rule";
      return json_error(res, 404, "no rule '" + audit.rule + "'");
    case SetRuleResult::kFailed:
      audit.result = "failed";
      audit.detail = detail;
      return json_error(res, 500, detail);
    case SetRuleResult::kOk:
      break;
  }
  audit.result = "ok";
  res.status = 200;
  std::string body = "{\"id\":\"";
  for (char c : audit.rule) {
    if (c == '"' || c == '\\') body += '\\';
    body += c;
  }
  body += enable ? "\",\"enabled\":true}\n" : "\",\"enabled\":false}\n";
  res.set_content(body, "application/json");
}

void Server::record_audit(const std::string& record) {
  if (backend_.audit) return backend_.audit(record);
  std::fprintf(stderr, "wasm-sentinel: audit: %s\n", record.c_str());
}

Status Server::start() {
  server_ = std::make_unique<httplib::Server>();
  const int threads =
      (options_.threads > 0 ? options_.threads : 2) +
      (backend_.alert_stream ? static_cast<int>(backend_.alert_stream->options().max_clients) : 0);
  server_->new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
  // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, which would let a second agent
  // share the port silently instead of failing to start.
  server_->set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  server_->set_payload_max_length(64 * 1024);
  server_->set_read_timeout(5, 0);
  server_->set_write_timeout(5, 0);
  routes();
  if (options_.port == 0) {
    const int p = server_->bind_to_any_port(options_.host);
    if (p <= 0) return Error{"http: cannot listen on " + options_.host + ":0"};
    port_ = static_cast<uint16_t>(p);
  } else {
    if (!server_->bind_to_port(options_.host, options_.port)) {
      return Error{"http: cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
                   " (address in use or not local?)"};
    }
    port_ = options_.port;
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // stop() only takes effect once the accept loop runs: wait for it (bounded).
  for (int k = 0; k < 500 && !server_->is_running(); ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!server_->is_running()) {
    server_->stop();
    return Error{"http: the server on " + options_.host + ":" + std::to_string(port_) +
                 " did not start"};
  }
  return {};
}

void Server::stop() {
  if (backend_.alert_stream) backend_.alert_stream->close();  // ends the streams' workers
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace wsn::http
