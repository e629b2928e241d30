;; Imports the host's deadline check, which only the rewriter may add: refused at load.
(module
  (import "wsn" "wsn_host_deadline" (func $d (param i64) (result i64)))
  (memory (export "memory") 1)
  (func (export "wsn_abi_v1"))
  (func (export "wsn_event_buffer") (result i32) (i32.const 1024))
  (func (export "wsn_event_buffer_size") (result i32) (i32.const 8192))
  (func (export "wsn_on_event") (param i32) (result i32) (i32.const 0)))
