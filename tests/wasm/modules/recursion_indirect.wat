;; Unbounded recursion through call_indirect (wabt 1.0.32's interpreter aborts the host on
;; this without the depth counter).
(module
  (memory (export "memory") 1)
  (func (export "wsn_abi_v1"))
  (func (export "wsn_event_buffer") (result i32) (i32.const 1024))
  (func (export "wsn_event_buffer_size") (result i32) (i32.const 8192))
  (type $t (func (param i32) (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $down)
  (func $down (param i32) (result i32)
    (call_indirect (type $t) (i32.add (local.get 0) (i32.const 1)) (i32.const 0)))
  (func (export "wsn_on_event") (param i32) (result i32)
    (call_indirect (type $t) (i32.const 0) (i32.const 0))))
