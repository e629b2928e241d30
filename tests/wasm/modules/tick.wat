;; Returns the full length of process.command_line read lazily with get_field (a field it did
;; not ask to be serialised), after checking the copied prefix; wsn_tick matches every time.
(module
  (import "wsn" "get_field" (func $get_field (param i32 i32 i32 i32) (result i32)))
  (import "wsn" "event_time" (func $event_time (result i64)))
  (memory (export "memory") 1)
  (func (export "wsn_abi_v1"))
  (func (export "wsn_event_buffer") (result i32) (i32.const 1024))
  (func (export "wsn_event_buffer_size") (result i32) (i32.const 4096))
  (global $last_tick (mut i64) (i64.const 0))
  (func (export "wsn_on_event") (param i32) (result i32)
    (local $n i32)
    ;; field 1 = the first lazy field; copy at most 8 bytes to 0x2000
    (local.set $n (call $get_field (i32.const 1) (i32.const 0) (i32.const 0x2000) (i32.const 8)))
    ;; the copy must start with 'b' when the command line does
    (if (i32.and (i32.gt_s (local.get $n) (i32.const 0))
                 (i32.ne (i32.load8_u (i32.const 0x2000)) (i32.const 98)))
      (then unreachable))
    (local.get $n))
  (func (export "wsn_tick") (param $now i64) (result i32)
    (if (i64.ne (local.get $now) (call $event_time)) (then unreachable))
    (global.set $last_tick (local.get $now))
    (i32.const 1)))
