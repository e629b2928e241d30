/* WasmSentinel's BPF object: every program the live collector can attach. The loader decides
 * which ones load and which syscalls are watched (interest pushdown); see ../bpf_loader.cpp. */
#include "common.bpf.h"
#include "dns.bpf.h"
#include "file.bpf.h"
#include "misc.bpf.h"
#include "net.bpf.h"
#include "privilege.bpf.h"
#include "process.bpf.h"
#include "syscall.bpf.h"

char LICENSE[] SEC("license") = "GPL";
