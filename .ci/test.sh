#!/usr/bin/env bash
# `npm test`: every test, on a fresh machine too. Installs what is missing,
# starts the real test clusters (etcd, kube-apiserver, controller-manager,
# scheduler and a real node: containerd, kubelet, kube-proxy, registries,
# DNS, Ingress proxy) once for the run, then runs type checks, the import
# rules of docs/architecture.md, unit and integration
# tests (jest), and the browser test (Chromium). Stops the cluster at the end.
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
ensure_node
ensure_deps
ensure_apt /usr/bin/chromium chromium
ensure_postgres

export PREVIEWS_TEST_KUBECONFIG="$REPO_ROOT/test/.cluster/kubeconfig"
export PREVIEWS_TEST_KUBECONFIG_2="$REPO_ROOT/test/.cluster2/kubeconfig"
stop_clusters() {
  step "Stopping the test clusters"
  bash "$REPO_ROOT/test/cluster/stop.sh" "$REPO_ROOT/test/.cluster" || true
  bash "$REPO_ROOT/test/cluster/stop.sh" "$REPO_ROOT/test/.cluster2" || true
}
trap stop_clusters EXIT
step "Starting the real test cluster (first run builds Kubernetes from Debian's sources and the images: ~12 minutes)"
bash "$REPO_ROOT/test/cluster/start.sh" "$REPO_ROOT/test/.cluster"
step "Starting a second test cluster (for the multi-cluster tests)"
bash "$REPO_ROOT/test/cluster/start.sh" "$REPO_ROOT/test/.cluster2"

# preview URLs of the browser test go through the first cluster's reverse proxy
PREVIEWS_INGRESS_PORT="$(cat "$REPO_ROOT/test/.cluster/ingress.port")"
export PREVIEWS_INGRESS_PORT

cd "$REPO_ROOT"
step "Type check (tsc)"
yarn tsc
step "Import rules of docs/architecture.md (eslint)"
yarn lint:architecture
step "Lint of every package (backstage-cli repo lint)"
yarn lint
step "Formatting (prettier --check)"
yarn prettier:check
step "API reports match each package's public API (backstage-repo-tools api-reports --ci)"
yarn api-reports:check
step "Knip reports of unused dependencies and exports are current (backstage-repo-tools knip-reports --ci)"
yarn knip-reports:check
step "The generated OpenAPI files match schema/openapi.yaml"
yarn openapi:check

# Unit tests run in parallel. Tests that drive the real clusters run in two
# workers, except those that start clusters of their own (three or four
# nodes on two cores made waits of other tests fail by load alone, seen in
# clean-clone CI): those run first, one at a time, with nothing beside them.
OWN_CLUSTER_TESTS=('/test/src/security/faults\.test\.' '/test/src/clusterStart\.test\.' '/test/src/npmStart\.test\.')
CLUSTER_TESTS=('\.integration\.test\.' '/test/src/')
results_unit="$REPO_ROOT/test/.cluster/jest-unit.json"
results_own="$REPO_ROOT/test/.cluster/jest-own-cluster.json"
results_cluster="$REPO_ROOT/test/.cluster/jest-cluster.json"
rm -f "$results_unit" "$results_own" "$results_cluster"
jest_status=0
# client-node is ESM-only: jest needs VM modules for its dynamic import.
export NODE_OPTIONS="--experimental-vm-modules --no-warnings"
step "Unit tests (jest, in parallel)"
yarn backstage-cli repo test --watchAll=false --json --outputFile="$results_unit" \
  --testPathIgnorePatterns "${CLUSTER_TESTS[@]}" || jest_status=$?
step "Tests that start clusters of their own (jest, one at a time)"
yarn backstage-cli repo test --watchAll=false --json --outputFile="$results_own" \
  --runInBand --testPathPatterns "${OWN_CLUSTER_TESTS[@]}" || jest_status=$?
step "Integration tests on the test clusters (jest, two workers)"
yarn backstage-cli repo test --watchAll=false --json --outputFile="$results_cluster" \
  --testPathPatterns "${CLUSTER_TESTS[@]}" --testPathIgnorePatterns "${OWN_CLUSTER_TESTS[@]}" || jest_status=$?
unset NODE_OPTIONS

step "Building the app for the browser test"
yarn workspace app build

step "Browser test (Chromium, playwright-core)"
e2e_status=0
e2e_out="$REPO_ROOT/test/.cluster/e2e.out"
node --import tsx test/e2e/previews.e2e.ts | tee "$e2e_out" || e2e_status=$?

step "Adoption test: the packed plugins in a fresh create-app app, installed as the README says"
adoption_status=0
adoption_out="$REPO_ROOT/test/.cluster/adoption.out"
node --import tsx test/adoption/adoption.ts | tee "$adoption_out" || adoption_status=$?

# One closing line for everything that ran.
node -e '
  const fs = require("fs");
  const [e2e, adoption, ...jest] = process.argv.slice(1);
  let passed = 0, failed = 0;
  for (const [file, name] of [[e2e, "e2e"], [adoption, "adoption"]]) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    const m = new RegExp(name + ": (\\d+) passed, (\\d+) failed").exec(text) || [0, 0, 1];
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
  for (const file of jest) {
    // a jest run that wrote no results counts as one failure
    if (!fs.existsSync(file)) { failed++; continue; }
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    passed += r.numPassedTests;
    failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
  }
  console.log(`\n${passed} passed, ${failed} failed`);
' "$e2e_out" "$adoption_out" "$results_unit" "$results_own" "$results_cluster" || true

[ "$jest_status" -eq 0 ] && [ "$e2e_status" -eq 0 ] && [ "$adoption_status" -eq 0 ]
