;; Imports a host function with the wrong signature.
(module
  (import "wsn" "emit_alert" (func $e (param i32)))
  (memory (export "memory") 1)
  (func (export "wsn_abi_v1"))
  (func (export "wsn_event_buffer") (result i32) (i32.const 1024))
  (func (export "wsn_event_buffer_size") (result i32) (i32.const 8192))
  (func (export "wsn_on_event") (param i32) (result i32) (call $e (i32.const 1)) (i32.const 0)))
