#!/usr/bin/env bash
# Builds the test cluster's container images offline, from this machine's
# Debian packages and the demo app's source, as OCI layouts (umoci) in
# $PREVIEWS_CACHE/images/<recipe hash>/. Rebuilds only when the recipe (this
# file, the files under images/, the package versions) changes.
#
#   bash test/cluster/images.sh        prints the layout directory
#
# Images (name:tag inside each layout):
#   pause:3.4.1     the sandbox image: the static pause binary built by build.sh
#   demo:1          the demo app (images/demo/main.go) with busybox
#   postgres:15     Debian's postgresql-15 with an entrypoint that follows the
#                   official image's contract (images/postgres-entrypoint.sh)
#   seeded-postgres:1  postgres:15 with examples/seed/orders.sql in
#                   /docker-entrypoint-initdb.d (a pre-seeded database image)
#   redis:7         Debian's redis-server (7.0)
#   curl:1          Debian's curl with busybox (the seed download step)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PREVIEWS_CACHE="${PREVIEWS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/backstage-previews}"
BIN="$PREVIEWS_CACHE/kubernetes-1.20.2/bin"
PKGS=(busybox-static postgresql-15 redis-server curl umoci golang-1.19-go golang-github-lib-pq-dev)
log() { echo "[images] $(date +%H:%M:%S) $*" >&2; }

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing Debian packages: ${missing[*]}"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  # a new postgresql-15 creates a cluster of its own: the images need only the binaries
fi
[[ -x "$BIN/pause" ]] || { log "no pause binary in $BIN (run build.sh)"; exit 1; }

recipe="$(
  {
    cat "${BASH_SOURCE[0]}"
    find "$HERE/images" "$HERE/../../examples/seed" -type f | LC_ALL=C sort | xargs cat
    dpkg-query -W -f='${Package} ${Version}\n' "${PKGS[@]}"
    sha256sum "$BIN/pause"
  } | sha256sum | cut -c1-16
)"
OUT="$PREVIEWS_CACHE/images/$recipe"
if [[ -f "$OUT/.done" ]]; then
  echo "$OUT"
  exit 0
fi
mkdir -p "$PREVIEWS_CACHE/images"
exec 8>"$PREVIEWS_CACHE/images/.lock"
flock 8
if [[ -f "$OUT/.done" ]]; then
  echo "$OUT"
  exit 0
fi
T0=$(date +%s)
rm -rf "$OUT"
WORK="$(mktemp -d "$PREVIEWS_CACHE/images/work.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"
umoci init --layout "$OUT/oci"

# copy FILE... into ROOT with the shared libraries they load (and the loader)
add_with_libs() {
  local root="$1" f lib
  shift
  for f in "$@"; do
    mkdir -p "$root$(dirname "$f")"
    cp -a "$f" "$root$f"
    if [[ -L "$f" ]]; then cp -a "$(readlink -f "$f")" "$root$(readlink -f "$f")" 2>/dev/null || true; fi
    ldd "$f" 2>/dev/null | grep -oE '/[^ ]+' | while read -r lib; do
      [[ -e "$root$lib" ]] && continue
      mkdir -p "$root$(dirname "$lib")"
      cp -aL "$lib" "$root$lib"
    done || true
  done
}

# a root file system with busybox as /bin/sh and friends, root and a user 999
base_rootfs() {
  local root="$1"
  mkdir -p "$root"/{bin,etc,tmp,usr/bin,usr/local/bin,var/run,root}
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  local applet
  for applet in $(/bin/busybox --list); do
    [[ -e "$root/bin/$applet" ]] || ln -s busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\npostgres:x:999:999:postgres:/var/lib/postgresql:/bin/sh\nredis:x:999:999:redis:/data:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\npostgres:x:999:\nredis:x:999:\n' >"$root/etc/group"
  printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
}

# image NAME:TAG ROOTFS_FN CONFIG_ARGS...: builds the layout entry from a function that fills rootfs
image() {
  local ref="$1" fill="$2"
  shift 2
  log "building $ref"
  local bundle="$WORK/bundle-${ref%%:*}"
  umoci new --image "$OUT/oci:$ref"
  umoci unpack --image "$OUT/oci:$ref" "$bundle" >/dev/null
  "$fill" "$bundle/rootfs"
  umoci repack --image "$OUT/oci:$ref" "$bundle" >/dev/null
  umoci config --image "$OUT/oci:$ref" --config.env PATH=/usr/local/bin:/usr/bin:/bin "$@"
  rm -rf "$bundle"
}

