;; Reverse-shell command lines, hand-written WebAssembly text. A compact version of
;; examples/c/reverse_shell.c: bash /dev/tcp and /dev/udp redirections, netcat (nc, ncat,
;; netcat) with -e or -c, and python/perl/ruby/php one-liners that wire a socket to a shell
;; (socket + dup2, pty.spawn, subprocess or fsockopen). Shows the raw ABI: the record layout (sdk/include/wsn_abi.h), the
;; exports, and one host import.
(module
  (import "wsn" "emit_alert" (func $emit_alert (param i32 i32 i32 i32 i32)))
  (memory (export "memory") 1)

  ;; Literals (offset, length).
  (data (i32.const 0x40) "exec")                                      ;; 4
  (data (i32.const 0x48) "/dev/tcp/")                                 ;; 9
  (data (i32.const 0x58) "/dev/udp/")                                 ;; 9
  (data (i32.const 0x68) "nc")                                        ;; 2
  (data (i32.const 0x70) "ncat")                                      ;; 4
  (data (i32.const 0x78) "netcat")                                    ;; 6
  (data (i32.const 0x80) " -e ")                                      ;; 4
  (data (i32.const 0x88) " -c ")                                      ;; 4
  (data (i32.const 0x100) "Reverse shell command line")               ;; 26
  (data (i32.const 0x140) "shell redirected to /dev/tcp or /dev/udp") ;; 40
  (data (i32.const 0x180) "netcat executing a program for its peer")  ;; 39
  (data (i32.const 0x1c0) "scripted socket shell")                    ;; 21
  (data (i32.const 0x200) "socket")                                   ;; 6
  (data (i32.const 0x208) "dup2")                                     ;; 4
  (data (i32.const 0x210) "pty.spawn")                                ;; 9
  (data (i32.const 0x220) "subprocess")                               ;; 10
  (data (i32.const 0x230) "fsockopen")                                ;; 9
  (data (i32.const 0x240) "python")                                   ;; 6
  (data (i32.const 0x248) "php")                                      ;; 3
  (data (i32.const 0x250) "perl")                                     ;; 4
  (data (i32.const 0x258) "ruby")                                     ;; 4

  ;; The event record is written at 0x1000, 16 KiB.
  (global $buf i32 (i32.const 0x1000))
  (func (export "wsn_abi_v1"))
  (func (export "wsn_event_buffer") (result i32) (global.get $buf))
  (func (export "wsn_event_buffer_size") (result i32) (i32.const 16384))

  ;; Slot k starts at buf + 32 + 16k: type u8 at +0, string offset u32 at +8, length at +12.
  (func $str_ptr (param $field i32) (result i32)
    (i32.add (global.get $buf)
             (i32.load offset=8 (i32.add (global.get $buf)
                                         (i32.add (i32.const 32) (i32.shl (local.get $field) (i32.const 4)))))))
  (func $str_len (param $field i32) (result i32)
    (local $slot i32)
    (local.set $slot (i32.add (global.get $buf)
                              (i32.add (i32.const 32) (i32.shl (local.get $field) (i32.const 4)))))
    (if (result i32) (i32.eq (i32.load8_u (local.get $slot)) (i32.const 1))  ;; WSN_STRING
      (then (i32.load offset=12 (local.get $slot)))
      (else (i32.const 0))))

  ;; Byte-wise equality of [p, p+n) and [q, q+m).
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

  ;; Does [p, p+n) contain [q, q+m)?
  (func $contains (param $p i32) (param $n i32) (param $q i32) (param $m i32) (result i32)
    (local $i i32)
    (if (i32.gt_u (local.get $m) (local.get $n)) (then (return (i32.const 0))))
    (block $done
      (loop $next
        (br_if $done (i32.gt_u (local.get $i) (i32.sub (local.get $n) (local.get $m))))
        (if (call $eq (i32.add (local.get $p) (local.get $i)) (local.get $m) (local.get $q) (local.get $m))
          (then (return (i32.const 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 0))

;; Does [p, p+n) start with [q, q+m)?
  (func $starts (param $p i32) (param $n i32) (param $q i32) (param $m i32) (result i32)
    (if (i32.lt_u (local.get $n) (local.get $m)) (then (return (i32.const 0))))
    (call $eq (local.get $p) (local.get $m) (local.get $q) (local.get $m)))

  (func (export "wsn_on_event") (param $len i32) (result i32)
    (local $cmd i32) (local $cmd_len i32) (local $name i32) (local $name_len i32)
    ;; event.action == "exec"
    (if (i32.eqz (call $eq (call $str_ptr (i32.const 0)) (call $str_len (i32.const 0))
                           (i32.const 0x40) (i32.const 4)))
      (then (return (i32.const 0))))
    (local.set $cmd (call $str_ptr (i32.const 2)))
    (local.set $cmd_len (call $str_len (i32.const 2)))
    (if (i32.or (call $contains (local.get $cmd) (local.get $cmd_len) (i32.const 0x48) (i32.const 9))
                (call $contains (local.get $cmd) (local.get $cmd_len) (i32.const 0x58) (i32.const 9)))
      (then
        (call $emit_alert (i32.const 2) (i32.const 0x100) (i32.const 26) (i32.const 0x140) (i32.const 40))
        (return (i32.const 1))))
    (local.set $name (call $str_ptr (i32.const 1)))
    (local.set $name_len (call $str_len (i32.const 1)))
    (if (i32.and
          (i32.or (call $eq (local.get $name) (local.get $name_len) (i32.const 0x68) (i32.const 2))
                  (i32.or (call $eq (local.get $name) (local.get $name_len) (i32.const 0x70) (i32.const 4))
                          (call $eq (local.get $name) (local.get $name_len) (i32.const 0x78) (i32.const 6))))
          (i32.or (call $contains (local.get $cmd) (local.get $cmd_len) (i32.const 0x80) (i32.const 4))
                  (call $contains (local.get $cmd) (local.get $cmd_len) (i32.const 0x88) (i32.const 4))))
      (then
        (call $emit_alert (i32.const 2) (i32.const 0x100) (i32.const 26) (i32.const 0x180) (i32.const 39))
        (return (i32.const 1))))
    ;; interpreter one-liners: python*/php* or perl/ruby, "socket", and a way to attach a shell
    (if (i32.and
          (i32.and
            (i32.or (i32.or (call $starts (local.get $name) (local.get $name_len) (i32.const 0x240) (i32.const 6))
                            (call $starts (local.get $name) (local.get $name_len) (i32.const 0x248) (i32.const 3)))
                    (i32.or (call $eq (local.get $name) (local.get $name_len) (i32.const 0x250) (i32.const 4))
                            (call $eq (local.get $name) (local.get $name_len) (i32.const 0x258) (i32.const 4))))
            (call $contains (local.get $cmd) (local.get $cmd_len) (i32.const 0x200) (i32.const 6)))
          (i32.or (i32.or (call $contains (local.get $cmd) (local.get $cmd_len) (i32.const 0x208) (i32.const 4))
                          (call $contains (local.get $cmd) (local.get $cmd_len) (i32.const 0x210) (i32.const 9)))
                  (i32.or (call $contains (local.get $cmd) (local.get $cmd_len) (i32.const 0x220) (i32.const 10))
                          (call $contains (local.get $cmd) (local.get $cmd_len) (i32.const 0x230) (i32.const 9)))))
      (then
        (call $emit_alert (i32.const 2) (i32.const 0x100) (i32.const 26) (i32.const 0x1c0) (i32.const 21))
        (return (i32.const 1))))
    (i32.const 0)))
