import { ClusterConnection, K8s } from '../shared/loadKubeConfig';
import { MANAGED_SELECTOR } from '../shared/labels';
import { SeedLogTails } from './seedLogTails';

/** Log tails of failed seed steps in one cluster, read from its pod log endpoint. */
export function clusterSeedLogTails(
  k8s: K8s,
  cluster: ClusterConnection,
): SeedLogTails {
  const core = cluster.kc.makeApiClient(k8s.CoreV1Api);
  return new SeedLogTails(
    (namespace, name, container, tailLines) =>
      core.readNamespacedPodLog({ namespace, name, container, tailLines }),
    // What the portal must never show of a failed step's log: the values of the preview's own Secrets.
    async namespace => {
      const secrets = await core.listNamespacedSecret({
        namespace,
        labelSelector: MANAGED_SELECTOR,
      });
      return secrets.items.flatMap(s =>
        Object.values(s.data ?? {}).map(v =>
          Buffer.from(v, 'base64').toString('utf8'),
        ),
      );
    },
  );
}
