/* WasmSentinel's wasm2c runtime (see wasm-rt.h): per-thread trap target, plain _setjmp /
 * _longjmp, explicit bounds checks (the generated code's RANGE_CHECK), memory allocated at its
 * current size and grown with realloc up to the maximum the rewriter capped, no signal
 * handlers, no process-wide mutable state besides the function-type table that init_module
 * fills once before any instance exists.
 */
#include "wasm-rt.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define WSN_RT_PAGE 65536u
#define WSN_RT_MAX_FUNC_TYPES 4096u
#define WSN_RT_MAX_SIG 64u

static __thread jmp_buf* wsn_rt_jmp;

jmp_buf** wsn_rt_jmp_slot(void) { return &wsn_rt_jmp; }

void wsn_rt_trap_code(int code) {
  if (!wsn_rt_jmp) abort(); /* a trap outside a guarded call is a host bug */
  _longjmp(*wsn_rt_jmp, code);
}

void wasm_rt_trap(wasm_rt_trap_t code) {
  wsn_rt_trap_code(code == WASM_RT_TRAP_NONE ? WASM_RT_TRAP_UNREACHABLE : (int)code);
}

void wasm_rt_init(void) {}
bool wasm_rt_is_initialized(void) { return true; }
void wasm_rt_free(void) {}

const char* wasm_rt_strerror(wasm_rt_trap_t trap) {
  switch (trap) {
    case WASM_RT_TRAP_NONE: return "no error";
    case WASM_RT_TRAP_OOB: return "out of bounds memory access";
    case WASM_RT_TRAP_INT_OVERFLOW: return "integer overflow";
    case WASM_RT_TRAP_DIV_BY_ZERO: return "integer divide by zero";
    case WASM_RT_TRAP_INVALID_CONVERSION: return "invalid conversion to integer";
    case WASM_RT_TRAP_UNREACHABLE: return "unreachable executed";
    case WASM_RT_TRAP_CALL_INDIRECT: return "indirect call type mismatch";
    case WASM_RT_TRAP_UNCAUGHT_EXCEPTION: return "uncaught exception";
    case WASM_RT_TRAP_EXHAUSTION: return "call stack exhausted";
  }
  return "unknown trap";
}

/* Function types, registered once per shared object by the generated init_module. */
typedef struct {
  uint32_t params, results;
  wasm_rt_type_t types[WSN_RT_MAX_SIG];
} wsn_rt_sig;
static wsn_rt_sig* wsn_rt_sigs;
static uint32_t wsn_rt_nsigs;

/* The table lives as long as the shared object: freed when it is unloaded. */
__attribute__((destructor)) static void wsn_rt_unload(void) {
  free(wsn_rt_sigs);
  wsn_rt_sigs = NULL;
  wsn_rt_nsigs = 0;
}

uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...) {
  wsn_rt_sig s;
  memset(&s, 0, sizeof s);
  s.params = params;
  s.results = results;
  va_list ap;
  va_start(ap, results);
  for (uint32_t k = 0; k < params + results; ++k) {
    wasm_rt_type_t t = (wasm_rt_type_t)va_arg(ap, int);
    if (k < WSN_RT_MAX_SIG) s.types[k] = t;
  }
  va_end(ap);
  if (params + results > WSN_RT_MAX_SIG) {
    /* Too long to compare: give it a type of its own (only identical indices match). */
    return 0x80000000u + wsn_rt_nsigs++;
  }
  for (uint32_t i = 0; i < wsn_rt_nsigs; ++i) {
    if (memcmp(&wsn_rt_sigs[i], &s, sizeof s) == 0) return i + 1;
  }
  if (wsn_rt_nsigs >= WSN_RT_MAX_FUNC_TYPES) abort();
  if (!wsn_rt_sigs) {
    wsn_rt_sigs = (wsn_rt_sig*)calloc(WSN_RT_MAX_FUNC_TYPES, sizeof(wsn_rt_sig));
    if (!wsn_rt_sigs) abort();
  }
  wsn_rt_sigs[wsn_rt_nsigs] = s;
  return ++wsn_rt_nsigs;
}

