;; Floods state_add on one key (a counter) until fuel runs out: each call costs host fuel.
(module
  (import "wsn" "state_add" (func $add (param i32 i32 i64 i64) (result i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "counter")
  (func (export "wsn_abi_v1"))
  (func (export "wsn_event_buffer") (result i32) (i32.const 1024))
  (func (export "wsn_event_buffer_size") (result i32) (i32.const 8192))
  (func (export "wsn_on_event") (param i32) (result i32)
    (loop $l
      (drop (call $add (i32.const 0) (i32.const 7) (i64.const 1) (i64.const 0)))
      (br $l))
    (i32.const 0)))
