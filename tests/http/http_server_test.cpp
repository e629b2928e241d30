// The HTTP endpoint over real sockets on 127.0.0.1 (an ephemeral port), serving a real engine
// that replayed the sample log into a real SQLite alert store.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <simdjson.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "alert/sinks/sqlite/alert_store.h"
#include "alert/sinks/sqlite/sqlite_sink.h"
#include "collect/replay/jsonl_replay_source.h"
#include "engine/engine.h"
#include "http/http_server.h"
#include "prometheus_parser.h"

namespace wsn {
namespace {

namespace fs = std::filesystem;

const std::string kToken = "0123456789abcdef-token";

class HttpEndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wsn_http_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "alerts.db").string();
    engine_ = std::make_unique<Engine>(
        EngineOptions{.rule_paths = {std::string(WSN_SOURCE_DIR) + "/rules"}});
    std::vector<std::string> errors;
    engine_->load_rules(errors);
    ASSERT_TRUE(errors.empty()) << errors.front();
    auto sink = SqliteSink::open({.store = {.path = db_}});
    ASSERT_TRUE(sink.ok()) << sink.error().message;
    engine_->alerts().add_sink(std::move(sink.value()));
  }
  void TearDown() override {
    if (server_) server_->stop();
    server_.reset();
    engine_.reset();
    fs::remove_all(dir_);
  }

  void start_server(const std::string& token) {
    http::ApiBackend api;
    api.ready = [this] { return ready_; };
    api.rules_json = [this] {
      std::string out = "[";
      for (const auto& r : engine_->rules()->rules) {
        if (out.size() > 1) out += ',';
        out += "{\"id\":\"" + r.id + "\",\"enabled\":" + (r.enabled ? "true" : "false") + "}";
      }
      return out + "]";
    };
    api.alerts_json = [this](size_t limit, const std::string& rule) -> Result<std::string> {
      auto store = AlertStore::open({.path = db_, .create = false});
      if (!store.ok()) return store.error();
      auto rows = store.value()->recent(limit, rule);
      if (!rows.ok()) return rows.error();
      std::string out = "[";
      for (const auto& a : rows.value()) out += (out.size() > 1 ? "," : "") + a.json;
      return out + "]";
    };
    api.set_rule_enabled = [this](const std::string& id, bool on, std::string& detail) {
      switch (engine_->set_rule_enabled(id, on, detail)) {
        case Engine::RuleChange::kOk:
          return http::SetRuleResult::kOk;
        case Engine::RuleChange::kNotFound:
          return http::SetRuleResult::kNotFound;
        case Engine::RuleChange::kFailed:
          break;
      }
      return http::SetRuleResult::kFailed;
    };
    api.audit = [this](const std::string& record) {
      std::lock_guard lock(audit_mu_);
      audit_.push_back(record);
    };
    server_ = std::make_unique<http::Server>(
        http::ServerOptions{.host = "127.0.0.1", .port = 0, .token = token}, engine_->metrics(),
        std::move(api));
    ASSERT_TRUE(server_->start().ok());
    ASSERT_NE(server_->port(), 0);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(10, 0);
    client_->set_connection_timeout(5, 0);
  }

  RunStats replay() {
    JsonlReplaySource source(std::string(WSN_SOURCE_DIR) + "/data/sample/linux-activity.jsonl",
                             engine_->registry(), ReaderOptions{}, nullptr);
    RunStats stats;
    EXPECT_TRUE(engine_->run(source, stats).ok());
    return stats;
  }

  std::vector<std::string> audit_records() {
    std::lock_guard lock(audit_mu_);
    return audit_;
  }

  fs::path dir_;
  std::string db_;
  bool ready_ = false;
  std::mutex audit_mu_;
  std::vector<std::string> audit_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(HttpEndpointTest, HealthReadinessAndMetricsAfterARealReplay) {
  start_server(kToken);
  auto health = client_->Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(client_->Get("/readyz")->status, 503);
  ready_ = true;
  EXPECT_EQ(client_->Get("/readyz")->status, 200);

  const RunStats stats = replay();
  ASSERT_GT(stats.alerts.alerts, 0u);
  auto res = client_->Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  const auto ex = test::parse_exposition(res->body);
  ASSERT_TRUE(ex.errors.empty()) << ex.errors.front();
  const std::map<std::string, std::string> src = {{"source", "jsonl"}};
  EXPECT_EQ(ex.value("wsn_events_received_total", src), double(stats.bus.received));
  EXPECT_EQ(ex.value("wsn_events_processed_total", src), double(stats.bus.processed));
  EXPECT_EQ(ex.value("wsn_events_dropped_total", {{"source", "jsonl"}, {"reason", "queue_full"}}),
            0);
  EXPECT_EQ(ex.value("wsn_event_evaluation_seconds_count"), double(stats.bus.processed));
  // One evaluation series per rule; together they count every evaluation of the run.
  double evaluations = 0;
  const auto& eval_samples = ex.families.at("wsn_rule_evaluations_total").samples;
  for (const auto& s : eval_samples) evaluations += s.value;
  EXPECT_EQ(eval_samples.size(), engine_->rules()->rules.size());
  EXPECT_EQ(evaluations, double(stats.detection.matcher.evaluations));
  EXPECT_GT(ex.value("wsn_rules_loaded", {{"state", "enabled"}}), 10);
  double alerts = 0, matches = 0;
  for (const auto& s : ex.families.at("wsn_alerts_total").samples) alerts += s.value;
  for (const auto& s : ex.families.at("wsn_rule_matches_total").samples) matches += s.value;
  EXPECT_EQ(alerts, double(stats.alerts.alerts));
  EXPECT_EQ(matches, double(stats.detection.matches));
  EXPECT_EQ(ex.value("wsn_sink_failures_total", {{"sink", "sqlite:" + db_}}), 0);
  EXPECT_GT(ex.value("process_resident_memory_bytes"), 0);

  // The metrics request itself is counted by route.
  const auto again = test::parse_exposition(client_->Get("/metrics")->body);
  EXPECT_GE(again.value("wsn_http_requests_total", {{"path", "/metrics"}, {"status", "200"}}), 1);
}

