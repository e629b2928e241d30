#include "alert/sinks/syslog/syslog_sink.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "event/timestamp.h"

namespace wsn {
namespace {

constexpr std::string_view kFacilities[] = {
    "kern",   "user",   "mail",     "daemon", "auth",   "syslog", "lpr",    "news",
    "uucp",   "cron",   "authpriv", "ftp",    "ntp",    "audit",  "alert",  "clock",
    "local0", "local1", "local2",   "local3", "local4", "local5", "local6", "local7"};

int severity_code(Severity s) {
  switch (s) {
    case Severity::kCritical:
      return 2;
    case Severity::kHigh:
      return 3;
    case Severity::kMedium:
      return 4;
    case Severity::kLow:
      return 5;
  }
  return 4;
}

// RFC 5424 PARAM-VALUE: '"', '\' and ']' are escaped with a backslash.
void append_param(std::string_view v, std::string& out) {
  for (char c : v) {
    if (c == '"' || c == '\\' || c == ']') out += '\\';
    out += c;
  }
}

// HOSTNAME / APP-NAME: PRINTUSASCII only, NILVALUE when empty.
void append_header_field(std::string_view v, size_t max, std::string& out) {
  size_t n = 0;
  for (char c : v) {
    if (n == max) break;
    if (c > 32 && c < 127) {
      out += c;
      ++n;
    }
  }
  if (n == 0) out += '-';
}

}  // namespace

int SyslogSink::facility_code(std::string_view name) {
  for (size_t k = 0; k < std::size(kFacilities); ++k) {
    if (kFacilities[k] == name) return static_cast<int>(k);
  }
  return -1;
}

void SyslogSink::format_message(const Alert& alert, std::string_view json, int facility,
                                std::string_view hostname, std::string_view app_name, int pid,
                                std::string& out) {
  const RuleMeta& rule = *alert.rule;
  out += '<';
  out += std::to_string(facility * 8 + severity_code(alert.severity));
  out += ">1 ";
  // TIME-SECFRAC allows at most 6 digits: truncate to microseconds.
  const int64_t us_ns = alert.time_ns - ((alert.time_ns % 1000) + 1000) % 1000;
  format_rfc3339(us_ns, out);
  out += ' ';
  append_header_field(hostname, 255, out);
  out += ' ';
  append_header_field(app_name, 48, out);
  out += ' ';
  out += std::to_string(pid);
  out += " alert [wsn@32473 rule_id=\"";
  append_param(rule.id, out);
  out += "\" severity=\"";
  out += severity_label(alert.severity);
  out += "\" sequence=\"";
  out += std::to_string(alert.sequence);
  out += "\" count=\"";
  out += std::to_string(alert.count);
  out += "\"] ";
  out += json;
}

Result<std::unique_ptr<SyslogSink>> SyslogSink::open(SyslogOptions options) {
  std::unique_ptr<SyslogSink> sink(new SyslogSink(std::move(options)));
  SyslogOptions& o = sink->options_;
  sink->facility_ = facility_code(o.facility);
  if (sink->facility_ < 0) return Error{"syslog: unknown facility '" + o.facility + "'"};
  if (o.hostname.empty()) {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) == 0) o.hostname = host;
  }
  sink->name_ = "syslog:" + o.address;
  if (o.address.rfind("unix:", 0) == 0) {
    sink->unix_ = true;
    sink->unix_path_ = o.address.substr(5);
    if (sink->unix_path_.empty() || sink->unix_path_.size() >= sizeof(sockaddr_un::sun_path)) {
      return Error{"syslog: bad socket path in '" + o.address + "'"};
    }
    // A daemon that starts later is picked up (each write retries), but the operator hears now.
    if (!sink->connect_socket()) {
      sink->open_problem_ = "cannot connect to " + sink->unix_path_ + ": " +
                            std::strerror(sink->last_errno_.load()) +
                            "; alerts are not delivered until a syslog daemon listens there "
                            "(each write retries)";
    }
    return sink;
  }
  if (o.address.rfind("udp:", 0) != 0) {
    return Error{"syslog: address must be unix:PATH or udp:HOST:PORT, got '" + o.address + "'"};
  }
  sink->unix_ = false;
  const std::string hp = o.address.substr(4);
  std::string host, port;
  if (!hp.empty() && hp.front() == '[') {
    const size_t close = hp.find(']');
    if (close == std::string::npos || close + 2 > hp.size()) {
      return Error{"syslog: bad address '" + o.address + "'"};
    }
    host = hp.substr(1, close - 1);
    port = hp.substr(close + 2);
  } else {
    const size_t colon = hp.rfind(':');
    if (colon == std::string::npos) return Error{"syslog: bad address '" + o.address + "'"};
    host = hp.substr(0, colon);
    port = hp.substr(colon + 1);
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_family = AF_UNSPEC;
  addrinfo* res = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &res); rc != 0 || !res) {
    return Error{"syslog: cannot resolve " + hp + ": " + ::gai_strerror(rc)};
  }
  sink->udp_addr_.assign(reinterpret_cast<const char*>(res->ai_addr), res->ai_addrlen);
  const int family = res->ai_family;
  ::freeaddrinfo(res);
  sink->fd_ = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sink->fd_ < 0) return Error{std::string("syslog: socket: ") + std::strerror(errno), errno};
  return sink;
}

SyslogSink::~SyslogSink() {
  if (fd_ >= 0) ::close(fd_);
}

bool SyslogSink::connect_socket() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    last_errno_ = errno;
    return false;
  }
  // A stuck syslog daemon must not stall detection for long.
  timeval tv{1, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, unix_path_.data(), unix_path_.size());
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    last_errno_ = errno;
    ::close(fd_);
    fd_ = -1;
    return false;
  }
  return true;
}

bool SyslogSink::send_message() {
  if (fd_ < 0) return false;
  ssize_t n;
  if (unix_) {
    n = ::send(fd_, message_.data(), message_.size(), MSG_NOSIGNAL);
  } else {
    n = ::sendto(fd_, message_.data(), message_.size(), MSG_NOSIGNAL,
                 reinterpret_cast<const sockaddr*>(udp_addr_.data()),
                 static_cast<socklen_t>(udp_addr_.size()));
  }
  if (n < 0) last_errno_ = errno;
  return n == static_cast<ssize_t>(message_.size());
}

std::string SyslogSink::last_error() const {
  if (failures() == 0) return "";
  const int e = last_errno_.load();
  const std::string where = unix_ ? "connect/send to " + unix_path_ : "send to " + options_.address;
  return e ? where + ": " + std::strerror(e) : where + ": short write";
}

bool SyslogSink::write(const Alert& alert, std::string_view json) {
  message_.clear();
  format_message(alert, json, facility_, options_.hostname, options_.app_name,
                 static_cast<int>(::getpid()), message_);
  if (message_.size() > options_.max_message) {
    message_.resize(options_.max_message);
    ++truncated_;
  }
  bool ok = send_message();
  if (!ok && unix_) ok = connect_socket() && send_message();  // the daemon restarted
  if (!ok) failures_.fetch_add(1, std::memory_order_relaxed);
  return ok;
}

}  // namespace wsn
