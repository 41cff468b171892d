import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { testKubeconfigPath } from './testCluster';

/**
 * The containers and sandboxes containerd still holds for pods of a
 * namespace, on the test cluster's node (asked through `ctr`, by the CRI's
 * pod-namespace label): what a destroy must leave none of.
 */
export function nodeContainers(
  namespace: string,
  kubeconfig = testKubeconfigPath(),
): string[] {
  const out = ctr(
    kubeconfig,
    'containers',
    'ls',
    '-q',
    `labels."io.kubernetes.pod.namespace"==${namespace}`,
  );
  return out.split('\n').filter(Boolean);
}

/**
 * What containerd started each app container of a namespace with (its OCI
 * runtime spec), by container name: the uid, and whether it may gain
 * privileges. Sandboxes are left out.
 */
export function nodeContainerProcesses(
  namespace: string,
  kubeconfig = testKubeconfigPath(),
): Record<
  string,
  { uid: number; noNewPrivileges: boolean; capabilities: string[] }
> {
  const found: Record<
    string,
    { uid: number; noNewPrivileges: boolean; capabilities: string[] }
  > = {};
  for (const id of nodeContainers(namespace, kubeconfig)) {
    const info = JSON.parse(ctr(kubeconfig, 'containers', 'info', id));
    const name = info.Labels?.['io.kubernetes.container.name'];
    if (!name || info.Labels?.['io.cri-containerd.kind'] === 'sandbox')
      continue;
    const proc = info.Spec?.process ?? {};
    found[name] = {
      uid: proc.user?.uid,
      noNewPrivileges: Boolean(proc.noNewPrivileges),
      capabilities: proc.capabilities?.effective ?? [],
    };
  }
  return found;
}

function ctr(kubeconfig: string, ...args: string[]): string {
  const slot = fs
    .readFileSync(path.join(path.dirname(kubeconfig), 'slot'), 'utf8')
    .trim();
  const socket = `/run/backstage-previews/${slot}/containerd.sock`;
  return execFileSync('ctr', ['--address', socket, '-n', 'k8s.io', ...args], {
    encoding: 'utf8',
  });
}
