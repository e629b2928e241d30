;; Deterministic work proportional to the command line (FNV-1a over it, 16 rounds), so the
;; differential test compares non-trivial fuel counts. Matches when the hash is odd.
(module
  (memory (export "memory") 1)
  (func (export "wsn_abi_v1"))
  (func (export "wsn_event_buffer") (result i32) (i32.const 1024))
  (func (export "wsn_event_buffer_size") (result i32) (i32.const 8192))
  (func $fnv (param $p i32) (param $n i32) (param $h i32) (result i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $h (i32.mul (i32.xor (local.get $h)
                                        (i32.load8_u (i32.add (local.get $p) (local.get $i))))
                               (i32.const 16777619)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $h))
  (func (export "wsn_on_event") (param i32) (result i32)
    (local $h i32) (local $r i32) (local $p i32) (local $n i32)
    ;; slot 1 (process.command_line) at 1024 + 32 + 16: off at +8, len at +12
    (if (i32.ne (i32.load8_u (i32.const 1072)) (i32.const 1)) (then (return (i32.const 0))))
    (local.set $p (i32.add (i32.const 1024) (i32.load (i32.const 1080))))
    (local.set $n (i32.load (i32.const 1084)))
    (local.set $h (i32.const -2128831035))
    (loop $round
      (local.set $h (call $fnv (local.get $p) (local.get $n) (local.get $h)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $round (i32.lt_u (local.get $r) (i32.const 16))))
    (i32.and (local.get $h) (i32.const 1))))
