;; Grows memory one page at a time until memory.grow fails, then returns the page count it
;; reached, and tries one huge grow. Memory has no declared maximum: the host's cap applies.
(module
  (memory (export "memory") 1)
  (func (export "wsn_abi_v1"))
  (func (export "wsn_event_buffer") (result i32) (i32.const 1024))
  (func (export "wsn_event_buffer_size") (result i32) (i32.const 8192))
  (func (export "wsn_on_event") (param i32) (result i32)
    (drop (memory.grow (i32.const 65535)))
    (block $done
      (loop $more
        (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (br $more)))
    (memory.size)))
