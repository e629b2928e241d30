/* WasmSentinel rule SDK for C and C++: write a detector, compile it with
 *
 *   clang --target=wasm32-wasi -O2 -nostartfiles -mexec-model=reactor \
 *         -Wl,--no-entry -Wl,--strip-all -I sdk/include rule.c -o rule.raw.wasm
 *   wsn-wasm-meta rule.raw.wasm rule.meta rule.wasm      # adds the wsn.meta section
 *
 * (sdk/README.md has the whole recipe). A minimal rule:
 *
 *   #include "wsn_rule.h"
 *   WSN_RULE(8192);                       // ABI marker + an 8 KiB event buffer
 *   enum { F_CMDLINE };                   // order of `fields` in rule.meta
 *   WSN_EXPORT(wsn_on_event) int32_t wsn_on_event(uint32_t len) {
 *     const wsn_record_header* r = wsn_record(len);
 *     wsn_str cmd = wsn_field_str(r, F_CMDLINE);
 *     return wsn_str_contains(cmd, "/dev/tcp/") ? WSN_MATCH : WSN_NO_MATCH;
 *   }
 *
 * Everything here is header-only and allocation-free. Durable state (counters across events)
 * belongs in the host's state store (wsn_state_*): a module's own memory is reset whenever
 * its instance is re-created (after a trap, a reload or a tier switch).
 */
#ifndef WSN_RULE_H_
#define WSN_RULE_H_

#include <stddef.h>
#include <stdint.h>

#include "wsn_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WSN_EXPORT(name) __attribute__((export_name(#name)))

#if defined(__wasm__)
#define WSN_IMPORT(name) __attribute__((import_module("wsn"), import_name(#name)))
#else
#define WSN_IMPORT(name)
#endif

/* ---- Host functions ---------------------------------------------------------------------- */
WSN_IMPORT(emit_alert)
void wsn_emit_alert(int32_t severity, const char* title, uint32_t title_len, const char* details,
                    uint32_t details_len);
WSN_IMPORT(log) void wsn_log(int32_t level, const char* msg, uint32_t msg_len);
WSN_IMPORT(get_field)
int32_t wsn_get_field(uint32_t field, uint32_t item, void* buf, uint32_t buf_len);
WSN_IMPORT(state_get) int64_t wsn_state_get(const void* key, uint32_t key_len);
WSN_IMPORT(state_set)
void wsn_state_set(const void* key, uint32_t key_len, int64_t value, int64_t ttl_ns);
WSN_IMPORT(state_add)
int64_t wsn_state_add(const void* key, uint32_t key_len, int64_t delta, int64_t ttl_ns);
WSN_IMPORT(state_del) int32_t wsn_state_del(const void* key, uint32_t key_len);
WSN_IMPORT(event_time) int64_t wsn_event_time(void);

/* ---- Module boilerplate ------------------------------------------------------------------ */
/* Defines the ABI marker and a record buffer of `size` bytes (>= 64) reserved once. */
#define WSN_RULE(size)                                                     \
  static uint8_t wsn_buffer_[(size)] __attribute__((aligned(8)));          \
  WSN_EXPORT(wsn_abi_v1) void wsn_abi_v1(void) {}                          \
  WSN_EXPORT(wsn_event_buffer) uint8_t* wsn_event_buffer(void) {           \
    return wsn_buffer_;                                                    \
  }                                                                        \
  WSN_EXPORT(wsn_event_buffer_size) uint32_t wsn_event_buffer_size(void) { \
    return (size);                                                         \
  }                                                                        \
  typedef int wsn_rule_defined_

/* ---- Small string helpers (no libc needed) ---------------------------------------------- */
typedef struct wsn_str {
  const char* p; /* NUL-terminated for record strings; NULL when absent */
  uint32_t len;
} wsn_str;

static inline uint32_t wsn_cstrlen(const char* s) {
  uint32_t n = 0;
  while (s[n]) ++n;
  return n;
}

static inline int wsn_str_eq(wsn_str a, const char* lit) {
  if (!a.p) return 0;
  uint32_t n = wsn_cstrlen(lit);
  if (n != a.len) return 0;
  for (uint32_t k = 0; k < n; ++k)
    if (a.p[k] != lit[k]) return 0;
  return 1;
}

static inline char wsn_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

