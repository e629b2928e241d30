// SYN flood (packet inspector): more than R TCP SYNs per second to one destination address
// and port, from any sources. One alert per second of flood.
#include "inspect_common.h"

WSN_RULE(4096);

enum { F_DST, F_DPORT, F_FLAGS };  // order of `fields` in syn_flood.meta

static int64_t g_rate = 200;

WSN_EXPORT(wsn_init) int32_t wsn_init(uint32_t len) {
  wsn_setting s[] = {{"rate", &g_rate}};
  return parse_settings((const char*)wsn_event_buffer(), len, s, 1);
}

WSN_EXPORT(wsn_on_event) int32_t wsn_on_event(uint32_t len) {
  const wsn_record_header* r = wsn_record(len);
  const int64_t flags = wsn_field_int(r, F_FLAGS, -1);
  if (flags < 0 || (flags & 0x12) != 0x02) return WSN_NO_MATCH;
  int v4 = 0;
  const uint8_t* dst = wsn_field_ip(r, F_DST, &v4);
  if (!dst) return WSN_NO_MATCH;
  const int64_t port = wsn_field_int(r, F_DPORT, 0);
  wsn_text key = {{0}, 0};
  text_put(&key, "s:");
  text_bytes(&key, dst, 16);
  text_uint(&key, (uint64_t)port);
  if (wsn_state_add(key.b, key.n, 1, WSN_SECONDS(1)) != g_rate + 1) return WSN_NO_MATCH;
  wsn_text details = {{0}, 0};
  text_put(&details, "more than ");
  text_uint(&details, (uint64_t)g_rate);
  text_put(&details, " SYNs in a second to ");
  text_ip(&details, dst, v4);
  text_put(&details, " port ");
  text_uint(&details, (uint64_t)port);
  static const char kTitle[] = "SYN flood";
  wsn_emit_alert(WSN_SEV_HIGH, kTitle, sizeof kTitle - 1, details.b, details.n);
  return WSN_MATCH;
}