TEST_F(HttpEndpointTest, RecentAlertsComeFromTheStore) {
  start_server(kToken);
  const RunStats stats = replay();
  auto res = client_->Get("/api/v1/alerts?limit=3");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  ASSERT_EQ(p.parse(res->body).get(doc), simdjson::SUCCESS) << res->body;
  simdjson::dom::array arr = doc;
  ASSERT_EQ(arr.size(), 3u);
  EXPECT_EQ(uint64_t(arr.at(0)["alert"]["sequence"]), stats.alerts.alerts) << "newest first";
  const std::string rule(std::string_view(arr.at(0)["rule"]["id"]));
  auto by_rule = client_->Get(("/api/v1/alerts?limit=10000&rule=" + rule).c_str());
  ASSERT_EQ(by_rule->status, 200);
  simdjson::dom::element d2;
  ASSERT_EQ(p.parse(by_rule->body).get(d2), simdjson::SUCCESS);
  for (auto a : d2.get_array()) EXPECT_EQ(std::string_view(a["rule"]["id"]), rule);
  EXPECT_EQ(client_->Get("/api/v1/alerts?limit=0")->status, 400);
  EXPECT_EQ(client_->Get("/api/v1/alerts?limit=abc")->status, 400);
  EXPECT_EQ(client_->Get("/nope")->status, 404);
}

TEST_F(HttpEndpointTest, EnableDisableNeedsTheTokenAndChangesDetection) {
  start_server(kToken);
  const std::string rule = engine_->rules()->rules.front().id;
  const std::string path = "/api/v1/rules/" + rule + "/disable";
  EXPECT_EQ(client_->Post(path.c_str())->status, 401);
  EXPECT_EQ(
      client_->Post(path.c_str(), {{"Authorization", "Bearer wrong-token-000000"}}, "", "")->status,
      401);
  const httplib::Headers auth = {{"Authorization", "Bearer " + kToken}};
  EXPECT_EQ(client_->Post("/api/v1/rules/no.such.rule/disable", auth, "", "")->status, 404);

  const RunStats before = replay();
  auto res = client_->Post(path.c_str(), auth, "", "");
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(res->body, "{\"id\":\"" + rule + "\",\"enabled\":false}\n");
  auto rules = client_->Get("/api/v1/rules");
  EXPECT_NE(rules->body.find("{\"id\":\"" + rule + "\",\"enabled\":false}"), std::string::npos);
  // Detection follows the change: the rule no longer matches.
  const RunStats after = replay();
  const auto matches = [&](const std::string& text) {
    return test::parse_exposition(text).value("wsn_rule_matches_total", {{"rule", rule}});
  };
  const double m1 = matches(client_->Get("/metrics")->body);
  const RunStats third = replay();
  EXPECT_EQ(matches(client_->Get("/metrics")->body), m1) << "disabled: no new matches";
  (void)before;
  (void)after;
  (void)third;
  // And back on (this compiles the rules again).
  ASSERT_EQ(client_->Post(("/api/v1/rules/" + rule + "/enable").c_str(), auth, "", "")->status,
            200);
  EXPECT_TRUE(engine_->rules()->rules.front().enabled);
  replay();
  EXPECT_GT(matches(client_->Get("/metrics")->body), m1);
}

