#!/usr/bin/env bash
# An OCI container image of the agent, built without a container engine or registry: a
# Debian 12 rootfs made by mmdebstrap from Debian's packages (Essential + the .deb's Depends)
# plus the wasm-sentinel .deb, written as one layer of an OCI image layout.
#
#   scripts/build-image.sh [DEB] [OUT_DIR]
#     DEB      the package (default: built now with CPack from build/release)
#     OUT_DIR  default build/image; gets rootfs.tar, oci/ (the OCI image layout) and
#              wasm-sentinel-oci.tar (the same layout as one archive)
#   MIRROR=URL           Debian mirror (default http://deb.debian.org/debian; a local mirror
#                        or apt cache such as http://127.0.0.1:3142/debian works offline)
#   SOURCE_DATE_EPOCH=N  timestamps of the rootfs and image (default: the last commit), so the
#                        same inputs give the same image digest
#
# Load and run it (docs/operations.md "Container image and Kubernetes"):
#   skopeo copy oci-archive:build/image/wasm-sentinel-oci.tar containers-storage:wasm-sentinel:0.1.0
#   podman load -i build/image/wasm-sentinel-oci.tar
#   ctr -n k8s.io images import --index-name wasm-sentinel:0.1.0 build/image/wasm-sentinel-oci.tar
# Needs root (mmdebstrap's root mode) or unprivileged user namespaces, mmdebstrap and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
deb=${1:-}
out=$(realpath -m "${2:-build/image}")
mirror=${MIRROR:-http://deb.debian.org/debian}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
command -v mmdebstrap >/dev/null || { echo "build-image: mmdebstrap missing (apt-get install mmdebstrap)" >&2; exit 1; }
mkdir -p "$out"
if [ -z "$deb" ]; then
  [ -f build/release/CPackConfig.cmake ] || { echo "build-image: configure and build build/release first (scripts/main.sh)" >&2; exit 1; }
  cpack --config build/release/CPackConfig.cmake -B "$out/pkg" >/dev/null
  deb=$(ls "$out"/pkg/wasm-sentinel_*.deb)
fi
deb=$(realpath "$deb")
version=$(dpkg-deb -f "$deb" Version)
arch=$(dpkg-deb -f "$deb" Architecture)
echo "build-image: $(basename "$deb") on Debian 12 ($mirror)"

# The rootfs: Debian's Essential packages, the .deb's declared dependencies (by name, first of
# alternatives), then the .deb itself with dpkg (no apt, docs, man pages or locales kept).
deps=$(dpkg-deb -f "$deb" Depends | sed 's/([^)]*)//g; s/|[^,]*//g; s/ //g')
rm -f "$out/rootfs.tar"
mmdebstrap --variant=essential --quiet --architectures="$arch" \
  --include="$deps" \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --customize-hook="cp '$deb' \"\$1\"/tmp/wasm-sentinel.deb" \
  --customize-hook='chroot "$1" dpkg -i /tmp/wasm-sentinel.deb' \
  --customize-hook='rm -rf "$1"/tmp/wasm-sentinel.deb "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
  bookworm "$out/rootfs.tar" "$mirror"

# The OCI image layout (image-spec 1.0): one gzip layer, its config, a manifest, an index.
python3 - "$out" "$version" "$arch" <<'PY'
import gzip, hashlib, json, os, shutil, sys, tarfile
out, version, arch = sys.argv[1], sys.argv[2], sys.argv[3]
epoch = int(os.environ["SOURCE_DATE_EPOCH"])
oci = os.path.join(out, "oci")
shutil.rmtree(oci, ignore_errors=True)
blobs = os.path.join(oci, "blobs", "sha256")
os.makedirs(blobs)

def blob(data):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs, digest), "wb") as f:
        f.write(data)
    return {"digest": "sha256:" + digest, "size": len(data)}

raw = open(os.path.join(out, "rootfs.tar"), "rb").read()
diff_id = "sha256:" + hashlib.sha256(raw).hexdigest()
layer = blob(gzip.compress(raw, compresslevel=6, mtime=epoch))
created = __import__("datetime").datetime.utcfromtimestamp(epoch).strftime("%Y-%m-%dT%H:%M:%SZ")
config = {
    "created": created, "architecture": {"amd64": "amd64", "arm64": "arm64"}.get(arch, arch),
    "os": "linux",
    "config": {
        "Entrypoint": ["/usr/bin/wasm-sentinel"],
        "Cmd": ["run", "--config", "/etc/wasm-sentinel/config.yml"],
        "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "WSN_WASM_CACHE_DIR=/var/cache/wasm-sentinel/aot"],
        "WorkingDir": "/var/lib/wasm-sentinel",
        "StopSignal": "SIGTERM",
        "Labels": {"org.opencontainers.image.title": "wasm-sentinel",
                   "org.opencontainers.image.version": version,
                   "org.opencontainers.image.description":
                       "WasmSentinel runtime threat detection agent (Debian 12, from the .deb)"},
    },
    "rootfs": {"type": "layers", "diff_ids": [diff_id]},
    "history": [{"created": created, "created_by": "scripts/build-image.sh (mmdebstrap minbase + wasm-sentinel .deb)"}],
}
cfg = blob(json.dumps(config, sort_keys=True).encode())
manifest = {
    "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **cfg},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", **layer}],
}
man = blob(json.dumps(manifest, sort_keys=True).encode())
index = {"schemaVersion": 2, "manifests": [{
    "mediaType": "application/vnd.oci.image.manifest.v1+json", **man,
    "annotations": {"org.opencontainers.image.ref.name": version}}]}
json.dump(index, open(os.path.join(oci, "index.json"), "w"), sort_keys=True)
json.dump({"imageLayoutVersion": "1.0.0"}, open(os.path.join(oci, "oci-layout"), "w"))

# The same layout as one archive (oci-archive: for skopeo, podman load, ctr import).
def reset(ti):
    ti.uid = ti.gid = 0; ti.uname = ti.gname = ""; ti.mtime = epoch
    return ti
with tarfile.open(os.path.join(out, "wasm-sentinel-oci.tar"), "w", format=tarfile.PAX_FORMAT) as t:
    for name in ["oci-layout", "index.json", "blobs"]:
        t.add(os.path.join(oci, name), arcname=name, filter=reset)
print("build-image: image %s, manifest %s, layer %.1f MB" % (version, man["digest"], layer["size"] / 1e6))
PY
echo "build-image: OCI layout in $out/oci, archive $out/wasm-sentinel-oci.tar"
