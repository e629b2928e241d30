#!/usr/bin/env python3
"""The running agent speaks the systemd notify protocol: `wasm-sentinel run` started as
systemd would start the unit (NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID) sends READY=1 once
live detection runs, WATCHDOG=1 at half the interval while it runs, STOPPING=1 at the end.
The live source is standard input here (no root or eBPF needed).
    agent_notify_test.py WASM_SENTINEL"""
import os
import socket
import subprocess
import sys
import tempfile
import time

binary = sys.argv[1]
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(0.2)
    config = os.path.join(tmp, "config.yml")
    with open(config, "w") as f:
        f.write("version: 1\nsources:\n  ebpf:\n    enabled: false\n  stdin:\n    enabled: true\n"
                "http:\n  enabled: false\nsinks:\n  sqlite:\n    enabled: false\n")
    env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC="200000")
    # WATCHDOG_PID must name the agent itself: exec through sh so the pid is known up front.
    proc = subprocess.Popen(["sh", "-c", 'WATCHDOG_PID=$$ exec "$0" "$@"', binary, "run", "-q",
                             "-c", config, "--duration", "5"],
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=env)
    messages = []
    started = time.time()
    deadline = started + 1.5
    while time.time() < deadline:
        try:
            messages.append(sock.recv(512).decode())
        except socket.timeout:
            pass
    proc.stdin.close()  # end of the only source: the run ends
    proc.wait(timeout=20)
    elapsed = time.time() - started
    err = proc.stderr.read().decode()
    while True:
        try:
            messages.append(sock.recv(512).decode())
        except socket.timeout:
            break
    assert proc.returncode == 0, (proc.returncode, err)
    assert messages, f"no notification at all; stderr: {err}"
    assert messages[0].startswith("READY=1"), messages
    pings = messages.count("WATCHDOG=1")
    # One at start, then one per 100 ms while it runs: never faster than that.
    assert 4 <= pings <= elapsed / 0.1 + 2, f"{pings} pings in {elapsed:.2f} s: {messages}"
    assert messages[-1] == "STOPPING=1", messages
    print(f"agent: READY=1, {pings} x WATCHDOG=1 in {elapsed:.2f} s (WATCHDOG_USEC=200000), "
          "STOPPING=1")
