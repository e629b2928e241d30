#include "config/config.h"

#include <charconv>

namespace wsn::config {

const PluginConfig* plugin_section(const PluginSections& sections, std::string_view name) {
  const auto it = sections.find(std::string(name));
  return it == sections.end() ? nullptr : it->second.get();
}

bool split_host_port(const std::string& text, std::string& host, uint16_t& port) {
  size_t colon;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return false;
    }
    host = text.substr(1, close - 1);
    colon = close + 1;
  } else {
    colon = text.rfind(':');
    if (colon == std::string::npos) return false;
    host = text.substr(0, colon);
    if (host.find(':') != std::string::npos) return false;  // IPv6 needs brackets
  }
  const std::string p = text.substr(colon + 1);
  unsigned v = 0;
  const auto r = std::from_chars(p.data(), p.data() + p.size(), v);
  if (p.empty() || r.ec != std::errc() || r.ptr != p.data() + p.size() || v > 65535) return false;
  port = static_cast<uint16_t>(v);
  return !host.empty();
}

bool parse_http_url(const std::string& text, HttpUrl& out, std::string& why) {
  std::string rest;
  if (text.rfind("http://", 0) == 0) {
    out.scheme = "http";
    out.port = 80;
    rest = text.substr(7);
  } else if (text.rfind("https://", 0) == 0) {
    out.scheme = "https";
    out.port = 443;
    rest = text.substr(8);
  } else {
    why = "must start with http:// or https://";
    return false;
  }
  const size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  out.path = slash == std::string::npos ? "/" : rest.substr(slash);
  if (authority.find('@') != std::string::npos) {
    why = "credentials in the URL are not supported (send them in a header)";
    return false;
  }
  const bool bracketed = !authority.empty() && authority.front() == '[';
  const size_t colon = authority.rfind(':');
  if (colon != std::string::npos && (!bracketed || authority.find(']') < colon)) {
    std::string host;
    uint16_t port = 0;
    if (!split_host_port(authority, host, port) || port == 0) {
      why = "bad port in '" + authority + "'";
      return false;
    }
    out.host = host;
    out.port = port;
  } else {
    out.host = bracketed ? authority.substr(1, authority.size() - 2) : authority;
  }
  if (out.host.empty()) {
    why = "missing host";
    return false;
  }
  return true;
}

}  // namespace wsn::config
