#!/usr/bin/env bash
# Builds the control plane (kube-apiserver, kube-controller-manager,
# kube-scheduler) and the node (kubelet, kube-proxy) v1.20.2 from Debian's
# `kubernetes` source package with Debian's Go 1.19 toolchain, plus the static
# pause binary from build/pause/linux/pause.c, and installs them into
# $PREVIEWS_CACHE/kubernetes-1.20.2/bin (outside the repo).
#
# Idempotent: does nothing when every binary is already in the cache.
# Needs root (or sudo) only when apt packages are missing.
set -euo pipefail

K8S_VERSION=1.20.2
PREVIEWS_CACHE="${PREVIEWS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/backstage-previews}"
DEST="$PREVIEWS_CACHE/kubernetes-$K8S_VERSION/bin"
GOROOT_DIR=/usr/lib/go-1.19

CMDS=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy)

log() { echo "[build] $(date +%H:%M:%S) $*"; }

all_built() {
  local c
  for c in "${CMDS[@]}" pause; do [[ -x "$DEST/$c" ]] || return 1; done
}

if all_built; then
  log "binaries already present in $DEST"
  exit 0
fi

mkdir -p "$PREVIEWS_CACHE"
if command -v flock >/dev/null; then
  # one build at a time; re-check once another build has finished
  exec 9>"$PREVIEWS_CACHE/.build.lock"
  if ! flock -n 9; then
    log "another build is running: waiting for it"
    flock 9
  fi
  if all_built; then
    log "binaries already present in $DEST"
    exit 0
  fi
fi

START=$(date +%s)
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

# --- 1. apt packages -------------------------------------------------------
PKGS=(golang-1.19-go golang-1.19-src golang-github-modern-go-reflect2-dev dpkg-dev etcd-server openssl xz-utils gcc libc6-dev)
MISSING=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    MISSING+=("$p")
  fi
