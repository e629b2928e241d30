;; Infinite loop in the event handler: must end with a fuel trap.
(module
  (memory (export "memory") 1)
  (func (export "wsn_abi_v1"))
  (func (export "wsn_event_buffer") (result i32) (i32.const 1024))
  (func (export "wsn_event_buffer_size") (result i32) (i32.const 8192))
  (func (export "wsn_on_event") (param i32) (result i32)
    (loop $forever (br $forever))
    (i32.const 0)))
