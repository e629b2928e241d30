// Helpers the packet-inspector examples share: building state-store keys from addresses and
// numbers, and writing alert details, without libc (the examples are freestanding reactors).
#pragma once

#include "wsn_rule.h"

typedef struct {
  char b[128];
  uint32_t n;
} wsn_text;

static inline void text_put(wsn_text* t, const char* s) {
  while (*s && t->n + 1 < sizeof t->b) t->b[t->n++] = *s++;
}
static inline void text_bytes(wsn_text* t, const uint8_t* p, uint32_t n) {
  for (uint32_t k = 0; k < n && t->n + 1 < sizeof t->b; ++k) t->b[t->n++] = (char)p[k];
}
static inline void text_uint(wsn_text* t, uint64_t v) {
  char d[24];
  int n = 0;
  do d[n++] = (char)('0' + v % 10), v /= 10;
  while (v);
  while (n && t->n + 1 < sizeof t->b) t->b[t->n++] = d[--n];
}
// Dotted IPv4 or hex IPv6, for details a person reads.
static inline void text_ip(wsn_text* t, const uint8_t* ip, int v4) {
  static const char hex[] = "0123456789abcdef";
  if (v4) {
    for (int k = 12; k < 16; ++k) {
      text_uint(t, ip[k]);
      if (k < 15) text_put(t, ".");
    }
    return;
  }
  for (int k = 0; k < 16; k += 2) {
    char w[5] = {hex[ip[k] >> 4], hex[ip[k] & 15], hex[ip[k + 1] >> 4], hex[ip[k + 1] & 15], 0};
    text_put(t, w);
    if (k < 14) text_put(t, ":");
  }
}
// Reads "key=N" words into the named settings; an unknown key or a bad number refuses.
typedef struct {
  const char* name;
  int64_t* value;
} wsn_setting;
static inline int parse_settings(const char* p, uint32_t n, wsn_setting* s, uint32_t count) {
  uint32_t k = 0;
  while (k < n) {
    while (k < n && (p[k] == ' ' || p[k] == '\n' || p[k] == ',')) ++k;
    if (k >= n) break;
    uint32_t key = k;
    while (k < n && p[k] != '=') ++k;
    if (k >= n) return 1;
    wsn_str name = {p + key, k - key};
    ++k;
    int64_t v = 0;
    uint32_t digits = 0;
    while (k < n && p[k] >= '0' && p[k] <= '9' && digits < 12) v = v * 10 + (p[k++] - '0'), ++digits;
    if (digits == 0 || v <= 0) return 1;
    uint32_t i = 0;
    while (i < count && !wsn_str_eq(name, s[i].name)) ++i;
    if (i == count) return 1;
    *s[i].value = v;
  }
  return 0;
}
