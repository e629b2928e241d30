// DNS tunnelling (packet inspector): a DNS query whose name carries data — a label longer
// than `label` bytes, or subdomain labels of at least `length` bytes whose character entropy
// reaches `entropy`/100 bits per character (encoded data, not words).
#include "inspect_common.h"

WSN_RULE(4096);

enum { F_PAYLOAD, F_TRANSPORT, F_DPORT };  // order of `fields` in dns_tunnel.meta

static int64_t g_label = 40;
static int64_t g_length = 30;
static int64_t g_entropy = 380;  // hundredths of a bit per character

WSN_EXPORT(wsn_init) int32_t wsn_init(uint32_t len) {
  wsn_setting s[] = {{"label", &g_label}, {"length", &g_length}, {"entropy", &g_entropy}};
  return parse_settings((const char*)wsn_event_buffer(), len, s, 3);
}

// log2(num / den) in hundredths, num ≥ den, without libm: the integer part by halving, the
// fraction bit by bit by repeated squaring.
static int64_t log2_centi(uint32_t num, uint32_t den) {
  double x = (double)num / (double)den, r = 0;
  while (x >= 2) x /= 2, r += 1;
  for (double bit = 0.5; bit > 0.004; bit /= 2) {
    x *= x;
    if (x >= 2) x /= 2, r += bit;
  }
  return (int64_t)(r * 100);
}

WSN_EXPORT(wsn_on_event) int32_t wsn_on_event(uint32_t len) {
  const wsn_record_header* r = wsn_record(len);
  if (!wsn_str_eq(wsn_field_str(r, F_TRANSPORT), "udp") || wsn_field_int(r, F_DPORT, 0) != 53)
    return WSN_NO_MATCH;
  const wsn_str p = wsn_field_str(r, F_PAYLOAD);
  if (!p.p || p.len < 17) return WSN_NO_MATCH;
  const uint8_t* b = (const uint8_t*)p.p;
  if ((b[2] & 0x80) || ((b[4] << 8) | b[5]) == 0) return WSN_NO_MATCH;  // a query with a question
  // Labels of the first question; the last two (domain and TLD) are not counted as data.
  uint32_t starts[64], lens[64], n = 0, off = 12, longest = 0;
  while (off < p.len && b[off] != 0 && n < 64) {
    uint32_t l = b[off];
    if (l > 63 || off + 1 + l > p.len) return WSN_NO_MATCH;  // compressed or truncated
    starts[n] = off + 1;
    lens[n++] = l;
    if (l > longest) longest = l;
    off += 1 + l;
  }
  if (n == 0) return WSN_NO_MATCH;
  const char* what = 0;
  if ((int64_t)longest > g_label) what = "a DNS label longer than expected";
  if (!what && n > 2) {
    uint32_t counts[256] = {0}, total = 0;
    for (uint32_t i = 0; i + 2 < n; ++i)
      for (uint32_t k = 0; k < lens[i]; ++k) ++counts[b[starts[i] + k]], ++total;
    if ((int64_t)total >= g_length) {
      int64_t h = 0;  // Σ c/total · log2(total/c), in hundredths
      for (int c = 0; c < 256; ++c)
        if (counts[c]) h += (int64_t)counts[c] * log2_centi(total, counts[c]);
      if (h / total >= g_entropy) what = "high-entropy DNS subdomain (encoded data)";
    }
  }
  if (!what) return WSN_NO_MATCH;
  wsn_alert(WSN_SEV_HIGH, "Possible DNS tunnelling", what);
  return WSN_MATCH;
}
