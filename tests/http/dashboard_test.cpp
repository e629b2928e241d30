// The dashboard's server side: the alert stream's bounded per-client queues (a slow client is
// dropped and counted, never waited for), its SSE route over real sockets, the embedded page
// (or the 503 of a build without Node.js), and the network edge placeholder.
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "http/alert_stream.h"
#include "http/dashboard_assets.h"
#include "http/dashboard_routes.h"
#include "http/http_server.h"
#include "prometheus_parser.h"

namespace wsn::http {
namespace {

using Items = std::vector<AlertStream::Item>;

TEST(AlertStream, NewClientsGetTheBacklogThenLiveAlerts) {
  metrics::Registry reg;
  AlertStream stream(reg, {.queue = 8, .backlog = 3, .max_clients = 2});
  for (int k = 1; k <= 5; ++k) stream.publish("{\"n\":" + std::to_string(k) + "}");
  auto sub = stream.subscribe();
  ASSERT_TRUE(sub);
  Items items;
  ASSERT_EQ(stream.next(*sub, items, 0), AlertStream::Next::kItems);
  ASSERT_EQ(items.size(), 3u) << "the backlog keeps the last 3";
  EXPECT_EQ(items[0].id, 3u);
  EXPECT_EQ(*items[2].json, "{\"n\":5}");
  items.clear();
  EXPECT_EQ(stream.next(*sub, items, 10), AlertStream::Next::kIdle);
  stream.publish("{\"n\":6}");
  ASSERT_EQ(stream.next(*sub, items, 0), AlertStream::Next::kItems);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].id, 6u);

  // A reconnecting client resumes after the last alert it saw (SSE Last-Event-ID).
  auto again = stream.subscribe(5);
  items.clear();
  ASSERT_EQ(stream.next(*again, items, 0), AlertStream::Next::kItems);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].id, 6u);
}

TEST(AlertStream, ASlowClientIsDroppedAndCountedWhileOthersKeepEverything) {
  metrics::Registry reg;
  AlertStream stream(reg, {.queue = 4, .backlog = 0, .max_clients = 4});
  auto slow = stream.subscribe();
  auto fast = stream.subscribe();
  ASSERT_TRUE(slow && fast);
  Items got;
  for (int k = 0; k < 20; ++k) {
    stream.publish("{}");  // never waits for `slow`, which does not read
    Items items;
    ASSERT_EQ(stream.next(*fast, items, 0), AlertStream::Next::kItems);
    got.insert(got.end(), items.begin(), items.end());
  }
  EXPECT_EQ(got.size(), 20u);
  EXPECT_EQ(stream.dropped_clients(), 1u);
  EXPECT_EQ(stream.clients(), 1u);
  Items items;
  EXPECT_EQ(stream.next(*slow, items, 0), AlertStream::Next::kEnd);
  EXPECT_TRUE(items.empty()) << "a dropped client's queue is freed";
  const auto ex = test::parse_exposition(reg.render());
  EXPECT_EQ(ex.value("wsn_http_stream_clients_dropped_total"), 1);
  EXPECT_EQ(ex.value("wsn_http_stream_clients"), 1);
  EXPECT_EQ(ex.value("wsn_http_stream_alerts_total"), 20);
}

