;; Hands emit_alert a title pointer outside memory: the host refuses and the call traps.
(module
  (import "wsn" "emit_alert" (func $e (param i32 i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (func (export "wsn_abi_v1"))
  (func (export "wsn_event_buffer") (result i32) (i32.const 1024))
  (func (export "wsn_event_buffer_size") (result i32) (i32.const 8192))
  (func (export "wsn_on_event") (param i32) (result i32)
    (call $e (i32.const 2) (i32.const 0xfffffff0) (i32.const 64) (i32.const 0) (i32.const 0))
    (i32.const 1)))
