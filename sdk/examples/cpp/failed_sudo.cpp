// N failed su/sudo runs by one user within M seconds (C++ version of
// examples/c/failed_sudo.c, same verdicts). Counts live in the host state store.
#include <string_view>

#include "wsn_rule.hpp"

WSN_RULE(8192);

namespace {

using std::string_view;
enum : uint32_t { kAction, kName, kExitCode, kUser };  // order of `fields` in failed_sudo.meta

int64_t g_threshold = 3;
int64_t g_window_ns = WSN_SECONDS(60);

// "threshold=N window=SECONDS"; unknown keys or bad numbers refuse the configuration.
bool parse_config(string_view c) {
  while (!c.empty()) {
    const size_t start = c.find_first_not_of(" \n,");
    if (start == string_view::npos) break;
    c.remove_prefix(start);
    const size_t eq = c.find('=');
    if (eq == string_view::npos) return false;
    const string_view key = c.substr(0, eq);
    c.remove_prefix(eq + 1);
    int64_t v = 0;
    size_t digits = 0;
    while (digits < c.size() && digits < 12 && c[digits] >= '0' && c[digits] <= '9') {
      v = v * 10 + (c[digits] - '0');
      ++digits;
    }
    if (digits == 0 || v <= 0) return false;
    c.remove_prefix(digits);
    if (key == "threshold") {
      g_threshold = v;
    } else if (key == "window") {
      g_window_ns = WSN_SECONDS(v);
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" WSN_EXPORT(wsn_init) int32_t wsn_init(uint32_t len) {
  return parse_config(string_view(reinterpret_cast<const char*>(wsn_event_buffer()), len)) ? 0 : 1;
}

extern "C" WSN_EXPORT(wsn_on_event) int32_t wsn_on_event(uint32_t len) {
  const wsn_sdk::Record r(len);
  if (r.str(kAction) != "end") return WSN_NO_MATCH;
  const string_view name = r.str(kName);
  if (name != "sudo" && name != "su") return WSN_NO_MATCH;
  if (r.integer(kExitCode, 0) == 0) return WSN_NO_MATCH;
  const string_view user = r.str(kUser);
  char key[96] = "fail:";
  size_t n = 5;
  for (char ch : user) {
    if (n == sizeof key) break;
    key[n++] = ch;
  }
  if (wsn_sdk::state_add(string_view(key, n), 1, g_window_ns) != g_threshold) return WSN_NO_MATCH;
  char details[160] = "repeated su/sudo failures by user ";
  size_t d = sizeof("repeated su/sudo failures by user ") - 1;
  for (char ch : user) {
    if (d + 1 >= sizeof details) break;
    details[d++] = ch;
  }
  wsn_sdk::alert(WSN_SEV_HIGH, "Possible su/sudo password guessing", string_view(details, d));
  return WSN_MATCH;
}
