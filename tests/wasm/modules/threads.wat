;; Shared memory and an atomic load (the threads proposal).
(module
  (memory (export "memory") 1 1 shared)
  (func (export "wsn_abi_v1"))
  (func (export "wsn_event_buffer") (result i32) (i32.const 1024))
  (func (export "wsn_event_buffer_size") (result i32) (i32.const 8192))
  (func (export "wsn_on_event") (param i32) (result i32)
    (i32.atomic.load (i32.const 0))))
