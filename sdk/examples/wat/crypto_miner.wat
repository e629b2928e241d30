;; Crypto-miner indicators, hand-written WebAssembly text. A compact version of
;; examples/c/crypto_miner.c: the conclusive indicators only (xmrig/minerd process names,
;; stratum pool URLs, --donate-level), on exec; and connections to common pool ports by a
;; process showing one of them.
(module
  (import "wsn" "emit_alert" (func $emit_alert (param i32 i32 i32 i32 i32)))
  (memory (export "memory") 1)

  (data (i32.const 0x40) "exec")               ;; 4
  (data (i32.const 0x50) "xmrig")              ;; 5
  (data (i32.const 0x58) "minerd")             ;; 6
  (data (i32.const 0x60) "stratum+tcp://")     ;; 14
  (data (i32.const 0x70) "stratum+ssl://")     ;; 14
  (data (i32.const 0x80) "--donate-level")     ;; 14
  (data (i32.const 0x100) "Crypto-miner started")               ;; 20
  (data (i32.const 0x120) "Connection to a mining-pool port")   ;; 32
  (data (i32.const 0x140) "known miner process name")           ;; 24
  (data (i32.const 0x160) "connection_attempted")               ;; 20

  (global $buf i32 (i32.const 0x1000))
  (func (export "wsn_abi_v1"))
  (func (export "wsn_event_buffer") (result i32) (global.get $buf))
  (func (export "wsn_event_buffer_size") (result i32) (i32.const 16384))

  (func $slot (param $field i32) (result i32)
    (i32.add (global.get $buf) (i32.add (i32.const 32) (i32.shl (local.get $field) (i32.const 4)))))
  (func $str_ptr (param $field i32) (result i32)
    (i32.add (global.get $buf) (i32.load offset=8 (call $slot (local.get $field)))))
  (func $str_len (param $field i32) (result i32)
    (if (result i32) (i32.eq (i32.load8_u (call $slot (local.get $field))) (i32.const 1))
      (then (i32.load offset=12 (call $slot (local.get $field))))
      (else (i32.const 0))))
  (func $lower (param $c i32) (result i32)
    (if (result i32) (i32.and (i32.ge_u (local.get $c) (i32.const 65)) (i32.le_u (local.get $c) (i32.const 90)))
      (then (i32.add (local.get $c) (i32.const 32)))
      (else (local.get $c))))
  ;; Case-insensitive equality of [p, p+n) with the lower-case literal [q, q+m).
  (func $ieq (param $p i32) (param $n i32) (param $q i32) (param $m i32) (result i32)
    (local $i i32)
    (if (i32.ne (local.get $n) (local.get $m)) (then (return (i32.const 0))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.ne (call $lower (i32.load8_u (i32.add (local.get $p) (local.get $i))))
                    (i32.load8_u (i32.add (local.get $q) (local.get $i))))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 1))
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
  (func $icontains (param $p i32) (param $n i32) (param $q i32) (param $m i32) (result i32)
    (local $i i32)
    (if (i32.gt_u (local.get $m) (local.get $n)) (then (return (i32.const 0))))
    (block $done
      (loop $next
        (br_if $done (i32.gt_u (local.get $i) (i32.sub (local.get $n) (local.get $m))))
        (if (call $ieq (i32.add (local.get $p) (local.get $i)) (local.get $m) (local.get $q) (local.get $m))
          (then (return (i32.const 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 0))

  ;; Writes the first indicator found to $why_ptr/$why_len globals; returns 1 if any.
  (global $why_ptr (mut i32) (i32.const 0))
  (global $why_len (mut i32) (i32.const 0))
  (func $indicator (result i32)
    (local $name i32) (local $name_len i32) (local $cmd i32) (local $cmd_len i32)
    (local.set $name (call $str_ptr (i32.const 1)))
    (local.set $name_len (call $str_len (i32.const 1)))
    (local.set $cmd (call $str_ptr (i32.const 2)))
    (local.set $cmd_len (call $str_len (i32.const 2)))
    (if (i32.or (call $eq (local.get $name) (local.get $name_len) (i32.const 0x50) (i32.const 5))
                (call $eq (local.get $name) (local.get $name_len) (i32.const 0x58) (i32.const 6)))
      (then (global.set $why_ptr (i32.const 0x140)) (global.set $why_len (i32.const 24))
            (return (i32.const 1))))
    (if (call $icontains (local.get $cmd) (local.get $cmd_len) (i32.const 0x60) (i32.const 14))
      (then (global.set $why_ptr (i32.const 0x60)) (global.set $why_len (i32.const 14))
            (return (i32.const 1))))
    (if (call $icontains (local.get $cmd) (local.get $cmd_len) (i32.const 0x70) (i32.const 14))
      (then (global.set $why_ptr (i32.const 0x70)) (global.set $why_len (i32.const 14))
            (return (i32.const 1))))
    (if (call $icontains (local.get $cmd) (local.get $cmd_len) (i32.const 0x80) (i32.const 14))
      (then (global.set $why_ptr (i32.const 0x80)) (global.set $why_len (i32.const 14))
            (return (i32.const 1))))
    (i32.const 0))

  (func $pool_port (result i32)
    (local $p i64)
    (if (i32.ne (i32.load8_u (call $slot (i32.const 3))) (i32.const 2)) (then (return (i32.const 0))))
    (local.set $p (i64.load offset=8 (call $slot (i32.const 3))))
    (i32.or (i32.or (i64.eq (local.get $p) (i64.const 3333)) (i64.eq (local.get $p) (i64.const 5555)))
            (i32.or (i64.eq (local.get $p) (i64.const 14444)) (i64.eq (local.get $p) (i64.const 45700)))))

  (func (export "wsn_on_event") (param $len i32) (result i32)
    (local $category i32)
    (local.set $category (i32.load16_u offset=8 (global.get $buf)))
    (if (i32.and (i32.eq (local.get $category) (i32.const 1))  ;; WSN_CAT_PROCESS
                 (call $eq (call $str_ptr (i32.const 0)) (call $str_len (i32.const 0)) (i32.const 0x40) (i32.const 4)))
      (then
        (if (call $indicator)
          (then
            (call $emit_alert (i32.const 2) (i32.const 0x100) (i32.const 20)
                              (global.get $why_ptr) (global.get $why_len))
            (return (i32.const 1))))
        (return (i32.const 0))))
    (if (i32.and (i32.eq (local.get $category) (i32.const 3))  ;; WSN_CAT_NETWORK
                 (call $eq (call $str_ptr (i32.const 0)) (call $str_len (i32.const 0)) (i32.const 0x160) (i32.const 20)))
      (then
        (if (i32.and (call $pool_port) (call $indicator))
          (then
            (call $emit_alert (i32.const 1) (i32.const 0x120) (i32.const 32)
                              (global.get $why_ptr) (global.get $why_len))
            (return (i32.const 1))))))
    (i32.const 0)))
