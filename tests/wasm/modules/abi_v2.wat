;; Targets a future ABI major version.
(module
  (memory (export "memory") 1)
  (func (export "wsn_abi_v2"))
  (func (export "wsn_event_buffer") (result i32) (i32.const 1024))
  (func (export "wsn_event_buffer_size") (result i32) (i32.const 8192))
  (func (export "wsn_on_event") (param i32) (result i32) (i32.const 0)))
