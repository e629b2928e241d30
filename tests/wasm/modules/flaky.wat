;; Traps on events whose action is "fork" (divides by zero), matches "exec", else no match.
;; Record: header 32 bytes, slot 2 (event.action) at 32 + 2*16 = 64: type u8, len at +12.
(module
  (memory (export "memory") 1)
  (func (export "wsn_abi_v1"))
  (func (export "wsn_event_buffer") (result i32) (i32.const 1024))
  (func (export "wsn_event_buffer_size") (result i32) (i32.const 8192))
  (func (export "wsn_on_event") (param i32) (result i32)
    (local $p i32)
    ;; string offset and first byte of event.action
    (local.set $p (i32.add (i32.const 1024) (i32.load (i32.const 1096))))
    (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 102)) ;; 'f'
      (then (drop (i32.div_u (i32.const 1) (i32.const 0)))))
    (i32.eq (i32.load8_u (local.get $p)) (i32.const 101))))  ;; 'e'
