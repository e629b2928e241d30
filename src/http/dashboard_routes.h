// The dashboard routes of the HTTP endpoint (docs/operations.md, "Dashboard"):
//
//   GET /                       redirect to /dashboard/
//   GET /dashboard/…            the page and its bundled script and style (embedded), or 503
//                               when the build had no Node.js/esbuild
//   GET /api/v1/alerts/stream   server-sent events: one `alert` event per alert (data: the
//                               alert JSON line, id: its number); recent alerts first, after
//                               Last-Event-ID when the client sends one
//   GET /api/v1/network         the network edge (XDP) rules and counters; a placeholder saying
//                               "not attached" until a network edge supplies it
//
// Everything here reads; mutations stay on the token-guarded JSON API.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace httplib {
class Server;
}

namespace wsn::http {

class AlertStream;

struct DashboardBackend {
  AlertStream* stream = nullptr;              // null: the stream route answers 404
  std::function<std::string()> network_json;  // null: the "not attached" placeholder
};

void add_dashboard_routes(httplib::Server& server, const DashboardBackend& backend);

// The route label of a dashboard path for wsn_http_requests_total, or "" for other paths.
std::string_view dashboard_route_label(std::string_view path);

// What GET /api/v1/network answers while no network edge is attached.
std::string network_placeholder_json();

}  // namespace wsn::http
