;; Unbounded direct recursion: must end with a depth trap, far from the interpreter's limit.
(module
  (memory (export "memory") 1)
  (func (export "wsn_abi_v1"))
  (func (export "wsn_event_buffer") (result i32) (i32.const 1024))
  (func (export "wsn_event_buffer_size") (result i32) (i32.const 8192))
  (func $down (param i32) (result i32)
    (call $down (i32.add (local.get 0) (i32.const 1))))
  (func (export "wsn_on_event") (param i32) (result i32)
    (call $down (i32.const 0))))