/* Byte offset of `lit` in `a`, or -1. `nocase` folds ASCII letters. */
static inline int32_t wsn_str_find_ex(wsn_str a, const char* lit, int nocase) {
  if (!a.p) return -1;
  uint32_t n = wsn_cstrlen(lit);
  if (n == 0) return 0;
  if (n > a.len) return -1;
  for (uint32_t i = 0; i + n <= a.len; ++i) {
    uint32_t k = 0;
    if (nocase) {
      while (k < n && wsn_lower(a.p[i + k]) == wsn_lower(lit[k])) ++k;
    } else {
      while (k < n && a.p[i + k] == lit[k]) ++k;
    }
    if (k == n) return (int32_t)i;
  }
  return -1;
}
static inline int wsn_str_contains(wsn_str a, const char* lit) {
  return wsn_str_find_ex(a, lit, 0) >= 0;
}
static inline int wsn_str_icontains(wsn_str a, const char* lit) {
  return wsn_str_find_ex(a, lit, 1) >= 0;
}
static inline int wsn_str_ends_with(wsn_str a, const char* lit) {
  if (!a.p) return 0;
  uint32_t n = wsn_cstrlen(lit);
  if (n > a.len) return 0;
  for (uint32_t k = 0; k < n; ++k)
    if (a.p[a.len - n + k] != lit[k]) return 0;
  return 1;
}

/* ---- Record accessors -------------------------------------------------------------------- */
uint8_t* wsn_event_buffer(void); /* defined by WSN_RULE */

static inline const wsn_record_header* wsn_record(uint32_t len) {
  (void)len;
  return (const wsn_record_header*)(const void*)wsn_event_buffer();
}

static inline const wsn_slot* wsn_slot_at(const wsn_record_header* r, uint32_t field) {
  if (field >= r->nslots) return 0;
  return (const wsn_slot*)(const void*)((const uint8_t*)r + sizeof(wsn_record_header)) + field;
}

static inline int wsn_has(const wsn_record_header* r, uint32_t field) {
  const wsn_slot* s = wsn_slot_at(r, field);
  return s && s->type != WSN_ABSENT;
}

/* String value of a field (WSN_STRING), or {NULL, 0}. */
static inline wsn_str wsn_field_str(const wsn_record_header* r, uint32_t field) {
  wsn_str out = {0, 0};
  const wsn_slot* s = wsn_slot_at(r, field);
  if (!s || s->type != WSN_STRING) return out;
  out.p = (const char*)r + s->v.s.off;
  out.len = s->v.s.len;
  return out;
}

/* Integer value of a WSN_INT / WSN_UINT / WSN_BOOL / WSN_TIMESTAMP field; `dflt` if absent. */
static inline int64_t wsn_field_int(const wsn_record_header* r, uint32_t field, int64_t dflt) {
  const wsn_slot* s = wsn_slot_at(r, field);
  if (!s) return dflt;
  switch (s->type) {
    case WSN_INT:
    case WSN_BOOL:
    case WSN_TIMESTAMP:
      return s->v.i;
    case WSN_UINT:
      return (int64_t)s->v.u;
    default:
      return dflt;
  }
}

/* The 16 bytes of a WSN_IP field (IPv6, or IPv4-mapped with *is_v4 set); NULL if absent. */
static inline const uint8_t* wsn_field_ip(const wsn_record_header* r, uint32_t field, int* is_v4) {
  const wsn_slot* s = wsn_slot_at(r, field);
  if (!s || s->type != WSN_IP) return 0;
  if (is_v4) *is_v4 = (s->flags & WSN_SLOT_IPV4) != 0;
  return (const uint8_t*)r + s->v.s.off;
}

/* Number of items of a WSN_STRING_LIST field (0 if absent). */
static inline uint32_t wsn_list_count(const wsn_record_header* r, uint32_t field) {
  const wsn_slot* s = wsn_slot_at(r, field);
  return (s && s->type == WSN_STRING_LIST) ? s->count : 0;
}

/* Item k of a WSN_STRING_LIST field, or {NULL, 0}. Walks the list: O(total length). */
static inline wsn_str wsn_list_item(const wsn_record_header* r, uint32_t field, uint32_t k) {
  wsn_str out = {0, 0};
  const wsn_slot* s = wsn_slot_at(r, field);
  if (!s || s->type != WSN_STRING_LIST || k >= s->count) return out;
  const char* p = (const char*)r + s->v.s.off;
  for (uint32_t i = 0; i < k; ++i) p += wsn_cstrlen(p) + 1;
  out.p = p;
  out.len = wsn_cstrlen(p);
  return out;
}

/* ---- Alerts and state -------------------------------------------------------------------- */
static inline void wsn_alert(int32_t severity, const char* title, const char* details) {
  wsn_emit_alert(severity, title, wsn_cstrlen(title), details, details ? wsn_cstrlen(details) : 0);
}

static inline void wsn_log_str(int32_t level, const char* msg) {
  wsn_log(level, msg, wsn_cstrlen(msg));
}

#define WSN_SECONDS(s) ((int64_t)(s)*1000000000LL)

#ifdef __cplusplus
}
#endif

#endif /* WSN_RULE_H_ */
