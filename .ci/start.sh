#!/usr/bin/env bash
# `npm start`: the portal at http://localhost:3000 (backend :7007) with the
# embedded defaults: SQLite in memory, guest sign-in, and a local real
# Kubernetes test cluster (built once from Debian's sources, then cached).
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
ensure_node
ensure_deps

CLUSTER_DIR="$REPO_ROOT/.tools/portal-cluster"
# the port of the local cluster's reverse proxy (preview URLs)
export PREVIEWS_INGRESS_PORT="${PREVIEWS_INGRESS_PORT:-7080}"
step "Starting the local test cluster with a real node (first run builds Kubernetes and the images: ~12 minutes)"
bash "$REPO_ROOT/test/cluster/start.sh" "$CLUSTER_DIR"
trap 'step "Stopping the local test cluster"; bash "$REPO_ROOT/test/cluster/stop.sh" "$CLUSTER_DIR"' EXIT

export PREVIEWS_KUBECONFIG="$CLUSTER_DIR/kubeconfig"
step "Starting the portal: open http://localhost:3000 (Ctrl-C stops it and the cluster)"
cd "$REPO_ROOT" && yarn dev
