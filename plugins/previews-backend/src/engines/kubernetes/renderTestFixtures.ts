import type { KubernetesObject } from '@kubernetes/client-node';
import { PreviewDeployment } from '@backstage-previews/plugin-previews-node';

// The previews the render tests render, and how they look objects up.

export const SHA = '0123456789abcdef0123456789abcdef01234567';

/** A two-workload preview: web (exposed) and a worker without a port. */
export const twoWorkloads: PreviewDeployment = {
  previewId: '0b5c7d2e-1111-4222-8333-944445555666',
  name: 'shop-feature-x-1a2b3c4d',
  entityRef: 'component:default/shop',
  branch: 'feature/X',
  sha: SHA,
  host: 'shop-feature-x-1a2b3c4d.previews.test',
  spec: {
    workloads: [
      {
        name: 'web',
        image: 'registry.local/shop:{branch}-{shortSha}',
        port: 8080,
        env: { B: '2', A: '1' },
        envFromSecrets: ['db'],
        readinessPath: '/healthz',
      },
      {
        name: 'worker',
        image: 'registry.local/worker:{sha}',
        command: ['node'],
        args: ['worker.js'],
        replicas: 2,
      },
    ],
    secrets: [
      { name: 'db', copyFrom: { namespace: 'shared', name: 'shop-db' } },
      { name: 'regcred', copyFrom: { namespace: 'shared', name: 'ghcr' } },
    ],
    imagePullSecrets: ['regcred'],
  },
};
export const copied = {
  db: { data: { PASSWORD: Buffer.from('s3cret').toString('base64') } },
  regcred: {
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': 'e30=' },
  },
};
export const oneWorkload: PreviewDeployment = {
  ...twoWorkloads,
  spec: { workloads: [{ name: 'app', image: 'nginx', port: 80 }] },
};

export const find = <T extends KubernetesObject>(
  objects: KubernetesObject[],
  kind: string,
  name: string,
) => objects.find(o => o.kind === kind && o.metadata?.name === name) as T;
export const summary = (objects: KubernetesObject[]) =>
  objects.map(o => `${o.kind}/${o.metadata?.name}`);
