#!/usr/bin/env python3
"""deploy/daemonset.yaml parses and gives the agent what it needs: host PID, the kernel
filesystems (bpffs, tracefs, debugfs, BTF), its state directory, and exactly the capabilities
the systemd unit grants (packaging/systemd/wasm-sentinel.service.in), nothing privileged.
    deploy_manifest_test.py MANIFEST UNIT_TEMPLATE"""
import re
import sys

try:
    import yaml
except ImportError:
    print("SKIP: python3-yaml not installed")
    sys.exit(0)

manifest, unit = sys.argv[1], sys.argv[2]
docs = [d for d in yaml.safe_load_all(open(manifest)) if d]
kinds = {d["kind"]: d for d in docs}
for k in ("Namespace", "ServiceAccount", "ConfigMap", "DaemonSet"):
    assert k in kinds, f"no {k} in {manifest}"

config = yaml.safe_load(kinds["ConfigMap"]["data"]["config.yml"])
assert config["version"] == 1 and config["sources"]["ebpf"]["enabled"] is True, config

pod = kinds["DaemonSet"]["spec"]["template"]["spec"]
assert pod["hostPID"] is True, "hostPID"
assert pod["hostNetwork"] is True, "hostNetwork (XDP, loopback metrics)"
(agent,) = pod["containers"]
sc = agent["securityContext"]
assert sc["privileged"] is False and sc["allowPrivilegeEscalation"] is False, sc
unit_caps = re.search(r"^CapabilityBoundingSet=(.*)$", open(unit).read(), re.M).group(1).split()
unit_caps = sorted(c[len("CAP_"):] for c in unit_caps)
assert sorted(sc["capabilities"]["add"]) == unit_caps, (sc["capabilities"]["add"], unit_caps)
assert sc["capabilities"]["drop"] == ["ALL"]

host_paths = {v["name"]: v["hostPath"]["path"] for v in pod["volumes"] if "hostPath" in v}
mounts = {m["name"]: m["mountPath"] for m in agent["volumeMounts"]}
for path in ("/sys/fs/bpf", "/sys/kernel/tracing", "/sys/kernel/debug", "/sys/kernel/btf",
             "/var/lib/wasm-sentinel"):
    names = [n for n, p in host_paths.items() if p == path]
    assert names, f"no hostPath volume for {path}"
    assert mounts.get(names[0]) == path, f"{path} not mounted at the same place"
assert mounts.get("config") == "/etc/wasm-sentinel"
assert agent["args"] == ["run", "--config", "/etc/wasm-sentinel/config.yml"], agent["args"]
assert agent["livenessProbe"]["httpGet"]["path"] == "/healthz"
env = {e["name"]: e["value"] for e in agent.get("env", [])}
cache = env.get("WSN_WASM_CACHE_DIR", "")
assert any(cache.startswith(m["mountPath"]) for m in agent["volumeMounts"]), \
    "the Wasm cache must be on a writable mount (read-only root file system)"
print(f"deploy manifest: {len(docs)} documents; host PID, bpffs, tracefs, debugfs, BTF, state;"
      f" capabilities = the unit's ({' '.join(unit_caps)})")
