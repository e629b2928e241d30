// Port scan (packet inspector): one source sends TCP SYNs to more than N distinct ports within
// T seconds. Distinct ports are counted in the host's state store: a key per (source, port)
// marks a port as seen in the window, a key per source counts the marks.
#include "inspect_common.h"

WSN_RULE(4096);

enum { F_SRC, F_DPORT, F_FLAGS };  // order of `fields` in port_scan.meta

static int64_t g_ports = 20;
static int64_t g_window_ns = WSN_SECONDS(10);

WSN_EXPORT(wsn_init) int32_t wsn_init(uint32_t len) {
  int64_t window_s = 10;
  wsn_setting s[] = {{"ports", &g_ports}, {"window", &window_s}};
  if (parse_settings((const char*)wsn_event_buffer(), len, s, 2)) return 1;
  g_window_ns = WSN_SECONDS(window_s);
  return 0;
}

WSN_EXPORT(wsn_on_event) int32_t wsn_on_event(uint32_t len) {
  const wsn_record_header* r = wsn_record(len);
  const int64_t flags = wsn_field_int(r, F_FLAGS, -1);
  if (flags < 0 || (flags & 0x12) != 0x02) return WSN_NO_MATCH;  // SYN without ACK
  int v4 = 0;
  const uint8_t* src = wsn_field_ip(r, F_SRC, &v4);
  if (!src) return WSN_NO_MATCH;
  const int64_t port = wsn_field_int(r, F_DPORT, -1);
  wsn_text key = {{0}, 0};
  text_put(&key, "p:");
  text_bytes(&key, src, 16);
  text_uint(&key, (uint64_t)port);
  if (wsn_state_add(key.b, key.n, 1, g_window_ns) != 1) return WSN_NO_MATCH;  // port seen
  wsn_text count_key = {{0}, 0};
  text_put(&count_key, "n:");
  text_bytes(&count_key, src, 16);
  const int64_t ports = wsn_state_add(count_key.b, count_key.n, 1, g_window_ns);
  if (ports != g_ports + 1) return WSN_NO_MATCH;  // alert once per window
  wsn_text details = {{0}, 0};
  text_put(&details, "TCP SYNs from ");
  text_ip(&details, src, v4);
  text_put(&details, " to more than ");
  text_uint(&details, (uint64_t)g_ports);
  text_put(&details, " ports");
  static const char kTitle[] = "Port scan";
  wsn_emit_alert(WSN_SEV_MEDIUM, kTitle, sizeof kTitle - 1, details.b, details.n);
  return WSN_MATCH;
}
