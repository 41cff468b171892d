import fs from 'node:fs';
import path from 'node:path';

/** Root of the monorepo (this file lives in <repo>/test/cluster). */
export const repoRoot = path.resolve(__dirname, '..', '..');

/**
 * Path of the kubeconfig of the real test cluster: `PREVIEWS_TEST_KUBECONFIG`
 * if set, otherwise `<repo>/test/.cluster/kubeconfig` (written by start.sh).
 *
 * Throws when the file does not exist, so that tests needing the cluster fail
 * (rather than skip) when it is not running.
 */
export function testKubeconfigPath(): string {
  return existing(
    process.env.PREVIEWS_TEST_KUBECONFIG ||
      path.join(repoRoot, 'test', '.cluster', 'kubeconfig'),
    'test/.cluster',
  );
}

/**
 * The second test cluster, for multi-cluster tests:
 * `PREVIEWS_TEST_KUBECONFIG_2`, else `<repo>/test/.cluster2/kubeconfig`.
 */
export function secondTestKubeconfigPath(): string {
  return existing(
    process.env.PREVIEWS_TEST_KUBECONFIG_2 ||
      path.join(repoRoot, 'test', '.cluster2', 'kubeconfig'),
    'test/.cluster2',
  );
}

function existing(file: string, stateDir: string): string {
  if (!fs.existsSync(file)) {
    throw new Error(
      `the real test cluster is not running: start it with bash test/cluster/start.sh ${stateDir} (no kubeconfig at ${file})`,
    );
  }
  return file;
}