done
if ((${#MISSING[@]})); then
  log "installing apt packages: ${MISSING[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${MISSING[@]}"
else
  log "apt packages present"
fi

# --- 2. source -------------------------------------------------------------
mkdir -p "$PREVIEWS_CACHE"
WORK="$(mktemp -d "$PREVIEWS_CACHE/k8s-build.XXXXXX")"
cleanup() { log "removing work dir $WORK"; chmod -R u+w "$WORK" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

APTDIR="$WORK/apt"
mkdir -p "$APTDIR/sources.d" "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"
# Private deb-src configuration derived from the machine's own apt sources, so
# that no mirror name is hard-coded and the system apt state is not touched.
n=0
shopt -s nullglob
for f in /etc/apt/sources.list.d/*.sources; do
  n=$((n + 1))
  sed -E 's/^Types:.*$/Types: deb-src/' "$f" >"$APTDIR/sources.d/src$n.sources"
done
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [[ -f "$f" ]] || continue
  n=$((n + 1))
  { grep -E '^[[:space:]]*deb[[:space:]]' "$f" || true; } | sed -E 's/^[[:space:]]*deb[[:space:]]/deb-src /' \
    >"$APTDIR/sources.d/src$n.list"
done
shopt -u nullglob
if ((n == 0)); then
  echo "[build] no apt sources found in /etc/apt" >&2
  exit 1
fi
APT_OPTS=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$APTDIR/sources.d"
  -o "Dir::State::Lists=$APTDIR/lists" -o "Dir::Cache=$APTDIR/cache" -o "APT::Sandbox::User=root")
log "apt-get update (private deb-src lists)"
if ! apt-get "${APT_OPTS[@]}" update -q >"$APTDIR/update.log" 2>&1; then
  log "warning: apt-get update reported errors (continuing):"
  grep -E '^(E|W):' "$APTDIR/update.log" | head -n 5 || true
fi
log "downloading source package kubernetes"
(cd "$WORK" && apt-get "${APT_OPTS[@]}" source --download-only -q kubernetes 2>&1 | grep -v '^W: Download is performed unsandboxed' | tail -n 3)
DSC=$(ls "$WORK"/kubernetes_*.dsc | head -n1)
log "source: $(basename "$DSC")"

export GOPATH="$WORK/gopath"
SRC="$GOPATH/src/k8s.io/kubernetes"
mkdir -p "$(dirname "$SRC")"
log "unpacking source"
dpkg-source --no-check -x "$DSC" "$SRC" >/dev/null
rm -f "$WORK"/kubernetes_*

# --- 3. patch: reflect2 1.0.1 does not work with Go >= 1.18 -----------------
R2=/usr/share/gocode/src/github.com/modern-go/reflect2
log "replacing vendored reflect2 with Debian's $(dpkg-query -W -f='${Version}' golang-github-modern-go-reflect2-dev)"
rm -rf "$SRC/vendor/github.com/modern-go/reflect2"
mkdir -p "$SRC/vendor/github.com/modern-go/reflect2"
find "$R2" -maxdepth 1 -type f -name '*.go' ! -name '*_test.go' -exec cp {} "$SRC/vendor/github.com/modern-go/reflect2/" \;
find "$R2" -maxdepth 1 -type f -name '*.s' -exec cp {} "$SRC/vendor/github.com/modern-go/reflect2/" \;

# --- 4. toolchain env ------------------------------------------------------
export GOROOT="$GOROOT_DIR"
export PATH="$GOROOT/bin:$GOPATH/bin:$PATH"
export GO111MODULE=off
export GOFLAGS=""
export CGO_ENABLED=0
# The Go build cache is kept between builds: a later build of one more command
# (or after a change of this recipe) reuses the compiled packages.
export GOCACHE="$PREVIEWS_CACHE/gocache"
unset GOBIN
cd "$SRC"
log "go: $(go version)"

# --- 5. openapi generation (pkg/generated/openapi) -------------------------
log "building openapi-gen"
go build -o "$WORK/openapi-gen" ./vendor/k8s.io/kube-openapi/cmd/openapi-gen
log "collecting packages tagged +k8s:openapi-gen="
# Same selection as Makefile.generated_files: every Go dir of the tree (staging
# dirs named as their vendor/ aliases), excluding the real vendor/ tree, the
# code-generator and the sample-apiserver.
OPENAPI_DIRS=$(
  find -H . \( -path ./_\* -o -path ./.\* -o -path ./vendor -o -path ./debian \) -prune -o -type f -name '*.go' -print |
    sed -e 's|^\./||' -e 's|^staging/src/|vendor/|' -e 's|/[^/]*$||' | LC_ALL=C sort -u |
    while read -r d; do
      real="$d"
      [[ "$d" == vendor/* ]] && real="staging/src/${d#vendor/}"
      tagged=$(grep -l -s '^// *+k8s:' "$real"/*.go 2>/dev/null | xargs -r grep -l '+k8s:openapi-gen=' 2>/dev/null || true)
      if [[ -n "$tagged" ]]; then echo "$d"; fi
    done | grep -v -E '^vendor/k8s.io/(code-generator|sample-apiserver)/'
)
NDIRS=$(echo "$OPENAPI_DIRS" | wc -l)
log "generating openapi for $NDIRS packages"
INPUTS=$(echo "$OPENAPI_DIRS" | sed 's|^|k8s.io/kubernetes/|' | paste -sd, -)
"$WORK/openapi-gen" \
  --logtostderr \
  -i "$INPUTS" \
  -p k8s.io/kubernetes/pkg/generated/openapi \
  -O zz_generated.openapi \
  -h vendor/k8s.io/code-generator/hack/boilerplate.go.txt \
  -r "$WORK/openapi-violations.report" \
  --output-base "$GOPATH/src" 2>&1 | grep -v -i 'api rule violation' | tail -n 5 || true
if [[ ! -s pkg/generated/openapi/zz_generated.openapi.go ]]; then
  echo "[build] openapi generation failed" >&2
  exit 1
fi
log "openapi: $(wc -l <pkg/generated/openapi/zz_generated.openapi.go) lines"

# --- 6. build --------------------------------------------------------------
VPKG=k8s.io/kubernetes/vendor/k8s.io/component-base/version
LDFLAGS="-s -w -X $VPKG.gitVersion=v$K8S_VERSION -X $VPKG.gitMajor=1 -X $VPKG.gitMinor=20 -X $VPKG.gitTreeState=clean -X $VPKG.buildDate=1970-01-01T00:00:00Z"
mkdir -p "$WORK/bin" "$DEST"
install_bin() { # NAME: atomically into the cache, so a killed build leaves no half binary
  cp "$WORK/bin/$1" "$DEST/$1.tmp"
  chmod 755 "$DEST/$1.tmp"
  mv -f "$DEST/$1.tmp" "$DEST/$1"
}
for cmd in "${CMDS[@]}"; do
  [[ -x "$DEST/$cmd" ]] && continue
  log "go build ./cmd/$cmd (several minutes)"
  t0=$(date +%s)
  go build -trimpath -ldflags "$LDFLAGS" -o "$WORK/bin/$cmd" "./cmd/$cmd"
  log "built $cmd in $(($(date +%s) - t0)) s"
  install_bin "$cmd"
done
"$DEST/kube-apiserver" --version

# --- 7. the pause binary (the sandbox image's only file) ------------------
if [[ ! -x "$DEST/pause" ]]; then
  log "compiling build/pause/linux/pause.c (gcc -static)"
  gcc -Os -static -DVERSION="v$K8S_VERSION" -o "$WORK/bin/pause" build/pause/linux/pause.c
  strip "$WORK/bin/pause" || true
  install_bin pause
fi
cd /
log "done in $(($(date +%s) - START)) s: $DEST"