fill_pause() { cp "$BIN/pause" "$1/pause"; }
image pause:3.4.1 fill_pause --config.entrypoint /pause

build_demo() {
  local gopath="$WORK/demo-gopath"
  mkdir -p "$gopath/src/demo"
  cp "$HERE/images/demo/main.go" "$gopath/src/demo/"
  (cd "$gopath/src/demo" && GOPATH="$gopath:/usr/share/gocode" GO111MODULE=off CGO_ENABLED=0 \
    GOCACHE="$PREVIEWS_CACHE/gocache" GOFLAGS= /usr/lib/go-1.19/bin/go build -trimpath -ldflags '-s -w' -o "$WORK/demo" .)
}
build_demo
fill_demo() {
  base_rootfs "$1"
  cp "$WORK/demo" "$1/usr/bin/demo"
}
# a numeric non-root user, as a Pod Security restricted namespace requires
image demo:1 fill_demo --config.entrypoint /usr/bin/demo --config.cmd serve --config.user 10001:10001

fill_postgres() {
  local root="$1" pg=/usr/lib/postgresql/15
  base_rootfs "$root"
  add_with_libs "$root" "$pg"/bin/* "$pg"/lib/*.so
  mkdir -p "$root/usr/share/postgresql" "$root/usr/share/zoneinfo"
  cp -a /usr/share/postgresql/15 "$root/usr/share/postgresql/"
  cp -a /usr/share/zoneinfo/. "$root/usr/share/zoneinfo/"
  [[ -d /usr/lib/locale/C.utf8 ]] && { mkdir -p "$root/usr/lib/locale"; cp -a /usr/lib/locale/C.utf8 "$root/usr/lib/locale/"; }
  install -m 755 "$HERE/images/postgres-entrypoint.sh" "$root/usr/local/bin/docker-entrypoint.sh"
  mkdir -p "$root/var/lib/postgresql/data" "$root/docker-entrypoint-initdb.d" "$root/var/run/postgresql"
  chown -R 999:999 "$root/var/lib/postgresql" "$root/var/run/postgresql"
}
image postgres:15 fill_postgres --config.entrypoint /usr/local/bin/docker-entrypoint.sh --config.cmd postgres \
  --config.env PATH=/usr/lib/postgresql/15/bin:/usr/local/bin:/usr/bin:/bin \
  --config.env PGDATA=/var/lib/postgresql/data --config.user 999:999

fill_seeded_postgres() {
  fill_postgres "$1"
  cp "$HERE/../../examples/seed/orders.sql" "$1/docker-entrypoint-initdb.d/orders.sql"
}
image seeded-postgres:1 fill_seeded_postgres --config.entrypoint /usr/local/bin/docker-entrypoint.sh --config.cmd postgres \
  --config.env PATH=/usr/lib/postgresql/15/bin:/usr/local/bin:/usr/bin:/bin \
  --config.env PGDATA=/var/lib/postgresql/data --config.user 999:999

fill_redis() {
  base_rootfs "$1"
  add_with_libs "$1" /usr/bin/redis-server
  mkdir -p "$1/data"
  chown 999:999 "$1/data"
}
image redis:7 fill_redis --config.cmd redis-server --config.workingdir /data --config.user 999:999

fill_curl() {
  base_rootfs "$1"
  add_with_libs "$1" /usr/bin/curl
  mkdir -p "$1/etc/ssl/certs"
  [[ -f /etc/ssl/certs/ca-certificates.crt ]] && cp /etc/ssl/certs/ca-certificates.crt "$1/etc/ssl/certs/"
  echo 'curl_user:x:100:101:curl:/home/curl_user:/bin/sh' >>"$1/etc/passwd"
  echo 'curl_group:x:101:' >>"$1/etc/group"
}
# a user by name, as curlimages/curl (the product's default seed download image)
# declares it: the kubelet admits it under runAsNonRoot only with a numeric runAsUser
image curl:1 fill_curl --config.entrypoint /usr/bin/curl --config.user curl_user

umoci gc --layout "$OUT/oci"
touch "$OUT/.done"
log "built in $(($(date +%s) - T0)) s: $OUT ($(du -sh "$OUT" | cut -f1))"
# older recipes' images are no longer needed
find "$PREVIEWS_CACHE/images" -mindepth 1 -maxdepth 1 -type d ! -path "$OUT" -name '????????????????' -exec rm -rf {} +
echo "$OUT"