TEST_F(HttpEndpointTest, MutatingCallsAreRefusedWithoutAConfiguredToken) {
  start_server("");
  auto res = client_->Post("/api/v1/rules/x/disable", {{"Authorization", "Bearer "}}, "", "");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_NE(res->body.find("http.token"), std::string::npos);
  EXPECT_EQ(client_->Get("/api/v1/rules")->status, 200);
}

// What `curl -X POST -H "Authorization: Bearer T" …/disable` sends: no Content-Length, no body.
// Sent over a raw socket, since httplib's client always adds the header.
std::string raw_request(uint16_t port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return "";
  }
  timeval tv{3, 0};  // less than the server's 5 s read timeout: a wait for EOF would show
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  (void)!::write(fd, request.data(), request.size());
  std::string reply;
  char buf[4096];
  while (reply.find("\r\n\r\n") == std::string::npos || reply.find('}') == std::string::npos) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    reply.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return reply;
}

TEST_F(HttpEndpointTest, PostWithoutContentLengthIsAnswered) {
  start_server(kToken);
  const std::string rule = engine_->rules()->rules.front().id;
  const std::string reply =
      raw_request(server_->port(), "POST /api/v1/rules/" + rule +
                                       "/disable HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                       "Authorization: Bearer " +
                                       kToken + "\r\nAccept: */*\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 200", 0), 0u) << reply;
  EXPECT_NE(reply.find("{\"id\":\"" + rule + "\",\"enabled\":false}"), std::string::npos) << reply;
  EXPECT_FALSE(engine_->rules()->rules.front().enabled);
}

TEST_F(HttpEndpointTest, EveryMutationAttemptIsAuditedWithoutTheToken) {
  start_server(kToken);
  const std::string rule = engine_->rules()->rules.front().id;
  const std::string path = "/api/v1/rules/" + rule + "/disable";
  ASSERT_EQ(client_->Post(path.c_str(), {{"Authorization", "Bearer " + kToken}}, "", "")->status,
            200);
  ASSERT_EQ(
      client_->Post(path.c_str(), {{"Authorization", "Bearer wrong-token-000000"}}, "", "")->status,
      401);
  const std::vector<std::string> records = audit_records();
  ASSERT_EQ(records.size(), 2u);
  for (const std::string& r : records) {
    EXPECT_EQ(r.rfind("{\"@timestamp\":\"", 0), 0u) << r;
    EXPECT_NE(r.find("\"audit\":\"api\",\"peer\":\"127.0.0.1:"), std::string::npos) << r;
    EXPECT_NE(r.find("\"method\":\"POST\",\"path\":\"" + path +
                     "\",\"action\":\"disable\",\"rule\":\"" + rule + "\""),
              std::string::npos)
        << r;
    EXPECT_EQ(r.find(kToken), std::string::npos) << "the token is never recorded: " << r;
    EXPECT_EQ(r.find("wrong-token"), std::string::npos) << r;
  }
  EXPECT_NE(records[0].find("\"status\":200,\"result\":\"ok\""), std::string::npos) << records[0];
  EXPECT_NE(records[1].find("\"status\":401,\"result\":\"unauthorized\",\"detail\":\"wrong "
                            "bearer token\""),
            std::string::npos)
      << records[1];
}

TEST(HttpServer, HealthzListsTheProblemsTheAgentGoesOnWith) {
  metrics::Registry reg;
  http::ApiBackend api;
  api.health_detail = [] {
    return std::vector<std::string>{"sink syslog:unix:/dev/log: 3 alert(s) not written"};
  };
  http::Server server({.host = "127.0.0.1", .port = 0}, reg, std::move(api));
  ASSERT_TRUE(server.start().ok());
  httplib::Client client("127.0.0.1", server.port());
  auto res = client.Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "ok\nwarning: sink syslog:unix:/dev/log: 3 alert(s) not written\n");
}

TEST(HttpServer, TokenComparison) {
  EXPECT_TRUE(http::Server::token_matches("abc", "abc"));
  EXPECT_FALSE(http::Server::token_matches("abd", "abc"));
  EXPECT_FALSE(http::Server::token_matches("ab", "abc"));
  EXPECT_FALSE(http::Server::token_matches("abcd", "abc"));
  EXPECT_FALSE(http::Server::token_matches("", ""));
}

TEST(HttpServer, BindFailureIsAnError) {
  metrics::Registry reg;
  http::Server a({.host = "127.0.0.1", .port = 0}, reg, {});
  ASSERT_TRUE(a.start().ok());
  http::Server b({.host = "127.0.0.1", .port = a.port()}, reg, {});
  const Status s = b.start();
  EXPECT_FALSE(s.ok());
}

}  // namespace
}  // namespace wsn
