;; Floods state_set with distinct keys (event time + a counter) until fuel runs out: each call
;; costs host fuel, so the loop ends with a fuel trap after ~2000 inserts, not 100 000.
(module
  (import "wsn" "state_set" (func $set (param i32 i32 i64 i64)))
  (import "wsn" "event_time" (func $now (result i64)))
  (memory (export "memory") 1)
  (func (export "wsn_abi_v1"))
  (func (export "wsn_event_buffer") (result i32) (i32.const 1024))
  (func (export "wsn_event_buffer_size") (result i32) (i32.const 8192))
  (func (export "wsn_on_event") (param i32) (result i32)
    (local $n i64)
    (i64.store (i32.const 0) (call $now))
    (loop $l
      (i64.store (i32.const 8) (local.get $n))
      (call $set (i32.const 0) (i32.const 16) (local.get $n) (i64.const 0))
      (local.set $n (i64.add (local.get $n) (i64.const 1)))
      (br $l))
    (i32.const 0)))
