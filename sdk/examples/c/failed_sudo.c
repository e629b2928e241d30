// Password guessing through su/sudo: N failed su or sudo runs by the same user within M
// seconds (a failed sudo exits with status 1). Counts live in the host's state store, keyed
// by user, so they survive instance restarts; the window opens with the first failure.
#include "wsn_rule.h"

WSN_RULE(8192);

enum { F_ACTION, F_NAME, F_EXIT_CODE, F_USER };  // order of `fields` in failed_sudo.meta

static int64_t g_threshold = 3;
static int64_t g_window_ns = WSN_SECONDS(60);

// Parses "key=value" words; unknown keys or bad numbers refuse the configuration.
static int parse_config(const char* p, uint32_t n) {
  uint32_t k = 0;
  while (k < n) {
    while (k < n && (p[k] == ' ' || p[k] == '\n' || p[k] == ',')) ++k;
    if (k >= n) break;
    uint32_t key = k;
    while (k < n && p[k] != '=') ++k;
    if (k >= n) return 1;
    const uint32_t key_len = k - key;
    ++k;
    int64_t v = 0;
    uint32_t digits = 0;
    while (k < n && p[k] >= '0' && p[k] <= '9' && digits < 12)
      v = v * 10 + (p[k++] - '0'), ++digits;
    if (digits == 0 || v <= 0) return 1;
    wsn_str name = {p + key, key_len};
    if (wsn_str_eq(name, "threshold")) {
      g_threshold = v;
    } else if (wsn_str_eq(name, "window")) {
      g_window_ns = WSN_SECONDS(v);
    } else {
      return 1;
    }
  }
  return 0;
}

WSN_EXPORT(wsn_init) int32_t wsn_init(uint32_t len) {
  return parse_config((const char*)wsn_event_buffer(), len);
}

WSN_EXPORT(wsn_on_event) int32_t wsn_on_event(uint32_t len) {
  const wsn_record_header* r = wsn_record(len);
  if (!wsn_str_eq(wsn_field_str(r, F_ACTION), "end")) return WSN_NO_MATCH;
  const wsn_str name = wsn_field_str(r, F_NAME);
  if (!wsn_str_eq(name, "sudo") && !wsn_str_eq(name, "su")) return WSN_NO_MATCH;
  if (wsn_field_int(r, F_EXIT_CODE, 0) == 0) return WSN_NO_MATCH;
  const wsn_str user = wsn_field_str(r, F_USER);
  char key[96];
  uint32_t n = 0;
  const char prefix[] = "fail:";
  for (uint32_t k = 0; prefix[k]; ++k) key[n++] = prefix[k];
  for (uint32_t k = 0; user.p && k < user.len && n < sizeof key; ++k) key[n++] = user.p[k];
  const int64_t count = wsn_state_add(key, n, 1, g_window_ns);
  if (count != g_threshold) return WSN_NO_MATCH;  // alert once per window
  char details[160];
  uint32_t d = 0;
  const char head[] = "repeated su/sudo failures by user ";
  for (uint32_t k = 0; head[k]; ++k) details[d++] = head[k];
  for (uint32_t k = 0; user.p && k < user.len && d + 1 < sizeof details; ++k)
    details[d++] = user.p[k];
  static const char kTitle[] = "Possible su/sudo password guessing";
  wsn_emit_alert(WSN_SEV_HIGH, kTitle, sizeof kTitle - 1, details, d);
  return WSN_MATCH;
}
