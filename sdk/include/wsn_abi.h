/* WasmSentinel Wasm rule ABI v1: the contract between the host and a rule module.
 *
 * Pure C, no dependencies beyond <stdint.h>: the host (C++) includes this file for the record
 * layout and constants, rule authors include it through wsn_rule.h. docs/wasm-abi.md is the
 * specification; this header is its machine-readable half. Everything here is little-endian,
 * as WebAssembly is.
 *
 * Versioning: a module exports the marker function `wsn_abi_v<MAJOR>` and states
 * `abi = MAJOR.MINOR` in its `wsn.meta` custom section. New host functions bump MINOR; a
 * breaking change bumps MAJOR. A host refuses a major it does not know and a minor newer than
 * its own.
 */
#ifndef WSN_ABI_H_
#define WSN_ABI_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WSN_ABI_MAJOR 1
#define WSN_ABI_MINOR 0

/* Name of the custom section holding the module's metadata (UTF-8 `key = value` lines). */
#define WSN_META_SECTION "wsn.meta"
/* Host import module: the only namespace a rule module may import from. */
#define WSN_IMPORT_MODULE "wsn"

/* ---- The event record ------------------------------------------------------------------- */
/* One call of `wsn_on_event(len)` per event. The host writes the record at the start of the
 * buffer the module reserved (exports `wsn_event_buffer` / `wsn_event_buffer_size`): a header,
 * then one slot per field the module declared in `fields` (in declaration order), then a tail
 * holding string bytes. Offsets are relative to the start of the record. */

/* Value type of a slot. WSN_ABSENT: the event has no value for that field. */
enum {
  WSN_ABSENT = 0,
  WSN_STRING = 1,     /* v.s: bytes at off, len bytes, followed by a NUL not counted in len */
  WSN_INT = 2,        /* v.i */
  WSN_UINT = 3,       /* v.u */
  WSN_BOOL = 4,       /* v.i: 0 or 1 */
  WSN_IP = 5,         /* v.s: 16 bytes, IPv6 or IPv4-mapped IPv6 (flag WSN_SLOT_IPV4) */
  WSN_TIMESTAMP = 6,  /* v.i: ns since the Unix epoch */
  WSN_STRING_LIST = 7 /* v.s: `count` items, each followed by a NUL; len includes the NULs */
};

/* Slot flags. */
#define WSN_SLOT_TRUNCATED 0x01u /* the value did not fit in the buffer: use wsn_get_field */
#define WSN_SLOT_IPV4 0x02u      /* WSN_IP holding an IPv4 address (::ffff:a.b.c.d) */

/* Record flags. */
#define WSN_RECORD_TRUNCATED 0x01u /* at least one slot is truncated */

/* Event categories (event.category), stable ids. Other categories arrive as WSN_CAT_OTHER. */
enum {
  WSN_CAT_UNKNOWN = 0,
  WSN_CAT_PROCESS = 1,
  WSN_CAT_FILE = 2,
  WSN_CAT_NETWORK = 3,
  WSN_CAT_DRIVER = 4,
  WSN_CAT_AUTHENTICATION = 5,
  WSN_CAT_OTHER = 0xFFFF
};

typedef struct wsn_record_header {
  uint32_t abi;      /* WSN_ABI_MAJOR */
  uint32_t size;     /* bytes of the whole record (= the `len` argument of wsn_on_event) */
  uint16_t category; /* WSN_CAT_* */
  uint16_t nslots;   /* number of slots that follow = number of declared `fields` */
  uint32_t flags;    /* WSN_RECORD_* */
  int64_t time_ns;   /* @timestamp, ns since the Unix epoch (0 when absent) */
  uint64_t reserved;
} wsn_record_header;

typedef struct wsn_slot {
  uint8_t type;  /* WSN_ABSENT / WSN_STRING / ... */
  uint8_t flags; /* WSN_SLOT_* */
  uint16_t reserved;
  uint32_t count; /* WSN_STRING_LIST: number of items */
  union {
    int64_t i;
    uint64_t u;
    struct {
      uint32_t off; /* from the start of the record */
      uint32_t len;
    } s;
  } v;
} wsn_slot;

#if defined(__cplusplus)
static_assert(sizeof(wsn_record_header) == 32, "record header is 32 bytes");
static_assert(sizeof(wsn_slot) == 16, "slot is 16 bytes");
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(sizeof(wsn_record_header) == 32, "record header is 32 bytes");
_Static_assert(sizeof(wsn_slot) == 16, "slot is 16 bytes");
#endif

/* ---- Values exchanged with host functions ------------------------------------------------ */

/* emit_alert severity. WSN_SEV_RULE: the severity of the rule's YAML document. */
enum {
  WSN_SEV_RULE = -1,
  WSN_SEV_LOW = 0,
  WSN_SEV_MEDIUM = 1,
  WSN_SEV_HIGH = 2,
  WSN_SEV_CRITICAL = 3
};

enum { WSN_LOG_DEBUG = 0, WSN_LOG_INFO = 1, WSN_LOG_WARN = 2, WSN_LOG_ERROR = 3 };

/* wsn_on_event return values. Alerts raised with emit_alert count as matches too. */
#define WSN_NO_MATCH 0
#define WSN_MATCH 1 /* one alert with the rule's own title and severity (unless emit_alert ran) */

/* Limits the host enforces on host-function arguments (a violation traps the call). */
#define WSN_MAX_TITLE_BYTES 256u
#define WSN_MAX_DETAILS_BYTES 4096u
#define WSN_MAX_LOG_BYTES 1024u
#define WSN_MAX_STATE_KEY_BYTES 256u
#define WSN_MAX_ALERTS_PER_CALL 16u

/* get_field returns this for an absent field, a bad index or an item past the end. */
#define WSN_FIELD_ABSENT (-1)

/* ---- Exports a module provides (names and signatures checked at load) --------------------
 *   wsn_abi_v1            () -> ()          version marker (required)
 *   memory                memory            linear memory (required)
 *   wsn_event_buffer      () -> i32         address of the record buffer (required)
 *   wsn_event_buffer_size () -> i32         its capacity in bytes, >= 64 (required)
 *   wsn_on_event          (i32 len) -> i32  one event record (required)
 *   wsn_init              (i32 len) -> i32  configuration bytes in the buffer; 0 = ok (optional)
 *   wsn_tick              (i64 now_ns) -> i32  periodic tick; >0 = raise alerts (optional)
 *   _initialize           () -> ()          WASI reactor constructor hook (optional)
 * Any other export whose name starts with "wsn_" is reserved and refused.
 *
 * ---- Imports from module "wsn" (exact signatures; anything else is refused) -------------
 *   emit_alert (i32 severity, i32 title, i32 title_len, i32 details, i32 details_len)
 *   log        (i32 level, i32 msg, i32 msg_len)
 *   get_field  (i32 field, i32 item, i32 buf, i32 buf_len) -> i32
 *   state_get  (i32 key, i32 key_len) -> i64
 *   state_set  (i32 key, i32 key_len, i64 value, i64 ttl_ns)
 *   state_add  (i32 key, i32 key_len, i64 delta, i64 ttl_ns) -> i64
 *   state_del  (i32 key, i32 key_len) -> i32
 *   event_time () -> i64
 */

#ifdef __cplusplus
}
#endif

#endif /* WSN_ABI_H_ */
