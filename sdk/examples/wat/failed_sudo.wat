;; Password guessing through su/sudo, hand-written WebAssembly text: 3 failed su or sudo runs
;; (exit with a non-zero status) by the same user within 60 s. The count lives in the host's
;; state store (wsn.state_add), keyed "fail:<user>", so it survives instance restarts.
(module
  (import "wsn" "state_add" (func $state_add (param i32 i32 i64 i64) (result i64)))
  (import "wsn" "emit_alert" (func $emit_alert (param i32 i32 i32 i32 i32)))
  (memory (export "memory") 1)

  (data (i32.const 0x40) "end")                                   ;; 3
  (data (i32.const 0x48) "sudo")                                  ;; 4
  (data (i32.const 0x50) "su")                                    ;; 2
  (data (i32.const 0x58) "fail:")                                 ;; 5
  (data (i32.const 0x100) "Possible su/sudo password guessing")   ;; 34
  (data (i32.const 0x140) "repeated su/sudo failures by user ")   ;; 34
  ;; 0x200: key scratch, 0x300: details scratch.

  (global $buf i32 (i32.const 0x1000))
  (func (export "wsn_abi_v1"))
  (func (export "wsn_event_buffer") (result i32) (global.get $buf))
  (func (export "wsn_event_buffer_size") (result i32) (i32.const 8192))

  (func $slot (param $field i32) (result i32)
    (i32.add (global.get $buf) (i32.add (i32.const 32) (i32.shl (local.get $field) (i32.const 4)))))
  (func $str_ptr (param $field i32) (result i32)
    (i32.add (global.get $buf) (i32.load offset=8 (call $slot (local.get $field)))))
  (func $str_len (param $field i32) (result i32)
    (if (result i32) (i32.eq (i32.load8_u (call $slot (local.get $field))) (i32.const 1))
      (then (i32.load offset=12 (call $slot (local.get $field))))
      (else (i32.const 0))))
  ;; Integer value of an int slot (type 2), 0 otherwise.
  (func $int (param $field i32) (result i64)
    (if (result i64) (i32.eq (i32.load8_u (call $slot (local.get $field))) (i32.const 2))
      (then (i64.load offset=8 (call $slot (local.get $field))))
      (else (i64.const 0))))

  (func $eq (param $p i32) (param $n i32) (param $q i32) (param $m i32) (result i32)
    (local $i i32)
    (if (i32.ne (local.get $n) (local.get $m)) (then (return (i32.const 0))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.ne (i32.load8_u (i32.add (local.get $p) (local.get $i)))
                    (i32.load8_u (i32.add (local.get $q) (local.get $i))))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 1))

  (func (export "wsn_on_event") (param $len i32) (result i32)
    (local $name i32) (local $name_len i32) (local $user_len i32)
    (if (i32.eqz (call $eq (call $str_ptr (i32.const 0)) (call $str_len (i32.const 0))
                           (i32.const 0x40) (i32.const 3)))
      (then (return (i32.const 0))))
    (local.set $name (call $str_ptr (i32.const 1)))
    (local.set $name_len (call $str_len (i32.const 1)))
    (if (i32.eqz (i32.or (call $eq (local.get $name) (local.get $name_len) (i32.const 0x48) (i32.const 4))
                         (call $eq (local.get $name) (local.get $name_len) (i32.const 0x50) (i32.const 2))))
      (then (return (i32.const 0))))
    (if (i64.eqz (call $int (i32.const 2))) (then (return (i32.const 0))))
    ;; key = "fail:" + user (user cut at 91 bytes, like the C version's 96-byte key)
    (local.set $user_len (call $str_len (i32.const 3)))
    (if (i32.gt_u (local.get $user_len) (i32.const 91)) (then (local.set $user_len (i32.const 91))))
    (memory.copy (i32.const 0x200) (i32.const 0x58) (i32.const 5))
    (memory.copy (i32.const 0x205) (call $str_ptr (i32.const 3)) (local.get $user_len))
    (if (i64.ne (call $state_add (i32.const 0x200) (i32.add (i32.const 5) (local.get $user_len))
                                 (i64.const 1) (i64.const 60000000000))
                (i64.const 3))
      (then (return (i32.const 0))))
    ;; details = "repeated su/sudo failures by user " + user
    (memory.copy (i32.const 0x300) (i32.const 0x140) (i32.const 34))
    (memory.copy (i32.const 0x322) (call $str_ptr (i32.const 3)) (local.get $user_len))
    (call $emit_alert (i32.const 2) (i32.const 0x100) (i32.const 34)
                      (i32.const 0x300) (i32.add (i32.const 34) (local.get $user_len)))
    (i32.const 1)))