uint32_t wasm_rt_register_tag(uint32_t size) {
  (void)size;
  return 0;
}
void wasm_rt_load_exception(uint32_t tag, uint32_t size, const void* values) {
  (void)tag;
  (void)size;
  (void)values;
}
void wasm_rt_throw(void) { wsn_rt_trap_code(WASM_RT_TRAP_UNCAUGHT_EXCEPTION); }
WASM_RT_UNWIND_TARGET* wasm_rt_get_unwind_target(void) { return wsn_rt_jmp; }
void wasm_rt_set_unwind_target(WASM_RT_UNWIND_TARGET* target) { wsn_rt_jmp = target; }
uint32_t wasm_rt_exception_tag(void) { return 0; }
uint32_t wasm_rt_exception_size(void) { return 0; }
void* wasm_rt_exception(void) { return NULL; }

void wasm_rt_allocate_memory(wasm_rt_memory_t* m, uint32_t initial_pages, uint32_t max_pages) {
  m->pages = 0;
  m->size = 0;
  m->max_pages = max_pages;
  if (initial_pages > max_pages || initial_pages >= 65536u) wsn_rt_trap_code(WSN_RT_TRAP_RESOURCE);
  const size_t bytes = (size_t)initial_pages * WSN_RT_PAGE;
  m->data = (uint8_t*)calloc(bytes ? bytes : 1, 1);
  if (!m->data) wsn_rt_trap_code(WSN_RT_TRAP_RESOURCE);
  m->pages = initial_pages;
  m->size = (uint32_t)bytes;
}

uint32_t wasm_rt_grow_memory(wasm_rt_memory_t* m, uint32_t delta) {
  const uint32_t old = m->pages;
  if (delta == 0) return old;
  const uint64_t pages = (uint64_t)old + delta;
  if (pages > m->max_pages || pages >= 65536u) return UINT32_MAX;
  const size_t bytes = (size_t)pages * WSN_RT_PAGE;
  uint8_t* p = (uint8_t*)realloc(m->data, bytes);
  if (!p) return UINT32_MAX;
  memset(p + m->size, 0, bytes - m->size);
  m->data = p;
  m->pages = (uint32_t)pages;
  m->size = (uint32_t)bytes;
  return old;
}

void wasm_rt_free_memory(wasm_rt_memory_t* m) {
  free(m->data);
  m->data = NULL;
  m->size = 0;
  m->pages = 0;
}

void wasm_rt_allocate_funcref_table(wasm_rt_funcref_table_t* t, uint32_t elements,
                                    uint32_t max_elements) {
  t->size = 0;
  t->max_size = max_elements;
  t->data = (wasm_rt_funcref_t*)calloc(elements ? elements : 1, sizeof(wasm_rt_funcref_t));
  if (!t->data) wsn_rt_trap_code(WSN_RT_TRAP_RESOURCE);
  t->size = elements;
}

void wasm_rt_free_funcref_table(wasm_rt_funcref_table_t* t) {
  free(t->data);
  t->data = NULL;
  t->size = 0;
}

void wasm_rt_allocate_externref_table(wasm_rt_externref_table_t* t, uint32_t elements,
                                      uint32_t max_elements) {
  t->size = 0;
  t->max_size = max_elements;
  t->data = (wasm_rt_externref_t*)calloc(elements ? elements : 1, sizeof(wasm_rt_externref_t));
  if (!t->data) wsn_rt_trap_code(WSN_RT_TRAP_RESOURCE);
  t->size = elements;
}

void wasm_rt_free_externref_table(wasm_rt_externref_table_t* t) {
  free(t->data);
  t->data = NULL;
  t->size = 0;
}

/* Tables cannot grow without reference types, which the loader refuses. */
uint32_t wasm_rt_grow_funcref_table(wasm_rt_funcref_table_t* t, uint32_t delta,
                                    wasm_rt_funcref_t init) {
  (void)t;
  (void)delta;
  (void)init;
  return UINT32_MAX;
}
uint32_t wasm_rt_grow_externref_table(wasm_rt_externref_table_t* t, uint32_t delta,
                                      wasm_rt_externref_t init) {
  (void)t;
  (void)delta;
  (void)init;
  return UINT32_MAX;
}
