/* The interface between the engine and one compiled (AOT) rule module: a shared object built
 * from wasm2c output + the project's runtime (wsn_wasm_rt.c) + a generated glue file. The
 * object exports exactly one symbol, `wsn_aot_module_v1`, returning a table of functions.
 * Host functions are passed in as a table too, so nothing binds by symbol name across the
 * boundary. Pure C; included by the engine and by every generated glue file.
 */
#ifndef WSN_AOT_ABI_H_
#define WSN_AOT_ABI_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WSN_AOT_ABI_VERSION 2u
#define WSN_AOT_ENTRY "wsn_aot_module_v1"

/* Trap codes returned by create/call: 0 = none; 1..8 = wasm_rt_trap_t; plus these. */
#define WSN_AOT_TRAP_HOST 64      /* a host function refused its arguments */
#define WSN_AOT_TRAP_RESOURCE 65  /* memory/table allocation failed */
#define WSN_AOT_TRAP_NO_EXPORT 66 /* the module does not export the requested function */

/* Same layout as wasm_rt_memory_t (checked by the glue). */
typedef struct wsn_aot_memory {
  uint8_t* data;
  uint32_t pages, max_pages;
  uint32_t size;
} wsn_aot_memory;

/* Host functions; each returns 0, or nonzero to trap the calling module (WSN_AOT_TRAP_HOST). */
typedef struct wsn_aot_host {
  int32_t (*emit_alert)(void* ctx, uint32_t sev, uint32_t title, uint32_t title_len,
                        uint32_t details, uint32_t details_len);
  int32_t (*log)(void* ctx, uint32_t level, uint32_t msg, uint32_t msg_len);
  int32_t (*get_field)(void* ctx, uint32_t field, uint32_t item, uint32_t buf, uint32_t buf_len,
                       uint32_t* result);
  int32_t (*state_get)(void* ctx, uint32_t key, uint32_t key_len, uint64_t* result);
  int32_t (*state_set)(void* ctx, uint32_t key, uint32_t key_len, uint64_t value, uint64_t ttl);
  int32_t (*state_add)(void* ctx, uint32_t key, uint32_t key_len, uint64_t delta, uint64_t ttl,
                       uint64_t* result);
  int32_t (*state_del)(void* ctx, uint32_t key, uint32_t key_len, uint32_t* result);
  int32_t (*event_time)(void* ctx, uint64_t* result);
  /* The rewriter's deadline import: nonzero once the call's wall-clock budget is spent. */
  int32_t (*deadline)(void* ctx);
} wsn_aot_host;

typedef struct wsn_aot_module_api {
  uint32_t abi_version;      /* WSN_AOT_ABI_VERSION */
  const char* module_sha256; /* hex digest of the canonical module it was built from */
  uint32_t export_mask;      /* bit k set: wsn::wasm::Export k is exported */
  /* Once per process, before the first create (not thread safe). */
  void (*init_module)(void);
  /* Instantiates (data segments, start function). Always returns an object to pass to
   * destroy (NULL only when out of memory); *trap is nonzero if instantiation trapped. */
  void* (*create)(const wsn_aot_host* host, void* ctx, int32_t* trap);
  void (*destroy)(void* instance);
  /* Calls export `export_id` with one argument (ignored when it takes none); returns a trap
   * code. `result` receives the i32/i64 result, if any. */
  int32_t (*call)(void* instance, uint32_t export_id, uint64_t arg, uint64_t* result);
  int64_t* (*fuel)(void* instance);
  int32_t* (*depth)(void* instance);
  int64_t* (*checkpoint)(void* instance);
  wsn_aot_memory* (*memory)(void* instance);
} wsn_aot_module_api;

typedef const wsn_aot_module_api* (*wsn_aot_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* WSN_AOT_ABI_H_ */
