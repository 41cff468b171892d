#!/usr/bin/env bash
# `yarn bench` (and `npm run bench`): the benchmarks of docs/benchmarks.md on
# a real test cluster of their own. Not part of the tests. Takes ~25 minutes
# with the default 5-minute tracking windows (BENCH_TRACK_SECONDS).
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
ensure_node
ensure_deps
ensure_postgres
CLUSTER_DIR="$REPO_ROOT/test/.cluster-bench"
SCALE_DIR="$REPO_ROOT/test/.cluster-bench-scale"
trap 'bash "$REPO_ROOT/test/cluster/stop.sh" "$CLUSTER_DIR"; bash "$REPO_ROOT/test/cluster/stop.sh" "$SCALE_DIR"' EXIT
step "Starting a test cluster with a real node for the benchmarks"
bash "$REPO_ROOT/test/cluster/start.sh" "$CLUSTER_DIR"
# 1000 previews do not fit on one node (110 pods): the scale rows run on a
# control-plane-only cluster where their pods stay Pending.
step "Starting a control-plane-only cluster for the scale benchmarks (P3, P6)"
PREVIEWS_CLUSTER_NODE=none bash "$REPO_ROOT/test/cluster/start.sh" "$SCALE_DIR"
export PREVIEWS_TEST_KUBECONFIG="$CLUSTER_DIR/kubeconfig"
export PREVIEWS_BENCH_SCALE_KUBECONFIG="$SCALE_DIR/kubeconfig"
cd "$REPO_ROOT" && node --import tsx bench/run.ts