TEST(AlertStream, ClientsAreBoundedAndCloseEndsEveryStream) {
  metrics::Registry reg;
  AlertStream stream(reg, {.queue = 4, .backlog = 4, .max_clients = 2});
  auto a = stream.subscribe();
  auto b = stream.subscribe();
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(stream.subscribe()) << "a third client is refused";
  stream.unsubscribe(b);
  auto c = stream.subscribe();
  ASSERT_TRUE(c);
  // A client waiting for alerts is woken by close().
  std::thread waiter([&] {
    Items items;
    EXPECT_EQ(stream.next(*a, items, 60'000), AlertStream::Next::kEnd);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const auto t0 = std::chrono::steady_clock::now();
  stream.close();
  waiter.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  EXPECT_FALSE(stream.subscribe());
  stream.publish("{}");  // after close: ignored, no crash
}

class DashboardHttpTest : public ::testing::Test {
 protected:
  void start(bool with_stream) {
    ApiBackend api;
    if (with_stream) {
      stream_ = std::make_shared<AlertStream>(reg_, AlertStreamOptions{.max_clients = 1});
      api.alert_stream = stream_;
    }
    server_ = std::make_unique<Server>(ServerOptions{.host = "127.0.0.1", .port = 0}, reg_,
                                       std::move(api));
    ASSERT_TRUE(server_->start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(10, 0);
  }
  void TearDown() override {
    if (server_) server_->stop();
  }
  metrics::Registry reg_;
  std::shared_ptr<AlertStream> stream_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(DashboardHttpTest, ThePageIsEmbeddedOrA503SayingWhy) {
  start(true);
  auto root = client_->Get("/");
  ASSERT_TRUE(root);
  EXPECT_EQ(root->status, 302);
  EXPECT_EQ(root->get_header_value("Location"), "/dashboard/");
  auto page = client_->Get("/dashboard/");
  ASSERT_TRUE(page);
  if (dashboard_assets().empty()) {
    EXPECT_EQ(page->status, 503);
    EXPECT_NE(page->body.find("dashboard is not in this build"), std::string::npos) << page->body;
    EXPECT_NE(page->body.find(std::string(dashboard_missing_reason())), std::string::npos);
    return;
  }
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page->body.find("<script defer src=\"app.js\">"), std::string::npos);
  const std::string csp = page->get_header_value("Content-Security-Policy");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
  EXPECT_EQ(page->get_header_value("X-Content-Type-Options"), "nosniff");
  auto js = client_->Get("/dashboard/app.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->status, 200);
  EXPECT_EQ(js->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_GT(js->body.size(), 1000u);
  EXPECT_EQ(client_->Get("/dashboard/app.css")->status, 200);
  auto missing = client_->Get("/dashboard/../../etc/passwd");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  const auto ex = test::parse_exposition(reg_.render());
  EXPECT_GE(ex.value("wsn_http_requests_total", {{"path", "/dashboard"}, {"status", "200"}}), 3);
}

TEST_F(DashboardHttpTest, NetworkEdgePlaceholderUntilOneIsAttached) {
  start(false);
  auto res = client_->Get("/api/v1/network");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(res->body, network_placeholder_json());
  EXPECT_NE(res->body.find("\"attached\":false"), std::string::npos);
  EXPECT_NE(res->body.find("network edge not attached"), std::string::npos);
  // No alert stream wired: a clear 404, not a hang.
  auto stream = client_->Get("/api/v1/alerts/stream");
  ASSERT_TRUE(stream);
  EXPECT_EQ(stream->status, 404);
}

TEST_F(DashboardHttpTest, TheStreamSendsAlertsAsServerSentEvents) {
  start(true);
  stream_->publish(R"({"rule":{"id":"r1"}})");
  std::string received;
  std::atomic<bool> done{false};
  std::thread reader([&] {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(10, 0);
    auto res = c.Get(
        "/api/v1/alerts/stream", httplib::Headers{},
        [&](const httplib::Response& r) {
          EXPECT_EQ(r.status, 200);
          EXPECT_EQ(r.get_header_value("Content-Type"), "text/event-stream");
          return true;
        },
        [&](const char* data, size_t len) {
          received.append(data, len);
          // Stop once the second alert is in.
          return received.find("id: 2\n") == std::string::npos ||
                 received.find("\n\n", received.find("id: 2\n")) == std::string::npos;
        });
    done = true;
  });
  // The second alert arrives live (the first came from the backlog).
  for (int k = 0; k < 200 && stream_->clients() == 0; ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stream_->publish(R"({"rule":{"id":"r2"}})");
  reader.join();
  EXPECT_NE(received.find("retry: 2000\n"), std::string::npos) << received;
  EXPECT_NE(received.find("id: 1\nevent: alert\ndata: {\"rule\":{\"id\":\"r1\"}}\n\n"),
            std::string::npos)
      << received;
  EXPECT_NE(received.find("id: 2\nevent: alert\ndata: {\"rule\":{\"id\":\"r2\"}}\n\n"),
            std::string::npos)
      << received;
  // The client went away: its slot frees up.
  for (int k = 0; k < 500 && stream_->clients() != 0; ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    stream_->publish("{}");  // a write to the closed connection notices it
  }
  EXPECT_EQ(stream_->clients(), 0u);
}

TEST_F(DashboardHttpTest, BadResumeIdAndTooManyStreamsAreClearErrors) {
  start(true);
  auto bad = client_->Get("/api/v1/alerts/stream", {{"Last-Event-ID", "x12"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("Last-Event-ID"), std::string::npos);
  auto bad_param = client_->Get("/api/v1/alerts/stream?after=-1");
  ASSERT_TRUE(bad_param);
  EXPECT_EQ(bad_param->status, 400);

  // max_clients is 1: hold one stream open, a second is refused with a reason.
  auto holder = stream_->subscribe();
  ASSERT_TRUE(holder);
  auto second = client_->Get("/api/v1/alerts/stream");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 503);
  EXPECT_NE(second->body.find("too many alert streams"), std::string::npos) << second->body;
  stream_->unsubscribe(holder);
}

// A browser that stops reading (a frozen tab) over a real socket: the kernel buffers fill, the
// server's writer blocks, the client's queue fills and the client is dropped and counted;
// publish() (the detection thread) never waits meanwhile.
TEST_F(DashboardHttpTest, AClientThatStopsReadingIsDroppedWithoutBlockingPublish) {
  ApiBackend api;
  stream_ = std::make_shared<AlertStream>(reg_, AlertStreamOptions{.queue = 8, .backlog = 0});
  api.alert_stream = stream_;
  server_ =
      std::make_unique<Server>(ServerOptions{.host = "127.0.0.1", .port = 0}, reg_, std::move(api));
  ASSERT_TRUE(server_->start().ok());
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  int small = 4096;  // a small receive buffer fills sooner
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server_->port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string req = "GET /api/v1/alerts/stream HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(::write(fd, req.data(), req.size()), static_cast<ssize_t>(req.size()));
  for (int k = 0; k < 200 && stream_->clients() == 0; ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(stream_->clients(), 1u);
  const std::string big = "{\"pad\":\"" + std::string(64 * 1024, 'x') + "\"}";
  auto slowest = std::chrono::nanoseconds(0);
  for (int k = 0; k < 2000 && stream_->dropped_clients() == 0; ++k) {
    const auto t0 = std::chrono::steady_clock::now();
    stream_->publish(big);
    slowest = std::max(slowest, std::chrono::steady_clock::now() - t0);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(stream_->dropped_clients(), 1u);
  EXPECT_LT(slowest, std::chrono::milliseconds(100)) << "publish waited on the client";
  const auto ex = test::parse_exposition(reg_.render());
  EXPECT_EQ(ex.value("wsn_http_stream_clients_dropped_total"), 1);
  ::close(fd);
}

TEST_F(DashboardHttpTest, StoppingTheServerEndsOpenStreamsPromptly) {
  start(true);
  std::thread reader([&] {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(30, 0);
    c.Get("/api/v1/alerts/stream", [](const char*, size_t) { return true; });
  });
  for (int k = 0; k < 200 && stream_->clients() == 0; ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(stream_->clients(), 1u);
  const auto t0 = std::chrono::steady_clock::now();
  server_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
  reader.join();
}

}  // namespace
}  // namespace wsn::http
