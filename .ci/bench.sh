#!/usr/bin/env bash
# `yarn bench` (and `npm run bench`): the benchmarks of docs/benchmarks.md on
# a real test cluster of their own. Not part of the tests. Takes ~25 minutes
# with the default 5-minute tracking windows (BENCH_TRACK_SECONDS).
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
ensure_node
ensure_deps
ensure_postgres
CLUSTER_DIR="$REPO_ROOT/test/.cluster-bench"
step "Starting a test cluster for the benchmarks"
bash "$REPO_ROOT/test/cluster/start.sh" "$CLUSTER_DIR"
trap 'bash "$REPO_ROOT/test/cluster/stop.sh" "$CLUSTER_DIR"' EXIT
export PREVIEWS_TEST_KUBECONFIG="$CLUSTER_DIR/kubeconfig"
cd "$REPO_ROOT" && node --import tsx bench/run.ts
