import { ManagedObjectSet } from '@backstage-previews/plugin-previews-node';
import { K8s } from '../shared/loadKubeConfig';
import {
  INSTALLATION_LABEL,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  PREVIEW_ID_LABEL,
} from '../shared/labels';
import { TrackedCluster } from './trackedCluster';

/** Every namespace of these clusters managed by previews (from the watch cache when it is synced). */
export async function listManagedNamespaces(
  k8s: K8s,
  clusters: Iterable<TrackedCluster>,
): Promise<ManagedObjectSet[]> {
  const found: ManagedObjectSet[] = [];
  for (const cluster of clusters) {
    const namespaces = cluster.watch?.isSynced
      ? cluster.watch.managedNamespaces()
      : (
          await cluster.kc.makeApiClient(k8s.CoreV1Api).listNamespace({
            labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`,
          })
        ).items;
    for (const ns of namespaces) {
      if (!ns.metadata?.name) continue;
      const created = ns.metadata.creationTimestamp;
      found.push({
        name: ns.metadata.name,
        previewId: ns.metadata.labels?.[PREVIEW_ID_LABEL],
        installation: ns.metadata.labels?.[INSTALLATION_LABEL],
        cluster: cluster.name,
        createdAt: created ? new Date(created).toISOString() : undefined,
      });
    }
  }
  return found;
}
