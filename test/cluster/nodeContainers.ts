import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { testKubeconfigPath } from './testCluster';

/**
 * The containers and sandboxes containerd still holds for pods of a
 * namespace, on the test cluster's node (asked through `ctr`, by the CRI's
 * pod-namespace label): what a destroy must leave none of.
 */
export function nodeContainers(namespace: string, kubeconfig = testKubeconfigPath()): string[] {
  const slot = fs.readFileSync(path.join(path.dirname(kubeconfig), 'slot'), 'utf8').trim();
  const socket = `/run/backstage-previews/${slot}/containerd.sock`;
  const out = execFileSync(
    'ctr',
    ['--address', socket, '-n', 'k8s.io', 'containers', 'ls', '-q', `labels."io.kubernetes.pod.namespace"==${namespace}`],
    { encoding: 'utf8' },
  );
  return out.split('\n').filter(Boolean);
}
