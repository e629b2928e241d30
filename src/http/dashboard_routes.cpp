#include "http/dashboard_routes.h"

#include <httplib.h>

#include <charconv>
#include <string>
#include <vector>

#include "http/alert_stream.h"
#include "http/dashboard_assets.h"

namespace wsn::http {
namespace {

// Keep-alive comment interval of an idle stream; also bounds how long a vanished client
// holds its slot.
constexpr int kIdleMs = 5000;

void text_error(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_content(message + "\n", "text/plain; charset=utf-8");
}

void json_error(httplib::Response& res, int status, std::string_view message) {
  std::string body = "{\"error\":\"";
  for (char c : message) {
    if (c == '"' || c == '\\') body += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) body += c;
  }
  body += "\"}\n";
  res.status = status;
  res.set_content(body, "application/json");
}

// The page loads only its own script and style and talks only to this endpoint: an injected
// string in an alert cannot pull code from elsewhere even if it reached the DOM as markup.
void page_headers(httplib::Response& res) {
  res.set_header("Content-Security-Policy",
                 "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                 "img-src 'self' data:; base-uri 'none'; form-action 'none'; "
                 "frame-ancestors 'none'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Cache-Control", "no-cache");
}

bool parse_id(const std::string& s, uint64_t& out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

void serve_stream(AlertStream* stream, const httplib::Request& req, httplib::Response& res) {
  if (!stream) return json_error(res, 404, "no alert stream");
  uint64_t last_id = 0;
  const std::string last = req.has_header("Last-Event-ID") ? req.get_header_value("Last-Event-ID")
                           : req.has_param("after")        ? req.get_param_value("after")
                                                           : "";
  if (!last.empty() && !parse_id(last, last_id)) {
    return json_error(res, 400, "Last-Event-ID (or after=) must be an alert number");
  }
  auto sub = stream->subscribe(last_id);
  if (!sub) {
    return json_error(res, 503,
                      "too many alert streams open (at most " +
                          std::to_string(stream->options().max_clients) +
                          "): close another dashboard tab");
  }
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_chunked_content_provider(
      "text/event-stream",
      [stream, sub, first = true, items = std::vector<AlertStream::Item>(), text = std::string()](
          size_t, httplib::DataSink& sink) mutable {
        if (first) {
          // At once, not after the first wait: the client sees the stream is up. Reconnect
          // quickly after a drop; the backlog fills the gap.
          first = false;
          static constexpr std::string_view kRetry = "retry: 2000\n\n";
          return sink.write(kRetry.data(), kRetry.size());
        }
        text.clear();
        items.clear();
        switch (stream->next(*sub, items, kIdleMs)) {
          case AlertStream::Next::kEnd:
            sink.done();
            return true;
          case AlertStream::Next::kIdle:
            text += ": keep-alive\n\n";
            break;
          case AlertStream::Next::kItems:
            for (const auto& item : items) {
              text += "id: ";
              text += std::to_string(item.id);
              text += "\nevent: alert\ndata: ";
              // The alert JSON is one line; should a raw line break ever slip in, it must not
              // end the SSE field early (a client joins data: lines with "\n").
              for (char c : *item.json) {
                if (c == '\n')
                  text += "\ndata: ";
                else if (c != '\r')
                  text += c;
              }
              text += "\n\n";
            }
            break;
        }
        return sink.write(text.data(), text.size());
      },
      [stream, sub](bool) { stream->unsubscribe(sub); });
}

}  // namespace

std::string network_placeholder_json() {
  return "{\"attached\":false,\"status\":\"network edge not attached\",\"interfaces\":[],"
         "\"rules\":[],\"counters\":{}}\n";
}

std::string_view dashboard_route_label(std::string_view path) {
  if (path == "/") return "/";
  if (path == "/dashboard" || path.rfind("/dashboard/", 0) == 0) return "/dashboard";
  if (path == "/api/v1/alerts/stream") return "/api/v1/alerts/stream";
  if (path == "/api/v1/network") return "/api/v1/network";
  return "";
}

void add_dashboard_routes(httplib::Server& s, const DashboardBackend& backend) {
  s.Get("/",
        [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/dashboard/"); });
  s.Get("/dashboard",
        [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/dashboard/"); });
  s.Get(R"(/dashboard/(.*))", [](const httplib::Request& req, httplib::Response& res) {
    const auto assets = dashboard_assets();
    if (assets.empty()) {
      return text_error(res, 503,
                        "wasm-sentinel: the dashboard is not in this build: " +
                            std::string(dashboard_missing_reason()) +
                            ". The JSON API (/api/v1/…) and /metrics work without it.");
    }
    const std::string path = req.path == "/dashboard/" ? "/dashboard/index.html" : req.path;
    for (const auto& a : assets) {
      if (a.path != path) continue;
      page_headers(res);
      res.set_content(std::string(a.body), std::string(a.content_type).c_str());
      return;
    }
    text_error(res, 404, "no such dashboard file: " + req.path);
  });
  AlertStream* stream = backend.stream;
  s.Get("/api/v1/alerts/stream", [stream](const httplib::Request& req, httplib::Response& res) {
    serve_stream(stream, req, res);
  });
  s.Get("/api/v1/network",
        [network = backend.network_json](const httplib::Request&, httplib::Response& res) {
          res.set_content(network ? network() : network_placeholder_json(), "application/json");
        });
}

}  // namespace wsn::http
