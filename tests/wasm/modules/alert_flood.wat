;; Floods emit_alert with 4 KiB details: the host refuses the 17th alert of the call.
(module
  (import "wsn" "emit_alert" (func $e (param i32 i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "flood\0a\1b[2J")
  (func (export "wsn_abi_v1"))
  (func (export "wsn_event_buffer") (result i32) (i32.const 16384))
  (func (export "wsn_event_buffer_size") (result i32) (i32.const 8192))
  (func (export "wsn_on_event") (param i32) (result i32)
    (loop $l
      (call $e (i32.const -1) (i32.const 0) (i32.const 10) (i32.const 0) (i32.const 4096))
      (br $l))
    (i32.const 1)))
