#!/usr/bin/env bash
# Stops the test cluster started by start.sh in STATE_DIR (by PID files): the
# node first (kubelet, then every container and sandbox it left, their network
# namespaces and mounts, the bridge, the node address), then the control
# plane. Removes etcd data, containerd's images and the kubeconfig; keeps logs.
# Idempotent.
#
#   bash test/cluster/stop.sh [STATE_DIR]     (default: <repo>/test/.cluster)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$HERE/../.." && pwd)"
STATE_DIR="${1:-$REPO_ROOT/test/.cluster}"
RUN_DIR=/run/backstage-previews
PREVIEWS_CACHE="${PREVIEWS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/backstage-previews}"
BIN="$PREVIEWS_CACHE/kubernetes-1.20.2/bin"

log() { echo "[cluster] $(date +%H:%M:%S) $*"; }

if [[ ! -d "$STATE_DIR" ]]; then
  log "nothing to stop in $STATE_DIR"
  exit 0
fi
STATE_DIR="$(cd "$STATE_DIR" && pwd)"

# expected command names, to avoid signalling a recycled PID
declare -A EXPECT=([node-agent]=node [addons]=node [dns]=dnsmasq [kube-proxy]=kube-proxy [kube-scheduler]=kube-scheduler
  [kubelet]=kubelet [containerd]=containerd [registry-open]=registry [registry-private]=registry
  [kube-controller-manager]=kube-controller [kube-apiserver]=kube-apiserver [etcd]=etcd)

running() { # PID runs (a zombie waiting to be reaped does not count)
  local st
  st="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ -n "$st" && "$st" != Z ]]
}

stop_one() {
  local name="$1" f="$STATE_DIR/$1.pid" pid
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  local cmd=""
  [[ -n "$pid" ]] && cmd="$({ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null || true)"
  if [[ -n "$pid" && "$cmd" == *"${EXPECT[$name]}"* ]] && running "$pid"; then
    log "stopping $name (pid $pid)"
    # start.sh runs each component in its own session: signal its process group
    local target="$pid"
    [[ "$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')" == "$pid" ]] && target="-$pid"
    kill -TERM -- "$target" 2>/dev/null || true
    for _ in $(seq 1 50); do
      running "$pid" || break
      sleep 0.1
    done
    if running "$pid"; then
      log "$name did not stop after 5 s: killing"
      kill -KILL -- "$target" 2>/dev/null || true
      sleep 0.2
    fi
  fi
  rm -f "$f"
}

SLOT="$(cat "$STATE_DIR/slot" 2>/dev/null || true)"
# The node slot is torn down only by the cluster recorded as its owner: another
# cluster may hold that slot now (same sockets, bridge and node address).
SLOT_OWNER="$(cat "$RUN_DIR/${SLOT:-none}/owner" 2>/dev/null || true)"
if [[ -n "$SLOT" && -n "$SLOT_OWNER" && "$SLOT_OWNER" != "$STATE_DIR" ]]; then
  log "node slot $SLOT belongs to $SLOT_OWNER: leaving its node alone"
  SLOT=""
fi
NODE_RUN="$RUN_DIR/${SLOT:-none}"
SOCK="$NODE_RUN/containerd.sock"

# every container and sandbox of this node, while containerd still answers
remove_containers() {
  [[ -S "$SOCK" ]] || return 0
  local ids id
  ids="$(ctr --address "$SOCK" -n k8s.io tasks ls -q 2>/dev/null || true)"
  for id in $ids; do ctr --address "$SOCK" -n k8s.io tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true; done
  for id in $ids; do
    for _ in $(seq 1 20); do
      ctr --address "$SOCK" -n k8s.io tasks delete "$id" >/dev/null 2>&1 && break
      sleep 0.1
    done
  done
  for id in $(ctr --address "$SOCK" -n k8s.io containers ls -q 2>/dev/null || true); do
    ctr --address "$SOCK" -n k8s.io containers delete "$id" >/dev/null 2>&1 || true
  done
  [[ -n "$ids" ]] && log "removed $(echo "$ids" | wc -w) containers and sandboxes"
  return 0
}

for c in node-agent addons dns kube-proxy kubelet kube-scheduler; do stop_one "$c"; done
remove_containers
stop_one containerd
# shims outlive containerd: end those of this node
pkill -KILL -f "containerd-shim-runc-v2 .*-address $SOCK( |$)" 2>/dev/null || true
if [[ -n "$SLOT" ]]; then
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
    ip -n "$ns" -4 addr 2>/dev/null | grep -q "inet 10\.244\.$SLOT\." && ip netns delete "$ns" 2>/dev/null || true
  done
  ip link delete "prv$SLOT" 2>/dev/null || true
  # the addons' NetworkPolicy chain (they remove it themselves unless killed)
  while iptables -D FORWARD -d "10.244.$SLOT.0/24" -j "PREVIEWS-NETPOL-$SLOT" 2>/dev/null; do :; done
  iptables -F "PREVIEWS-NETPOL-$SLOT" 2>/dev/null || true
  iptables -X "PREVIEWS-NETPOL-$SLOT" 2>/dev/null || true
  ip addr delete "10.201.0.$SLOT/32" dev lo 2>/dev/null && log "removed node address 10.201.0.$SLOT" || true
  if [[ "$(cat "$RUN_DIR/kube-proxy.owner" 2>/dev/null)" == "$STATE_DIR" ]]; then
    [[ -x "$BIN/kube-proxy" ]] && "$BIN/kube-proxy" --cleanup >/dev/null 2>&1 || true
    rm -f "$RUN_DIR/kube-proxy.owner"
  fi
fi
# the node's mount namespace (its pod volumes and snapshots go with it)
if [[ -n "$SLOT" ]]; then
  umount -l "$NODE_RUN/ns/mnt" 2>/dev/null || true
  umount -l "$NODE_RUN/ns" 2>/dev/null || true
fi
# mounts under the state and run directories (pod volumes, snapshots), deepest first
for dir in "$STATE_DIR" "$NODE_RUN"; do
  awk -v d="$dir/" 'index($2, d) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
done
for c in registry-open registry-private kube-controller-manager kube-apiserver etcd; do stop_one "$c"; done
rm -rf "$STATE_DIR/etcd" "$STATE_DIR/containerd/root" "$STATE_DIR/kubelet/root" "$STATE_DIR/registry/open" "$STATE_DIR/registry/private" "$STATE_DIR/volumes"
[[ -n "$SLOT" ]] && rm -rf "$NODE_RUN"
rm -f "$STATE_DIR/kubeconfig" "$STATE_DIR/apiserver.port" "$STATE_DIR/slot"
log "stopped ($STATE_DIR)"
