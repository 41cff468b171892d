#!/usr/bin/env bash
# Stops the test cluster started by start.sh in STATE_DIR (by PID files) and
# removes its etcd data and kubeconfig. Idempotent.
#
#   bash test/cluster/stop.sh [STATE_DIR]     (default: <repo>/test/.cluster)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$HERE/../.." && pwd)"
STATE_DIR="${1:-$REPO_ROOT/test/.cluster}"

log() { echo "[cluster] $(date +%H:%M:%S) $*"; }

if [[ ! -d "$STATE_DIR" ]]; then
  log "nothing to stop in $STATE_DIR"
  exit 0
fi

# expected command names, to avoid signalling a recycled PID
declare -A EXPECT=([node-agent]=node [kube-controller-manager]=kube-controller [kube-apiserver]=kube-apiserver [etcd]=etcd)

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

# reverse start order
for c in node-agent kube-controller-manager kube-apiserver etcd; do stop_one "$c"; done
rm -rf "$STATE_DIR/etcd"
rm -f "$STATE_DIR/kubeconfig" "$STATE_DIR/apiserver.port"
log "stopped ($STATE_DIR)"
