import type { KubernetesObject } from '@kubernetes/client-node';
import { PreviewTarget } from '@backstage-previews/plugin-previews-node';
import { ClusterConnection, K8s } from '../shared/loadKubeConfig';
import { PREVIEW_ID_LABEL } from '../shared/labels';
import { statusCode } from './statusCode';

/** Kinds a redeploy may leave behind (everything rendered inside the namespace). */
const PRUNABLE_KINDS = [
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Secret' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  // Seed and migrate Jobs of older seed generations.
  { apiVersion: 'batch/v1', kind: 'Job' },
];

/** Deletes objects carrying this preview's id that the latest render no longer contains. */
export async function prunePreview(
  k8s: K8s,
  cluster: ClusterConnection,
  target: PreviewTarget,
  rendered: KubernetesObject[],
): Promise<void> {
  const keep = new Set(rendered.map(o => `${o.kind}/${o.metadata?.name}`));
  const objects = cluster.kc.makeApiClient(k8s.KubernetesObjectApi);
  const labelSelector = `${PREVIEW_ID_LABEL}=${target.previewId}`;
  for (const { apiVersion, kind } of PRUNABLE_KINDS) {
    const list = await objects.list(
      apiVersion,
      kind,
      target.name,
      undefined,
      undefined,
      undefined,
      undefined,
      labelSelector,
    );
    for (const o of list.items) {
      if (keep.has(`${kind}/${o.metadata?.name}`)) continue;
      try {
        // Background: a Job's pods go with it.
        await objects.delete(
          {
            apiVersion,
            kind,
            metadata: { name: o.metadata?.name, namespace: target.name },
          },
          undefined,
          undefined,
          undefined,
          undefined,
          'Background',
        );
      } catch (e) {
        if (statusCode(e) !== 404) throw e;
      }
    }
  }
}
