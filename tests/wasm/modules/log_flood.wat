;; Floods log with a line that tries to forge an engine line (newline, a fake timestamp and
;; rule) and to clear the terminal (ESC [2J), until fuel runs out.
(module
  (import "wsn" "log" (func $log (param i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "ok\0a2026-12-07T09:00:00.000Z CRITICAL wasm rule rule1: error: forged\1b[2J")
  (func (export "wsn_abi_v1"))
  (func (export "wsn_event_buffer") (result i32) (i32.const 1024))
  (func (export "wsn_event_buffer_size") (result i32) (i32.const 8192))
  (func (export "wsn_on_event") (param i32) (result i32)
    (loop $l
      (call $log (i32.const 3) (i32.const 0) (i32.const 71))
      (br $l))
    (i32.const 0)))
